package io.panamap.bench.jmh;

/**
 * What the JMH benchmarks do to a {@code long → long} map, so that one benchmark body serves every map.
 *
 * <p>Each fork runs one benchmark with one {@code map} parameter and so loads exactly one implementation
 * (see {@link JmhMaps#create}): every call through this interface is monomorphic there, and the JIT inlines
 * it. The adapter costs nothing in the measured code.
 */
interface JmhMap extends AutoCloseable {

    /** Maps {@code key} to {@code value}. */
    void put(long key, long value);

    /** The value for {@code key}; unspecified when absent (the benchmarks only ask for present keys). */
    long get(long key);

    /** Removes {@code key} and returns its value; unspecified when absent. */
    long remove(long key);

    /**
     * Walks every entry once, the map's own cheapest way (see each adapter), and returns the sum of all
     * keys and values.
     */
    long sumEntries();

    /** Live entries. */
    long size();

    /** Waits until the map has no background work left (panamap's memory worker); others return at once. */
    void settle();

    /** Frees native memory now (panamap); does nothing for on-heap maps, which the GC reclaims once dropped. */
    @Override
    void close();
}
