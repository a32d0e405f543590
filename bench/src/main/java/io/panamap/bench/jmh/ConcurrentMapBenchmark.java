package io.panamap.bench.jmh;

import io.panamap.bench.contender.ConcurrentBenchMap;
import io.panamap.bench.contender.Contenders;
import io.panamap.bench.workload.Keys;
import io.panamap.bench.workload.Quiesce;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Two threads on one map of {@code size} present keys: panamap's sharded {@code ConcurrentLongLongMap} (default
 * shards) against {@code ConcurrentHashMap<Long, Long>}, with the harness's {@code mixed-mt} adapters. Average
 * time per operation of each thread, and with {@code -prof gc} heap bytes per operation.
 *
 * <ul>
 *   <li>{@code get}: both threads get present keys ({@link Threads @Threads(2)}).</li>
 *   <li>{@code put}: both threads put present keys again, with the value they already have, so the map keeps
 *       its size and its contents (no growth: steady-state writes, every one taking its shard's lock).</li>
 *   <li>{@code getPut}: one thread gets while the other puts ({@link GroupThreads @GroupThreads(1)} each); JMH
 *       reports each side ({@code getPut:getWhilePut}, {@code getPut:putWhileGet}). panamap's gets are
 *       optimistic: a get that overlaps a put to its shard is read again under the shard's read lock.</li>
 * </ul>
 * Each thread walks a shuffled copy of the keys from its own random starting point, wrapping at the end, so the
 * two threads do not read the same keys in step. Growth under concurrency is the harness's business
 * ({@code ./panamap bench --workloads mixed-mt}). {@code -p map=panamap-sharded,panamap-sharded-512} adds the
 * diagnostic variant with 512 shards, in which the two threads rarely work in the same shard at once.
 *
 * <p>The defaults are short (one fork, 3 warm-up and 5 measured iterations of 1 s, 1M keys): on a 2-processor
 * machine the two benchmark threads use every processor, and JMH's own threads, the JIT and the GC take turns
 * with them, so a figure here is a figure for that machine under that load.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class ConcurrentMapBenchmark {

    /** Seed of the keys: every map and fork sees the same keys, those of the other benchmarks. */
    static final long SEED = MapBenchmark.SEED;

    /** Entries in the map. */
    @Param({"1000000"})
    public int size;

    /**
     * The map: panamap's sharded map and the JDK's; any of the harness's contenders with a map for many threads
     * ({@code Contenders.concurrentNames()}) but Chronicle Map, which needs JVM flags of its own.
     */
    @Param({"panamap-sharded", "concurrenthashmap"})
    public String map;

    ConcurrentBenchMap target;
    long[] lookups;

    /** Builds the map (untimed) on this thread and checks, once, that every get returns the right value. */
    @Setup(Level.Trial)
    public void setUp() {
        final long[] keys = Keys.random(size, SEED);
        lookups = Keys.shuffled(keys, SEED + 1);
        target = Contenders.byName(map).createConcurrentMap(size);
        final ConcurrentBenchMap.Accessor filler = target.accessor();
        for (final long key : keys) {
            filler.put(key, Keys.valueFor(key));
        }
        long sum = 0;
        for (final long key : lookups) {
            sum += filler.get(key);
        }
        if (target.size() != size || sum != Keys.checksum(lookups)) {
            throw new IllegalStateException(map + " holds " + target.size() + " entries after " + size
                    + " distinct puts, or returned wrong values");
        }
        Quiesce.backgroundWork(Contenders.byName(map));
        System.gc();
    }

    /** Frees the map (native memory, for panamap). */
    @TearDown(Level.Trial)
    public void tearDown() {
        target.close();
    }

    /** One benchmark thread's accessor and place in the keys. */
    @State(Scope.Thread)
    public static class Cursor {
        ConcurrentBenchMap.Accessor accessor;
        long[] lookups;
        int next;

        /** This thread's accessor, and a random starting point so that the threads do not walk in step. */
        @Setup(Level.Trial)
        public void setUp(final ConcurrentMapBenchmark benchmark) {
            accessor = benchmark.target.accessor();
            lookups = benchmark.lookups;
            next = ThreadLocalRandom.current().nextInt(lookups.length);
        }

        /** The next key of this thread's walk. */
        long nextKey() {
            final int i = next;
            next = i + 1 == lookups.length ? 0 : i + 1;
            return lookups[i];
        }
    }

    /** One get of the next key, on each of two threads. */
    @Benchmark
    public long get(final Cursor cursor) {
        return cursor.accessor.get(cursor.nextKey());
    }

    /** One put of the next key with the value it has, on each of two threads. */
    @Benchmark
    public void put(final Cursor cursor) {
        final long key = cursor.nextKey();
        cursor.accessor.put(key, Keys.valueFor(key));
    }

    /** One get of the next key, while another thread puts. */
    @Benchmark
    @Group("getPut")
    @GroupThreads(1)
    public long getWhilePut(final Cursor cursor) {
        return cursor.accessor.get(cursor.nextKey());
    }

    /** One put of the next key with the value it has, while another thread gets. */
    @Benchmark
    @Group("getPut")
    @GroupThreads(1)
    public void putWhileGet(final Cursor cursor) {
        final long key = cursor.nextKey();
        cursor.accessor.put(key, Keys.valueFor(key));
    }
}
