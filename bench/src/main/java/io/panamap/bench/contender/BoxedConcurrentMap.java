package io.panamap.bench.contender;

import io.panamap.bench.result.ShardGrowth;

import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code ConcurrentHashMap<Long, Long>} as a {@link ConcurrentBenchMap}: thread-safe with no per-thread state,
 * so every thread's accessor is the adapter itself. As in {@link BoxedMap}, every put boxes its key and value
 * and every get its key: that allocation is this contender, so it is measured, not avoided.
 */
final class BoxedConcurrentMap implements ConcurrentBenchMap, ConcurrentBenchMap.Accessor {

    private ConcurrentHashMap<Long, Long> map;

    BoxedConcurrentMap(final ConcurrentHashMap<Long, Long> map) {
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
        final Long value = map.get(key);
        return value == null ? 0 : value;
    }

    @Override
    public long size() {
        return map.mappingCount();
    }

    @Override
    public String stats() {
        return "";
    }

    /** Null: its bins grow in one resize that threads help with, not per shard. */
    @Override
    public ShardGrowth growth() {
        return null;
    }

    /** Drops the reference, so the entries are garbage even if a caller keeps this adapter. */
    @Override
    public void close() {
        map = null;
    }
}
