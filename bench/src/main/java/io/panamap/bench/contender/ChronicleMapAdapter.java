package io.panamap.bench.contender;

import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.values.Values;

import java.util.List;

/**
 * Chronicle Map ({@code net.openhft:chronicle-map}), in memory and presized, as a {@link BenchMap}.
 *
 * <p>Written the way Chronicle documents zero-garbage access to primitive data: keys and values are the
 * {@link LongValue} value interface, filled in reusable heap instances, and reads go through
 * {@link ChronicleMap#getUsing} into a reusable instance. With {@code ChronicleMap<Long, Long>} instead, every put
 * and every get boxes (about 48 bytes of garbage per operation on JDK 25), and gets were slower.
 *
 * <p>Chronicle reaches into JDK internals and compiles the {@link LongValue} implementations with javac at run
 * time, so its child JVM needs {@link ChronicleJvmFlags} (and a JDK, not a bare JRE). The first map a JVM creates
 * takes about 2.5 s for that compilation; the harness's warm-up absorbs it.
 *
 * <p>Not thread-safe: the reusable key and value instances are this adapter's own, like every contender's
 * single-threaded use in the harness. {@link ChronicleConcurrentMap} shares one map between threads, each with
 * instances of its own.
 */
final class ChronicleMapAdapter implements BenchMap {

    /** What its JVM needs: {@link ChronicleJvmFlags#ALL}. */
    static final List<String> JVM_FLAGS = ChronicleJvmFlags.ALL;

    private final ChronicleMap<LongValue, LongValue> map;

    /** The key of the current call, copied by Chronicle into its own buffer: reused so a call allocates nothing. */
    private final LongValue key = Values.newHeapInstance(LongValue.class);

    /** The value to put, copied into the entry under the segment lock. */
    private final LongValue putValue = Values.newHeapInstance(LongValue.class);

    /**
     * Where {@link ChronicleMap#getUsing} copies a value, under the segment lock. A heap instance rather than a
     * native reference: a native one would be left pointing into the map's memory after the lock is released,
     * and was no faster here.
     */
    private final LongValue getValue = Values.newHeapInstance(LongValue.class);

    /**
     * A map sized for {@code expectedEntries}. Chronicle sizes its segments from this count and, with the default
     * max bloat factor of 1.0, throws IllegalStateException at about twice it (seen at 2.0x for 1,000 and 1M),
     * so the count must be the real final size, as the workloads pass it.
     */
    ChronicleMapAdapter(final long expectedEntries) {
        map = newMap(expectedEntries);
    }

    /** The map every {@code long → long} Chronicle contender uses, sized for {@code expectedEntries}. */
    static ChronicleMap<LongValue, LongValue> newMap(final long expectedEntries) {
        return ChronicleMap.of(LongValue.class, LongValue.class)
                // entries() must be positive; a workload of N = 0 would put nothing anyway.
                .entries(Math.max(1, expectedEntries))
                // put() would otherwise make a new LongValue for the value it replaces; no workload reads it,
                // and this option exists so that callers who don't need it don't pay for it.
                .putReturnsNull(true)
                .create();
    }

    @Override
    public void put(final long key, final long value) {
        this.key.setValue(key);
        putValue.setValue(value);
        map.put(this.key, putValue);
    }

    /** The value, or 0 if {@code key} is absent (as fastutil's default return value). */
    @Override
    public long get(final long key) {
        this.key.setValue(key);
        final LongValue found = map.getUsing(this.key, getValue);
        return found == null ? 0 : found.getValue();
    }

    /** Removes {@code key}; returns its value, or 0 if it was absent. */
    @Override
    public long remove(final long key) {
        this.key.setValue(key);
        final LongValue found = map.getUsing(this.key, getValue);
        if (found == null) {
            return 0;
        }
        final long value = found.getValue();
        map.remove(this.key);
        return value;
    }

    /** Chronicle's own walk, entry by entry under each segment's lock. */
    @Override
    public long sumEntries() {
        final long[] sum = new long[1];
        map.forEachEntry(entry -> sum[0] += entry.key().get().getValue() + entry.value().get().getValue());
        return sum[0];
    }

    @Override
    public long size() {
        return map.longSize();
    }

    /** Segments, off-heap bytes and free space; percentageFreeSpace() walks every segment, so only for the report. */
    @Override
    public String stats() {
        return stats(map);
    }

    /** {@link #stats()} of any Chronicle map. */
    static String stats(final ChronicleMap<?, ?> map) {
        return "segments=" + map.segments()
                + ", offHeapBytes=" + map.offHeapMemoryUsed()
                + ", freeSpace=" + map.percentageFreeSpace() + "%"
                + ", remainingAutoResizes=" + map.remainingAutoResizes();
    }

    /** Frees the map's off-heap memory now rather than when a cleaner gets to it. */
    @Override
    public void close() {
        map.close();
    }
}
