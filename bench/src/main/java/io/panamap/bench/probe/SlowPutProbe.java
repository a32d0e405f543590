package io.panamap.bench.probe;

import io.panamap.LongLongMap;
import io.panamap.memory.MemoryWorker;
import io.panamap.bench.workload.Quiesce;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How often something outside the table stops a timed put: builds of {@code keys} keys, growing
 * ({@code new LongLongMap()}) and presized, alternating, every put timed. Per build: the puts over 15 µs,
 * p99.99, and how far apart in time the slow puts were (quartiles, and how many gaps fall in each quarter
 * millisecond up to 8 ms). On this VM they come about 330 times a second, at fractions of the kernel's
 * 4 ms tick, whichever table runs: docs/PERFORMANCE.md, "Reading the tables". The puts over 250 µs are also
 * listed, each with the table's size and whether the memory worker had a task queued or running right after it,
 * beside the share of the build's puts during which it had one.
 */
final class SlowPutProbe {

    private static final long SLOW_NANOS = 15_000;
    /** A put this slow is listed on its own, with the table's size and what the memory worker was doing. */
    private static final long STALL_NANOS = 250_000;
    /** The worker's state is sampled every this many puts, for the share of a build it was busy. */
    private static final int BUSY_SAMPLE_EVERY = 256;
    /** At most this many of a build's puts over 250 µs are kept and listed. */
    private static final int MAX_STALLS_LISTED = 1_000;
    private static final long BIN_NANOS = 250_000;
    private static final int BINS = 32;

    private SlowPutProbe() {
    }

    static void main(final String[] args) {
        final int keys = Probes.intArg(args, 0, 10_000_000);
        final int builds = Probes.intArg(args, 1, 3);
        final long[] keySet = new SplittableRandom(7).longs(keys).toArray();
        try (LongLongMap warm = new LongLongMap()) {
            for (int i = 0; i < Math.min(keys, 1_000_000); i++) {
                warm.put(keySet[i], i);
            }
        }
        System.out.printf("slow-puts: %,d keys per build, every put timed; slow = over 15 µs%n", keys);
        final long[] nanos = new long[keys];
        final long[] slowAt = new long[keys];
        final int[] stallAt = new int[MAX_STALLS_LISTED];
        final boolean[] stallBusy = new boolean[MAX_STALLS_LISTED];
        for (int b = 0; b < builds; b++) {
            for (final boolean presized : new boolean[] {false, true}) {
                Quiesce.memoryWorker();
                final long start = System.nanoTime();
                int slow = 0;
                int busySamples = 0;
                int stallCount = 0;
                try (LongLongMap map = presized ? LongLongMap.withExpectedSize(keys) : new LongLongMap()) {
                    for (int i = 0; i < keys; i++) {
                        final long t = System.nanoTime();
                        map.put(keySet[i], i);
                        final long end = System.nanoTime();
                        nanos[i] = end - t;
                        if (nanos[i] > SLOW_NANOS) {
                            slowAt[slow++] = t - start;
                            if (nanos[i] > STALL_NANOS && stallCount < MAX_STALLS_LISTED) {
                                // Right after the put: the worker's state then, close to what it was during it.
                                // Kept in arrays made before the build, and printed after it.
                                stallBusy[stallCount] = MemoryWorker.busy();
                                stallAt[stallCount++] = i;
                            }
                        }
                        if (i % BUSY_SAMPLE_EVERY == 0 && MemoryWorker.busy()) {
                            busySamples++;
                        }
                    }
                }
                final long elapsed = System.nanoTime() - start;
                report(presized ? "presized" : "growing ", nanos, slowAt, slow, elapsed);
                reportStalls(nanos, stallAt, stallBusy, stallCount,
                        100.0 * busySamples / ((keys + BUSY_SAMPLE_EVERY - 1) / BUSY_SAMPLE_EVERY));
            }
        }
    }

    /** The puts over 250 µs of one build: how many came with the worker busy, and each one. */
    private static void reportStalls(final long[] nanos, final int[] stallAt, final boolean[] stallBusy,
                                     final int stalls, final double busyPercent) {
        final StringBuilder line = new StringBuilder();
        int whileBusy = 0;
        for (int k = 0; k < stalls; k++) {
            whileBusy += stallBusy[k] ? 1 : 0;
            line.append(String.format(" %s at %,d%s;", Probes.micros(nanos[stallAt[k]]), stallAt[k] + 1,
                    stallBusy[k] ? " (worker busy)" : ""));
        }
        System.out.printf("  over 250 µs: %d%s, %d of them with the worker busy; the worker was busy at %.1f%% of"
                + " the sampled puts;%s%n", stalls, stalls == MAX_STALLS_LISTED ? " or more" : "", whileBusy,
                busyPercent, line);
    }

    private static void report(final String table, final long[] nanos, final long[] slowAt, final int slow,
                               final long elapsedNanos) {
        final long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        final StringBuilder line = new StringBuilder(String.format("%s build: %,d puts in %.2f s, %,d slow (%.0f a second), p99.99 %s",
                table, nanos.length, elapsedNanos / 1e9, slow, slow / (elapsedNanos / 1e9),
                Probes.micros(Probes.quantile(sorted, 0.9999))));
        if (slow > 4) {
            final long[] gaps = new long[slow - 1];
            final int[] bins = new int[BINS + 1];
            for (int i = 1; i < slow; i++) {
                gaps[i - 1] = slowAt[i] - slowAt[i - 1];
                bins[(int) Math.min(BINS, gaps[i - 1] / BIN_NANOS)]++;
            }
            Arrays.sort(gaps);
            line.append(String.format("; gaps p25 %.2f p50 %.2f p75 %.2f ms; per 0.25 ms up to 8 ms (last: longer): %s",
                    Probes.quantile(gaps, 0.25) / 1e6, Probes.quantile(gaps, 0.5) / 1e6, Probes.quantile(gaps, 0.75) / 1e6,
                    Arrays.toString(bins)));
        }
        System.out.println(line);
    }
}
