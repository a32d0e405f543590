package io.panamap.bench.result;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Saves raw histograms as HdrHistogram percentile distributions ({@code .hgrm}, values in nanoseconds), which
 * anyone can re-plot, e.g. with HdrHistogram's plotter, and a recording's intervals as HdrHistogram interval logs
 * ({@code .hlog}, written by {@code HistogramLogWriter}: wall-clock time stamps, the log's start and base time at
 * its first timed interval), which HdrHistogram's {@code HistogramLogReader} and log processor read back.
 */
public final class HistogramFiles {

    /**
     * The start time stamp of a histogram nobody has timed: HdrHistogram's initial value. Its end time stamp is
     * 0, so writing it as it is would give an interval that ends 292 million years before it starts.
     */
    private static final long NOT_TIMED = Long.MAX_VALUE;

    private HistogramFiles() {
    }

    /** Writes {@code histogram} to {@code folder/stem.hgrm}, creating the folder if needed; returns the file. */
    public static Path write(final Path folder, final String stem, final Histogram histogram) throws IOException {
        Files.createDirectories(folder);
        final Path file = folder.resolve(stem + ".hgrm");
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            histogram.outputPercentileDistribution(out, 1.0);
        }
        return file;
    }

    /**
     * Writes {@code intervals} to {@code folder/stem.hlog} in HdrHistogram's interval log format, which
     * {@link #readLog} and HdrHistogram's own tools read back, replacing any file there. The log starts when the
     * first interval with time stamps does (epoch milliseconds, as {@code IntervalRecorder} sets them), and
     * interval times are relative to that start. A histogram that was never timed (a whole-phase one, such as
     * the noise floor's) is written as an interval of no length at the log's start, and a log that holds only
     * such histograms has no start time.
     */
    public static Path writeLog(final Path folder, final String stem, final List<Histogram> intervals)
            throws IOException {
        Files.createDirectories(folder);
        final Path file = folder.resolve(stem + ".hlog");
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            final HistogramLogWriter writer = new HistogramLogWriter(out);
            final OptionalLong start = intervals.stream().mapToLong(Histogram::getStartTimeStamp)
                    .filter(stamp -> stamp != NOT_TIMED).findFirst();
            writer.outputLogFormatVersion();
            if (start.isPresent()) {
                writer.outputStartTime(start.getAsLong());
                writer.setBaseTime(start.getAsLong());
            }
            writer.outputLegend();
            for (final Histogram interval : intervals) {
                if (interval.getStartTimeStamp() == NOT_TIMED) {
                    writer.outputIntervalHistogram(0.0, 0.0, interval);
                } else {
                    writer.outputIntervalHistogram(interval);
                }
            }
        }
        return file;
    }

    /** The sum of every interval in the log {@code file} (see {@link #writeLog}). */
    public static Histogram readLog(final Path file) throws IOException {
        final Histogram total = new Histogram(3);
        try (HistogramLogReader reader = new HistogramLogReader(file.toFile())) {
            while (reader.hasNext()) {
                total.add((Histogram) reader.nextIntervalHistogram());
            }
        }
        return total;
    }
}
