package io.panamap.bench.contender;

import org.eclipse.collections.api.block.procedure.primitive.LongLongProcedure;
import org.eclipse.collections.impl.map.mutable.primitive.LongLongHashMap;

/** Eclipse Collections' {@link LongLongHashMap} (primitive keys and values in one array, open addressing) as a {@link BenchMap}. */
final class EclipseMap implements BenchMap {

    private LongLongHashMap map = new LongLongHashMap();
    private long sum;
    /** Made once: the walk adds into a field because a lambda cannot add into a local. */
    private final LongLongProcedure addEntry = (key, value) -> sum += key + value;

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
        return map.removeKeyIfAbsent(key, 0);
    }

    @Override
    public long sumEntries() {
        sum = 0;
        map.forEachKeyValue(addEntry);
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
