package io.panamap.bench.jmh;

import io.panamap.OffHeapMap;
import io.panamap.bench.contender.StringBenchMap;
import io.panamap.bench.workload.StringKeys;
import io.panamap.codec.Codecs;
import io.panamap.codec.Utf8;
import io.panamap.hash.BytesHash;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Where the time of one panamap string get goes when everything is in cache: 1,000 ids, the steps of
 * {@link GetStringBenchmark}'s panamap get taken one by one. Each method does one lookup's worth of work on
 * the next lookup string (or its UTF-8 bytes, made before measuring); subtracting one score from the next
 * gives a step's cost.
 *
 * <ul>
 *   <li>{@link #encode}: the key's UTF-8 length and its encoding into a reused array (what
 *       {@code Codecs.utf8()} does for every lookup);</li>
 *   <li>{@link #encodeAndHash}: that, plus the seeded hash of the bytes;</li>
 *   <li>{@link #containsEncodedKey}: a lookup by bytes already encoded: hash, bucket, tophash match and key
 *       comparison against the out-of-line key, no encoding;</li>
 *   <li>{@link #containsKey}: the same lookup by the {@code String};</li>
 *   <li>{@link #copyValue}: {@code containsKey} plus the copy of the 64-byte value: the get the string
 *       benchmarks time.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(MapBenchmark.FORKS)
public class StringLookupStepsBenchmark {

    private static final int SIZE = 1_000;
    private static final long HASH_SEED = 0x9E3779B97F4A7C15L;

    private OffHeapMap<CharSequence, byte[]> map;
    private String[] lookups;
    private MemorySegment[] encoded;
    private final byte[] scratch = new byte[64];
    private final MemorySegment scratchSegment = MemorySegment.ofArray(scratch);
    private final byte[] record = new byte[StringBenchMap.VALUE_SIZE];
    private final MemorySegment recordSegment = MemorySegment.ofArray(record);
    private int next;

    /** The map of {@code SIZE} ids, the lookup strings in shuffled order and their UTF-8 bytes. */
    @Setup(Level.Trial)
    public void setUp() {
        final String[] keys = StringKeys.ids(SIZE, StringMapBenchmark.SEED);
        lookups = StringKeys.lookups(keys, StringKeys.shuffledIndexes(SIZE, StringMapBenchmark.SEED + 1));
        map = OffHeapMap.builder(Codecs.utf8(), Codecs.fixedBytes(StringBenchMap.VALUE_SIZE)).build();
        for (int i = 0; i < SIZE; i++) {
            StringKeys.fillRecord(i, record);
            map.set(keys[i], record);
        }
        encoded = new MemorySegment[SIZE];
        for (int i = 0; i < SIZE; i++) {
            encoded[i] = MemorySegment.ofArray(lookups[i].getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Frees the map. */
    @TearDown(Level.Trial)
    public void tearDown() {
        map.close();
    }

    private int nextIndex() {
        final int i = next;
        next = i + 1 == SIZE ? 0 : i + 1;
        return i;
    }

    /** UTF-8 length and encoding of the next key. */
    @Benchmark
    public long encode() {
        final String key = lookups[nextIndex()];
        final long length = Utf8.encodedLength(key);
        Utf8.encode(key, scratchSegment, 0);
        return length + scratch[(int) length - 1];
    }

    /** {@link #encode}, then the hash of the bytes. */
    @Benchmark
    public long encodeAndHash() {
        final String key = lookups[nextIndex()];
        final long length = Utf8.encodedLength(key);
        Utf8.encode(key, scratchSegment, 0);
        return BytesHash.hash(scratch, 0, (int) length, HASH_SEED);
    }

    /** A lookup by the next key's UTF-8 bytes. */
    @Benchmark
    public boolean containsEncodedKey() {
        return map.containsEncodedKey(encoded[nextIndex()]);
    }

    /** A lookup by the next key. */
    @Benchmark
    public boolean containsKey() {
        return map.containsKey(lookups[nextIndex()]);
    }

    /** A lookup by the next key and the copy of its value into a reused array. */
    @Benchmark
    public long copyValue() {
        map.copyValue(lookups[nextIndex()], recordSegment, 0);
        return StringBenchMap.checksum(record);
    }
}
