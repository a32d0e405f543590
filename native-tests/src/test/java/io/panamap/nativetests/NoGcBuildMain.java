package io.panamap.nativetests;

import io.panamap.LongLongMap;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * Builds a table of {@code args[0]} entries from empty (not presized) and prints, on one line, the entries,
 * the garbage collections and their time during the build, and the build time. Run by {@link NoGcTest} in a
 * JVM with a 64 MiB heap: the table's hundreds of MiB never touch it.
 */
public final class NoGcBuildMain {

    private NoGcBuildMain() {
    }

    public static void main(final String[] args) {
        final long entries = Long.parseLong(args[0]);
        final long gcBefore = collections();
        final long gcMillisBefore = collectionMillis();
        final long start = System.nanoTime();
        final long size;
        try (LongLongMap map = LongLongMap.builder().build()) {
            for (long i = 0; i < entries; i++) {
                // Distinct keys, computed: an array of 50M keys would not fit in the heap this runs with.
                final long key = mix(i);
                map.put(key, ~key);
            }
            size = map.size();
        }
        final long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("BUILD size=" + size + " gc=" + (collections() - gcBefore) + " gcMillis="
                + (collectionMillis() - gcMillisBefore) + " millis=" + millis + " maxHeap="
                + Runtime.getRuntime().maxMemory());
    }

    /** splitmix64's finaliser: a bijection on longs, so distinct inputs give distinct keys. */
    static long mix(final long i) {
        long z = i + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long collections() {
        long total = 0;
        for (final GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, collector.getCollectionCount());
        }
        return total;
    }

    private static long collectionMillis() {
        long total = 0;
        for (final GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, collector.getCollectionTime());
        }
        return total;
    }
}
