package io.panamap.bench.contender;

import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;

/** fastutil's {@link Long2LongOpenHashMap} (primitive keys and values, linear probing) as a {@link BenchMap}. */
final class FastutilMap implements BenchMap {

    private Long2LongOpenHashMap map = new Long2LongOpenHashMap();

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

    /** Drops the reference, so the arrays are garbage even if a caller keeps this adapter. */
    @Override
    public void close() {
        map = null;
    }
}
