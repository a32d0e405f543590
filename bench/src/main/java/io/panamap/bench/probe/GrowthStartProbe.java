package io.panamap.bench.probe;

import io.panamap.LongLongMap;
import io.panamap.bench.workload.Quiesce;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The insert that starts each doubling, timed alone over many builds of a table from empty: the put that
 * maps (or adopts) the next array. Builds of {@code keys} random keys into {@code new LongLongMap()},
 * every put timed with {@code System.nanoTime()}; before each build the memory worker is idle, as in the
 * bench. Prints, per doubling, p50, p99 and max of that insert and of the insert before it (an ordinary one).
 */
final class GrowthStartProbe {

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
        for (int warm = 0; warm < 200; warm++) {
            build(keySet, starts, null, null, 0);
        }
        for (int b = 0; b < builds; b++) {
            Quiesce.memoryWorker();
            build(keySet, starts, atStart, before, b);
        }
        System.out.printf("growth-starts: %,d builds of %,d keys (new LongLongMap(), the memory worker idle before each)%n",
                builds, keys);
        for (int s = 0; s < starts.length; s++) {
            final long[] x = atStart[s].clone();
            final long[] y = before[s].clone();
            Arrays.sort(x);
            Arrays.sort(y);
            System.out.printf("doubling to 2^%-2d at insert %,7d: p50 %9s p99 %9s max %9s | the insert before: p50 %8s p99 %8s max %9s%n",
                    s + 1, starts[s] + 1, Probes.micros(Probes.quantile(x, 0.5)), Probes.micros(Probes.quantile(x, 0.99)),
                    Probes.micros(x[x.length - 1]), Probes.micros(Probes.quantile(y, 0.5)),
                    Probes.micros(Probes.quantile(y, 0.99)), Probes.micros(y[y.length - 1]));
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
                              final int build) {
        try (LongLongMap map = new LongLongMap()) {
            int next = 0;
            for (int i = 0; i < keys.length; i++) {
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
