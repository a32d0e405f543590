package io.panamap.bench.contender;

import io.panamap.bench.result.ShardGrowth;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.values.Values;

/**
 * Chronicle Map, in memory and presized, as a {@link ConcurrentBenchMap}: the same map and the same garbage-free
 * calls as {@link ChronicleMapAdapter}, shared by several threads.
 *
 * <p>A {@code ChronicleMap} is thread-safe: each of its segments has its own lock, and a call works in a context
 * of the calling thread. The reusable {@link LongValue} key and value instances, however, are plain mutable
 * objects: each {@link #accessor()} makes its own, so no two threads ever fill the same one.
 */
final class ChronicleConcurrentMap implements ConcurrentBenchMap {

    private final ChronicleMap<LongValue, LongValue> map;

    /** A map sized for {@code expectedEntries}, which must be the real final size (see {@link ChronicleMapAdapter}). */
    ChronicleConcurrentMap(final long expectedEntries) {
        map = ChronicleMapAdapter.newMap(expectedEntries);
    }

    /** A new accessor with reusable instances of its own. */
    @Override
    public Accessor accessor() {
        return new ThreadAccessor(map);
    }

    @Override
    public long size() {
        return map.longSize();
    }

    @Override
    public String stats() {
        return ChronicleMapAdapter.stats(map);
    }

    /** Null: it is sized up front and does not grow that way. */
    @Override
    public ShardGrowth growth() {
        return null;
    }

    @Override
    public void close() {
        map.close();
    }

    /** One thread's key, put value and get value, each filled and read by that thread only. */
    static final class ThreadAccessor implements Accessor {
        private final ChronicleMap<LongValue, LongValue> map;
        private final LongValue key = Values.newHeapInstance(LongValue.class);
        private final LongValue putValue = Values.newHeapInstance(LongValue.class);
        private final LongValue getValue = Values.newHeapInstance(LongValue.class);

        ThreadAccessor(final ChronicleMap<LongValue, LongValue> map) {
            this.map = map;
        }

        @Override
        public void put(final long key, final long value) {
            this.key.setValue(key);
            putValue.setValue(value);
            map.put(this.key, putValue);
        }

        @Override
        public long get(final long key) {
            this.key.setValue(key);
            final LongValue found = map.getUsing(this.key, getValue);
            return found == null ? 0 : found.getValue();
        }

        /** The instances this accessor fills, to check that no two accessors share one. */
        Object[] reusedInstances() {
            return new Object[] {key, putValue, getValue};
        }
    }
}
