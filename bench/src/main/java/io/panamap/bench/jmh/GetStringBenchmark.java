package io.panamap.bench.jmh;

import io.panamap.bench.contender.StringBenchMap;
import io.panamap.bench.workload.StringKeys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code get} of a present string id, copying its 64-byte record into a reused array: ns per get, and with
 * {@code -prof gc} the heap bytes per get ({@code gc.alloc.rate.norm}).
 *
 * <p>The map holds {@code size} ids. Each call looks up the next key of a shuffled list of lookup strings,
 * wrapping at the end, and returns {@link StringBenchMap#checksum} of the record (JMH consumes it). The lookup
 * strings are {@link StringKeys#lookups}: equal to the stored keys, but separate instances with their own
 * arrays, as a key parsed from a request would be; each caches its hash code the first time {@code HashMap}
 * asks for it, so from then on {@code HashMap} skips hashing while panamap and Chronicle Map hash the key's
 * bytes on every get. What each map does per get is in {@link StringBenchMap}: panamap's
 * {@code copyValue} into a segment over the reused array, {@code HashMap.get} and {@code System.arraycopy},
 * Chronicle's {@code getUsing} with the reused array.
 */
public class GetStringBenchmark extends StringMapBenchmark {

    /** panamap, {@code HashMap<String, byte[]>} and Chronicle Map. */
    @Param({"panamap", "hashmap", "chronicle-presized"})
    public String map;

    private StringBenchMap target;
    private String[] lookups;
    private int next;

    /** Builds the map (untimed) and checks, once, that every get returns its key's record. */
    @Setup(Level.Trial)
    public void setUp() {
        final String[] keys = StringKeys.ids(size, SEED);
        final int[] order = StringKeys.shuffledIndexes(size, SEED + 1);
        lookups = StringKeys.lookups(keys, order);
        target = filledMap(keys);
        long sum = 0;
        for (final String key : lookups) {
            sum += target.get(key);
        }
        if (sum != StringKeys.checksum(order)) {
            throw new IllegalStateException(map + " returned wrong records");
        }
    }

    @Override
    String map() {
        return map;
    }

    /** Frees the map (native memory, for panamap and Chronicle Map). */
    @TearDown(Level.Trial)
    public void tearDown() {
        target.close();
    }

    /** One get of the next key. */
    @Benchmark
    public long get() {
        final int i = next;
        next = i + 1 == lookups.length ? 0 : i + 1;
        return target.get(lookups[i]);
    }
}
