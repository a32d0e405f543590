package io.panamap.bench.contender;

import org.eclipse.collections.impl.map.mutable.primitive.LongLongHashMap;

/** Eclipse Collections' {@link LongLongHashMap} (primitive keys and values in one array, open addressing) as a {@link BenchMap}. */
final class EclipseMap implements BenchMap {

    private LongLongHashMap map = new LongLongHashMap();

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
