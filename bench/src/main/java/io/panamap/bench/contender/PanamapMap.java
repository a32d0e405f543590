package io.panamap.bench.contender;

import io.panamap.LongLongMap;

/** {@link LongLongMap} as a {@link BenchMap}. */
final class PanamapMap implements BenchMap {

    private final LongLongMap map;

    PanamapMap(final LongLongMap map) {
        this.map = map;
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
    public void close() {
        map.close();
    }
}
