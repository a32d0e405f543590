package io.panamap.bench.jmh;

import io.panamap.bench.contender.BenchMap;
import io.panamap.bench.workload.Keys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code get} of a present key: ns per get.
 *
 * <p>The map holds {@code size} random keys. Each call looks up the next key of a shuffled copy of them,
 * wrapping at the end, and returns the value (JMH consumes it). Shuffled, because lookups in insertion order
 * would favour maps whose memory follows insertion order (HashMap's boxed entries). Successive gets are
 * independent, so the CPU overlaps their cache misses: this is the cost per get of a stream of gets, not the
 * latency of one get whose key depends on the previous result. Nothing is allocated per call except by
 * HashMap, which boxes the key.
 */
public class GetBenchmark extends MapBenchmark {

    private BenchMap target;
    private long[] lookups;
    private int next;

    /** Builds the map (untimed) and checks, once, that every get returns the right value. */
    @Setup(Level.Trial)
    public void setUp() {
        final long[] keys = Keys.random(size, SEED);
        lookups = Keys.shuffled(keys, SEED + 1);
        target = filledMap(keys);
        long sum = 0;
        for (final long key : lookups) {
            sum += target.get(key);
        }
        if (sum != Keys.checksum(lookups)) {
            throw new IllegalStateException(map + " returned wrong values");
        }
    }

    /** Frees the map (native memory, for panamap). */
    @TearDown(Level.Trial)
    public void tearDown() {
        target.close();
    }

    /** One get of the next key. */
    @Benchmark
    public long get() {
        final int i = next;
        next = i + 1 == lookups.length ? 0 : i + 1;
        return target.get(lookups[i]);
    }
}
