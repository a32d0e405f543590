package io.panamap.bench.contender;

import io.panamap.ConcurrentLongLongMap;
import io.panamap.MapStats;
import io.panamap.ShardedStats;
import io.panamap.bench.result.ShardGrowth;

/**
 * panamap's sharded {@link ConcurrentLongLongMap} as a {@link ConcurrentBenchMap}. Its get and put take no
 * per-thread state and allocate nothing, so every thread's accessor is the map itself.
 */
final class PanamapConcurrentMap implements ConcurrentBenchMap, ConcurrentBenchMap.Accessor {

    private final ConcurrentLongLongMap map;

    PanamapConcurrentMap(final ConcurrentLongLongMap map) {
        this.map = map;
    }

    @Override
    public Accessor accessor() {
        return this;
    }

    @Override
    public void put(final long key, final long value) {
        map.put(key, value);
    }

    @Override
    public long get(final long key) {
        return map.get(key);
    }

    @Override
    public long size() {
        return map.size();
    }

    @Override
    public String stats() {
        return map.stats().toString();
    }

    @Override
    public ShardGrowth growth() {
        final ShardedStats stats = map.stats();
        long oldBuckets = 0;
        long moved = 0;
        for (final MapStats shard : stats.shards()) {
            if (shard.growing()) {
                oldBuckets += shard.oldBuckets();
                moved += shard.evacuatedOldBuckets();
            }
        }
        return new ShardGrowth(stats.shards().size(), stats.shardsGrowing(), oldBuckets, moved,
                stats.timeWithTwoArraysNanos(), stats.backgroundSlices(), stats.backgroundNanos());
    }

    @Override
    public void close() {
        map.close();
    }
}
