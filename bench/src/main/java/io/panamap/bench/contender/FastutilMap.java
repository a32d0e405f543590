package io.panamap.bench.contender;

import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongLongBiConsumer;

/** fastutil's {@link Long2LongOpenHashMap} (primitive keys and values, linear probing) as a {@link BenchMap}. */
final class FastutilMap implements BenchMap {

    private Long2LongOpenHashMap map;
    private long sum;
    /** Made once: the walk adds into a field because a lambda cannot add into a local. */
    private final LongLongBiConsumer addEntry = (key, value) -> sum += key + value;

    /** An empty map that grows as keys come (fastutil's default capacity). */
    FastutilMap() {
        map = new Long2LongOpenHashMap();
    }

    /** An empty map sized for {@code expectedEntries}: its arrays are allocated (and zeroed) here, once. */
    FastutilMap(final int expectedEntries) {
        map = new Long2LongOpenHashMap(expectedEntries);
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
    public long remove(final long key) {
        return map.remove(key);
    }

    @Override
    public long sumEntries() {
        sum = 0;
        map.forEach(addEntry);
        return sum;
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
