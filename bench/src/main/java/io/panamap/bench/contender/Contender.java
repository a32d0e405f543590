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
 * @param factory     makes an empty {@code long → long} map; the argument is the workload's N, which only
 *                    presized contenders use
 * @param strings     the same library, configured the same way, for string keys and 64-byte records
 *                    (the {@code -str} workloads), or null if the contender has no such map
 */
public record Contender(String name, String description, boolean onHeap, List<String> jvmFlags,
                        LongFunction<BenchMap> factory, StringMaps strings) {

    public Contender {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        jvmFlags = List.copyOf(jvmFlags);
        Objects.requireNonNull(factory, "factory");
    }

    /** A contender for {@code long → long} maps only. */
    public Contender(final String name, final String description, final boolean onHeap, final List<String> jvmFlags,
                     final LongFunction<BenchMap> factory) {
        this(name, description, onHeap, jvmFlags, factory, null);
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

    /** A new, empty map. {@code expectedEntries} is a hint that only presized contenders act on. */
    public BenchMap create(final long expectedEntries) {
        return factory.apply(expectedEntries);
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
