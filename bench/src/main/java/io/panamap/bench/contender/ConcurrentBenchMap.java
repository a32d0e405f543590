package io.panamap.bench.contender;

import io.panamap.bench.result.ShardGrowth;

/**
 * The few operations the multi-threaded workload ({@code mixed-mt}) and the JMH {@code ConcurrentMapBenchmark}
 * need from a {@code long → long} map that several threads use at once.
 *
 * <p>Each thread goes through an {@link Accessor} of its own. Maps whose calls need no per-thread state
 * (panamap's sharded map, {@code ConcurrentHashMap}) hand out themselves; Chronicle Map, whose garbage-free calls
 * fill reusable key and value instances, hands each thread an accessor with instances of its own, so that no
 * mutable object is shared between threads.
 *
 * <p>Each child JVM loads one implementation (and one accessor class), so the JIT sees monomorphic calls.
 */
public interface ConcurrentBenchMap extends AutoCloseable {

    /** One thread's way into the map. Never share one between threads. */
    interface Accessor {

        /** Maps {@code key} to {@code value}. */
        void put(long key, long value);

        /** The value for {@code key}; 0 when absent (workloads only ask for present keys). */
        long get(long key);
    }

    /** An accessor for the thread that calls this (or the one it is handed to before any use). */
    Accessor accessor();

    /** Live entries; call when no thread is writing. */
    long size();

    /** A one-line description of the map's internal state for the report, or "" if it has none. */
    String stats();

    /**
     * panamap's shards: how many are growing now and how long, in all, they have held two arrays; null for a map
     * that does not grow that way.
     */
    ShardGrowth growth();

    /** Releases the map's memory now (native maps) or drops the reference (on-heap maps). */
    @Override
    void close();
}
