package io.panamap.bench.result;

import io.panamap.bench.workload.LatencyHistograms;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The percentile distribution files the harness leaves next to its report, locked by a fixture. */
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
    void aMaximumBeyondTheTrackableRangeShouldBeClampedNotLost() {
        final Histogram histogram = LatencyHistograms.create();
        LatencyHistograms.record(histogram, Long.MAX_VALUE);
        assertEquals(1, histogram.getTotalCount());
        assertTrue(histogram.getMaxValue() >= LatencyHistograms.HIGHEST_NANOS);
    }
}
