package io.panamap.bench.probe;

import io.panamap.LongLongMap;

import java.util.SplittableRandom;

/**
 * A JVM's first table, with no warm-up: how long its constructor takes, its first insert, the insert that
 * starts its first growth (the ninth), and every insert over 100 µs in a build of {@code keys} keys. Run it
 * in a fresh JVM ({@code ./panamap probe first-table} starts one): a second table would find everything
 * loaded and linked.
 */
final class FirstTableProbe {

    private static final long SLOW_NANOS = 100_000;
    private static final int LISTED = 30;

    private FirstTableProbe() {
    }

    static void main(final String[] args) {
        final int keys = Probes.intArg(args, 0, 1_000_000);
        final long[] keySet = new SplittableRandom(7).longs(keys).toArray();
        final long t0 = System.nanoTime();
        final LongLongMap map = new LongLongMap();
        final long constructed = System.nanoTime() - t0;
        final long[] nanos = new long[keys];
        try (map) {
            for (int i = 0; i < keys; i++) {
                final long t = System.nanoTime();
                map.put(keySet[i], i);
                nanos[i] = System.nanoTime() - t;
            }
        }
        System.out.printf("first-table: the first LongLongMap of this JVM, %,d keys, no warm-up%n", keys);
        System.out.printf("constructor %s; insert 1 %s%s%n", Probes.micros(constructed), Probes.micros(nanos[0]),
                keys < 9 ? "" : "; insert 9 (the first growth) " + Probes.micros(nanos[8]));
        final StringBuilder slow = new StringBuilder();
        int count = 0;
        for (int i = 0; i < keys; i++) {
            if (nanos[i] > SLOW_NANOS && count++ < LISTED) {
                slow.append(' ').append(Probes.micros(nanos[i]).replace(" ", "")).append('@').append(i + 1);
            }
        }
        System.out.printf("inserts over 100 µs: %d%s%n", count, count == 0 ? "" : " (µs@insert:" + slow + ")");
    }
}
