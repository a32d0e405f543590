package io.panamap.bench.contender;

/**
 * The few operations the workloads and the JMH benchmarks need from a {@code long → long} map, so that every
 * contender is driven by the same loop.
 *
 * <p>Each child JVM (and each JMH fork) loads exactly one implementation, so the JIT sees a monomorphic call
 * and inlines it: the adapter costs nothing there. (That is one reason each contender runs in its own JVM.)
 */
public interface BenchMap extends AutoCloseable {

    /** Maps {@code key} to {@code value}. */
    void put(long key, long value);

    /** The value for {@code key}; unspecified when absent (workloads only ask for present keys). */
    long get(long key);

    /** Removes {@code key} and returns its value; unspecified when absent. */
    long remove(long key);

    /**
     * Walks every entry once, the library's own cheapest way that allocates nothing per entry, and returns the
     * sum of all keys and values.
     */
    long sumEntries();

    /** Live entries. */
    long size();

    /** A one-line description of the map's internal state for the report, or "" if it has none. */
    String stats();

    /** Releases the map's memory now (native maps) or drops nothing (on-heap maps: the GC does it). */
    @Override
    void close();
}
