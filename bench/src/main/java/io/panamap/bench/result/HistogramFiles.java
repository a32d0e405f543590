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

/**
 * Saves raw histograms as HdrHistogram percentile distributions ({@code .hgrm}, values in nanoseconds), which
 * anyone can re-plot, e.g. with HdrHistogram's plotter.
 */
public final class HistogramFiles {

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
     * Writes {@code intervals} (each with its start and end time stamps set) to {@code folder/stem.hlog} in
     * HdrHistogram's interval log format, which {@link #readLog} and HdrHistogram's own tools read back.
     */
    public static Path writeLog(final Path folder, final String stem, final List<Histogram> intervals)
            throws IOException {
        Files.createDirectories(folder);
        final Path file = folder.resolve(stem + ".hlog");
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            final HistogramLogWriter writer = new HistogramLogWriter(out);
            final long start = intervals.isEmpty() ? 0 : intervals.getFirst().getStartTimeStamp();
            writer.outputLogFormatVersion();
            writer.outputStartTime(start);
            writer.setBaseTime(start);
            writer.outputLegend();
            for (final Histogram interval : intervals) {
                writer.outputIntervalHistogram(interval);
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
