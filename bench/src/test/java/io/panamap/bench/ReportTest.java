package io.panamap.bench;

import io.panamap.bench.report.MachineInfo;
import io.panamap.bench.report.MarkdownRenderer;
import io.panamap.bench.report.Report;
import io.panamap.bench.report.ReportBuilder;
import io.panamap.bench.report.RunInfo;
import io.panamap.bench.report.Table;
import io.panamap.bench.report.TextRenderer;
import io.panamap.bench.result.GcDelta;
import io.panamap.bench.result.MemoryUse;
import io.panamap.bench.result.Outcome;
import io.panamap.bench.result.ShardGrowth;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.panamap.bench.SampleResults.get;
import static io.panamap.bench.SampleResults.grow;
import static io.panamap.bench.SampleResults.mixed;
import static io.panamap.bench.SampleResults.ok;
import static io.panamap.bench.SampleResults.openLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final String OOM = "java.lang.OutOfMemoryError: Java heap space";

    /** Three runs of two workloads: panamap's medians are its run 1, hashmap always fails, panamap-huge once. */
    private static List<Outcome> knownOutcomes() {
        final List<Outcome> outcomes = new ArrayList<>();
        outcomes.add(ok("grow", "panamap", 1, grow(1_500 * MS, 2 * MS, 123_456, "size=1 run=1")));
        outcomes.add(ok("grow", "panamap", 2, grow(1_400 * MS, 1 * MS, 5, "size=1 run=2")));
        outcomes.add(ok("grow", "panamap", 3, grow(9_900 * MS, 5 * MS, 7, "size=1 run=3")));
        outcomes.add(ok("grow", "panamap-huge", 1, grow(2 * S, 3 * MS, 1, "")));
        outcomes.add(Outcome.failed("grow", "panamap-huge", 2, "java.lang.IllegalStateException: boom"));
        outcomes.add(ok("grow", "panamap-huge", 3, grow(4 * S, 4 * MS, 1, "")));
        for (int run = 1; run <= 3; run++) {
            outcomes.add(ok("grow", "fastutil", run, grow(S, 262 * MS, 8_388_608, "")));
            outcomes.add(Outcome.failed("grow", "hashmap", run, OOM));
            outcomes.add(ok("get", "panamap", run, get(500 * MS, 400 * MS, 450 * MS, 600 * MS, 420 * MS)));
            outcomes.add(ok("get", "fastutil", run, get(300 * MS, 300 * MS, 300 * MS, 300 * MS, 300 * MS)));
            outcomes.add(Outcome.failed("get", "hashmap", run, OOM));
            outcomes.add(ok("open-loop", "panamap", run, openLoop(40_000L * run, 1_000 * run)));
            outcomes.add(ok("open-loop", "fastutil", run, openLoop(20_000_000, 786_432)));
        }
        return outcomes;
    }

    private static final MachineInfo MACHINE = new MachineInfo("Intel(R) Xeon(R) Test CPU", 2, 24L << 30,
            "6.1.0-test", "madvise", "25.0.3+9-LTS (OpenJDK 64-Bit Server VM, Eclipse Adoptium)",
            "G1 Young Generation, G1 Old Generation");

    private static Report knownReport() {
        final RunInfo info = new RunInfo("2025-01-02T03:04:05", "./panamap bench --quick", null,
                "java -Xmx12g -cp bench.jar io.panamap.bench.Main --child", 10_000_000, 3, 42, 1_000_000,
                5_000_000_000L, 2, List.of("grow", "get", "open-loop"), List.of("panamap", "panamap-huge", "fastutil", "hashmap"), MACHINE,
                "results/2025-01-02T03-04-05", 300 * S);
        return ReportBuilder.build(info, knownOutcomes())
                .withCharts(List.of(new Report.Chart("grow: latency of every put", "grow.png")));
    }

    /**
     * A string-key run at N = 1M: panamap and Chronicle Map keep their keys natively, HashMap on the heap;
     * Chronicle's second grow-str run failed.
     */
    private static List<Outcome> knownStringOutcomes() {
        final MemoryUse panamapMemory = new MemoryUse(1_000_000, 20_000, 130_000_000, 30_000_000);
        final MemoryUse hashMapMemory = new MemoryUse(1_000_000, 185_000_000, 0, 210_000_000);
        final MemoryUse chronicleMemory = new MemoryUse(1_000_000, 0, 110_000_000, 28_000_000);
        final List<Outcome> outcomes = new ArrayList<>();
        for (int run = 1; run <= 2; run++) {
            outcomes.add(ok("grow-str", "panamap", run, grow(run * 600 * MS, 90_000L * run, 700_000, "size=1000000",
                    panamapMemory)));
            outcomes.add(ok("grow-str", "hashmap", run, grow(run * 400 * MS, 80 * MS, 786_432, "",
                    hashMapMemory)));
            outcomes.add(run == 1 ? ok("grow-str", "chronicle-presized", run, grow(900 * MS, 4 * MS, 12_345, "",
                    chronicleMemory)) : Outcome.failed("grow-str", "chronicle-presized", run, "boom"));
            outcomes.add(ok("get-str", "panamap", run, get(180 * MS, 200 * MS, 190 * MS)));
            outcomes.add(ok("get-str", "hashmap", run, get(120 * MS, 120 * MS, 120 * MS)));
            outcomes.add(ok("get-str", "chronicle-presized", run, get(600 * MS, 600 * MS, 600 * MS)));
            outcomes.add(ok("open-loop-str", "panamap", run, openLoop(200_000, 10)));
            outcomes.add(ok("open-loop-str", "hashmap", run, openLoop(40_000_000, 262_144)));
            outcomes.add(ok("open-loop-str", "chronicle-presized", run, openLoop(2_000_000, 99)));
        }
        return outcomes;
    }

    private static Report knownStringReport() {
        final RunInfo info = new RunInfo("2025-01-02T03:04:05", "./panamap bench --keys string --n 1M --runs 2", null,
                "java -Xmx12g -cp bench.jar io.panamap.bench.Main --child", 1_000_000, 2, 42, 1_000_000,
                3_000_000_000L, 2, List.of("grow-str", "get-str", "open-loop-str"),
                List.of("panamap", "hashmap", "chronicle-presized"), MACHINE, "results/2025-01-02T03-04-05", 200 * S);
        return ReportBuilder.build(info, knownStringOutcomes()).withCharts(List.of(new Report.Chart(
                "grow-str: latency of every put while the map grows from empty (string ids, 64-byte records)",
                "grow-str.png")));
    }

    /**
     * A mixed-mt run, 2 runs: the sharded panamaps with their shard growth (the background evacuator finished
     * every growth in the idle pause, the writes-only map did not), ConcurrentHashMap, and Chronicle Map failing
     * once.
     */
    private static List<Outcome> knownMixedOutcomes() {
        final List<Outcome> outcomes = new ArrayList<>();
        for (int run = 1; run <= 2; run++) {
            // 3 shards growing, 30,000 of their 98,304 old buckets moved; no writes, so no more after the pause.
            outcomes.add(ok("mixed-mt", "panamap-sharded", run, mixed(run * 1_500 * MS, 2 * MS * run,
                    new ShardGrowth(8, 3, 98_304, 30_000, 800 * MS * run, 0, 0),
                    new ShardGrowth(8, 3, 98_304, 30_000, 800 * MS * run + 900 * MS, 0, 0),
                    "size=1000000 shards=8 growing=3")));
            outcomes.add(ok("mixed-mt", "panamap-sharded-bg", run, mixed(1_600 * MS, 3 * MS,
                    new ShardGrowth(8, 2, 65_536, 20_000, 600 * MS, 20, 15 * MS),
                    new ShardGrowth(8, 0, 0, 0, 640 * MS, 24, 19 * MS), "size=1000000 shards=8 growing=0")));
            outcomes.add(ok("mixed-mt", "concurrenthashmap", run, mixed(3 * S, 120 * MS, null, null, "")));
            outcomes.add(run == 1 ? ok("mixed-mt", "chronicle-presized", run, mixed(6 * S, 9 * MS, null, null, ""))
                    : Outcome.failed("mixed-mt", "chronicle-presized", run, "boom"));
        }
        return outcomes;
    }

    private static Report knownMixedReport() {
        final RunInfo info = new RunInfo("2025-01-02T03:04:05", "./panamap bench --workloads mixed-mt --n 1M --runs 2",
                null, "java -Xmx12g -cp bench.jar io.panamap.bench.Main --child", 1_000_000, 2, 42, 1_000_000,
                3_000_000_000L, 2, List.of("mixed-mt"),
                List.of("panamap-sharded", "panamap-sharded-bg", "concurrenthashmap", "chronicle-presized"), MACHINE,
                "results/2025-01-02T03-04-05", 100 * S);
        return ReportBuilder.build(info, knownMixedOutcomes()).withCharts(List.of(new Report.Chart(
                "mixed-mt: latency of every operation, all threads merged", "mixed-mt.png")));
    }

    /** A run of {@code runs} runs of {@code workloads} on the test machine, N = 10M, results written nowhere. */
    private static RunInfo runInfo(final int runs, final List<String> workloads, final List<String> contenders) {
        return new RunInfo("2025-01-02T03:04:05", "./panamap bench", null, "java -cp bench.jar io.panamap.bench.Main"
                + " --child", 10_000_000, runs, 42, 1_000_000, 5_000_000_000L, 2, workloads, contenders, MACHINE,
                null, 60 * S);
    }

    /** The value of the console report's fact {@code name}. */
    private static String factOf(final String text, final String name) {
        return text.lines().filter(line -> line.startsWith(name + ":")).findFirst()
                .map(line -> line.substring(name.length() + 1).strip())
                .orElseThrow(() -> new AssertionError("no fact " + name + " in\n" + text));
    }

    /** The first line of {@code text} that starts with {@code contender} and column padding. */
    private static String rowOf(final String text, final String contender) {
        return text.lines().filter(line -> line.startsWith(contender + "  ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + contender + " in\n" + text));
    }

    @Test
    void theConsoleTableShouldShowMediansAndRatiosAgainstFastutil() {
        final String text = TextRenderer.render(knownReport());
        final String panamap = rowOf(text, "panamap");
        assertTrue(panamap.contains(" 1.50 s "), panamap);    // median of 1.5 s, 1.4 s, 9.9 s
        assertTrue(panamap.contains(" 1.50x "), panamap);     // over fastutil's 1.00 s
        assertTrue(panamap.contains(" 2.00 ms "), panamap);   // median worst put: run 1
        assertTrue(panamap.contains(" 123,456 "), panamap);   // ... and the size at which it happened in run 1
        assertTrue(panamap.contains(" 0.0076x "), panamap);   // 2 ms over fastutil's 262 ms
        assertTrue(rowOf(text, "fastutil").contains(" 1.00x "));
        assertTrue(rowOf(text, "hashmap").contains("FAILED: " + OOM), rowOf(text, "hashmap"));
    }

    @Test
    void theConsoleReportShouldDescribeTheMachineTheMethodAndTheFailures() {
        final String text = TextRenderer.render(knownReport());
        assertTrue(text.contains("Intel(R) Xeon(R) Test CPU, 2 cores, 24.0 GiB, kernel 6.1.0-test,"
                + " transparent huge pages: madvise"), text);
        assertTrue(text.contains("25.0.3+9-LTS"), text);
        assertTrue(text.contains("./panamap bench --quick"), text);
        assertTrue(text.contains("Warm-up: in every child JVM"), text);
        assertTrue(text.contains("noise: the machine's noise floor"), text);
        // The fixture is a --quick run: its noise floors were 0.3 s, not the 2 s of a full run.
        assertTrue(text.contains("at least 2.00 s (300 ms with --quick) and at most 4.00 s."), text);
        assertTrue(text.contains("panamap-huge run 2 failed: java.lang.IllegalStateException: boom"), text);
        assertTrue(text.contains("panamap stats() after the timed pass of run 3: size=1 run=3"), text);
        assertTrue(rowOf(text, "panamap-huge #2").contains("FAILED: java.lang.IllegalStateException: boom"));
        assertTrue(text.contains("Some runs of panamap-huge failed (below): their figures are medians over the runs"
                + " that completed."), text);
    }

    @Test
    void theGetTableShouldShowBestAndMedianRoundsAndTheirRatio() {
        final String text = TextRenderer.render(knownReport());
        final String getSection = text.substring(text.indexOf("== get: random gets"));
        final String panamap = rowOf(getSection, "panamap");
        // Rounds of 10M gets: 500, 400, 450, 600, 420 ms -> best 40.0 ns, median 45.0 ns; fastutil 30.0 ns.
        assertTrue(panamap.matches("panamap\\s+40\\.0\\s+45\\.0\\s+1\\.50x\\s.*"), panamap);
        assertTrue(rowOf(getSection, "panamap #1").contains("50.0 40.0 45.0 60.0 42.0"));
        assertTrue(rowOf(getSection, "panamap #1").contains("2a81d7f2acc51541"));
    }

    @Test
    void theMarkdownReportShouldHoldTheSameTableAsAMarkdownTable() {
        final String markdown = MarkdownRenderer.render(knownReport());
        assertTrue(markdown.startsWith("# panamap bench\n"), markdown);
        assertTrue(markdown.contains("- **Command**: `./panamap bench --quick`"), markdown);
        assertTrue(markdown.contains("| contender | build | build/fastutil | puts/s | p50 | p90 | p99 | p99.9 |"
                + " p99.99 | p99.999 | max |"), markdown);
        assertTrue(markdown.contains("|---|---:|---:|"), markdown);
        assertTrue(markdown.contains("| panamap | 1.50 s | 1.50x |"), markdown);
        assertTrue(markdown.contains("| hashmap | FAILED: " + OOM + " |  |"), markdown);
        assertTrue(markdown.contains("java.util.HashMap&lt;Long, Long&gt;"), markdown);
    }

    /**
     * A worst put is at the floor when it is no more than the larger of 50 us and its own JVM's worst empty window;
     * every run says so, and a note counts the runs per contender.
     */
    @Test
    void everyGrowRunShouldSayWhetherItsWorstPutWasAtTheNoiseFloor() {
        final MemoryUse memory = new MemoryUse(10_000_000, 1_000_000, 320_000_000, 50_000_000);
        final List<Outcome> outcomes = List.of(
                ok("grow", "panamap", 1, grow(S, 40_000, 1, "", memory, 25_000)),     // under 50 us: at floor
                ok("grow", "panamap", 2, grow(S, 90_000, 2, "", memory, 25_000)),     // over both: not
                ok("grow", "panamap", 3, grow(S, 300_000, 3, "", memory, 400_000)),   // under its noise max: at floor
                ok("grow", "fastutil", 1, grow(S, 262 * MS, 4, "", memory, 400_000)));
        final RunInfo info = new RunInfo("2025-01-02T03:04:05", "./panamap bench --workloads grow", null,
                "java -cp bench.jar io.panamap.bench.Main --child", 10_000_000, 3, 42, 1_000_000, 5_000_000_000L, 2,
                List.of("grow"), List.of("panamap", "fastutil"), MACHINE, "results/x", 60 * S);
        final String text = TextRenderer.render(ReportBuilder.build(info, outcomes));
        assertTrue(rowOf(text, "panamap #1").strip().endsWith(" yes"), rowOf(text, "panamap #1"));
        assertTrue(rowOf(text, "panamap #2").strip().endsWith(" no"), rowOf(text, "panamap #2"));
        assertTrue(rowOf(text, "panamap #3").strip().endsWith(" yes"), rowOf(text, "panamap #3"));
        assertTrue(rowOf(text, "fastutil #1").strip().endsWith(" no"), rowOf(text, "fastutil #1"));
        assertTrue(text.contains("the noise max of its own JVM: panamap 2 of 3, fastutil 0 of 1."), text);
    }

    /** A worst put exactly at its floor, either side of the larger of the two, is at the floor ("no more than"). */
    @Test
    void aWorstPutEqualToItsFloorShouldBeAtTheFloor() {
        final MemoryUse memory = new MemoryUse(10_000_000, 1_000_000, 320_000_000, 50_000_000);
        final List<Outcome> outcomes = List.of(
                ok("grow", "panamap", 1, grow(S, 50_000, 1, "", memory, 25_000)),     // the 50 us allowance
                ok("grow", "panamap", 2, grow(S, 400_000, 2, "", memory, 400_000)),   // its own noise max
                ok("grow", "panamap", 3, grow(S, 400_001, 3, "", memory, 400_000)));  // 1 ns above it
        final String text = TextRenderer.render(ReportBuilder.build(runInfo(3, List.of("grow"),
                List.of("panamap")), outcomes));
        assertTrue(rowOf(text, "panamap #1").strip().endsWith(" yes"), rowOf(text, "panamap #1"));
        assertTrue(rowOf(text, "panamap #2").strip().endsWith(" yes"), rowOf(text, "panamap #2"));
        assertTrue(rowOf(text, "panamap #3").strip().endsWith(" no"), rowOf(text, "panamap #3"));
        assertTrue(text.contains("the noise max of its own JVM: panamap 2 of 3."), text);
    }

    /**
     * Each grow figure comes from the run its note names. Five runs, given out of order, in which the median
     * build (run 3), the median worst put (run 4) and the median bytes per entry (run 2) are three different runs,
     * none of them the first, middle or last: a figure taken from any other run shows.
     */
    @Test
    void growFiguresShouldComeFromTheRunWithTheMedianOfWhatTheyDescribe() {
        final long[] buildSeconds = {1, 2, 3, 5, 4};
        final long[] worstMillis = {5, 1, 2, 3, 4};
        final long[] nativeMegabytes = {340, 320, 300, 310, 330};
        final List<Outcome> outcomes = new ArrayList<>();
        for (final int run : new int[] {5, 2, 4, 1, 3}) {
            final int i = run - 1;
            final MemoryUse memory = new MemoryUse(10_000_000, 1_000_000, nativeMegabytes[i] * 1_000_000, 50_000_000);
            outcomes.add(ok("grow", "panamap", run, grow(buildSeconds[i] * S, worstMillis[i] * MS, 11L * run,
                    "run=" + run, memory, 20_000 + 1_000L * run)));
        }
        outcomes.add(ok("grow", "fastutil", 1, grow(S, 262 * MS, 8_388_608, "")));
        final String text = TextRenderer.render(ReportBuilder.build(runInfo(5, List.of("grow"),
                List.of("panamap", "fastutil")), outcomes));

        // build: the median of 1..5 s, over fastutil's 1 s; puts/s (10M puts in run 4's timed pass of 10 s), the
        // percentiles up to max (run 4's worst, 3 ms), the size at the worst put, its ratio over fastutil's 262 ms,
        // and the noise floor all from run 4.
        final String summary = rowOf(text, "panamap");
        assertTrue(summary.matches("panamap\\s+3\\.00 s\\s+3\\.00x\\s+1\\.00M/s\\s+100 ns\\s+150 ns\\s+900 ns"
                + "\\s+3\\.00 us\\s+7\\.00 us\\s+50\\.0 us\\s+3\\.00 ms\\s+44\\s+0\\.011x\\s+2 / 34 ms\\s+45 ns"
                + "\\s+24\\.0 us"), summary);
        // Run 2's 320 MB of native growth over 10M entries.
        final String memory = rowOf(text.substring(text.indexOf("== grow: memory")), "panamap");
        assertTrue(memory.matches("panamap\\s+10,000,000\\s+47\\.7 MiB\\s+977 KiB\\s+305 MiB\\s+0\\.1\\s+32\\.0"
                + "\\s+32\\.1"), memory);
        // Every run in run order, and the stats of the last run.
        for (int run = 1; run < 5; run++) {
            assertTrue(text.indexOf("panamap #" + run) < text.indexOf("panamap #" + (run + 1)), text);
        }
        assertTrue(rowOf(text, "panamap #4").matches("panamap #4\\s+5\\.00 s\\s.*"), rowOf(text, "panamap #4"));
        assertTrue(text.contains("panamap stats() after the timed pass of run 5: run=5"), text);
    }

    /**
     * The get summary takes each figure's own median over the runs; the single-get latency comes from the run with
     * the median p99.99, here run 3, while the median GC (run 2) and the median noise max (run 1) are other runs.
     */
    @Test
    void getFiguresShouldComeFromTheRunWithTheMedianOfWhatTheyDescribe() {
        final List<Outcome> outcomes = List.of(
                ok("get", "panamap", 1, get(1_000, new GcDelta(1, 30), SampleResults.noise(42, 32_000),
                        300 * MS, 500 * MS, 400 * MS)),
                ok("get", "panamap", 2, get(3_000, new GcDelta(2, 20), SampleResults.noise(43, 31_000),
                        200 * MS, 600 * MS, 700 * MS)),
                ok("get", "panamap", 3, get(2_000, new GcDelta(3, 10), SampleResults.noise(41, 33_000),
                        250 * MS, 450 * MS, 800 * MS)),
                ok("get", "fastutil", 1, get(300 * MS, 300 * MS, 300 * MS)));
        final String text = TextRenderer.render(ReportBuilder.build(runInfo(3, List.of("get"),
                List.of("panamap", "fastutil")), outcomes));

        // best rounds 30, 20, 25 ns and median rounds 40, 60, 45 ns per get: 25.0 and 45.0, the latter 1.50x
        // fastutil's 30.0; GC 30, 20, 10 ms: run 2's; noise p99.99 42, 43, 41 ns and max 32, 31, 33 us: 42 and 32.
        final String summary = rowOf(text, "panamap");
        assertTrue(summary.matches("panamap\\s+25\\.0\\s+45\\.0\\s+1\\.50x\\s+2 / 20 ms\\s+42 ns\\s+32\\.0 us"),
                summary);
        // Run 3: its median round of 45 ns per get, its percentiles and its noise max.
        final String latency = rowOf(text.substring(text.indexOf("== get: latency of single gets")), "panamap");
        assertTrue(latency.matches("panamap\\s+22\\.2M/s\\s+60 ns\\s+80 ns\\s+200 ns\\s+400 ns\\s+2\\.00 us"
                + "\\s+9\\.00 us\\s+40\\.0 us\\s+33\\.0 us"), latency);
    }

    /**
     * The open-loop figures come from the run with the median worst operation: run 4 of five, neither the first,
     * the middle nor the last.
     */
    @Test
    void openLoopFiguresShouldComeFromTheRunWithTheMedianWorstOperation() {
        final long[] worstMicros = {50, 10, 20, 30, 40};
        final List<Outcome> outcomes = new ArrayList<>();
        for (int run = 1; run <= 5; run++) {
            outcomes.add(ok("open-loop", "panamap", run, openLoop(worstMicros[run - 1] * 1_000, 1_000L * run)));
        }
        outcomes.add(ok("open-loop", "fastutil", 1, openLoop(20 * MS, 786_432)));
        final String text = TextRenderer.render(ReportBuilder.build(runInfo(5, List.of("open-loop"),
                List.of("panamap", "fastutil")), outcomes));
        final String summary = rowOf(text, "panamap");
        // Run 4: its worst operation of 30 us (the sample caps p99.99 and p99.999 at it), over fastutil's 20 ms,
        // with 4,000 entries in the map.
        assertTrue(summary.matches("panamap\\s+1\\.00M/s\\s+90 ns\\s+120 ns\\s+400 ns\\s+2\\.00 us\\s+30\\.0 us"
                + "\\s+30\\.0 us\\s+30\\.0 us\\s+0\\.0015x\\s+4,000\\s.*"), summary);
    }

    /**
     * The mixed-mt throughput comes from the run with the median wall time (run 4), the latency from the run with
     * the median worst operation (run 2): different runs, neither the first, the middle nor the last.
     */
    @Test
    void mixedFiguresShouldComeFromTheRunWithTheMedianOfWhatTheyDescribe() {
        final long[] elapsedSeconds = {1, 5, 2, 3, 4};
        final long[] worstMillis = {5, 3, 4, 1, 2};
        final List<Outcome> outcomes = new ArrayList<>();
        for (int run = 1; run <= 5; run++) {
            outcomes.add(ok("mixed-mt", "panamap-sharded", run, mixed(elapsedSeconds[run - 1] * S,
                    worstMillis[run - 1] * MS, null, null, "")));
        }
        outcomes.add(ok("mixed-mt", "concurrenthashmap", 1, mixed(4 * S, 100 * MS, null, null, "")));
        final String text = TextRenderer.render(ReportBuilder.build(runInfo(5, List.of("mixed-mt"),
                List.of("panamap-sharded", "concurrenthashmap")), outcomes));
        // Run 4: 5M operations in 3 s, over ConcurrentHashMap's 4 s; its threads of 2.5M operations in 3 and 2.7 s.
        final String summary = rowOf(text, "panamap-sharded");
        assertTrue(summary.matches("panamap-sharded\\s+1\\.67M/s\\s+0\\.75x\\s+833k/s - 926k/s\\s.*"), summary);
        // Run 2: its worst operation of 3 ms, over ConcurrentHashMap's 100 ms.
        assertTrue(summary.matches(".*\\s3\\.00 ms\\s+0\\.030x\\s.*"), summary);
    }

    /**
     * When the baseline contender has no result at all (every run failed), the others keep their figures, the
     * ratio columns say "-" rather than a number, and a note says why. Its row gives its first failure.
     */
    @Test
    void aBaselineWithoutAnyResultShouldLeaveTheRatiosEmpty() {
        final List<Outcome> outcomes = new ArrayList<>();
        for (int run = 1; run <= 2; run++) {
            outcomes.add(ok("grow", "panamap", run, grow(2 * S, 3 * MS, 44, "")));
            outcomes.add(ok("get", "panamap", run, get(400 * MS, 400 * MS, 400 * MS)));
            outcomes.add(Outcome.failed("get", "fastutil", run, OOM));
        }
        outcomes.add(Outcome.failed("grow", "fastutil", 1, OOM));
        outcomes.add(Outcome.failed("grow", "fastutil", 2, "java.lang.IllegalStateException: boom"));
        final String text = TextRenderer.render(ReportBuilder.build(runInfo(2, List.of("grow", "get"),
                List.of("panamap", "fastutil")), outcomes));
        final String grow = rowOf(text, "panamap");
        assertTrue(grow.matches("panamap\\s+2\\.00 s\\s+-\\s+2\\.50M/s\\s.*\\s3\\.00 ms\\s+44\\s+-\\s.*"), grow);
        assertTrue(rowOf(text, "fastutil").matches("fastutil\\s+FAILED: " + OOM), rowOf(text, "fastutil"));
        final String get = rowOf(text.substring(text.indexOf("== get: random gets")), "panamap");
        assertTrue(get.matches("panamap\\s+40\\.0\\s+40\\.0\\s+-\\s.*"), get);
        assertEquals(2, text.split("No fastutil result in this run, so there are no ratios\\.", -1).length - 1,
                text);
    }

    /** The parent JVM's own command line is shown verbatim, next to the bench command and a child's. */
    @Test
    void theParentJvmShouldBeShownWithItsOwnCommandLine() {
        final RunInfo info = new RunInfo("2025-01-02T03:04:05", "./panamap bench --quick",
                "/jdk/bin/java -Xmx1g -cp bench.jar io.panamap.bench.Main bench --quick",
                "java -Xmx12g -cp bench.jar io.panamap.bench.Main --child", 1_000, 1, 42, 1_000_000, S, 2,
                List.of("grow"), List.of("panamap"), MACHINE, null, S);
        final Report report = ReportBuilder.build(info, List.of(ok("grow", "panamap", 1, grow(S, MS, 1, ""))));
        final String markdown = MarkdownRenderer.render(report);
        assertTrue(markdown.contains("- **Command**: `./panamap bench --quick`\n"
                + "- **Parent JVM**: `/jdk/bin/java -Xmx1g -cp bench.jar io.panamap.bench.Main bench --quick`\n"),
                markdown);
        assertTrue(markdown.contains("- **Child JVM**: `java -Xmx12g -cp bench.jar io.panamap.bench.Main --child`\n"),
                markdown);
        // On the console, the values start in one column, after the longest name.
        final List<String> lines = TextRenderer.render(report).lines().toList();
        final String command = lines.stream().filter(l -> l.startsWith("Command:")).findFirst().orElseThrow();
        final String parent = lines.stream().filter(l -> l.startsWith("Parent JVM:")).findFirst().orElseThrow();
        assertEquals(parent.indexOf("/jdk/bin/java"), command.indexOf("./panamap"), command + "\n" + parent);
    }

    /**
     * A contender some of whose runs failed keeps its figures in every workload and names the failed runs under the
     * table; one that failed every run is shown as failed, and a table of the others alone leaves it out.
     */
    @Test
    void failedRunsShouldBeNamedInEveryWorkload() {
        final String boom = "java.lang.IllegalStateException: boom";
        final List<Outcome> outcomes = new ArrayList<>();
        for (int run = 1; run <= 3; run++) {
            outcomes.add(run == 2 ? Outcome.failed("get", "panamap", run, boom)
                    : ok("get", "panamap", run, get(400 * MS, 400 * MS, 400 * MS)));
            outcomes.add(run == 3 ? Outcome.failed("open-loop", "panamap", run, boom)
                    : ok("open-loop", "panamap", run, openLoop(40_000, 1_000)));
            outcomes.add(Outcome.failed("mixed-mt", "panamap-sharded", run, OOM));
            outcomes.add(ok("mixed-mt", "panamap-sharded-bg", run, mixed(S, MS,
                    new ShardGrowth(8, 2, 65_536, 20_000, 600 * MS, 20, 15 * MS),
                    new ShardGrowth(8, 0, 0, 0, 640 * MS, 24, 19 * MS), "")));
        }
        final String text = TextRenderer.render(ReportBuilder.build(runInfo(3, List.of("get", "open-loop",
                "mixed-mt"), List.of("panamap", "panamap-sharded", "panamap-sharded-bg")), outcomes));

        final String get = text.substring(text.indexOf("== get: random gets"), text.indexOf("== get: latency"));
        assertTrue(rowOf(get, "panamap").matches("panamap\\s+40\\.0\\s+40\\.0\\s.*"), get);
        assertTrue(get.contains("\n  - panamap run 2 failed: " + boom + "\n"), get);
        assertTrue(get.contains("Some runs of panamap failed (below)"), get);
        final String openLoop = text.substring(text.indexOf("== open-loop: fixed-rate"),
                text.indexOf("== open-loop: every run"));
        assertTrue(rowOf(openLoop, "panamap").matches("panamap\\s+1\\.00M/s\\s.*"), openLoop);
        assertTrue(openLoop.contains("\n  - panamap run 3 failed: " + boom + "\n"), openLoop);
        assertTrue(openLoop.contains("Some runs of panamap failed (below)"), openLoop);

        final String mixed = text.substring(text.indexOf("== mixed-mt: 2 threads"));
        assertTrue(rowOf(mixed, "panamap-sharded").matches("panamap-sharded\\s+FAILED: " + OOM), mixed);
        final String twoArrays = mixed.substring(mixed.indexOf("== mixed-mt: time with two arrays"),
                mixed.indexOf("== mixed-mt: every run"));
        assertTrue(rowOf(twoArrays, "panamap-sharded-bg").matches("panamap-sharded-bg\\s+8\\s+2 of 8\\s.*"),
                twoArrays);
        assertFalse(twoArrays.contains("\npanamap-sharded "), twoArrays);
    }

    /**
     * The whole Markdown report of a known run, locked by a checked-in fixture (regenerate it deliberately, and
     * read the diff, when the report is meant to change).
     */
    @Test
    void theMarkdownReportShouldMatchTheCheckedInFixture() throws IOException {
        final String fixture;
        try (InputStream in = ReportTest.class.getResourceAsStream("report-fixture.md")) {
            fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(fixture, MarkdownRenderer.render(knownReport()));
    }

    @Test
    void theOpenLoopTableShouldShowEveryPercentileAndTheWorstAgainstFastutil() {
        final String text = TextRenderer.render(knownReport());
        final String section = text.substring(text.indexOf("== open-loop: fixed-rate stream"));
        final String panamap = rowOf(section, "panamap");
        // Worst operations 40, 80, 120 us -> median run 2: 80 us at size 2,000, over fastutil's 20 ms.
        assertTrue(panamap.contains(" 80.0 us "), panamap);
        assertTrue(panamap.contains(" 2,000 "), panamap);
        assertTrue(panamap.contains(" 0.0040x "), panamap);
        assertTrue(panamap.contains(" 1.00M/s "), panamap);
        assertTrue(section.contains("intended start time"), section);
        assertTrue(text.contains("grow.png: grow: latency of every put"), text);
    }

    @Test
    void aStringKeyReportShouldCompareWithHashMapAndDescribeTheStringMaps() {
        final String text = TextRenderer.render(knownStringReport());
        assertTrue(factOf(text, "Keys").startsWith("N = 1,000,000 distinct text ids (6 prefixes such as ORD- and"
                + " CLORDID-XLON-"), text);
        assertFalse(text.contains("random 64-bit keys"), text);
        assertTrue(factOf(text, "Contenders")
                .contains("panamap = OffHeapMap<CharSequence, byte[]>, Codecs.utf8() keys"), text);
        assertTrue(factOf(text, "Contenders").contains("hashmap = java.util.HashMap<String, byte[]>"), text);

        final String grow = text.substring(text.indexOf("== grow-str: build from empty =="));
        assertTrue(grow.contains("build/hashmap"), grow);
        // Builds 0.6 and 1.2 s against HashMap's 0.4 and 0.8 s: medians (lower middle) 600 over 400 ms.
        assertTrue(rowOf(grow, "panamap").contains(" 600 ms ") && rowOf(grow, "panamap").contains(" 1.50x "),
                rowOf(grow, "panamap"));
        assertTrue(rowOf(grow, "hashmap").contains(" 1.00x "));
        assertTrue(text.contains("chronicle-presized run 2 failed: boom"), text);

        final String memory = text.substring(text.indexOf("== grow-str: memory at the end of the timed pass =="));
        assertTrue(memory.contains("a map is charged for the key Strings it keeps"), memory);
        // heap/entry, native/entry, bytes/entry
        assertTrue(rowOf(memory, "hashmap").matches(".*\\s185\\.0\\s+0\\.0\\s+185\\.0$"),
                rowOf(memory, "hashmap"));
        assertTrue(rowOf(memory, "panamap").matches(".*\\s0\\.0\\s+130\\.0\\s+130\\.0$"),
                rowOf(memory, "panamap"));

        final String get = text.substring(text.indexOf("== get-str: random gets of present keys =="));
        assertTrue(rowOf(get, "chronicle-presized").contains(" 5.00x "), rowOf(get, "chronicle-presized"));
        assertTrue(text.contains("grow-str.png: grow-str: latency of every put"), text);
    }

    @Test
    void aReportOfBothKeyTypesShouldKeepTheirFactsSectionsAndContendersApart() {
        final List<Outcome> outcomes = new ArrayList<>(knownOutcomes());
        outcomes.addAll(knownStringOutcomes());
        final RunInfo info = new RunInfo("2025-01-02T03:04:05", "./panamap bench --keys long,string", null, "java",
                1_000_000, 2, 42, 1_000_000, 3_000_000_000L, 2, List.of("grow", "get", "grow-str", "get-str"),
                List.of("panamap", "fastutil", "hashmap", "chronicle-presized"), MACHINE, null, S);
        final String text = TextRenderer.render(ReportBuilder.build(info, outcomes));

        assertTrue(factOf(text, "Keys").contains("random 64-bit keys"), text);
        assertTrue(factOf(text, "String keys").contains("distinct text ids"), text);
        assertTrue(factOf(text, "Contenders").startsWith("panamap = LongLongMap"), text);
        assertTrue(factOf(text, "Contenders, string keys").startsWith("panamap = OffHeapMap"), text);
        final String longGrow = text.substring(text.indexOf("== grow: build from empty =="),
                text.indexOf("== grow: memory"));
        assertTrue(longGrow.contains("build/fastutil") && longGrow.contains("\nfastutil "), longGrow);
        final String stringGrow = text.substring(text.indexOf("== grow-str: build from empty =="),
                text.indexOf("== grow-str: memory"));
        assertTrue(stringGrow.contains("build/hashmap"), stringGrow);
        assertFalse(stringGrow.contains("\nfastutil "), "fastutil has no string map: " + stringGrow);
    }

    /** The Markdown report of a known string-key run, locked by its own checked-in fixture. */
    @Test
    void theStringKeyMarkdownReportShouldMatchItsCheckedInFixture() throws IOException {
        final String fixture;
        try (InputStream in = ReportTest.class.getResourceAsStream("report-fixture-strings.md")) {
            fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(fixture, MarkdownRenderer.render(knownStringReport()));
    }

    @Test
    void aMixedReportShouldCompareWithConcurrentHashMapAndShowTheTimeWithTwoArrays() {
        final String text = TextRenderer.render(knownMixedReport());
        assertTrue(factOf(text, "Contenders").startsWith("panamap-sharded = ConcurrentLongLongMap, default shards"),
                text);
        assertTrue(factOf(text, "Contenders").contains("chronicle-presized = Chronicle Map"
                + " ChronicleMap<LongValue, LongValue>, in memory, entries(N), one map for all threads"), text);
        assertTrue(factOf(text, "Many threads").startsWith("mixed-mt: 2 worker threads at once"), text);

        final String summary = text.substring(text.indexOf("== mixed-mt: 2 threads, 80% get / 20% put"));
        assertTrue(summary.contains("time/concurrenthashmap") && summary.contains("max/concurrenthashmap"), summary);
        // Passes of 1.5 and 3.0 s: the median (lower middle) 1.5 s, 5M operations -> 3.33M/s, 0.50x CHM's 3 s.
        final String sharded = rowOf(summary, "panamap-sharded");
        // Threads of 2.5M operations each in 1.35 and 1.5 s: the slowest and the fastest.
        assertTrue(sharded.matches("panamap-sharded\\s+3\\.33M/s\\s+0\\.50x\\s+1\\.67M/s - 1\\.85M/s\\s.*"), sharded);
        assertTrue(sharded.contains(" 0.017x "), sharded); // worst 2 ms over CHM's 120 ms
        assertTrue(rowOf(summary, "concurrenthashmap").contains(" 1.00x "));
        assertTrue(summary.contains("chronicle-presized run 2 failed: boom"), summary);
        assertTrue(summary.contains("2 worker threads on 2 processors"), summary);

        final String twoArrays = text.substring(text.indexOf("== mixed-mt: time with two arrays"),
                text.indexOf("== mixed-mt: every run"));
        final String writesOnly = rowOf(twoArrays, "panamap-sharded");
        // Run 1 (median of 800 and 1,600 ms): 3 of 8 growing, 30.5% moved, at the end and after the idle pause,
        // which added 900 ms.
        assertTrue(writesOnly.matches("panamap-sharded\\s+8\\s+3 of 8\\s+30\\.5%\\s+800 ms\\s+6\\.7%\\s+3 of 8"
                + "\\s+30\\.5%\\s+1\\.70 s\\s+900 ms\\s+0 / 0 ns"), writesOnly);
        final String background = rowOf(twoArrays, "panamap-sharded-bg");
        assertTrue(background.matches(".*\\s2 of 8\\s+30\\.5%\\s+600 ms\\s+4\\.7%\\s+0 of 8\\s+-\\s+640 ms"
                + "\\s+40\\.0 ms\\s+24 / 19\\.0 ms"), background);
        assertFalse(twoArrays.contains("\nconcurrenthashmap "), "no shards: " + twoArrays);
        assertTrue(text.contains("mixed-mt.png: mixed-mt: latency of every operation"), text);
    }

    /** The Markdown report of a known mixed-mt run, locked by its own checked-in fixture. */
    @Test
    void theMixedMarkdownReportShouldMatchItsCheckedInFixture() throws IOException {
        final String fixture;
        try (InputStream in = ReportTest.class.getResourceAsStream("report-fixture-threads.md")) {
            fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(fixture, MarkdownRenderer.render(knownMixedReport()));
    }

    @Test
    void aTableShouldAlignNumbersRightAndTextLeft() {
        final Table table = new Table.Builder().text("name").number("value")
                .row("a", "1").row("longer", "1,000").messageRow("c", "a message wider than any column").build();
        assertEquals("""
                name    value
                ------  -----
                a           1
                longer  1,000
                c       a message wider than any column
                """, TextRenderer.render(table));
        assertEquals("""
                | name | value |
                |---|---:|
                | a | 1 |
                | longer | 1,000 |
                | c | a message wider than any column |
                """, MarkdownRenderer.render(table));
    }

    /** A failure message may hold any character: in Markdown it stays in its cell and reads as written. */
    @Test
    void aMessageWithMarkdownCharactersShouldStayInItsCell() {
        final Table table = new Table.Builder().text("name").number("value")
                .messageRow("c", "FAILED: a|b *c* d_e <f> g\\h").build();
        assertEquals("""
                | name | value |
                |---|---:|
                | c | FAILED: a\\|b \\*c\\* d\\_e &lt;f&gt; g\\\\h |
                """, MarkdownRenderer.render(table));
    }
}
