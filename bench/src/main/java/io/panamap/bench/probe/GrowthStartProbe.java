package io.panamap.bench.probe;

import io.panamap.LongLongMap;
import io.panamap.bench.workload.Quiesce;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The insert that starts each doubling, timed alone over many builds of a table from empty: the put that
 * maps (or adopts) the next array. Builds of {@code keys} random keys into {@code new LongLongMap()},
 * every put timed with {@code System.nanoTime()}; before each build the memory worker is idle, as in the
 * bench, and a random 0-4 ms passes (see {@link #spinFor}). Prints, per doubling, p50, p99 and max of that
 * insert and of the insert before it (an ordinary one), and in how many builds the memory worker had the new
 * array mapped when the growth started ({@code MapStats.nextArrayPrepared}, read just before that insert):
 * from 2^15 buckets on ({@code HashTable.MIN_PREPARED_LOG_SIZE}) the worker is asked for it, and when it is
 * late the insert maps one itself. For a doubling where both happened, the p50 of each kind.
 */
final class GrowthStartProbe {

    /** The spread of each build's start against the memory worker's cycle: see {@link #spinFor}. */
    private static final long WORKER_PHASE_NANOS = 4_000_000;

    private GrowthStartProbe() {
    }

    static void main(final String[] args) {
        final int builds = Probes.intArg(args, 0, 1_000);
        final int keys = Probes.intArg(args, 1, 60_000);
        final long[] keySet = new SplittableRandom(7).longs(keys).toArray();
        // Go's schedule: the doubling to 2^(B+1) starts at insert 13 * 2^(B-1) + 1 (the first at insert 9).
        final int[] starts = growthStarts(keys);
        final long[][] atStart = new long[starts.length][builds];
        final long[][] before = new long[starts.length][builds];
        final boolean[][] prepared = new boolean[starts.length][builds];
        for (int warm = 0; warm < 200; warm++) {
            build(keySet, starts, null, null, null, 0);
        }
        final SplittableRandom phases = new SplittableRandom(11);
        for (int b = 0; b < builds; b++) {
            Quiesce.memoryWorker();
            spinFor(phases.nextLong(WORKER_PHASE_NANOS));
            build(keySet, starts, atStart, before, prepared, b);
        }
        System.out.printf("growth-starts: %,d builds of %,d keys (new LongLongMap(), the memory worker idle before each, then 0-4 ms)%n",
                builds, keys);
        for (int s = 0; s < starts.length; s++) {
            final long[] x = atStart[s].clone();
            final long[] y = before[s].clone();
            Arrays.sort(x);
            Arrays.sort(y);
            System.out.printf("doubling to 2^%-2d at insert %,7d: p50 %9s p99 %9s max %9s | the insert before: p50 %8s p99 %8s max %9s | %s%n",
                    s + 1, starts[s] + 1, Probes.micros(Probes.quantile(x, 0.5)), Probes.micros(Probes.quantile(x, 0.99)),
                    Probes.micros(x[x.length - 1]), Probes.micros(Probes.quantile(y, 0.5)),
                    Probes.micros(Probes.quantile(y, 0.99)), Probes.micros(y[y.length - 1]),
                    preparedSummary(atStart[s], prepared[s]));
        }
    }

    /** "array prepared in k of n builds", with the p50 of each kind of growth start when there were both. */
    static String preparedSummary(final long[] nanos, final boolean[] prepared) {
        final long[] taken = new long[nanos.length];
        final long[] mapped = new long[nanos.length];
        int takenCount = 0;
        int mappedCount = 0;
        for (int b = 0; b < nanos.length; b++) {
            if (prepared[b]) {
                taken[takenCount++] = nanos[b];
            } else {
                mapped[mappedCount++] = nanos[b];
            }
        }
        final String summary = String.format("array prepared in %,d of %,d builds", takenCount, nanos.length);
        if (takenCount == 0 || mappedCount == 0) {
            return summary;
        }
        final long[] t = Arrays.copyOf(taken, takenCount);
        final long[] m = Arrays.copyOf(mapped, mappedCount);
        Arrays.sort(t);
        Arrays.sort(m);
        return summary + String.format(" (p50 %s; mapped by the insert: p50 %s)",
                Probes.micros(Probes.quantile(t, 0.5)), Probes.micros(Probes.quantile(m, 0.5)));
    }

    /**
     * Busy-waits for {@code nanos}: the memory worker looks at its queue every 2 ms after its last task, and a
     * build that started the moment the worker went idle would meet those looks at the same points of every
     * build (whether the worker had the 2^14 array ready at its growth then depended on the build's size:
     * prepared in 14% of 60,000-key builds, 92% of 56,000-key ones). A random delay of up to two periods
     * spreads the builds over the worker's cycle, as a table that grows at any time meets it.
     */
    private static void spinFor(final long nanos) {
        final long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    /** 0-based indices of the inserts that start a doubling, below {@code keys}. */
    static int[] growthStarts(final int keys) {
        final java.util.List<Integer> starts = new java.util.ArrayList<>();
        for (long start = 8; start < keys; start = starts.size() == 1 ? 13 : start * 2) {
            starts.add((int) start);
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void build(final long[] keys, final int[] starts, final long[][] atStart, final long[][] before,
                              final boolean[][] prepared, final int build) {
        try (LongLongMap map = new LongLongMap()) {
            int next = 0;
            for (int i = 0; i < keys.length; i++) {
                if (atStart != null && next < starts.length && i == starts[next]) {
                    prepared[next][build] = map.stats().nextArrayPrepared();
                }
                final long t0 = System.nanoTime();
                map.put(keys[i], i);
                final long nanos = System.nanoTime() - t0;
                if (atStart == null) {
                    continue;
                }
                if (next < starts.length && i == starts[next] - 1) {
                    before[next][build] = nanos;
                } else if (next < starts.length && i == starts[next]) {
                    atStart[next][build] = nanos;
                    next++;
                }
            }
        }
    }
}
