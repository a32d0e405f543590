package io.panamap.bench.jmh;

import io.panamap.bench.contender.StringBenchMap;
import io.panamap.bench.workload.StringKeys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * {@code put} of new string ids with their 64-byte records into a map that grows from empty to {@code size}
 * entries: one operation is a whole build, and the secondary result {@code growFromEmpty:puts} is the same time
 * per put (see {@link PutBenchmark} for why a whole build per operation).
 *
 * <p>Inside the measured time: making the empty map (for Chronicle Map, sized for {@code size} entries, which at
 * 1K costs more than the puts), filling the reused record array for each key (a few ns, the same for every
 * map), the puts, and closing the map. Builds take turns over several key sets drawn with different seeds, so
 * that successive small builds do not repeat one key sequence that hash layouts and branch predictors could
 * learn; the sets are made before measuring.
 *
 * <p>{@code -prof gc} reports heap bytes per build: panamap's buckets and key bytes are native, so it allocates
 * only the objects describing the map and its arrays; {@code HashMap} allocates a node and a record copy per put
 * and every table it grows through.
 */
public class PutStringBenchmark extends StringMapBenchmark {

    /** Keys per all the key sets together, at most: 16 sets at 1K, one at 1M. */
    private static final int KEYS_IN_SETS = 16_000;

    /** panamap growing and sized up front (as Chronicle Map always is), {@code HashMap<String, byte[]>}, Chronicle Map. */
    @Param({"panamap", "panamap-presized", "hashmap", "chronicle-presized"})
    public String map;

    private String[][] keySets;
    private int nextSet;
    private final byte[] record = new byte[StringBenchMap.VALUE_SIZE];

    /** Draws the key sets (untimed). */
    @Setup(Level.Trial)
    public void setUp() {
        keySets = new String[Math.max(1, KEYS_IN_SETS / size)][];
        for (int set = 0; set < keySets.length; set++) {
            keySets[set] = StringKeys.ids(size, SEED + set);
        }
    }

    @Override
    String map() {
        return map;
    }

    /** One build: an empty map, {@code size} puts of new keys, close. Returns the final size. */
    @Benchmark
    public long growFromEmpty(final PutBenchmark.Puts counter) {
        final String[] keys = keySets[nextSet];
        nextSet = nextSet + 1 == keySets.length ? 0 : nextSet + 1;
        try (StringBenchMap target = newMap()) {
            for (int i = 0; i < keys.length; i++) {
                StringKeys.fillRecord(i, record);
                target.put(keys[i], record);
            }
            counter.puts += keys.length;
            return target.size();
        }
    }
}
