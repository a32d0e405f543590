package io.panamap.bench.jmh;

import io.panamap.bench.contender.BenchMap;
import io.panamap.bench.workload.Keys;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.SplittableRandom;

/**
 * {@code put} of new keys into a map that grows from empty to {@code size} entries: one operation is a whole
 * build, and the secondary result {@code growFromEmpty:puts} is the same time per put.
 *
 * <h2>Why a whole build per operation</h2>
 * The cost of a put depends on how full the map is and whether a growth is under way, so an honest figure
 * averages over complete builds. With one put per operation and the map replaced when full, a 1 s iteration
 * at 10M entries would cover only part of a build (the slower maps need seconds for one), and the score would
 * depend on which part. Here every operation is a complete build, so every measured put belongs to a build
 * that was measured from its first put to its last. At 1K, an iteration holds thousands of builds; at 10M,
 * an iteration is one build (JMH lets it run past the iteration time).
 *
 * <h2>What is inside the measured time</h2>
 * Making the empty map, the {@code size} puts, and closing the map (panamap frees its native memory; the
 * on-heap maps become garbage, which the GC collects during later operations, also measured). panamap's
 * memory worker maps, pre-faults and unmaps arrays on another thread: that thread's CPU time is not in the
 * score, its effect on the putting thread is. Each build XORs the keys with a fresh random salt, so
 * successive builds do not repeat one key sequence that hash layouts and branch predictors could learn.
 *
 * <p>{@code -prof gc} reports heap bytes per build, not per put. panamap's tables live in native memory, so
 * it allocates only the Java objects that describe the map and each array it grows through: kilobytes per
 * build, growing with the number of growths (the logarithm of the size), not with the size. The on-heap
 * maps allocate every array they grow through.
 */
public class PutBenchmark extends MapBenchmark {

    private long[] keys;
    private SplittableRandom salts;

    /** Draws the keys (untimed). */
    @Setup(Level.Trial)
    public void setUp() {
        keys = Keys.random(size, SEED);
        salts = new SplittableRandom(SEED + 2);
    }

    /**
     * Puts counted by JMH: in average-time mode it reports the iteration's time divided by this count as
     * {@code growFromEmpty:puts}, the time per put.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Puts {

        /** Puts done in the current iteration. */
        public long puts;

        /** JMH does not reset counters on its own. */
        @Setup(Level.Iteration)
        public void reset() {
            puts = 0;
        }
    }

    /** One build: an empty map, {@code size} puts of new keys, close. Returns the final size. */
    @Benchmark
    public long growFromEmpty(final Puts counter) {
        final long salt = salts.nextLong();
        try (BenchMap map = newMap()) {
            for (final long key : keys) {
                final long saltedKey = key ^ salt;
                map.put(saltedKey, Keys.valueFor(saltedKey));
            }
            counter.puts += keys.length;
            return map.size();
        }
    }
}
