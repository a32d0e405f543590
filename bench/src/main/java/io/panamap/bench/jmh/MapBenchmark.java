package io.panamap.bench.jmh;

import io.panamap.bench.contender.BenchMap;
import io.panamap.bench.contender.Contenders;
import io.panamap.bench.workload.Keys;
import io.panamap.bench.workload.Quiesce;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What every JMH benchmark here shares: the run settings, the {@code size} parameter, the keys' seed and
 * making the map under test.
 *
 * <p>Each operation ({@link GetBenchmark}, {@link PutBenchmark}, {@link RemoveBenchmark},
 * {@link IterateBenchmark}) is a subclass; the {@code map} parameter names the contender, with the same names
 * and adapters as {@code ./panamap bench} ({@link Contenders}). Each fork runs one map, so the adapter's calls
 * are monomorphic there and inlined.
 *
 * <p>Defaults: {@value #FORKS} forks, 3 warm-up and 5 measured iterations of 1 s. Narrow a run with JMH's own
 * options (see the package documentation).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(MapBenchmark.FORKS)
public abstract class MapBenchmark {

    /** Forks per benchmark and parameter set: each is a fresh JVM, so JIT and heap luck averages out. */
    public static final int FORKS = 3;

    /** Seed of the keys: every map, fork and run sees the same keys. */
    static final long SEED = 42;

    /** Entries in the map (get, remove, iterate), or entries it grows to from empty (put). */
    @Param({"1000", "1000000", "10000000"})
    public int size;

    /**
     * The map under test: panamap and the peers a Java user would otherwise pick. Chronicle Map is left out: it
     * needs JVM flags of its own and a declared size ({@code ./panamap bench} runs it).
     */
    @Param({"panamap", "fastutil", "agrona", "eclipse", "hashmap", "concurrenthashmap"})
    public String map;

    /** A new, empty map under test (not presized: {@code size} is passed only to presized contenders). */
    final BenchMap newMap() {
        return Contenders.byName(map).create(size);
    }

    /**
     * A map holding every key of {@code keys} with {@link Keys#valueFor its value}, with its background work
     * done and the garbage of building it collected, so that neither lands in the first measured iteration.
     */
    final BenchMap filledMap(final long[] keys) {
        final BenchMap filled = newMap();
        for (final long key : keys) {
            filled.put(key, Keys.valueFor(key));
        }
        if (filled.size() != keys.length) {
            throw new IllegalStateException(map + " holds " + filled.size() + " entries after "
                    + keys.length + " distinct puts");
        }
        Quiesce.backgroundWork(Contenders.byName(map));
        System.gc();
        return filled;
    }
}
