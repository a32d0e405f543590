package io.panamap.bench.result;

import io.panamap.bench.workload.LatencyHistograms;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The percentile distribution files and interval logs the harness leaves next to its report. */
class HistogramFilesTest {

    /** 1,000 latencies of 1..1,000 us, in ns, in the project's one histogram shape. */
    private static Histogram knownLatencies() {
        final Histogram histogram = LatencyHistograms.create();
        for (long micros = 1; micros <= 1_000; micros++) {
            LatencyHistograms.record(histogram, micros * 1_000);
        }
        return histogram;
    }

    @Test
    void aPercentileDistributionShouldBeWrittenInHdrHistogramsFormatExactlyAsTheFixture(@TempDir final Path dir)
            throws IOException {
        final Path file = HistogramFiles.write(dir, "grow-panamap-run1-put", knownLatencies());
        assertEquals(dir.resolve("grow-panamap-run1-put.hgrm"), file);
        final String fixture;
        try (InputStream in = HistogramFilesTest.class.getResourceAsStream("known-latencies.hgrm")) {
            fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(fixture, Files.readString(file));
    }

    @Test
    void theFileShouldCarryTheColumnsAndTotalsPlottersRead(@TempDir final Path dir) throws IOException {
        final String text = Files.readString(HistogramFiles.write(dir, "x", knownLatencies()));
        assertTrue(text.contains("Value     Percentile TotalCount 1/(1-Percentile)"), text);
        assertTrue(text.contains("#[Max     =  1000447.000, Total count    =         1000]"), text);
        assertTrue(text.lines().anyMatch(line -> line.matches("\\s+500223\\.000 0\\.500000000000\\s+500 .*")), text);
    }

    @Test
    void bothFilesShouldCreateTheFolderTheyAreWrittenTo(@TempDir final Path dir) throws IOException {
        // A child started by hand with --histogram-dir gets its folder made, as the bench runner makes its own.
        final Path folder = dir.resolve("results").resolve("histograms");
        final Path hgrm = HistogramFiles.write(folder, "grow-panamap-run1-put", knownLatencies());
        final Path hlog = HistogramFiles.writeLog(folder.resolve("logs"), "grow-panamap-run1-put",
                List.of(knownLatencies()));

        assertEquals(folder.resolve("grow-panamap-run1-put.hgrm"), hgrm);
        assertTrue(Files.readString(hgrm).contains("Total count    =         1000"));
        assertEquals(1_000, HistogramFiles.readLog(hlog).getTotalCount());
    }

    @Test
    void aMaximumBeyondTheTrackableRangeShouldBeClampedNotLost() {
        final Histogram histogram = LatencyHistograms.create();
        LatencyHistograms.record(histogram, Long.MAX_VALUE);
        assertEquals(1, histogram.getTotalCount());
        assertTrue(histogram.getMaxValue() >= LatencyHistograms.HIGHEST_NANOS);
    }

    /** Three one-second intervals of a pass that started at {@code startMillis}, the last cut short at 0.4 s. */
    private static List<Histogram> threeIntervals(final long startMillis) {
        final List<Histogram> intervals = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            final Histogram interval = LatencyHistograms.create();
            for (long micros = 1; micros <= 100 * (i + 1); micros++) {
                LatencyHistograms.record(interval, micros * 1_000 * (i + 1));
            }
            interval.setStartTimeStamp(startMillis + i * 1_000L);
            interval.setEndTimeStamp(startMillis + Math.min(i * 1_000L + 1_000, 2_400));
            intervals.add(interval);
        }
        return intervals;
    }

    @Test
    void anIntervalLogShouldReadBackInHdrHistogramsOwnReaderWithEveryIntervalAndItsTimeStamps(@TempDir final Path dir)
            throws IOException {
        final long startMillis = 1_795_000_000_123L;
        final List<Histogram> written = threeIntervals(startMillis);
        final Path file = HistogramFiles.writeLog(dir, "grow-panamap-run1-put", written);
        assertEquals(dir.resolve("grow-panamap-run1-put.hlog"), file);

        try (HistogramLogReader reader = new HistogramLogReader(file.toFile())) {
            for (final Histogram expected : written) {
                final Histogram back = (Histogram) reader.nextIntervalHistogram();
                // Same counts at the same values: nanoseconds in, nanoseconds out, nothing rescaled.
                assertEquals(expected, back);
                assertEquals(expected.getMaxValue(), back.getMaxValue());
                assertEquals(expected.getStartTimeStamp(), back.getStartTimeStamp(), "when the interval began");
                assertEquals(expected.getEndTimeStamp(), back.getEndTimeStamp(), "when it ended");
            }
            assertFalse(reader.hasNext());
            // The log's start is the pass's, so a plotter's time axis begins at 0 with the first interval.
            assertEquals(startMillis / 1_000.0, reader.getStartTimeSec(), 1e-6);
        }
    }

    @Test
    void writingALogAgainShouldReplaceItNotAppendToIt(@TempDir final Path dir) throws IOException {
        // The child saves a recording's total first and its intervals after, under one name: a chart that read
        // both would count every latency twice.
        HistogramFiles.writeLog(dir, "x", List.of(knownLatencies()));
        final List<Histogram> intervals = threeIntervals(1_795_000_000_000L);
        final Path file = HistogramFiles.writeLog(dir, "x", intervals);

        final long recorded = intervals.stream().mapToLong(Histogram::getTotalCount).sum();
        assertEquals(recorded, HistogramFiles.readLog(file).getTotalCount());
    }

    @Test
    void aHistogramThatWasNeverTimedShouldBeLoggedAsAnIntervalOfNoLengthNotOneEndingBeforeItStarts(
            @TempDir final Path dir) throws IOException {
        // A whole-phase histogram (the noise floor, one thread's total) has no time stamps: HdrHistogram marks
        // its start as Long.MAX_VALUE and its end as 0. Written as they are, the log would start in the year
        // 292,278,994 with an interval of minus 292 million years, which HdrHistogram's tools print as such.
        final Histogram untimed = knownLatencies();
        final Path file = HistogramFiles.writeLog(dir, "grow-panamap-run1-noise", List.of(untimed));

        try (HistogramLogReader reader = new HistogramLogReader(file.toFile())) {
            final Histogram back = (Histogram) reader.nextIntervalHistogram();
            assertEquals(untimed, back);
            assertEquals(back.getStartTimeStamp(), back.getEndTimeStamp(), "an interval of no length");
            assertTrue(reader.getStartTimeSec() * 1_000 <= System.currentTimeMillis(),
                    "no start in the future: " + reader.getStartTimeSec());
        }
        assertFalse(Files.readString(file).lines().anyMatch(line -> line.matches("[0-9.]+,-.*")),
                "no interval of negative length");
        assertEquals(Long.MAX_VALUE, untimed.getStartTimeStamp(), "the caller's histogram is left as it was");
    }
}
