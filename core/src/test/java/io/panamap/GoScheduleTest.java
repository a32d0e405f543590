package io.panamap;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The growth schedule and sizing of GO_BMAP_REFERENCE.md §8, §9 and §12, reproduced. */
class GoScheduleTest {

    @Test
    void doublingsShouldStartAtGosInsertNumbers() {
        final List<Long> expected = new ArrayList<>();
        expected.add(9L);                                   // B = 0: the 9th key
        for (int b = 1; b <= 17; b++) {
            expected.add(13L * (1L << (b - 1)) + 1);        // 14, 27, 53, 105, ... 851,969
        }
        final List<Long> startedAt = new ArrayList<>();
        final List<Long> finishedAfter = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(42);
        try (LongLongMap map = new LongLongMap()) {
            final HashTable table = map.table();
            int logSize = table.buckets.logSize;
            long startInsert = 0;
            boolean growing = false;
            for (long insert = 1; insert <= 1_000_000; insert++) {
                map.put(random.nextLong(), insert);
                if (table.buckets.logSize != logSize) {
                    assertEquals(logSize + 1, table.buckets.logSize, "a doubling adds one to B");
                    logSize = table.buckets.logSize;
                    startedAt.add(insert);
                    startInsert = insert;
                    growing = true;
                }
                if (growing && !table.isGrowing()) {
                    finishedAfter.add(insert - startInsert);
                    // Each write moves at least the chain at the mark: done within one write per old bucket.
                    assertTrue(insert - startInsert <= (1L << (logSize - 1)),
                            "growth to B=" + logSize + " took " + (insert - startInsert) + " inserts");
                    growing = false;
                }
            }
            assertEquals(expected, startedAt);
            assertEquals(18, map.stats().logBuckets(), "1,000,000 random keys end at B = 18, as in Go");
            assertFalse(map.stats().growing(), "the 17 -> 18 growth ends near insert 942,7xx in Go");
            assertEquals(0, map.stats().sameSizeGrowths());
            // Go measured the 17 -> 18 growth ending 90,743 inserts after it began (0.69 x old buckets): its
            // writes also move the chain they use. panamap's move only the chain at the mark and write in an
            // old chain that has not moved (HashTable.arrayToWrite), so a doubling takes the old bucket count
            // in writes, less the rare chain a write had to move because its old chain had no room left.
            final long last = finishedAfter.get(finishedAfter.size() - 1);
            assertTrue(last > 0.95 * (1 << 17) && last <= (1 << 17), "17 -> 18 finished after " + last);
        }
    }

    @Test
    void expectedSizeShouldPickBAsMakemapDoes() {
        assertEquals(0, HashTable.logSizeFor(0));
        assertEquals(0, HashTable.logSizeFor(8));
        assertEquals(1, HashTable.logSizeFor(9));
        assertEquals(1, HashTable.logSizeFor(13));
        assertEquals(2, HashTable.logSizeFor(14));
        assertEquals(18, HashTable.logSizeFor(1_000_000));
        assertEquals(21, HashTable.logSizeFor(10_000_000));
        try (LongLongMap map = LongLongMap.withExpectedSize(1_000_000)) {
            assertEquals(18, map.stats().logBuckets());
            final SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < 1_000_000; i++) {
                map.put(random.nextLong(), i);
            }
            assertEquals(0, map.stats().doublings(), "a presized map never grows");
        }
    }

    @Test
    void sparesShouldFollowGosPreallocation() {
        assertEquals(0, BucketArray.preallocatedSpares(3));
        assertEquals(1, BucketArray.preallocatedSpares(4));
        assertEquals(16_384, BucketArray.preallocatedSpares(18));
        try (LongLongMap map = LongLongMap.withExpectedSize(1_000_000)) {
            // 2^18 buckets + 2^14 spares charged, as Go's 278,528-bucket array (40,108,032 bytes).
            assertEquals(40_108_032L, map.stats().committedBytes());
        }
    }

    @Test
    void overLoadFactorShouldMatchGo() {
        assertFalse(HashTable.overLoadFactor(8, 0));
        assertTrue(HashTable.overLoadFactor(9, 0));
        assertFalse(HashTable.overLoadFactor(13, 1));
        assertTrue(HashTable.overLoadFactor(14, 1));
        assertFalse(HashTable.overLoadFactor(6_815_744, 20));
        assertTrue(HashTable.overLoadFactor(6_815_745, 20));
        assertTrue(HashTable.tooManyOverflowBuckets(16, 4));
        assertFalse(HashTable.tooManyOverflowBuckets(15, 4));
        assertTrue(HashTable.tooManyOverflowBuckets(1 << 15, 20), "above B = 15 the threshold stays 2^15");
    }

    /**
     * Above B = 15 Go counts an overflow bucket with probability 1/2^(B-15) ({@code incrnoverflow}), so that the
     * 16-bit counter estimates overflow/2^(B-15) and the same-size growth still starts at about 2^B overflow
     * buckets. At B = 16 the counter should hold about half the overflow buckets created: a presized table of
     * 400,000 entries (6.1 per bucket) makes some 10,000, so the count is 1/2 ± 0.005 (one standard deviation),
     * and the bounds below, 1/2 ± 0.1, are 20 deviations wide. Counting with 1/4, or exactly, lands far outside.
     */
    @Test
    void aboveBFifteenTheOverflowCounterShouldEstimateOverflowOverTwoToTheBMinusFifteen() {
        try (LongLongMap map = LongLongMap.builder().expectedSize(400_000).backgroundMemoryWork(false).build()) {
            for (long key = 0; key < 400_000; key++) {
                map.put(key, key);
            }
            final MapStats stats = map.stats();
            assertEquals(16, stats.logBuckets());
            assertFalse(stats.growing(), "the table should not have grown");
            assertTrue(stats.overflowBuckets() > 5_000, "the test needs many overflow buckets: " + stats);
            final double ratio = (double) stats.overflowCounter() / stats.overflowBuckets();
            assertTrue(ratio > 0.4 && ratio < 0.6, "counted " + stats.overflowCounter() + " of "
                    + stats.overflowBuckets() + " overflow buckets at B = 16, expected about half");
        }
    }

    /**
     * Up to B = 15 every overflow bucket is counted (Go's {@code noverflow++}); above, one in 2^(B-15) on average.
     * A presized table filled to about 6.1 entries per bucket makes overflow buckets by the thousand: at B = 15 the
     * counter must equal them, at B = 17 hold about a quarter (some 20,000 buckets: 1/4 ± 0.003 at one standard
     * deviation, so 1/4 ± 0.05 is more than 15 wide, and a half, counting at 1/2^(B-16), lands far outside).
     */
    @Test
    void theOverflowCounterShouldBeExactUpToBFifteenAndOneInTwoToTheBMinusFifteenAbove() {
        try (LongLongMap map = LongLongMap.builder().expectedSize(200_000).backgroundMemoryWork(false).build()) {
            for (long key = 0; key < 200_000; key++) {
                map.put(key, key);
            }
            final MapStats stats = map.stats();
            assertEquals(15, stats.logBuckets());
            assertTrue(stats.overflowBuckets() > 1_000, "the test needs many overflow buckets: " + stats);
            assertEquals(stats.overflowBuckets(), stats.overflowCounter(), "counted exactly at B = 15");
        }
        try (LongLongMap map = LongLongMap.builder().expectedSize(800_000).backgroundMemoryWork(false).build()) {
            for (long key = 0; key < 800_000; key++) {
                map.put(key, key);
            }
            final MapStats stats = map.stats();
            assertEquals(17, stats.logBuckets());
            assertFalse(stats.growing(), "the table should not have grown");
            assertTrue(stats.overflowBuckets() > 10_000, "the test needs many overflow buckets: " + stats);
            final double ratio = (double) stats.overflowCounter() / stats.overflowBuckets();
            assertTrue(ratio > 0.2 && ratio < 0.3, "counted " + stats.overflowCounter() + " of "
                    + stats.overflowBuckets() + " overflow buckets at B = 17, expected about a quarter");
        }
    }
}
