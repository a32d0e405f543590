package io.panamap.bench.jmh;

import io.panamap.bench.contender.ChronicleJvmFlags;
import io.panamap.bench.contender.Contenders;
import io.panamap.bench.contender.StringBenchMap;
import io.panamap.bench.workload.Quiesce;
import io.panamap.bench.workload.StringKeys;
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
 * What the string-key benchmarks share ({@link GetStringBenchmark}, {@link PutStringBenchmark}): maps of text ids
 * to 64-byte records, the same keys, records and adapters as {@code ./panamap bench --keys string}
 * ({@link StringKeys}, {@link StringBenchMap}). Run settings as {@link MapBenchmark}'s.
 *
 * <p>Chronicle Map is a contender here (unlike the {@code long} benchmarks), so every fork gets its JVM flags
 * ({@link ChronicleJvmFlags}) appended: they open JDK internals to the class path and change nothing the other
 * maps use.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = MapBenchmark.FORKS, jvmArgsAppend = {ChronicleJvmFlags.NATIVE_ACCESS,
        ChronicleJvmFlags.UNSAFE_MEMORY_ACCESS, ChronicleJvmFlags.OPEN_REFLECT, ChronicleJvmFlags.OPEN_LANG,
        ChronicleJvmFlags.EXPORT_JAVAC_FILE, ChronicleJvmFlags.EXPORT_REF, ChronicleJvmFlags.EXPORT_NIO,
        ChronicleJvmFlags.NO_ANALYTICS, ChronicleJvmFlags.QUIET_LOG})
public abstract class StringMapBenchmark {

    /** Seed of the keys: every map, fork and run sees the same keys. */
    static final long SEED = 42;

    /** Entries in the map (get), or entries it grows to from empty (put). 10M runs with {@code -p size=10000000}. */
    @Param({"1000", "1000000"})
    public int size;

    /**
     * The map under test, by its {@code ./panamap bench} name: each benchmark's {@code map} parameter, among
     * panamap's {@code OffHeapMap<CharSequence, byte[]>}, {@code HashMap<String, byte[]>} and Chronicle Map
     * (sized up front, as it must be).
     */
    abstract String map();

    /** A new, empty map under test ({@code size} is passed only to presized contenders). */
    final StringBenchMap newMap() {
        return Contenders.byName(map()).createStringMap(size);
    }

    /**
     * A map holding every key of {@code keys} with its record, its background work done and the garbage of
     * building it collected, so that neither lands in the first measured iteration.
     */
    final StringBenchMap filledMap(final String[] keys) {
        final StringBenchMap filled = newMap();
        final byte[] record = new byte[StringBenchMap.VALUE_SIZE];
        for (int i = 0; i < keys.length; i++) {
            StringKeys.fillRecord(i, record);
            filled.put(keys[i], record);
        }
        if (filled.size() != keys.length) {
            throw new IllegalStateException(map() + " holds " + filled.size() + " entries after "
                    + keys.length + " distinct puts");
        }
        Quiesce.backgroundWork(Contenders.byName(map()));
        System.gc();
        return filled;
    }
}
