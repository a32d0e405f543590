package io.panamap.bench;

import io.panamap.bench.report.Report;
import io.panamap.bench.result.HistogramFiles;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultChartsTest {

    /** Writes a one-interval log of {@code count} latencies of {@code nanos} as the child would. */
    private static void log(final Path dir, final String stem, final long nanos, final int count) throws IOException {
        final Histogram histogram = new Histogram(3);
        histogram.recordValueWithCount(nanos, count);
        histogram.setStartTimeStamp(1_000);
        histogram.setEndTimeStamp(2_000);
        HistogramFiles.writeLog(dir, stem, List.of(histogram));
    }

    /** The merged log of all threads makes the line; each thread's own log is there for re-plotting only. */
    @Test
    void aMixedMtChartShouldDrawTheMergedLogsNotThePerThreadOnes(@TempDir final Path dir) throws IOException {
        log(dir, "mixed-mt-panamap-sharded-run1-op", 300, 20);
        log(dir, "mixed-mt-panamap-sharded-run1-op-thread1", 300, 10);
        log(dir, "mixed-mt-panamap-sharded-run1-op-thread2", 300, 10);
        log(dir, "mixed-mt-panamap-sharded-run1-noise", 40, 100);
        log(dir, "mixed-mt-concurrenthashmap-run1-op", 500, 20);

        final LinkedHashMap<String, Histogram> series = ResultCharts.series(dir, "mixed-mt",
                List.of("panamap-sharded", "concurrenthashmap"));
        assertEquals(List.of("panamap-sharded", "concurrenthashmap", ResultCharts.NOISE_SERIES),
                List.copyOf(series.keySet()));
        assertEquals(20, series.get("panamap-sharded").getTotalCount(), "the merged log only");
        final List<Report.Chart> charts = ResultCharts.write(dir, List.of("mixed-mt"),
                List.of("panamap-sharded", "concurrenthashmap"));
        assertEquals(List.of("mixed-mt.png"), charts.stream().map(Report.Chart::file).toList());
        assertTrue(charts.getFirst().title().startsWith("mixed-mt: latency of every operation, all threads merged"),
                charts.getFirst().title());
    }

    @Test
    void longAndStringRunsOfOneWorkloadShouldEachGetTheirOwnChartFromTheirOwnLogs(@TempDir final Path dir)
            throws IOException {
        log(dir, "grow-panamap-run1-put", 200, 10);
        log(dir, "grow-panamap-run2-put", 200, 5);
        log(dir, "grow-panamap-run1-noise", 30, 100);
        log(dir, "grow-str-panamap-run1-put", 400, 7);
        log(dir, "grow-str-panamap-run1-noise", 30, 50);
        log(dir, "grow-str-hashmap-run1-put", 300, 3);

        final LinkedHashMap<String, Histogram> grow = ResultCharts.series(dir, "grow", List.of("panamap", "hashmap"));
        assertEquals(List.of("panamap", ResultCharts.NOISE_SERIES), List.copyOf(grow.keySet()));
        assertEquals(15, grow.get("panamap").getTotalCount(), "both long runs, no string run");
        assertEquals(100, grow.get(ResultCharts.NOISE_SERIES).getTotalCount());

        final LinkedHashMap<String, Histogram> growStr = ResultCharts.series(dir, "grow-str",
                List.of("panamap", "hashmap"));
        assertEquals(List.of("panamap", "hashmap", ResultCharts.NOISE_SERIES), List.copyOf(growStr.keySet()));
        assertEquals(7, growStr.get("panamap").getTotalCount());
        assertEquals(50, growStr.get(ResultCharts.NOISE_SERIES).getTotalCount());

        final List<Report.Chart> charts = ResultCharts.write(dir, List.of("grow", "get", "grow-str"),
                List.of("panamap", "hashmap"));
        assertEquals(List.of("grow.png", "grow-str.png"), charts.stream().map(Report.Chart::file).toList());
        assertTrue(charts.get(1).title().startsWith("grow-str: latency of every put"), charts.get(1).title());
        assertTrue(charts.get(1).title().endsWith("(string ids, 64-byte records)"), charts.get(1).title());
        assertTrue(Files.size(dir.resolve("grow-str.png")) > 0);
    }

    @Test
    void aContenderShouldNotTakeTheLogsOfAnotherWhoseNameBeginsWithItsOwn(@TempDir final Path dir)
            throws IOException {
        log(dir, "grow-panamap-run1-put", 200, 10);
        log(dir, "grow-panamap-presized-run1-put", 100, 4);
        log(dir, "grow-panamap-run1-noise", 30, 100);
        log(dir, "grow-panamap-presized-run1-noise", 30, 50);

        final LinkedHashMap<String, Histogram> grow = ResultCharts.series(dir, "grow",
                List.of("panamap", "panamap-presized"));

        assertEquals(10, grow.get("panamap").getTotalCount());
        assertEquals(4, grow.get("panamap-presized").getTotalCount());
        assertEquals(150, grow.get(ResultCharts.NOISE_SERIES).getTotalCount(), "each child's noise once");
    }

    @Test
    void eachWorkloadShouldDrawTheRecordingACallerWaitsFor(@TempDir final Path dir) throws IOException {
        // The open loop's latency counts from each operation's intended start, so a stall delays the queue too.
        log(dir, "open-loop-panamap-run1-response", 900, 6);
        log(dir, "open-loop-panamap-run1-noise", 30, 100);
        log(dir, "get-str-panamap-run1-get", 80, 9);
        log(dir, "get-str-panamap-run1-noise", 30, 100);

        final LinkedHashMap<String, Histogram> openLoop = ResultCharts.series(dir, "open-loop", List.of("panamap"));
        assertEquals(6, openLoop.get("panamap").getTotalCount());
        assertTrue(openLoop.get("panamap").valuesAreEquivalent(900, openLoop.get("panamap").getMaxValue()));
        final LinkedHashMap<String, Histogram> getStr = ResultCharts.series(dir, "get-str", List.of("panamap"));
        assertEquals(9, getStr.get("panamap").getTotalCount());
    }

    @Test
    void aWorkloadWhoseContendersLeftOnlyTheirNoiseFloorShouldGetNoChart(@TempDir final Path dir)
            throws IOException {
        // Every run failed after its noise floor: a chart of the machine alone would pass for one of the maps.
        log(dir, "get-panamap-run1-noise", 30, 100);
        log(dir, "get-hashmap-run1-noise", 30, 100);

        assertTrue(ResultCharts.series(dir, "get", List.of("panamap", "hashmap")).isEmpty());
        assertEquals(List.of(), ResultCharts.write(dir, List.of("get"), List.of("panamap", "hashmap")));
        assertFalse(Files.exists(dir.resolve("get.png")));
    }
}
