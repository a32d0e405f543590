package io.panamap.bench.probe;

import io.panamap.bench.JavaMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probes run, on small sizes, and print what their docs say; the measurements themselves are not tested. */
class ProbesTest {

    @Test
    void theGrowthStartsShouldFollowGosSchedule() {
        // Inserts 9, 14, 27, 53, 105, ... (1-based) start the doublings: 13 * 2^(B-1) + 1.
        assertArrayEquals(new int[] {8, 13, 26, 52, 104, 208, 416, 832}, GrowthStartProbe.growthStarts(1_000));
        assertArrayEquals(new int[] {8}, GrowthStartProbe.growthStarts(10));
    }

    @Test
    void growthStartsShouldReportEveryDoublingOfItsBuilds() {
        final String output = run("growth-starts", "3", "2000");
        assertTrue(output.startsWith("growth-starts: 3 builds of 2,000 keys"), output);
        // 2,000 keys: the doublings to 2^1 .. 2^9 (insert 1,665 = 13 * 2^7 + 1 starts the one from B = 8 to 9).
        assertEquals(9, output.lines().filter(line -> line.startsWith("doubling to 2^")).count(), output);
        assertTrue(output.contains("doubling to 2^9  at insert   1,665: p50"), output);
        // Tables this small map each new array themselves: the memory worker is never asked for one.
        assertEquals(9, output.lines().filter(line -> line.endsWith("| array prepared in 0 of 3 builds")).count(), output);
    }

    @Test
    void thePreparedSummaryShouldCountTheBuildsAndSplitTheMediansByKind() {
        final long[] nanos = {3_000, 1_000, 40_000, 2_000, 50_000};
        assertEquals("array prepared in 3 of 5 builds (p50 2.0 µs; mapped by the insert: p50 40.0 µs)",
                GrowthStartProbe.preparedSummary(nanos, new boolean[] {true, true, false, true, false}));
        assertEquals("array prepared in 0 of 5 builds",
                GrowthStartProbe.preparedSummary(nanos, new boolean[5]));
        assertEquals("array prepared in 5 of 5 builds",
                GrowthStartProbe.preparedSummary(nanos, new boolean[] {true, true, true, true, true}));
    }

    @Test
    void firstTableShouldTimeTheConstructorAndTheFirstInserts() {
        final String output = run("first-table", "5000");
        assertTrue(output.contains("first-table: the first LongLongMap of this JVM, 5,000 keys"), output);
        assertTrue(output.matches("(?s).*constructor [0-9.]+ µs; insert 1 [0-9.]+ µs; insert 9 \\(the first growth\\) [0-9.]+ µs.*"),
                output);
        assertTrue(output.contains("inserts over 100 µs: "), output);
    }

    @Test
    void slowPutsShouldReportAGrowingAndAPresizedBuild() {
        final String output = run("slow-puts", "20000", "1");
        final List<String> builds = output.lines().filter(line -> line.contains(" build: 20,000 puts in ")).toList();
        assertEquals(2, builds.size(), output);
        assertTrue(builds.get(0).startsWith("growing  build"), output);
        assertTrue(builds.get(1).startsWith("presized build"), output);
        assertTrue(builds.get(0).contains("p99.99 "), output);
        final List<String> stalls = output.lines().filter(line -> line.startsWith("  over 250 µs: ")).toList();
        assertEquals(2, stalls.size(), "one line of long stalls per build: " + output);
        assertTrue(stalls.get(0).contains("the worker was busy at "), output);
        if (System.getProperty("os.name").startsWith("Linux")) { // the writing thread's kernel counters
            assertTrue(stalls.get(0).contains(" waiting for a CPU at least half the time, "), output);
        }
    }

    @Test
    void aSlowPutsLineShouldGiveP9999AndTheGapsBetweenSlowPutsByQuarterMillisecond() {
        // 10,000 puts of 10 ns to 100 us: p99.99 is the 9,999th, 99,990 ns (p99.9 would read 99.9 us).
        final long[] nanos = new long[10_000];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = (i + 1) * 10L;
        }
        // Six slow puts, started at 0, 1, 1.5, 3.5, 4 and 12 ms: gaps of 1, 0.5, 2, 0.5 and 8 ms.
        final long[] slowAt = {0, 1_000_000, 1_500_000, 3_500_000, 4_000_000, 12_000_000};
        final int[] bins = new int[33];
        bins[2] = 2;  // 0.5 ms
        bins[4] = 1;  // 1 ms
        bins[8] = 1;  // 2 ms
        bins[32] = 1; // 8 ms and longer
        assertEquals("growing  build: 10,000 puts in 2.00 s, 6 slow (3 a second), p99.99 100.0 µs; gaps p25 0.50"
                        + " p50 1.00 p75 2.00 ms; per 0.25 ms up to 8 ms (last: longer): " + Arrays.toString(bins),
                SlowPutProbe.summary("growing ", nanos, slowAt, slowAt.length, 2_000_000_000L));
    }

    @Test
    void memoryShouldShowTheGrownTableGivingBackItsPreparedArrayAndTheDrainedOneTrimmed() {
        // 100,000 keys: 2^14 buckets, past 5/8 of their threshold, so the grown table holds a prepared 2^15 array.
        final String output = run("memory", "100000");
        assertTrue(output.startsWith("memory: a LongLongMap of 100,000 random keys"), output);
        assertTrue(output.contains("growing : B=14, next array prepared: yes"), output);
        assertTrue(output.contains("presized: B=14, next array prepared: no"), output);
        final List<Long> released = output.lines().filter(line -> line.contains("releaseSpareMemory(): "))
                .map(line -> Long.parseLong(line.replaceAll(".*releaseSpareMemory\\(\\): ([0-9,]+) bytes.*", "$1")
                        .replace(",", "")))
                .toList();
        assertEquals(2, released.size(), output);
        assertTrue(released.get(0) > 4_000_000, "the 2^15 array's buckets and spares: " + output);
        assertEquals(0L, released.get(1), "a presized table prepares nothing it was sized not to need: " + output);
        // Drained to 10,000 keys, the table of 2^14 buckets trims to 2^11 (13,312 entries fit).
        assertTrue(output.contains("drained : grown to 100,000 keys, 90,000 removed: B=14"), output);
        assertTrue(output.contains("  trimToSize(): B=11, "), output);
    }

    @Test
    void aBadArgumentShouldBeNamed() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Probes.intArg(new String[] {"0"}, 0, 5));
        assertEquals("argument 1: must be between 1 and 2147483647, got '0'", e.getMessage());
        final IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class,
                () -> Probes.intArg(new String[] {"8", "abc"}, 1, 5));
        assertEquals("argument 2: expected a positive whole number such as 1000000 or 1M, got 'abc'",
                notANumber.getMessage());
        assertEquals(5, Probes.intArg(new String[0], 0, 5));
        assertEquals(1_000_000, Probes.intArg(new String[] {"1_000_000"}, 0, 5));
        assertEquals(2_000_000, Probes.intArg(new String[] {"2M"}, 0, 5), "the shorthand the bench's --n takes");
    }

    @Test
    void usageShouldListEveryProbeAndNameAnUnknownOne() {
        final String usage = Probes.usage("nope");
        assertTrue(usage.startsWith("unknown probe: nope\n"), usage);
        for (final String name : Probes.names()) {
            assertTrue(usage.contains("  " + name + " "), usage);
        }
        assertEquals(List.of("first-table", "growth-starts", "memory", "slow-puts"), Probes.names());
    }

    @Test
    void anArgumentMoreThanTheProbeReadsShouldBeAnErrorNotIgnored(@TempDir final Path dir) throws Exception {
        final JavaMain.Exit exit = probes(dir, "first-table", "1000", "3");
        assertEquals(2, exit.code(), exit.err());
        assertEquals("", exit.out(), "nothing run");
        assertTrue(exit.err().startsWith("probe first-table: takes at most 1 argument, [keys]; got 2: 1000 3\n"),
                exit.err());
        final JavaMain.Exit two = probes(dir, "slow-puts", "1000", "1", "x");
        assertEquals(2, two.code(), two.err());
        assertTrue(two.err().startsWith("probe slow-puts: takes at most 2 arguments, [keys] [builds]; got 3: "),
                two.err());
    }

    @Test
    void theHelpWordsTheBenchTakesShouldListTheProbes(@TempDir final Path dir) throws Exception {
        for (final String help : List.of("--help", "-h", "help")) {
            final JavaMain.Exit exit = probes(dir, help);
            assertEquals(0, exit.code(), help + ": " + exit.err());
            assertEquals(Probes.usage(null), exit.out(), help);
        }
    }

    @Test
    void quantilesShouldBeNearestRank() {
        final long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(5, Probes.quantile(sorted, 0.5));
        assertEquals(10, Probes.quantile(sorted, 0.99));
        assertEquals(1, Probes.quantile(sorted, 0.0));
    }

    /** Runs {@code ./panamap probe args} in a JVM of its own: a usage error ends it with {@code System.exit}. */
    private static JavaMain.Exit probes(final Path dir, final String... args) throws IOException, InterruptedException {
        return JavaMain.run(dir, Probes.class, args);
    }

    private static String run(final String... args) {
        final PrintStream original = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Probes.main(args);
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
