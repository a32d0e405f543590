package io.panamap;

import io.panamap.hash.Hashing;
import io.panamap.memory.MemoryBudgetExceededException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A table never holds more native memory than its budget, and refuses only what it cannot do within it. */
class BudgetTest {

    private static final long BUCKET_BYTES = 144;

    /**
     * Just under the load factor of 2^12 buckets, deletes and inserts of new keys lengthen the chains until the
     * overflow count asks for a same-size growth, whose moves take overflow buckets past the new array's
     * spares. Returns the most bytes the table held; {@code minGrowths} same-size growths must have happened.
     */
    private static long churn(final long budgetInArrays, final int operations, final int minGrowths) {
        final int logSize = 12;
        final int entries = (int) (13L * (1L << logSize) / 2 - 5);
        final long array = (1L << logSize) * BUCKET_BYTES;
        final long spares = (1L << (logSize - 4)) * BUCKET_BYTES;
        final long budget = budgetInArrays * array + 2 * spares + array / 20;
        final SplittableRandom random = new SplittableRandom(3);
        try (LongLongMap map = LongLongMap.builder().memoryBudget(budget).backgroundMemoryWork(false).build()) {
            final long[] keys = new long[entries];
            for (int i = 0; i < entries; i++) {
                keys[i] = random.nextLong();
                map.put(keys[i], i);
            }
            final HashTable table = map.table();
            long mostCommitted = 0;
            for (int i = 0; i < operations; i++) {
                final int victim = random.nextInt(entries);
                map.remove(keys[victim]);
                final long key = random.nextLong();
                try {
                    map.put(key, i);
                    keys[victim] = key;
                } catch (final MemoryBudgetExceededException refused) {
                    keys[victim] = keys[(victim + 1) % entries];
                }
                mostCommitted = Math.max(mostCommitted, table.committedBytes());
                assertTrue(mostCommitted <= budget, "op " + i + ": " + mostCommitted + " of " + budget + " bytes");
            }
            assertTrue(map.stats().sameSizeGrowths() >= minGrowths, "grew in place: " + map.stats());
            TableInvariants.check(table);
            for (final long key : keys) {
                assertTrue(map.containsKey(key));
            }
            return mostCommitted;
        }
    }

    @Test
    void aChurningTableShouldStayWithinATightBudget() {
        churn(3, 300_000, 0);
    }

    @Test
    void theMovesOfASameSizeGrowthShouldFitTheBudgetItWasAdmittedWith() {
        churn(5, 400_000, 1);
    }

    @Test
    void manySmallTablesShouldStayWithinATinyBudget() {
        final long budget = 1000; // room for a few buckets: growths, overflow buckets and moves all press on it
        final SplittableRandom random = new SplittableRandom(5);
        for (int round = 0; round < 3_000; round++) {
            try (LongLongMap map = LongLongMap.builder().memoryBudget(budget).backgroundMemoryWork(false).build()) {
                final List<Long> keys = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    if (random.nextInt(3) > 0) {
                        final long key = random.nextLong();
                        try {
                            map.put(key, i);
                            keys.add(key);
                        } catch (final MemoryBudgetExceededException refused) {
                            assertFalse(map.containsKey(key), "a refused insert stored nothing");
                        }
                    } else if (!keys.isEmpty()) {
                        map.remove(keys.remove(random.nextInt(keys.size())));
                    }
                    final long committed = map.table().committedBytes();
                    assertTrue(committed <= budget, "round " + round + ": " + committed + " bytes: " + map.stats());
                }
                assertEquals(keys.size(), map.size());
                for (final long key : keys) {
                    assertTrue(map.containsKey(key));
                }
            }
        }
    }

    @Test
    void aSameSizeGrowthTheBudgetRefusesShouldNotRefuseKeysTheTableHasRoomFor() {
        final SplittableRandom random = new SplittableRandom(7);
        try (LongLongMap map = LongLongMap.builder().memoryBudget(300_000).backgroundMemoryWork(false).build()) {
            // Churn at 6,600 entries in 2^10 buckets: the overflow count soon asks for a same-size growth, which
            // needs a second array of 147 KB that the budget has no room for.
            final List<Long> keys = new ArrayList<>();
            while (true) {
                final long key = random.nextLong();
                try {
                    map.put(key, 1);
                } catch (final MemoryBudgetExceededException refused) {
                    break; // only once an insert needs memory the budget does not have
                }
                keys.add(key);
                if (keys.size() > 6_600) {
                    map.remove(keys.remove(random.nextInt(keys.size())));
                }
            }
            assertEquals(0, map.stats().sameSizeGrowths(), "the budget never admitted the compaction");
            while (keys.size() > 10) {
                map.remove(keys.remove(keys.size() - 1));
            }
            // Nearly empty: every chain has free slots, and new keys need no memory at all.
            for (int i = 0; i < 1_000; i++) {
                final long key = random.nextLong();
                map.put(key, 2);
                keys.add(key);
            }
            assertEquals(keys.size(), map.size());
            for (final long key : keys) {
                assertTrue(map.containsKey(key));
            }
            assertTrue(map.table().committedBytes() <= 300_000);
            TableInvariants.check(map.table());
        }
    }

    @Test
    void aClearWhileACursorReadsTheArrayShouldStayWithinTheBudget() {
        final long budget = 200_000; // the array of 2^10 buckets (157 KB) fits once, not twice
        try (LongLongMap map = LongLongMap.builder().expectedSize(6_000).memoryBudget(budget).build()) {
            for (long k = 0; k < 5_000; k++) {
                map.put(k, k);
            }
            try (LongLongCursor cursor = map.cursor()) {
                assertTrue(cursor.next());
                map.clear();
                assertTrue(map.table().committedBytes() <= budget, map.stats().toString());
                assertFalse(cursor.next(), "a cursor started before the clear stops");
            }
            assertEquals(0, map.size());
            map.put(7, 8);
            assertEquals(8, map.get(7));
            assertTrue(map.table().committedBytes() <= budget, map.stats().toString());
        }
    }

    @Test
    void anOverflowBucketPastTheBudgetShouldStillBeRefused() {
        try (LongLongMap map = LongLongMap.builder().memoryBudget(2_000).backgroundMemoryWork(false).build()) {
            final SplittableRandom random = new SplittableRandom(9);
            final MemoryBudgetExceededException refused = assertThrows(MemoryBudgetExceededException.class, () -> {
                while (true) {
                    map.put(random.nextLong(), 1);
                }
            });
            assertTrue(refused.usedBytes() + refused.requestedBytes() > refused.budgetBytes(), refused.getMessage());
            assertTrue(map.table().committedBytes() <= 2_000);
        }
    }

    @Test
    void writesDuringAGrowthShouldNotSpendTheSparesItsMovesWereAdmittedWith() {
        // 2^4 buckets, 104 keys, all in the X half of their chains: chain 14 holds 40 (4 overflow buckets) and
        // moves whole into new bucket 14, needing 4 overflow buckets of the new array, which has 2 spares.
        // The doubling is admitted with the budget spent to the byte. Two writes into full new buckets 1 and 2
        // would then take the spares the move counted on: they must be refused, and the budget hold.
        final long budget = 56 * BUCKET_BYTES;
        try (LongLongMap map = LongLongMap.builder().expectedSize(100).memoryBudget(budget)
                .backgroundMemoryWork(false).build()) {
            final HashTable table = map.table();
            final long seed = table.seed;
            final List<Long> keys = putInXHalves(map, new int[] {0, 8, 8, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 40, 4});
            final long trigger = newKeyInNewBucket(seed, 0);
            final long intoNewBucket1 = newKeyInNewBucket(seed, 1);
            final long intoNewBucket2 = newKeyInNewBucket(seed, 2);
            startDoubling(map, trigger, keys);
            moveChainsOneAndTwo(map, trigger); // their new buckets are full
            for (final long key : new long[] {intoNewBucket1, intoNewBucket2}) {
                try {
                    map.put(key, 3);
                    keys.add(key);
                } catch (final MemoryBudgetExceededException refused) {
                    assertFalse(map.containsKey(key));
                }
                assertTrue(table.committedBytes() <= budget, map.stats().toString());
            }
            // Chain 14's move takes its overflow buckets, with the old array alive
            finishGrowthWithinBudget(map, trigger, 4, budget, keys);
        }
    }

    @Test
    void anOverflowBucketLinkedIntoAnOldChainShouldBeReservedForThatChainsMove() {
        // 2^4 buckets, 104 keys, all in the X half of their chains: chain 14 holds 16 (its overflow bucket is the
        // old array's one spare), chain 1 holds 8. The doubling is admitted with 51 buckets charged (17 old, 34
        // new: 32 and 2 spares), the budget one bucket more. A write into old chain 14 takes that bucket there: the
        // chain's move will now take both new spares. So a write into full new bucket 1 must not take a spare for
        // free: refused, it leaves them to the move, and the budget holds once chain 14 has moved.
        final long budget = 52 * BUCKET_BYTES;
        try (LongLongMap map = LongLongMap.builder().expectedSize(100).memoryBudget(budget)
                .backgroundMemoryWork(false).build()) {
            final HashTable table = map.table();
            final long seed = table.seed;
            final List<Long> keys = putInXHalves(map, new int[] {0, 8, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 16, 8});
            final long trigger = newKeyInNewBucket(seed, 0);
            final long intoOldChain14 = newKeyInNewBucket(seed, 14);
            final long intoNewBucket1 = newKeyInNewBucket(seed, 1);
            startDoubling(map, trigger, keys);
            moveChainsOneAndTwo(map, trigger); // new bucket 1 is full
            map.put(intoOldChain14, 3); // old chain 14 has not moved: the write links an overflow bucket there
            keys.add(intoOldChain14);
            assertEquals(2, table.oldBuckets.overflowUsed(), "test premise: " + map.stats());
            assertTrue(table.committedBytes() <= budget, map.stats().toString());
            try {
                map.put(intoNewBucket1, 4);
                keys.add(intoNewBucket1);
            } catch (final MemoryBudgetExceededException refused) {
                assertFalse(map.containsKey(intoNewBucket1));
            }
            // Chain 14's move takes two overflow buckets, with the old array alive
            finishGrowthWithinBudget(map, trigger, 5, budget, keys);
        }
    }

    /** Puts {@code wanted[c]} keys into each chain c of a 2^4-bucket table, all in the X half; returns them. */
    private static List<Long> putInXHalves(final LongLongMap map, final int[] wanted) {
        final long seed = map.table().seed;
        final int total = java.util.Arrays.stream(wanted).sum();
        final int[] placed = new int[wanted.length];
        final List<Long> keys = new ArrayList<>();
        for (long key = 1; keys.size() < total; key++) {
            final long hash = Hashing.hashLong(key, seed);
            final int chain = (int) (hash & 15);
            if ((hash >>> 4 & 1) == 0 && placed[chain] < wanted[chain]) {
                map.put(key, key);
                keys.add(key);
                placed[chain]++;
            }
        }
        return keys;
    }

    /** Inserts {@code trigger}, the new key whose insert starts the doubling, and adds it to {@code keys}. */
    private static void startDoubling(final LongLongMap map, final long trigger, final List<Long> keys) {
        map.put(trigger, 1);
        keys.add(trigger);
        assertTrue(map.table().isGrowing(), "the insert should start a doubling: " + map.stats());
    }

    /** Updates {@code trigger} (in old chain 0) until old chains 1 and 2 have moved too. */
    private static void moveChainsOneAndTwo(final LongLongMap map, final long trigger) {
        while (map.table().nevacuate < 3) {
            map.put(trigger, 2);
        }
    }

    /**
     * Writes {@code trigger} until the growth ends, the table within {@code budget} after every write; then every
     * key of {@code keys} is there, and no other, and the table's structure holds.
     */
    private static void finishGrowthWithinBudget(final LongLongMap map, final long trigger, final long value,
                                                 final long budget, final List<Long> keys) {
        final HashTable table = map.table();
        while (table.isGrowing()) {
            map.put(trigger, value);
            assertTrue(table.committedBytes() <= budget, "at most the budget: " + map.stats());
        }
        assertEquals(keys.size(), map.size());
        for (final long key : keys) {
            assertTrue(map.containsKey(key));
        }
        TableInvariants.check(table);
    }

    /** A key not among {@link #putInXHalves}'s whose bucket is {@code bucket} once the 2^4 table has doubled. */
    private static long newKeyInNewBucket(final long seed, final int bucket) {
        long key = 1_000_000;
        while ((Hashing.hashLong(key, seed) & 31) != bucket) {
            key++;
        }
        return key;
    }

    @Test
    void aWriteIntoAnOldChainPastItsSparesShouldBeChargedForTheBucketItLinks() {
        // As above, with the budget spent to the byte once the doubling has started (51 buckets). Old chain 14 is
        // full and its array past its one spare: a bucket linked there would take the table past the budget, even
        // though the new array's spares are not spoken for. The chain moves instead and the key goes with it.
        final long budget = 51 * BUCKET_BYTES;
        try (LongLongMap map = LongLongMap.builder().expectedSize(100).memoryBudget(budget)
                .backgroundMemoryWork(false).build()) {
            final HashTable table = map.table();
            final long seed = table.seed;
            final List<Long> keys = putInXHalves(map, new int[] {0, 8, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 16, 8});
            final long trigger = newKeyInNewBucket(seed, 0);
            final long intoOldChain14 = newKeyInNewBucket(seed, 14);
            startDoubling(map, trigger, keys);
            map.put(intoOldChain14, 2);
            keys.add(intoOldChain14);
            assertTrue(table.committedBytes() <= budget, map.stats().toString());
            assertTrue(table.oldBuckets.isEvacuated(14), "the chain moved instead of taking a bucket");
            finishGrowthWithinBudget(map, trigger, 3, budget, keys);
        }
    }
}
