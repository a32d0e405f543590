package io.panamap.bench.jmh;

import io.panamap.bench.contender.BenchMap;
import io.panamap.bench.workload.Keys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A full walk over the map, summing every key and value: ns per walk (divide by {@code size} for ns per
 * entry).
 *
 * <p>The map holds {@code size} random keys. Each map is walked its own cheapest way (see {@link JmhMaps});
 * panamap's cursor is made once and reset for every walk, so a walk allocates nothing. HashMap allocates its
 * entry-set iterator once per walk.
 */
public class IterateBenchmark extends MapBenchmark {

    private BenchMap target;

    /** Builds the map (untimed) and checks, once, that a walk sees every entry exactly once. */
    @Setup(Level.Trial)
    public void setUp() {
        final long[] keys = Keys.random(size, SEED);
        target = filledMap(keys);
        long expected = Keys.checksum(keys);
        for (final long key : keys) {
            expected += key;
        }
        if (target.sumEntries() != expected) {
            throw new IllegalStateException(map + ": a walk did not see every entry exactly once");
        }
    }

    /** Frees the map (native memory, for panamap). */
    @TearDown(Level.Trial)
    public void tearDown() {
        target.close();
    }

    /** One full walk. */
    @Benchmark
    public long sumEntries() {
        return target.sumEntries();
    }
}
