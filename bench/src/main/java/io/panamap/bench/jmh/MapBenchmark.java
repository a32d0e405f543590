package io.panamap.bench.jmh;

import io.panamap.bench.workload.Keys;
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
 * {@link IterateBenchmark}) is an abstract subclass with two concrete nested classes: {@code Maps}, whose
 * {@code map} parameter selects panamap or a peer that needs no extra JVM flags, and {@code Agrona}, whose
 * forks alone get {@link #AGRONA_FLAG}.
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

    /**
     * The flag Agrona's forks get, and no other fork. Agrona's {@code org.agrona.UnsafeApi} (behind its
     * buffers) calls {@code jdk.internal.misc.Unsafe}, which needs this export on JDK 25.
     * {@code Long2LongHashMap} does not reach it (it runs without the flag: {@code JmhMapsTest} does), so
     * here the flag is a precaution for Agrona's forks only; the other maps' JVMs run without exports they
     * do not need.
     */
    public static final String AGRONA_FLAG = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    /** Seed of the keys: every map, fork and run sees the same keys. */
    static final long SEED = 42;

    /** Entries in the map (get, remove, iterate), or entries it grows to from empty (put). */
    @Param({"1000", "1000000", "10000000"})
    public int size;

    /** The name of the map under test, one of {@link JmhMaps}' names. */
    abstract String mapName();

    /** A new, empty map under test. */
    final JmhMap newMap() {
        return JmhMaps.create(mapName());
    }

    /**
     * A map holding every key of {@code keys} with {@link Keys#valueFor its value}, with its background work
     * done and the garbage of building it collected, so that neither lands in the first measured iteration.
     */
    final JmhMap filledMap(final long[] keys) {
        final JmhMap map = newMap();
        for (final long key : keys) {
            map.put(key, Keys.valueFor(key));
        }
        if (map.size() != keys.length) {
            throw new IllegalStateException(mapName() + " holds " + map.size() + " entries after "
                    + keys.length + " distinct puts");
        }
        map.settle();
        System.gc();
        return map;
    }
}
