package io.panamap;

import java.util.List;

/**
 * A snapshot of a concurrent map: totals over its shards, and each shard's own {@link MapStats}. Shards are
 * read one after the other, each under its read lock, so the totals are a sum of per-shard snapshots, not
 * one instant. A shard's {@link MapStats#placement()} is asked for just after its lock is released.
 *
 * @param size                    live entries in all shards
 * @param committedBytes          native bytes charged against the shards' budgets, in all
 * @param spareBytes              of those, what {@code releaseSpareMemory()} would give back now, in all
 * @param reservedBytes           native address space mapped, in all
 * @param shardsGrowing           shards with a growth in progress (two arrays)
 * @param timeWithTwoArraysNanos  time the shards have held two arrays, summed over shards
 * @param backgroundSlices        slices the background evacuator has run (0 without one)
 * @param backgroundNanos         time those slices took
 * @param shards                  every shard's stats, by shard index
 */
public record ShardedStats(long size, long committedBytes, long spareBytes, long reservedBytes, int shardsGrowing,
                           long timeWithTwoArraysNanos, long backgroundSlices, long backgroundNanos,
                           List<MapStats> shards) {

    /** Sums the shards' stats. */
    static ShardedStats of(final List<MapStats> shards, final long backgroundSlices, final long backgroundNanos) {
        long size = 0;
        long committed = 0;
        long spare = 0;
        long reserved = 0;
        int growing = 0;
        long twoArrays = 0;
        for (final MapStats shard : shards) {
            size += shard.size();
            committed += shard.committedBytes();
            spare += shard.spareBytes();
            reserved += shard.reservedBytes();
            growing += shard.growing() ? 1 : 0;
            twoArrays += shard.timeWithTwoArraysNanos();
        }
        return new ShardedStats(size, committed, spare, reserved, growing, twoArrays, backgroundSlices, backgroundNanos,
                List.copyOf(shards));
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "size=%d shards=%d growing=%d twoArrays=%.1fms committed=%d spare=%d reserved=%d background=%d"
                        + " slices/%.1fms",
                size, shards.size(), shardsGrowing, timeWithTwoArraysNanos / 1e6, committedBytes, spareBytes, reservedBytes,
                backgroundSlices, backgroundNanos / 1e6);
    }
}
