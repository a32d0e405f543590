package io.panamap.bench.jmh;

import io.panamap.bench.contender.BenchMap;
import io.panamap.bench.workload.Keys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code remove} of a present key, then {@code put} of the same key and value: ns per remove+put pair.
 *
 * <p>The map holds {@code size} random keys. Each call removes the next key of a shuffled copy of them
 * (wrapping at the end) and puts it straight back, so the map keeps its size and every remove finds its key.
 * The score is the pair, not the remove alone; the put mostly touches the cache lines the remove has just
 * loaded, so the pair costs about a remove plus a cache-hot put. Nothing is allocated per call except by
 * HashMap (boxes, and a new entry node for every put).
 */
public class RemoveBenchmark extends MapBenchmark {

    private BenchMap target;
    private long[] order;
    private int next;

    /** Builds the map (untimed). */
    @Setup(Level.Trial)
    public void setUp() {
        final long[] keys = Keys.random(size, SEED);
        order = Keys.shuffled(keys, SEED + 1);
        target = filledMap(keys);
    }

    /** Checks that the map still holds {@code size} entries (a lost or duplicated key would show) and frees it. */
    @TearDown(Level.Trial)
    public void tearDown() {
        final long entries = target.size();
        target.close();
        if (entries != size) {
            throw new IllegalStateException(map + " ends with " + entries + " entries, not " + size);
        }
    }

    /** Removes the next key and puts it back with the value the remove returned. */
    @Benchmark
    public long removeAndPut() {
        final int i = next;
        next = i + 1 == order.length ? 0 : i + 1;
        final long key = order[i];
        final long value = target.remove(key);
        target.put(key, value);
        return value;
    }
}
