package io.panamap.bench.contender;

import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code java.util.concurrent.ConcurrentHashMap<Long, Long>} as a {@link BenchMap}: the map a Java service
 * reaches for when more than one thread touches the table (used here from one). Every put boxes its key and
 * value and every get boxes its key: that allocation is part of this contender, so it is measured, not avoided.
 */
final class BoxedConcurrentHashMap implements BenchMap {

    private ConcurrentHashMap<Long, Long> map = new ConcurrentHashMap<>();

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
        return "";
    }

    /** Drops the reference, so the entries are garbage even if a caller keeps this adapter. */
    @Override
    public void close() {
        map = null;
    }
}
