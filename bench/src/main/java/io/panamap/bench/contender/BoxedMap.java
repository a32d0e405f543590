package io.panamap.bench.contender;

import java.util.Map;

/**
 * A {@code java.util} map of boxed {@code Long}s ({@code HashMap}, {@code ConcurrentHashMap}) as a
 * {@link BenchMap}. Every put boxes its key and value and every get boxes its key: that allocation is part of
 * these contenders, so it is measured, not avoided. A JVM runs one contender, so the map's class is the only
 * one this adapter ever calls and the JIT inlines it.
 */
final class BoxedMap implements BenchMap {

    private Map<Long, Long> map;

    BoxedMap(final Map<Long, Long> map) {
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
        long sum = 0;
        for (final Map.Entry<Long, Long> entry : map.entrySet()) {
            sum += entry.getKey() + entry.getValue();
        }
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

    /** Drops the reference, so the entries are garbage even if a caller keeps this adapter. */
    @Override
    public void close() {
        map = null;
    }
}
