package io.panamap;

import io.panamap.hash.Hashing;
import io.panamap.layout.BucketLayout;
import io.panamap.layout.TopHash;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a growth leaves in memory and when, bucket for bucket as Go's {@code evacuate} and
 * {@code advanceEvacuationMark} do (GO_BMAP_REFERENCE.md §8): tools outside Java read both arrays through
 * {@link NativeView} and compare them with Go's, so right answers alone are not enough here.
 */
class EvacuationTest {

    private static final BucketLayout L = BucketLayout.LONG_LONG;

    /** A table of random keys in the middle of a doubling from B = 11 to 12 (2,048 old chains). */
    private static LongLongMap doublingMap(final SplittableRandom random) {
        final LongLongMap map = LongLongMap.builder().backgroundMemoryWork(false).build();
        final HashTable table = map.table();
        while (!(table.isGrowing() && table.buckets.logSize == 12)) {
            map.put(random.nextLong(), 1);
        }
        return map;
    }

    /** A key the table does not hold: removing it changes no entry, but is a write all the same. */
    private static long absentKey(final LongLongMap map, final SplittableRandom random) {
        while (true) {
            final long key = random.nextLong();
            if (!map.containsKey(key)) {
                return key;
            }
        }
    }

    /** Where the entries of old chains must land, and the marks their slots must get, worked out before they move. */
    private static final class ExpectedMove {
        final List<List<Long>> xKeys = new ArrayList<>();
        final List<List<Long>> yKeys = new ArrayList<>();
        final List<List<Long>> marks = new ArrayList<>();

        ExpectedMove(final HashTable table, final long firstChain, final int chains) {
            final BucketArray old = table.oldBuckets;
            for (long index = firstChain; index < firstChain + chains; index++) {
                final List<Long> x = new ArrayList<>();
                final List<Long> y = new ArrayList<>();
                final List<Long> chainMarks = new ArrayList<>();
                for (long b = old.headOffset(index); b != BucketArray.NONE; b = old.next(b)) {
                    long bucketMarks = 0;
                    for (int slot = 0; slot < BucketLayout.SLOTS; slot++) {
                        final long mark;
                        if (old.tophash(b, slot) < TopHash.MIN_TOP_HASH) {
                            mark = TopHash.EVACUATED_EMPTY;
                        } else {
                            final long key = old.segment.get(BucketLayout.WORD, b + L.keyOffset(slot));
                            // Y iff the hash has the bit the doubling makes significant; a same-size growth has no Y.
                            final boolean toY = !table.sameSizeGrow
                                    && (Hashing.hashLong(key, table.seed) & old.bucketCount) != 0;
                            (toY ? y : x).add(key);
                            mark = toY ? TopHash.EVACUATED_Y : TopHash.EVACUATED_X;
                        }
                        bucketMarks |= mark << (Byte.SIZE * slot);
                    }
                    chainMarks.add(bucketMarks);
                }
                xKeys.add(x);
                yKeys.add(y);
                marks.add(chainMarks);
            }
        }
    }

    /** The tophash words of a chain, head first. */
    private static List<Long> tophashWords(final BucketArray array, final long index) {
        final List<Long> words = new ArrayList<>();
        for (long b = array.headOffset(index); b != BucketArray.NONE; b = array.next(b)) {
            words.add(array.tophashes(b));
        }
        return words;
    }

    /**
     * The keys of a current chain in slot order, checking that they fill it from slot 0 with no gap (an overflow
     * bucket only behind a full one) and that every slot after them is emptyRest.
     */
    private static List<Long> packedKeys(final HashTable table, final BucketArray array, final long index) {
        final List<Long> keys = new ArrayList<>();
        boolean ended = false;
        for (long b = array.headOffset(index); b != BucketArray.NONE; b = array.next(b)) {
            assertFalse(ended, "chain " + index + " has an overflow bucket behind a bucket with room");
            for (int slot = 0; slot < BucketLayout.SLOTS; slot++) {
                final int top = array.tophash(b, slot);
                if (ended) {
                    assertEquals(TopHash.EMPTY_REST, top, "chain " + index + ": a slot after the moved entries");
                } else if (top == TopHash.EMPTY_REST) {
                    ended = true;
                } else {
                    final long key = array.segment.get(BucketLayout.WORD, b + L.keyOffset(slot));
                    assertEquals(TopHash.of(Hashing.hashLong(key, table.seed)), top, "tophash of key " + key);
                    keys.add(key);
                }
            }
        }
        return keys;
    }

    /** Moves chains with writes that change no entry, until the mark has passed {@code end}. */
    private static void moveChainsBelow(final LongLongMap map, final long end, final SplittableRandom random) {
        final long absent = absentKey(map, random);
        final long start = map.table().nevacuate;
        for (long writes = 0; map.table().nevacuate < end; writes++) {
            assertTrue(writes < end - start, "every write during a growth moves the chain at the mark");
            map.remove(absent);
        }
    }

    @Test
    void aDoublingShouldSendEachEntryToXOrYByTheNewBitInChainOrderAndMarkEveryOldSlot() {
        final SplittableRandom random = new SplittableRandom(31);
        try (LongLongMap map = doublingMap(random)) {
            final HashTable table = map.table();
            final BucketArray old = table.oldBuckets;
            final long first = table.nevacuate;
            final int chains = 64;
            final ExpectedMove expected = new ExpectedMove(table, first, chains);
            moveChainsBelow(map, first + chains, random);

            assertTrue(table.isGrowing(), "the old array is still there to be read");
            final BucketArray current = table.buckets;
            long toY = 0;
            for (int i = 0; i < chains; i++) {
                final long index = first + i;
                assertEquals(expected.marks.get(i), tophashWords(old, index), "marks of old chain " + index);
                assertEquals(expected.xKeys.get(i), packedKeys(table, current, index), "X bucket " + index);
                assertEquals(expected.yKeys.get(i), packedKeys(table, current, index + old.bucketCount),
                        "Y bucket " + (index + old.bucketCount));
                toY += expected.yKeys.get(i).size();
            }
            assertTrue(toY > 0 && toY < map.size(), "the chains should have sent entries both ways");
            TableInvariants.check(map);
        }
    }

    @Test
    void aSameSizeGrowthShouldCompactEachOldChainIntoItsXBucketInChainOrder() {
        // 16 buckets and 60-100 live keys, inserts and deletes: chains overflow while the load stays below a
        // doubling, until the overflow count reaches 16 and the next insert starts a same-size growth.
        final SplittableRandom random = new SplittableRandom(32);
        try (LongLongMap map = LongLongMap.builder().expectedSize(100).backgroundMemoryWork(false).build()) {
            final HashTable table = map.table();
            SameSizeChurn.untilGrowing(map, random);
            assertTrue(table.isGrowing() && table.sameSizeGrow, "churn should start a same-size growth");
            final BucketArray old = table.oldBuckets;
            final long first = table.nevacuate;
            // Every chain but the last, which would end the growth and free the old array.
            final int chains = (int) (old.bucketCount - 1 - first);
            final ExpectedMove expected = new ExpectedMove(table, first, chains);
            long emptySlots = 0;
            for (final List<Long> chainMarks : expected.marks) {
                for (final long word : chainMarks) {
                    for (int slot = 0; slot < BucketLayout.SLOTS; slot++) {
                        emptySlots += (word >>> (Byte.SIZE * slot) & 0xFF) == TopHash.EVACUATED_EMPTY ? 1 : 0;
                    }
                }
            }
            assertTrue(emptySlots > 0, "the test needs holes in the old chains to see them closed");
            moveChainsBelow(map, first + chains, random);

            assertTrue(table.isGrowing());
            for (int i = 0; i < chains; i++) {
                final long index = first + i;
                assertEquals(expected.marks.get(i), tophashWords(old, index), "marks of old chain " + index);
                assertEquals(expected.xKeys.get(i), packedKeys(table, table.buckets, index), "bucket " + index);
            }
            TableInvariants.check(map);
        }
    }

    @Test
    void theMarkShouldSkipAtMostGosLookaheadOfMovedChainsAndTheGrowthEndWhenItReachesTheOldBucketCount() {
        final SplittableRandom random = new SplittableRandom(33);
        try (LongLongMap map = doublingMap(random)) {
            final HashTable table = map.table();
            final BucketArray old = table.oldBuckets;
            final long mark = table.nevacuate;
            final long finishedBefore = map.stats().growthsFinished();
            final long absent = absentKey(map, random);
            // Move 1,100 chains ahead of the mark (as a write into a full old chain with no overflow room does).
            for (long index = mark + 1; index <= mark + 1_100; index++) {
                table.evacuateChainOf(index);
            }
            assertEquals(mark, table.nevacuate, "moving other chains leaves the mark where it is");

            map.remove(absent);
            assertEquals(mark + 1 + HashTable.EVACUATION_LOOKAHEAD, table.nevacuate,
                    "the mark moves past its chain, then past at most 1,024 moved chains");
            map.remove(absent);
            assertEquals(mark + 1_101, table.nevacuate,
                    "a moved chain at the mark is not moved again; the mark goes on to the first unmoved one");
            TableInvariants.check(map);

            for (long index = mark + 1_102; index < old.bucketCount; index++) {
                table.evacuateChainOf(index);
            }
            map.remove(absent);
            assertFalse(table.isGrowing(), "the mark reached the old bucket count: the growth is over");
            assertEquals(finishedBefore + 1, map.stats().growthsFinished());
            TableInvariants.check(map);
        }
    }

    @Test
    void deletesAndUpdatesShouldMoveTheChainAtTheMarkAndReadsShouldNot() {
        final SplittableRandom random = new SplittableRandom(34);
        try (LongLongMap map = doublingMap(random)) {
            final HashTable table = map.table();
            final BucketArray old = table.oldBuckets;
            final long key = random.nextLong();
            map.put(key, 1);

            long mark = table.nevacuate;
            map.get(absentKey(map, random));
            map.containsKey(key);
            assertEquals(mark, table.nevacuate, "reads never evacuate");
            assertFalse(old.isEvacuated(mark));

            map.remove(absentKey(map, random));
            assertTrue(old.isEvacuated(mark), "a delete of an absent key still moves the chain at the mark");
            assertTrue(table.nevacuate > mark);

            mark = table.nevacuate;
            map.put(key, 2);
            assertTrue(old.isEvacuated(mark), "an update moves the chain at the mark");
            assertTrue(table.nevacuate > mark);

            mark = table.nevacuate;
            assertEquals(2, map.remove(key));
            assertTrue(old.isEvacuated(mark), "a delete moves the chain at the mark");
            assertTrue(table.nevacuate > mark);
            TableInvariants.check(map);
        }
    }

    @Test
    void onlyTheInsertOfANewKeyShouldStartAGrowth() {
        // B = 1 holds 13 entries: at 13, only a 14th key may start the doubling (Go's mapassign step 6).
        try (LongLongMap map = LongLongMap.builder().expectedSize(13).missingValue(-1).build()) {
            for (long key = 0; key < 13; key++) {
                map.put(key, key);
            }
            for (long absent = 100; absent < 164; absent++) {
                assertEquals(-1, map.replace(absent, 1), "replace does not insert");
            }
            assertEquals(0, map.putIfAbsent(0, 9));
            assertEquals(1, map.put(1, 11));
            assertEquals(13, map.addTo(2, 11));
            assertEquals(3, map.merge(3, 1, Math::max));
            assertEquals(1, map.stats().logBuckets(), "no write of a key already there, or not inserted, grows");
            assertFalse(map.stats().growing());

            map.put(13, 13);
            assertEquals(2, map.stats().logBuckets());
            TableInvariants.check(map);
        }
    }

    @Test
    void aSameSizeGrowthShouldStartAtTheFirstInsertAfterTheOverflowCountReachesTheBucketCount() {
        final SplittableRandom random = new SplittableRandom(35);
        try (LongLongMap map = LongLongMap.builder().expectedSize(100).backgroundMemoryWork(false).build()) {
            final HashTable table = map.table();
            final long buckets = table.buckets.bucketCount;
            final List<Long> live = new ArrayList<>();
            int inserts = 0;
            while (!table.isGrowing()) {
                assertTrue(++inserts < 1_000_000, "churn should reach the overflow threshold");
                if (live.size() < 60 || live.size() < 100 && random.nextBoolean()) {
                    final long counted = table.noverflow;
                    final long key = random.nextLong();
                    map.put(key, key);
                    live.add(key);
                    // tooManyOverflowBuckets: noverflow >= 2^min(B, 15), checked before the insert links a bucket.
                    assertEquals(counted >= buckets, table.isGrowing(),
                            "insert with " + counted + " overflow buckets counted in " + buckets + " buckets");
                } else {
                    final int victim = random.nextInt(live.size());
                    map.remove(live.get(victim));
                    live.set(victim, live.get(live.size() - 1));
                    live.remove(live.size() - 1);
                }
            }
            assertTrue(table.sameSizeGrow);
            assertEquals(table.oldBuckets.logSize, table.buckets.logSize);
            TableInvariants.check(map);
        }
    }

    @Test
    void aClearDuringASameSizeGrowthShouldLeaveNoGrowthBehind() {
        // Go's mapclear drops the growth in progress and clears sameSizeGrow with it: stats and the next growth
        // must not see a same-size growth that is no longer there.
        final SplittableRandom random = new SplittableRandom(36);
        try (LongLongMap map = LongLongMap.builder().expectedSize(100).backgroundMemoryWork(false).build()) {
            SameSizeChurn.untilGrowing(map, random);
            final MapStats before = map.stats();
            assertTrue(before.growing() && before.sameSizeGrowth(), "churn should start a same-size growth");
            map.clear();
            final MapStats stats = map.stats();
            assertFalse(stats.growing());
            assertFalse(stats.sameSizeGrowth(), "no growth is in progress after a clear: " + stats);
            assertEquals(before.sameSizeGrowths(), stats.sameSizeGrowths(), "the growth was started");
            assertEquals(before.growthsFinished(), stats.growthsFinished(), "but dropped, not finished: " + stats);
            assertEquals(0, stats.overflowCounter());
            TableInvariants.check(map);
        }
    }
}
