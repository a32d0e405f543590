package io.panamap;

import io.panamap.hash.Hashing;
import io.panamap.layout.BucketLayout;
import io.panamap.layout.TopHash;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writes settled in the key's head bucket outside a growth (see {@code LongLongMap.update}) against the ones
 * that need the whole chain, in small tables (B = 0 or 1) whose slots are filled in insert order.
 */
class HeadBucketWriteTest {

    private static final BucketLayout L = BucketLayout.LONG_LONG;

    @Test
    void shouldInsertIntoTheFirstFreedSlotWhenTheBucketEndsInEmptyRest() {
        try (LongLongMap map = LongLongMap.builder().expectedSize(8).missingValue(-1).build()) {
            for (long key = 1; key <= 5; key++) {
                map.put(key * 1_000, key);
            }
            assertEquals(2, map.remove(2_000));
            assertEquals(-1, map.put(77, 777)); // slot 1 is emptyOne, slots 5-7 emptyRest

            assertEquals(77, keyInSlot(map, 1));
            assertEquals(5, map.size());
            assertEquals(777, map.get(77));
            assertEquals(-1, map.get(2_000));
            TableInvariants.check(map);
        }
    }

    @Test
    void shouldUpdateAKeyWhoseTophashFirstMatchesAnotherKey() {
        // Two keys with the same tophash in one bucket: a put of the second finds the first at its first tophash
        // match, so it must look further and update the second, not insert a copy of it.
        try (LongLongMap map = LongLongMap.builder().expectedSize(8).missingValue(-1).build()) {
            final HashTable table = map.table();
            final long first = 1;
            long second = first + 1;
            while (tophashOf(table, second) != tophashOf(table, first)) {
                second++;
            }
            map.put(first, 10);
            assertEquals(-1, map.put(second, 20));
            assertEquals(20, map.put(second, 21));
            assertEquals(2, map.size());
            assertEquals(10, map.get(first));
            assertEquals(21, map.get(second));
            TableInvariants.check(map);
        }
    }

    @Test
    void shouldUpdateAKeyInAnOverflowBucketRatherThanInsertItInAFreedHeadSlot() {
        // Nine keys of one chain at B = 1: the ninth goes to an overflow bucket. With a head slot freed, the head
        // bucket has room but no emptyRest, so a put of the ninth key must walk on and update it there.
        try (LongLongMap map = LongLongMap.builder().expectedSize(13).missingValue(-1).build()) {
            final HashTable table = map.table();
            final long[] chain = new long[9];
            int found = 0;
            for (long key = 1; found < chain.length; key++) {
                // The ninth key's tophash must match none of the others: it then has no match in the head bucket.
                if ((Hashing.hashLong(key, table.seed) & table.buckets.mask) == 0
                        && (found < 8 || !tophashAmong(table, key, chain, 8))) {
                    chain[found++] = key;
                }
            }
            for (final long key : chain) {
                map.put(key, key);
            }
            assertEquals(1, map.stats().logBuckets());
            assertEquals(1, map.stats().overflowBuckets());
            assertEquals(chain[0], map.remove(chain[0]));

            assertEquals(chain[8], map.put(chain[8], -8));
            assertEquals(8, map.size());
            assertEquals(-8, map.get(chain[8]));
            assertEquals(-1, keyInSlotOrMissing(map, 0));
            TableInvariants.check(map);
        }
    }

    @Test
    void shouldApplyEveryModeToAValueInTheHeadBucket() {
        try (LongLongMap map = LongLongMap.builder().expectedSize(8).missingValue(-1).build()) {
            assertEquals(-1, map.replace(5, 50));         // absent: nothing inserted
            assertEquals(0, map.size());
            assertEquals(-1, map.putIfAbsent(5, 50));
            assertEquals(50, map.putIfAbsent(5, 51));     // present: unchanged
            assertEquals(50, map.put(5, 52));
            assertEquals(52, map.replace(5, 53));
            assertEquals(60, map.addTo(5, 7));
            assertEquals(120, map.merge(5, 2, (a, b) -> a * b));
            assertEquals(9, map.addTo(6, 9));             // absent: inserted as the delta
            assertEquals(4, map.merge(7, 4, (a, b) -> a * b));
            assertEquals(120, map.get(5));
            assertEquals(3, map.size());
            TableInvariants.check(map);
        }
    }

    @Test
    void shouldStartAGrowthWhenTheHeadBucketHasRoomButTheTableIsFull() {
        // B = 1 holds 13 entries; the 14th insert starts a doubling (Go's 13 * 2^(B-1) + 1) whether or not its
        // head bucket has a free slot. Over many tables, the 14th key's bucket often has one.
        for (long trial = 0; trial < 64; trial++) {
            try (LongLongMap map = LongLongMap.builder().expectedSize(13).missingValue(-1).build()) {
                final long base = trial * 100;
                for (long key = base; key < base + 13; key++) {
                    map.put(key, key);
                }
                assertEquals(1, map.stats().logBuckets());
                map.put(base + 13, base + 13);
                assertEquals(2, map.stats().logBuckets(), "trial " + trial);
                for (long key = base; key <= base + 13; key++) {
                    assertEquals(key, map.get(key));
                }
                TableInvariants.check(map);
            }
        }
    }

    @Test
    void aNewKeyShouldTakeTheFirstFreeSlotOfItsChainEvenWhenItsOverflowBucketHasRoom() {
        // Go's mapassign inserts at the first empty slot of the chain: a freed head slot before the overflow
        // bucket's free slots. Nine keys of one chain at B = 1, then the first removed and a tenth inserted.
        try (LongLongMap map = LongLongMap.builder().expectedSize(13).missingValue(-1).build()) {
            final HashTable table = map.table();
            final long[] chain = new long[10];
            int found = 0;
            for (long key = 1; found < chain.length; key++) {
                if ((Hashing.hashLong(key, table.seed) & table.buckets.mask) == 0) {
                    chain[found++] = key;
                }
            }
            for (int i = 0; i < 9; i++) {
                map.put(chain[i], chain[i]);
            }
            assertEquals(1, map.stats().overflowBuckets());
            assertEquals(chain[0], map.remove(chain[0]));

            assertEquals(-1, map.put(chain[9], 99));
            assertEquals(chain[9], keyInSlot(map, 0));
            final BucketArray array = table.buckets;
            final long overflow = array.next(array.headOffset(0));
            assertEquals(TopHash.EMPTY_REST, array.tophash(overflow, 1), "the overflow bucket keeps its one entry");
            assertEquals(99, map.get(chain[9]));
            TableInvariants.check(map);
        }
    }

    @Test
    void aRemovedEntrysValueShouldBeZeroedAsGoClearsIt() {
        // Go's mapdelete clears the value slot (a key without pointers is left as it is): tools that compare the
        // bucket bytes with Go's see the same zero.
        try (LongLongMap map = LongLongMap.builder().expectedSize(8).missingValue(-1).build()) {
            map.put(1_000, 11);
            map.put(2_000, 22);
            assertEquals(22, map.remove(2_000));
            final BucketArray array = map.table().buckets;
            assertEquals(TopHash.EMPTY_REST, array.tophash(array.headOffset(0), 1));
            assertEquals(0, array.segment.get(BucketLayout.WORD, array.headOffset(0) + L.valueOffset(1)));
            assertEquals(11, map.get(1_000));
        }
    }

    @Test
    void writeEntryStaysSmallEnoughForTheJitToInlineIt() {
        // Past 325 bytes of bytecode every put is a call again, with the caller's loop paying around it
        // (docs/PERFORMANCE-HISTORY.md, "A write's head-bucket case in line"). Within it, whether the JIT inlines
        // the entry also depends on its compiled size, which no test here can see (InlineSmallCode).
        BytecodeSize.assertInlinable(LongLongMap.class, "update");
    }

    private static int tophashOf(final HashTable table, final long key) {
        return TopHash.of(Hashing.hashLong(key, table.seed));
    }

    private static boolean tophashAmong(final HashTable table, final long key, final long[] keys, final int count) {
        for (int i = 0; i < count; i++) {
            if (tophashOf(table, keys[i]) == tophashOf(table, key)) {
                return true;
            }
        }
        return false;
    }

    private static long keyInSlot(final LongLongMap map, final int slot) {
        final BucketArray array = map.table().buckets;
        assertTrue(array.tophash(array.headOffset(0), slot) >= 5, "slot " + slot + " holds an entry");
        return array.segment.get(BucketLayout.WORD, array.headOffset(0) + L.keyOffset(slot));
    }

    private static long keyInSlotOrMissing(final LongLongMap map, final int slot) {
        final BucketArray array = map.table().buckets;
        return array.tophash(array.headOffset(0), slot) >= 5
                ? array.segment.get(BucketLayout.WORD, array.headOffset(0) + L.keyOffset(slot)) : -1;
    }
}
