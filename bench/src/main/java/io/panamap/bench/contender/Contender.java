package io.panamap.bench.contender;

import java.util.List;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * One map implementation, configured one way, that the benchmark compares with the others.
 *
 * @param name        short identifier used on the command line and in tables, e.g. {@code panamap-huge}
 * @param description what exactly is measured, e.g. "LongLongMap, hugePages() allocator, not presized"
 * @param onHeap      whether the map's data lives on the Java heap (and therefore needs a large -Xmx and
 *                    shows up in GC figures)
 * @param jvmFlags    extra flags the child JVM needs for this contender (Chronicle Map's)
 * @param factory     makes an empty {@code long → long} map for one thread; the argument is the workload's N,
 *                    which only presized contenders use; null if the contender has only a concurrent map
 * @param strings     the same library, configured the same way, for string keys and 64-byte records
 *                    (the {@code -str} workloads), or null if the contender has no such map
 * @param concurrent  the same library's {@code long → long} map for many threads at once (the {@code mixed-mt}
 *                    workload), or null if the contender has none
 */
public record Contender(String name, String description, boolean onHeap, List<String> jvmFlags,
                        LongFunction<BenchMap> factory, StringMaps strings, ConcurrentMaps concurrent) {

    public Contender {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        jvmFlags = List.copyOf(jvmFlags);
        if (factory == null && strings == null && concurrent == null) {
            throw new IllegalArgumentException("contender " + name + " has no map at all");
        }
    }

    /** A contender for {@code long → long} maps only. */
    public Contender(final String name, final String description, final boolean onHeap, final List<String> jvmFlags,
                     final LongFunction<BenchMap> factory) {
        this(name, description, onHeap, jvmFlags, factory, null, null);
    }

    /** A contender for {@code long → long} maps on one thread and, through {@code strings}, string keys. */
    public Contender(final String name, final String description, final boolean onHeap, final List<String> jvmFlags,
                     final LongFunction<BenchMap> factory, final StringMaps strings) {
        this(name, description, onHeap, jvmFlags, factory, strings, null);
    }

    /** A contender whose only map is one for many threads at once. */
    public static Contender concurrentOnly(final String name, final boolean onHeap, final List<String> jvmFlags,
                                           final ConcurrentMaps concurrent) {
        return new Contender(name, concurrent.description(), onHeap, jvmFlags, null, null, concurrent);
    }

    /** The same contender with a map for many threads at once as well. */
    public Contender withConcurrentMaps(final ConcurrentMaps maps) {
        return new Contender(name, description, onHeap, jvmFlags, factory, strings, maps);
    }

    /**
     * A contender's maps of string keys to 64-byte records.
     *
     * @param description what exactly is measured, e.g. "OffHeapMap&lt;CharSequence, byte[]&gt;, utf8 keys, ..."
     * @param factory     makes an empty map; the argument is the workload's N, which only presized ones use
     */
    public record StringMaps(String description, LongFunction<StringBenchMap> factory) {
        public StringMaps {
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(factory, "factory");
        }
    }

    /**
     * A contender's {@code long → long} maps for many threads at once.
     *
     * @param description what exactly is measured, e.g. "ConcurrentLongLongMap, default shards, not presized"
     * @param factory     makes an empty map; the argument is the workload's N, which only presized ones use
     */
    public record ConcurrentMaps(String description, LongFunction<ConcurrentBenchMap> factory) {
        public ConcurrentMaps {
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(factory, "factory");
        }
    }

    /**
     * A new, empty map for one thread. {@code expectedEntries} is a hint that only presized contenders act on.
     *
     * @throws IllegalStateException if this contender has none
     */
    public BenchMap create(final long expectedEntries) {
        if (factory == null) {
            throw new IllegalStateException("contender " + name + " has no single-threaded map for long keys");
        }
        return factory.apply(expectedEntries);
    }

    /** Whether this contender has a {@code long → long} map for one thread. */
    public boolean hasLongMap() {
        return factory != null;
    }

    /**
     * A new, empty map for many threads at once.
     *
     * @throws IllegalStateException if this contender has none
     */
    public ConcurrentBenchMap createConcurrentMap(final long expectedEntries) {
        if (concurrent == null) {
            throw new IllegalStateException("contender " + name + " has no concurrent map");
        }
        return concurrent.factory().apply(expectedEntries);
    }

    /** Whether this contender has a map for many threads at once. */
    public boolean hasConcurrentMaps() {
        return concurrent != null;
    }

    /**
     * A new, empty map of string keys to 64-byte records.
     *
     * @throws IllegalStateException if this contender has none
     */
    public StringBenchMap createStringMap(final long expectedEntries) {
        if (strings == null) {
            throw new IllegalStateException("contender " + name + " has no map for string keys");
        }
        return strings.factory().apply(expectedEntries);
    }

    /** Whether this contender has a map of string keys to 64-byte records. */
    public boolean hasStringMaps() {
        return strings != null;
    }
}
