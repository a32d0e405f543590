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
 * @param jvmFlags    extra flags the child JVM needs for this contender (none so far; Chronicle Map will)
 * @param factory     makes an empty map; the argument is the workload's N, which only presized contenders use
 */
public record Contender(String name, String description, boolean onHeap, List<String> jvmFlags,
                        LongFunction<BenchMap> factory) {

    public Contender {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        jvmFlags = List.copyOf(jvmFlags);
        Objects.requireNonNull(factory, "factory");
    }

    /** A new, empty map. {@code expectedEntries} is a hint that only presized contenders act on. */
    public BenchMap create(final long expectedEntries) {
        return factory.apply(expectedEntries);
    }
}
