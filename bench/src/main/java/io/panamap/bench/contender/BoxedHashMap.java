package io.panamap.bench.contender;

import java.util.HashMap;

/**
 * {@code java.util.HashMap<Long, Long>} as a {@link BenchMap}. Every put boxes its key and value and every
 * get boxes its key: that allocation is what this contender is about, so it is measured, not avoided.
 */
final class BoxedHashMap implements BenchMap {

    private HashMap<Long, Long> map = new HashMap<>();

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
