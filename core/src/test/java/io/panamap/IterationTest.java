package io.panamap;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Go's iteration guarantees, kept while the table grows under the cursor. */
class IterationTest {

    /**
     * Starts a cursor while a growth is under way (and, in other repetitions, just before one), then
     * writes between every step: inserts that drive growths through to the end and start new ones,
     * removals of keys the cursor has not reached, updates. Checks Go's three rules.
     */
    @RepeatedTest(12)
    void everyEntryPresentThroughoutShouldBeProducedExactlyOnce(final org.junit.jupiter.api.RepetitionInfo info) {
        final SplittableRandom random = new SplittableRandom(info.getCurrentRepetition());
        try (LongLongMap map = new LongLongMap()) {
            final int initial = 500 + random.nextInt(30_000);
            final List<Long> keys = new ArrayList<>();
            for (int i = 0; i < initial; i++) {
                final long key = random.nextLong();
                map.put(key, key);
                keys.add(key);
            }
            final Map<Long, Long> current = new HashMap<>();
            for (final long key : keys) {
                current.put(key, key);
            }
            final Set<Long> removedBeforeReached = new HashSet<>();
            final Set<Long> added = new HashSet<>();
            final Map<Long, Long> produced = new HashMap<>();
            int growthsSeen = 0;
            boolean wasGrowing = map.table().isGrowing();
            final LongLongCursor cursor = map.cursor();
            while (cursor.next()) {
                final long key = cursor.key();
                assertFalse(removedBeforeReached.contains(key), "produced a key removed before it was reached");
                assertTrue(produced.put(key, cursor.value()) == null, "produced twice: " + key);
                assertEquals(current.get(key), cursor.value(), "a cursor must produce the current value of " + key);
                // Writes between steps: mostly inserts (to keep growing), some removals and updates.
                for (int w = 0; w < 3; w++) {
                    final int choice = random.nextInt(10);
                    if (choice < 7) {
                        final long fresh = random.nextLong();
                        map.put(fresh, fresh);
                        current.put(fresh, fresh);
                        added.add(fresh);
                    } else if (choice < 9) {
                        final long victim = keys.get(random.nextInt(keys.size()));
                        if (!produced.containsKey(victim) && map.containsKey(victim)) {
                            map.remove(victim);
                            current.remove(victim);
                            removedBeforeReached.add(victim);
                        }
                    } else {
                        final long target = keys.get(random.nextInt(keys.size()));
                        if (map.containsKey(target)) {
                            map.put(target, target + 1);
                            current.put(target, target + 1);
                        }
                    }
                }
                if (wasGrowing && !map.table().isGrowing()) {
                    growthsSeen++;
                }
                wasGrowing = map.table().isGrowing();
            }
            for (final long key : keys) {
                if (!removedBeforeReached.contains(key)) {
                    assertTrue(produced.containsKey(key), "key present throughout was not produced: " + key);
                }
            }
            for (final long key : produced.keySet()) {
                assertTrue(keys.contains(key) || added.contains(key), "produced a key never stored");
            }
            assertTrue(growthsSeen > 0, "the test should have run the cursor through at least one growth");
            TableInvariants.check(map);
        }
    }

    /**
     * A cursor started before {@code trimToSize()} walks its snapshot on, looking each key up again in the live
     * table, while the table shrinks and then grows back under it. In half the repetitions the trim takes one
     * level off (30,000 keys at 2^13 buckets, 20,000 kept: 2^12) and the inserts after it grow the table back to
     * the snapshot's size, so that the cursor also meets a growth into an array of its snapshot's size; in the
     * other half it takes several (1,500 kept). Go's three rules throughout.
     */
    @RepeatedTest(6)
    void aCursorShouldKeepGosRulesAcrossATrimAndTheGrowthsAfterIt(final org.junit.jupiter.api.RepetitionInfo info) {
        final SplittableRandom random = new SplittableRandom(1000 + info.getCurrentRepetition());
        final boolean oneLevel = info.getCurrentRepetition() % 2 == 0;
        try (LongLongMap map = new LongLongMap()) {
            final List<Long> keys = new ArrayList<>();
            final Map<Long, Long> current = new HashMap<>();
            for (int i = 0; i < 30_000; i++) {
                final long key = random.nextLong();
                map.put(key, key);
                keys.add(key);
                current.put(key, key);
            }
            map.finishGrowth();
            final int logBucketsBefore = map.stats().logBuckets();
            final Set<Long> removedBeforeReached = new HashSet<>();
            final Set<Long> added = new HashSet<>();
            final Map<Long, Long> produced = new HashMap<>();
            boolean grewBackToTheSnapshotsSize = false;
            final LongLongCursor cursor = map.cursor();
            int steps = 0;
            while (cursor.next()) {
                final long key = cursor.key();
                assertFalse(removedBeforeReached.contains(key), "produced a key removed before it was reached");
                assertTrue(produced.put(key, cursor.value()) == null, "produced twice: " + key);
                assertEquals(current.get(key), cursor.value(), "a cursor must produce the current value of " + key);
                if (++steps == 10) {
                    final int keep = oneLevel ? 20_000 : 1_500;
                    for (final long victim : keys) {
                        if (current.size() > keep && !produced.containsKey(victim) && current.containsKey(victim)) {
                            map.remove(victim);
                            current.remove(victim);
                            removedBeforeReached.add(victim);
                        }
                    }
                    map.trimToSize();
                    assertEquals(HashTable.logSizeFor(current.size()), map.stats().logBuckets(), map.stats().toString());
                    assertTrue(map.stats().logBuckets() < logBucketsBefore, "premise: the trim shrank the table");
                }
                if (steps > 10) {
                    for (int w = 0; w < 3; w++) {
                        final long fresh = random.nextLong();
                        map.put(fresh, fresh);
                        current.put(fresh, fresh);
                        added.add(fresh);
                    }
                    final long target = keys.get(random.nextInt(keys.size()));
                    if (current.containsKey(target)) {
                        map.put(target, target + 1);
                        current.put(target, target + 1);
                    }
                    grewBackToTheSnapshotsSize |= map.table().isGrowing() && map.stats().logBuckets() == logBucketsBefore;
                }
            }
            for (final long key : keys) {
                if (!removedBeforeReached.contains(key)) {
                    assertTrue(produced.containsKey(key), "key present throughout was not produced: " + key);
                }
            }
            for (final long key : produced.keySet()) {
                assertTrue(keys.contains(key) || added.contains(key), "produced a key never stored");
            }
            if (oneLevel) {
                assertTrue(grewBackToTheSnapshotsSize, "premise: a growth into an array of the snapshot's size");
            }
            TableInvariants.check(map);
        }
    }

    /**
     * A cursor that stopped inside an old chain of a doubling keeps only that chain's entries of its own bucket.
     * Whether to filter is the doubling's, not the table's at the next step: when writes finish that doubling
     * and start a same-size growth before the cursor moves on, the filter must stay on, or the cursor yields
     * the other half's entries of the chain too, and then again at their own bucket. (Go decides it at each
     * step from the table's current flags.) A trim to a small table makes the same-size growth come soon.
     */
    @RepeatedTest(20)
    void aCursorInsideADoublingsOldChainShouldKeepFilteringThroughASameSizeGrowthAfterIt(
            final org.junit.jupiter.api.RepetitionInfo info) {
        final SplittableRandom random = new SplittableRandom(7000 + info.getCurrentRepetition());
        try (LongLongMap map = LongLongMap.builder().backgroundMemoryWork(false).build()) {
            final Set<Long> throughout = new HashSet<>();
            while (map.stats().doublings() < 5 || !map.stats().growing()) { // the doubling to 2^5 has just started
                final long key = random.nextLong();
                map.put(key, key);
                throughout.add(key);
            }
            final LongLongCursor cursor = map.cursor();
            final Map<Long, Long> produced = new HashMap<>();
            assertTrue(cursor.next(), "premise: entries to walk");
            produced.put(cursor.key(), cursor.value());
            map.finishGrowth(); // the doubling ends with the cursor inside one of its old chains
            final List<Long> churned = new ArrayList<>();
            for (int w = 0; w < 500_000 && !map.table().isGrowing(); w++) { // churn until a same-size growth starts
                if (churned.size() < 95 || w % 2 == 0) { // about 200 entries in 2^5 buckets, then no more
                    final long key = random.nextLong();
                    map.put(key, key);
                    churned.add(key);
                } else {
                    map.remove(churned.remove(random.nextInt(churned.size())));
                }
            }
            assertTrue(map.table().isGrowing() && map.table().sameSizeGrow, "premise: a same-size growth " + map.stats());
            while (cursor.next()) {
                assertTrue(produced.put(cursor.key(), cursor.value()) == null, "produced twice: " + cursor.key());
            }
            for (final long key : throughout) {
                assertEquals(key, produced.get(key), "present throughout, produced once with its value");
            }
        }
    }

    /**
     * A walk started while a doubling is under way reads not-yet-evacuated chains from the old array and
     * must keep only the entries of the bucket it visits (Go's checkBucket): each entry exactly once.
     */
    @Test
    void aWalkStartedMidDoublingShouldProduceEachEntryOnce() {
        try (LongLongMap map = LongLongMap.builder().backgroundMemoryWork(false).build()) {
            long key = 0;
            while (map.stats().doublings() < 12) {
                map.put(key * 0x9E3779B97F4A7C15L, key);
                key++;
            }
            assertTrue(map.table().isGrowing(), "premise: a doubling in progress");
            assertTrue(map.table().nevacuate < map.table().oldBuckets.bucketCount / 2, "premise: mostly unevacuated");
            final Map<Long, Long> produced = new HashMap<>();
            map.forEach((k, v) -> assertTrue(produced.put(k, v) == null, "produced twice: " + k));
            assertEquals(key, produced.size());
            for (long i = 0; i < key; i++) {
                assertEquals(i, produced.get(i * 0x9E3779B97F4A7C15L));
            }
        }
    }

    /** The same through a same-size growth, with writes between steps. */
    @Test
    void aWalkThroughASameSizeGrowthShouldKeepGosRules() {
        final SplittableRandom random = new SplittableRandom(99);
        try (LongLongMap map = LongLongMap.builder().backgroundMemoryWork(false).build()) {
            final List<Long> live = new ArrayList<>();
            // Churn at a steady ~2,500 keys until a same-size growth starts.
            while (!(map.table().isGrowing() && map.table().sameSizeGrow)) {
                if (live.size() < 2500 || random.nextBoolean()) {
                    final long k = random.nextLong();
                    map.put(k, k);
                    live.add(k);
                } else {
                    final long victim = live.remove(random.nextInt(live.size()));
                    map.remove(victim);
                }
            }
            final Set<Long> present = new HashSet<>(live);
            final Set<Long> removed = new HashSet<>();
            final Set<Long> produced = new HashSet<>();
            final LongLongCursor cursor = map.cursor();
            while (cursor.next()) {
                assertTrue(produced.add(cursor.key()), "produced twice: " + cursor.key());
                assertFalse(removed.contains(cursor.key()), "produced a key removed before it was reached");
                // Keep writing: finishes the same-size growth under the cursor.
                final long fresh = random.nextLong();
                map.put(fresh, fresh);
                final long victim = live.get(random.nextInt(live.size()));
                if (!produced.contains(victim) && present.contains(victim) && !removed.contains(victim)) {
                    map.remove(victim);
                    removed.add(victim);
                }
            }
            assertFalse(map.table().isGrowing(), "the writes should have finished the same-size growth");
            for (final long k : present) {
                if (!removed.contains(k)) {
                    assertTrue(produced.contains(k), "key present throughout was not produced: " + k);
                }
            }
            TableInvariants.check(map);
        }
    }

    @Test
    void iterationOrderShouldDifferBetweenTablesAndBetweenWalks() {
        try (LongLongMap a = new LongLongMap(); LongLongMap b = new LongLongMap()) {
            for (long i = 0; i < 1000; i++) {
                a.put(i, i);
                b.put(i, i);
            }
            final List<Long> orderA = firstKeys(a, 50);
            final List<Long> orderB = firstKeys(b, 50);
            assertNotEquals(orderA, orderB, "two tables with the same contents should iterate differently");
            // One walk in 2,048 starts where another did (256 buckets x 8 slot offsets): ask for a difference
            // among several, which fails only if five walks in a row start alike.
            boolean differed = false;
            for (int walk = 0; walk < 5 && !differed; walk++) {
                differed = !orderA.equals(firstKeys(a, 50));
            }
            assertTrue(differed, "walks of one table should start at random places");
        }
    }

    /**
     * A walk starts at a random slot of its first bucket as well as at a random bucket (Go's {@code offset}).
     * In a table of one bucket (B = 0 holds up to 8 entries) the slot is all that varies the order, so the
     * first entry of a walk should sit in each of the 8 slots over a few hundred walks: one slot is missed
     * with probability 8·(7/8)^400, about 10^-22. The test above passes with the offset stuck at 0, since the
     * random start bucket alone makes 256-bucket walks differ.
     */
    @Test
    void aWalkShouldStartAtARandomSlotOfItsBucket() {
        try (LongLongMap map = new LongLongMap()) {
            for (long i = 0; i < 8; i++) {
                map.put(i, i);
            }
            assertEquals(0, map.stats().logBuckets(), "eight entries fit the one bucket of B = 0");
            final Set<Long> firstKeys = new HashSet<>();
            for (int walk = 0; walk < 400; walk++) {
                firstKeys.addAll(firstKeys(map, 1));
            }
            assertEquals(8, firstKeys.size(), "walks should start at every slot of the bucket: " + firstKeys);
        }
    }

    @Test
    void clearShouldEndAWalkStartedBeforeIt() {
        try (LongLongMap map = new LongLongMap()) {
            for (long i = 0; i < 1000; i++) {
                map.put(i, i);
            }
            final LongLongCursor cursor = map.cursor();
            assertTrue(cursor.next());
            map.clear();
            map.put(5000, 1);
            int after = 0;
            while (cursor.next()) {
                after++;
                assertEquals(5000, cursor.key(), "only entries added after the clear may appear");
            }
            assertTrue(after <= 1);
        }
    }

    /** A cursor that has produced one entry of {@code array}, and the array, which two growths since retired. */
    private record CursorBehindGrowths(BucketArray array, LongLongCursor cursor) {
    }

    /**
     * Fills {@code map} through 12 doublings, starts a cursor on its array (one entry produced), then grows it
     * twice more: the cursor's array is retired but must stay mapped for the cursor.
     */
    private static CursorBehindGrowths cursorBehindTwoGrowths(final LongLongMap map) {
        long key = 0;
        while (map.stats().doublings() < 12) {
            map.put(key++, 1);
        }
        final BucketArray snapshot = map.table().buckets;
        final LongLongCursor cursor = map.cursor();
        assertTrue(cursor.next());
        while (map.stats().growthsFinished() < 14) {
            map.put(key++, 1);
        }
        return new CursorBehindGrowths(snapshot, cursor);
    }

    @Test
    void aPinnedOldArrayShouldBeFreedOnlyWhenTheCursorLetsGo() {
        try (LongLongMap map = LongLongMap.builder().backgroundMemoryWork(false).build()) {
            final CursorBehindGrowths started = cursorBehindTwoGrowths(map);
            final BucketArray snapshot = started.array();
            final LongLongCursor cursor = started.cursor();
            assertTrue(snapshot.retired);
            assertTrue(snapshot.block.isAlive(), "retired array freed while a cursor still reads it");
            int produced = 1;
            while (cursor.next()) {
                produced++;
            }
            assertTrue(produced >= 3000);
            assertFalse(snapshot.block.isAlive(), "retired array should be freed once the cursor is done");
        }
    }

    @Test
    void closingTheMapShouldFreeTheArraysAnOpenCursorStillPins() {
        final LongLongMap map = LongLongMap.builder().backgroundMemoryWork(false).build();
        final CursorBehindGrowths started = cursorBehindTwoGrowths(map);
        final BucketArray snapshot = started.array();
        final LongLongCursor cursor = started.cursor();
        assertTrue(snapshot.retired && snapshot.block.isAlive(), "retired, and kept for the cursor");
        // A cursor abandoned mid-walk: its pins end with the map, whose close() frees everything it mapped.
        map.close();
        assertFalse(snapshot.block.isAlive(), "an array a cursor pinned outlived the map's close()");
        assertThrows(IllegalStateException.class, cursor::next);
        cursor.close(); // after the map's close(): lets go of nothing twice
    }

    private static List<Long> firstKeys(final LongLongMap map, final int n) {
        final List<Long> keys = new ArrayList<>();
        try (LongLongCursor cursor = map.cursor()) {
            while (keys.size() < n && cursor.next()) {
                keys.add(cursor.key());
            }
        }
        return keys;
    }
}
