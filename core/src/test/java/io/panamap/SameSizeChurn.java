package io.panamap;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Drives a small table into a same-size growth, as Go's insert/delete churn does. */
final class SameSizeChurn {

    private SameSizeChurn() {
    }

    /**
     * Inserts and deletes on a 16-bucket table holding 60-100 keys, below a doubling's load, until a growth starts
     * (at most 1,000,000 steps): chains overflow and empty again until the overflow count reaches the bucket count,
     * and the next insert starts a same-size growth. The caller checks that one started: the table's own hash seed
     * is random, so the steps it takes vary from run to run.
     */
    static void untilGrowing(final LongLongMap map, final SplittableRandom random) {
        final HashTable table = map.table();
        assertEquals(4, table.buckets.logSize, "the churn is sized for a 16-bucket table (expectedSize 100)");
        final List<Long> live = new ArrayList<>();
        for (int step = 0; step < 1_000_000 && !table.isGrowing(); step++) {
            if (live.size() < 60 || live.size() < 100 && random.nextBoolean()) {
                final long key = random.nextLong();
                map.put(key, step);
                live.add(key);
            } else {
                final int victim = random.nextInt(live.size());
                map.remove(live.get(victim));
                live.set(victim, live.get(live.size() - 1));
                live.remove(live.size() - 1);
            }
        }
    }
}
