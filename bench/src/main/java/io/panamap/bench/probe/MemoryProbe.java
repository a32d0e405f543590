package io.panamap.bench.probe;

import io.panamap.LongLongMap;
import io.panamap.MapStats;
import io.panamap.bench.workload.MemoryMeter;
import io.panamap.bench.workload.Quiesce;

import java.util.SplittableRandom;
import java.util.function.LongFunction;

/**
 * What a table of {@code keys} random keys holds in native memory, grown from empty and presized: its
 * committed bytes ({@code stats()}) and the process's resident growth once the memory worker is idle, then
 * the same after {@code releaseSpareMemory()}, which gives back the array prepared for the next doubling (and
 * any small retired arrays kept). Then a grown table drained to a tenth of its keys, before and after
 * {@code trimToSize()}, with how long the trim took.
 */
final class MemoryProbe {

    private MemoryProbe() {
    }

    static void main(final String[] args) {
        final int keys = Probes.intArg(args, 0, 10_000_000);
        final long[] keySet = new SplittableRandom(11).longs(keys).toArray();
        warmUp(keySet);
        System.out.printf("memory: a LongLongMap of %,d random keys; figures after the memory worker went idle%n", keys);
        measure("growing ", keySet, size -> new LongLongMap());
        measure("presized", keySet, LongLongMap::withExpectedSize);
        drainAndTrim(keySet);
    }

    /**
     * Runs every path measured below on small tables first, so that the memory the JIT compiler takes for them
     * (its code and its working arenas, resident in the process) is not charged to the first table measured.
     */
    private static void warmUp(final long[] keys) {
        final int size = Math.min(keys.length, 200_000);
        for (int round = 0; round < 10; round++) {
            try (LongLongMap growing = new LongLongMap(); LongLongMap presized = LongLongMap.withExpectedSize(size)) {
                for (int i = 0; i < size; i++) {
                    growing.put(keys[i], i);
                    presized.put(keys[i], i);
                }
                for (int i = 0; i < size; i += 2) {
                    growing.remove(keys[i]);
                }
                growing.releaseSpareMemory();
                growing.trimToSize();
            }
        }
        Quiesce.memoryWorker();
    }

    private static void drainAndTrim(final long[] keys) {
        final long kept = keys.length / 10;
        final MemoryMeter before = MemoryMeter.snapshot();
        try (LongLongMap map = new LongLongMap()) {
            for (int i = 0; i < keys.length; i++) {
                map.put(keys[i], i);
            }
            for (int i = 0; i < keys.length; i++) {
                if (i % 10 != 0) {
                    map.remove(keys[i]);
                }
            }
            Quiesce.memoryWorker();
            final MapStats drained = map.stats();
            final long residentDrained = before.since(kept).nativeBytes();
            final long start = System.nanoTime();
            final long released = map.trimToSize();
            final long trimNanos = System.nanoTime() - start;
            Quiesce.memoryWorker();
            final MapStats trimmed = map.stats();
            final long residentTrimmed = before.since(kept).nativeBytes();
            System.out.printf("drained : grown to %,d keys, %,d removed: B=%d; committed %s; resident growth %s%n",
                    keys.length, keys.length - map.size(), drained.logBuckets(),
                    perEntry(drained.committedBytes(), kept), perEntry(residentDrained, kept));
            System.out.printf("  trimToSize(): B=%d, %,d bytes in %.1f ms; committed %s; resident growth %s%n",
                    trimmed.logBuckets(), released, trimNanos / 1e6, perEntry(trimmed.committedBytes(), kept),
                    perEntry(residentTrimmed, kept));
        }
        Quiesce.memoryWorker();
    }

    private static void measure(final String name, final long[] keys, final LongFunction<LongLongMap> newMap) {
        final MemoryMeter before = MemoryMeter.snapshot();
        try (LongLongMap map = newMap.apply(keys.length)) {
            for (int i = 0; i < keys.length; i++) {
                map.put(keys[i], i);
            }
            Quiesce.memoryWorker();
            final MapStats built = map.stats();
            final long residentBuilt = before.since(keys.length).nativeBytes();
            final long start = System.nanoTime();
            final long released = map.releaseSpareMemory();
            final long releaseNanos = System.nanoTime() - start;
            Quiesce.memoryWorker();
            final MapStats afterRelease = map.stats();
            final long residentAfterRelease = before.since(keys.length).nativeBytes();
            System.out.printf("%s: B=%d, next array prepared: %s; committed %s; resident growth %s%n", name,
                    built.logBuckets(), built.nextArrayPrepared() ? "yes" : "no",
                    perEntry(built.committedBytes(), keys.length), perEntry(residentBuilt, keys.length));
            System.out.printf("  releaseSpareMemory(): %,d bytes in %s; committed %s; resident growth %s%n",
                    released, Probes.micros(releaseNanos), perEntry(afterRelease.committedBytes(), keys.length),
                    perEntry(residentAfterRelease, keys.length));
        }
        Quiesce.memoryWorker();
    }

    /** Bytes, and bytes per entry. */
    static String perEntry(final long bytes, final long entries) {
        return String.format("%,d bytes (%.1f per entry)", bytes, (double) bytes / entries);
    }
}
