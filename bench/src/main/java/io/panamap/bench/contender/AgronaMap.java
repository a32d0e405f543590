package io.panamap.bench.contender;

import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongLongConsumer;

/**
 * Agrona's {@link Long2LongHashMap} (primitive keys and values in one interleaved array, linear probing) as a
 * {@link BenchMap}. Agrona needs a "missing value" sentinel that no stored value may equal;
 * {@link #MISSING_VALUE} is one the workloads' values never take ({@code Keys.valueFor} of a random key hitting
 * it exactly is a 2^-64 event, and Agrona would reject it with an exception, not a wrong result).
 */
final class AgronaMap implements BenchMap {

    /** Agrona's "no entry" answer. */
    static final long MISSING_VALUE = Long.MIN_VALUE;

    private Long2LongHashMap map = new Long2LongHashMap(MISSING_VALUE);
    private long sum;
    /** Made once: the walk adds into a field because a lambda cannot add into a local. */
    private final LongLongConsumer addEntry = (key, value) -> sum += key + value;

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
        map.forEachLong(addEntry);
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
