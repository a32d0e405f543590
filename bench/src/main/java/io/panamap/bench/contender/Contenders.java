package io.panamap.bench.contender;

import io.panamap.ConcurrentLongLongMap;
import io.panamap.LongLongMap;
import io.panamap.bench.contender.Contender.ConcurrentMaps;
import io.panamap.bench.contender.Contender.StringMaps;
import io.panamap.memory.NativeAllocators;
import io.panamap.numa.NumaAllocator;

import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Every contender the harness knows, in the order tables list them. Add a new peer here. A contender that also
 * has a map of string keys to 64-byte records ({@link StringMaps}) runs the string-key workloads too; one with a
 * map for many threads at once ({@link ConcurrentMaps}) runs {@code mixed-mt}.
 */
public final class Contenders {

    /** The peer every ratio of the {@code long → long} workloads is computed against. */
    public static final String BASELINE = "fastutil";

    /** The peer every ratio of the string-key workloads is computed against: the map a Java program starts with. */
    public static final String STRING_BASELINE = "hashmap";

    /** The peer every ratio of the multi-threaded workload is computed against: the JDK's concurrent map. */
    public static final String CONCURRENT_BASELINE = "concurrenthashmap";

    /** What every panamap string map is, before its own options. */
    private static final String OFF_HEAP_MAP = "OffHeapMap<CharSequence, byte[]>, Codecs.utf8() keys (out of line),"
            + " Codecs.fixedBytes(64) values (in the bucket)";

    private static final List<Contender> ALL = List.of(
            new Contender("panamap", "LongLongMap, default allocator, not presized", false, List.of(),
                    n -> new PanamapMap(LongLongMap.builder().build()),
                    new StringMaps(OFF_HEAP_MAP + ", default allocator, not presized",
                            n -> new PanamapStringMap(PanamapStringMap.builder().build()))),
            new Contender("panamap-huge", "LongLongMap, NativeAllocators.hugePages(), not presized", false, List.of(),
                    n -> new PanamapMap(LongLongMap.builder().allocator(NativeAllocators.hugePages()).build())),
            new Contender("panamap-inline", "LongLongMap, backgroundMemoryWork(false): arrays mapped and freed on"
                    + " the writing thread, not presized", false, List.of(),
                    n -> new PanamapMap(LongLongMap.builder().backgroundMemoryWork(false).build())),
            new Contender("panamap-presized", "LongLongMap.withExpectedSize(N)", false, List.of(),
                    n -> new PanamapMap(LongLongMap.withExpectedSize(n)),
                    new StringMaps(OFF_HEAP_MAP + ", expectedSize(N)",
                            n -> new PanamapStringMap(PanamapStringMap.builder().expectedSize(n).build()))),
            new Contender("panamap-numa-local", "LongLongMap, NumaAllocator.local(): each page on the node of the"
                    + " thread that first writes it", false, List.of(),
                    n -> new PanamapMap(LongLongMap.builder().allocator(NumaAllocator.local()).build())),
            new Contender("panamap-numa-interleave", "LongLongMap, NumaAllocator.interleaveAll(): pages spread"
                    + " over every node", false, List.of(),
                    n -> new PanamapMap(LongLongMap.builder().allocator(NumaAllocator.interleaveAll()).build())),
            Contender.concurrentOnly("panamap-sharded", false, List.of(), new ConcurrentMaps("ConcurrentLongLongMap,"
                    + " default shards (64 per available processor, rounded up to a power of two), not presized,"
                    + " growths evacuated by writes only",
                    n -> new PanamapConcurrentMap(ConcurrentLongLongMap.builder().build()))),
            Contender.concurrentOnly("panamap-sharded-bg", false, List.of(), new ConcurrentMaps("ConcurrentLongLongMap,"
                    + " default shards, not presized, backgroundEvacuation() (at most ~1 ms of evacuation per 100 ms)",
                    n -> new PanamapConcurrentMap(ConcurrentLongLongMap.builder().backgroundEvacuation().build()))),
            Contender.concurrentOnly("panamap-sharded-presized", false, List.of(), new ConcurrentMaps(
                    "ConcurrentLongLongMap, default shards, expectedSize(N): no growth, as Chronicle Map",
                    n -> new PanamapConcurrentMap(ConcurrentLongLongMap.builder().expectedSize(n).build()))),
            Contender.concurrentOnly("panamap-sharded-512", false, List.of(), new ConcurrentMaps("ConcurrentLongLongMap,"
                    + " shards(512), not presized, growths evacuated by writes only: so many shards that two threads"
                    + " rarely work in the same one at once",
                    n -> new PanamapConcurrentMap(ConcurrentLongLongMap.builder().shards(512).build()))),
            Contender.concurrentOnly("panamap-sharded-inline", false, List.of(), new ConcurrentMaps(
                    "ConcurrentLongLongMap, default shards, not presized, backgroundMemoryWork(false): every mapping,"
                    + " pre-fault and unmapping done by the thread that writes, none by panamap's memory worker",
                    n -> new PanamapConcurrentMap(ConcurrentLongLongMap.builder().backgroundMemoryWork(false)
                            .build()))),
            new Contender(BASELINE, "fastutil Long2LongOpenHashMap, not presized", true, List.of(),
                    n -> new FastutilMap()),
            new Contender("fastutil-presized", "fastutil Long2LongOpenHashMap(N): arrays allocated before the"
                    + " first put, no rehash", true, List.of(), n -> new FastutilMap(Math.toIntExact(n))),
            new Contender("hashmap", "java.util.HashMap<Long, Long>, not presized", true, List.of(),
                    n -> new BoxedMap(new HashMap<>()),
                    new StringMaps("java.util.HashMap<String, byte[]>, not presized; a put stores the key String and"
                            + " a clone of the record", n -> new HashMapStringMap(new HashMap<>()))),
            new Contender("concurrenthashmap", "java.util.concurrent.ConcurrentHashMap<Long, Long>, not presized",
                    true, List.of(), n -> new BoxedMap(new ConcurrentHashMap<>()))
                    .withConcurrentMaps(new ConcurrentMaps("java.util.concurrent.ConcurrentHashMap<Long, Long>,"
                            + " not presized", n -> new BoxedConcurrentMap(new ConcurrentHashMap<>()))),
            new Contender("agrona", "Agrona Long2LongHashMap, not presized", true, List.of(),
                    n -> new AgronaMap()),
            new Contender("eclipse", "Eclipse Collections LongLongHashMap, not presized", true, List.of(),
                    n -> new EclipseMap()),
            // Chronicle Map cannot grow past about twice its declared size, so it is always presized.
            new Contender("chronicle-presized", "Chronicle Map ChronicleMap<LongValue, LongValue>, in memory,"
                    + " entries(N)", false, ChronicleMapAdapter.JVM_FLAGS, ChronicleMapAdapter::new,
                    new StringMaps("Chronicle Map ChronicleMap<CharSequence, byte[]>, in memory, entries(N),"
                            + " averageKeySize(" + StringBenchMap.AVERAGE_KEY_LENGTH + "),"
                            + " constantValueSizeBySample(new byte[64])", ChronicleStringMapAdapter::new))
                    .withConcurrentMaps(new ConcurrentMaps("Chronicle Map ChronicleMap<LongValue, LongValue>, in"
                            + " memory, entries(N), one map for all threads, each thread with reusable key and value"
                            + " instances of its own", ChronicleConcurrentMap::new)));

    /**
     * Variants that answer a question rather than add a peer: run only when named with {@code --contenders}.
     * All but one are panamap's own; {@code fastutil-presized}, beside {@code panamap-presized}, splits a
     * build's time between its puts and its growth, for the peer as for panamap.
     */
    private static final List<String> DIAGNOSTIC = List.of("panamap-inline", "panamap-numa-local",
            "panamap-numa-interleave", "panamap-sharded-512", "panamap-sharded-inline", "fastutil-presized");
    /** The variants {@code --numa} adds: NUMA placement policies, whose placement the report shows. */
    private static final List<String> NUMA = List.of("panamap-numa-local", "panamap-numa-interleave");

    private Contenders() {
    }

    /** All contenders, in table order. */
    public static List<Contender> all() {
        return ALL;
    }

    /** Their names, in table order. */
    public static List<String> names() {
        return ALL.stream().map(Contender::name).toList();
    }

    /** The NUMA placement variants ({@code --numa}). */
    public static List<String> numaNames() {
        return NUMA;
    }

    /** The diagnostic variants: run only when named. */
    public static List<String> diagnosticNames() {
        return DIAGNOSTIC;
    }

    /** The contenders a run compares unless told otherwise: all but the diagnostic variants. */
    public static List<String> defaultNames() {
        return names().stream().filter(name -> !DIAGNOSTIC.contains(name)).toList();
    }

    /** The names of the contenders that have a map of string keys to 64-byte records, in table order. */
    public static List<String> stringNames() {
        return ALL.stream().filter(Contender::hasStringMaps).map(Contender::name).toList();
    }

    /** The names of the contenders that have a map for many threads at once, in table order. */
    public static List<String> concurrentNames() {
        return ALL.stream().filter(Contender::hasConcurrentMaps).map(Contender::name).toList();
    }

    /**
     * The contender called {@code name}.
     *
     * @throws IllegalArgumentException naming the known contenders if there is none
     */
    public static Contender byName(final String name) {
        return ALL.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown contender '" + name + "'; known: "
                        + ALL.stream().map(Contender::name).collect(Collectors.joining(", "))));
    }
}
