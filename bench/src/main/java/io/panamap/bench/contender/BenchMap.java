package io.panamap.bench.contender;

/**
 * The few operations a workload needs from a {@code long → long} map, so that every contender is driven by
 * the same loop.
 *
 * <p>Each child JVM loads exactly one implementation, so the JIT sees a monomorphic call and inlines it: the
 * adapter costs nothing there. (That is one reason each contender runs in its own JVM.)
 */
public interface BenchMap extends AutoCloseable {

    /** Maps {@code key} to {@code value}. */
    void put(long key, long value);

    /** The value for {@code key}; unspecified when absent (workloads only ask for present keys). */
    long get(long key);

    /** Live entries. */
    long size();

    /** A one-line description of the map's internal state for the report, or "" if it has none. */
    String stats();

    /** Releases the map's memory now (native maps) or drops nothing (on-heap maps: the GC does it). */
    @Override
    void close();
}
