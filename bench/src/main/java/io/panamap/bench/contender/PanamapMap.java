package io.panamap.bench.contender;

import io.panamap.LongLongCursor;
import io.panamap.LongLongMap;

/** {@link LongLongMap} as a {@link BenchMap}; its walk is one reusable {@link LongLongCursor}. */
final class PanamapMap implements BenchMap {

    private final LongLongMap map;
    // Made on the first walk, not here: a cursor pins the arrays of an unfinished walk, and one made on an
    // empty map would keep its first array alive through every growth of a build.
    private LongLongCursor cursor;

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
    public long remove(final long key) {
        return map.remove(key);
    }

    @Override
    public long sumEntries() {
        if (cursor == null) {
            cursor = map.cursor();
        } else {
            cursor.reset();
        }
        final LongLongCursor walk = cursor;
        long sum = 0;
        while (walk.next()) {
            sum += walk.key() + walk.value();
        }
        return sum;
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
        if (cursor != null) {
            cursor.close();
        }
        map.close();
    }
}
