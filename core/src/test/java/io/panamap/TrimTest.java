package io.panamap;

import io.panamap.codec.Codecs;
import io.panamap.layout.BucketLayout;
import io.panamap.memory.MemoryBudgetExceededException;
import io.panamap.memory.MemoryWorker;
import io.panamap.memory.NativeMemoryException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code trimToSize()}: a table shrinks to what Go's makemap would pick for its entries, and loses nothing. */
class TrimTest {

    /** Keys 0, 1, 2, ... spread over the hash space, so that consecutive ones land in unrelated buckets. */
    private static long key(final long i) {
        return i * 0x9E3779B97F4A7C15L;
    }

    @Test
    void aDrainedTableShouldShrinkKeepItsEntriesAndGrowAgain() throws InterruptedException {
        try (LongLongMap map = new LongLongMap()) {
            for (long i = 0; i < 200_000; i++) {
                map.put(key(i), i);
            }
            for (long i = 0; i < 200_000; i += 20) { // keep every 20th: 10,000 entries
                for (long j = i + 1; j < i + 20; j++) {
                    map.remove(key(j));
                }
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            final MapStats before = map.stats();

            final long released = map.trimToSize();

            final MapStats after = map.stats();
            assertEquals(HashTable.logSizeFor(10_000), after.logBuckets(), after.toString());
            assertTrue(after.logBuckets() < before.logBuckets(), before + " -> " + after);
            assertEquals(before.committedBytes() - after.committedBytes(), released);
            assertTrue(after.committedBytes() < before.committedBytes() / 10, before + " -> " + after);
            assertFalse(after.growing());
            TableInvariants.check(map);
            for (long i = 0; i < 200_000; i++) {
                assertEquals(i % 20 == 0 ? i : map.missingValue(), map.get(key(i)), "key " + i);
            }

            for (long i = 200_000; i < 260_000; i++) { // grows back, incrementally, from the trimmed size
                map.put(key(i), i);
            }
            TableInvariants.check(map);
            assertEquals(10_000 + 60_000, map.size());
            assertTrue(map.stats().doublings() > before.doublings(), map.stats().toString());
            for (long i = 200_000; i < 260_000; i++) {
                assertEquals(i, map.get(key(i)));
            }
        }
    }

    @Test
    void aTrimDuringAGrowthShouldFinishItFirst() {
        try (LongLongMap map = LongLongMap.builder().backgroundMemoryWork(false).build()) {
            long n = 0;
            while (map.stats().doublings() < 12 || !map.stats().growing()) {
                map.put(key(n), n);
                n++;
            }
            // The doubling to 2^12 started at 13,313 entries; with two of them removed, 2^11 holds the rest.
            map.remove(key(0));
            map.remove(key(1));
            assertTrue(map.stats().growing(), "premise: still growing");
            map.trimToSize();
            assertFalse(map.stats().growing());
            assertEquals(11, map.stats().logBuckets());
            TableInvariants.check(map);
            for (long i = 0; i < n; i++) {
                assertEquals(i >= 2, map.containsKey(key(i)), "key " + i);
            }
        }
    }

    @Test
    void aTableAlreadyAtItsSizeShouldKeepItsArray() {
        try (LongLongMap map = new LongLongMap()) {
            for (long i = 0; i < 1_000; i++) {
                map.put(key(i), i);
            }
            map.finishGrowth();
            final long array = map.nativeView().address();
            map.trimToSize(); // gives back the small retired arrays the table kept
            assertEquals(array, map.nativeView().address(), "the same array");
            assertEquals(0, map.trimToSize(), "nothing more to give back");
            assertEquals(1_000, map.size());
        }
    }

    @Test
    void aTrimTheAllocatorRefusesShouldChangeNothing() {
        final MemoryTest.RecordingAllocator allocator = new MemoryTest.RecordingAllocator();
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).backgroundMemoryWork(false).build()) {
            for (long i = 0; i < 50_000; i++) {
                map.put(key(i), i);
            }
            map.finishGrowth();
            for (long i = 100; i < 50_000; i++) {
                map.remove(key(i));
            }
            final MapStats before = map.stats();
            allocator.allocationsLeft = 0;
            final NativeMemoryException failure = assertThrows(NativeMemoryException.class, map::trimToSize);
            assertTrue(failure.getMessage().contains("Cannot allocate memory"), failure.getMessage());
            assertEquals(before.logBuckets(), map.stats().logBuckets());
            assertEquals(100, map.size());
            for (long i = 0; i < 100; i++) {
                assertEquals(i, map.get(key(i)));
            }
            TableInvariants.check(map);
            allocator.allocationsLeft = Integer.MAX_VALUE;
            map.trimToSize();
            assertEquals(HashTable.logSizeFor(100), map.stats().logBuckets());
            for (long i = 0; i < 100; i++) {
                assertEquals(i, map.get(key(i)));
            }
        }
    }

    /**
     * A trim's moves take overflow buckets in the smaller array, and a trim is never stopped halfway: so the
     * budget must admit their worst case with the array, or the trim is refused before it starts. Here a cursor
     * keeps the larger array charged throughout, and the moves would take the table past its budget.
     */
    @Test
    void aTrimWhoseMovesTheBudgetCannotHoldShouldBeRefusedAndChangeNothing() {
        final BucketLayout layout = BucketLayout.LONG_LONG;
        final int logSize = 12;
        final long entries = HashTable.LOAD_FACTOR_NUM * ((1L << (logSize - 1)) / HashTable.LOAD_FACTOR_DEN);
        // The 2^12 array, the 2^11 one and 64 buckets more: fewer than the overflow buckets 13,312 entries
        // take in 2^11 chains (about a fifth of the chains hold more than eight).
        final long budget = BucketArray.initialCommittedBytes(layout, logSize)
                + BucketArray.initialCommittedBytes(layout, logSize - 1) + layout.bytesFor(64);
        try (LongLongMap map = LongLongMap.builder().expectedSize(2 * entries).memoryBudget(budget)
                .backgroundMemoryWork(false).build()) {
            for (long i = 0; i < entries; i++) {
                map.put(key(i), i);
            }
            assertEquals(logSize, map.stats().logBuckets());
            try (LongLongCursor cursor = map.cursor()) {
                assertTrue(cursor.next()); // keeps the 2^12 array charged until it lets go
                assertThrows(MemoryBudgetExceededException.class, map::trimToSize);
                assertTrue(map.stats().committedBytes() <= budget, map.stats().toString());
                assertEquals(logSize, map.stats().logBuckets());
            }
            for (long i = 0; i < entries; i++) {
                assertEquals(i, map.get(key(i)));
            }
            TableInvariants.check(map);
        }
    }

    @Test
    void aTrimTheAllocatorRefusesShouldKeepThePreparedArrayToo() throws InterruptedException {
        final MemoryTest.RecordingAllocator allocator = new MemoryTest.RecordingAllocator();
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).build()) {
            for (long i = 0; i < 70_000; i++) { // 2^14 buckets, past 5/8 of their threshold: 2^15 is prepared
                map.put(key(i), i);
            }
            for (long i = 100; i < 70_000; i++) {
                map.remove(key(i));
            }
            map.finishGrowth();
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            final MapStats before = map.stats();
            assertTrue(before.nextArrayPrepared(), "premise: " + before);
            allocator.allocationsLeft = 0;
            assertThrows(NativeMemoryException.class, map::trimToSize);
            assertTrue(map.stats().nextArrayPrepared(), "kept: " + map.stats());
            assertEquals(before.committedBytes(), map.stats().committedBytes());
        }
    }

    @Test
    void aPresizedTableTrimmedBelowItsSizeShouldHaveItsArraysPreparedAsItGrowsBack() throws InterruptedException {
        try (LongLongMap map = LongLongMap.withExpectedSize(200_000)) { // 2^15 buckets
            for (long i = 0; i < 1_000; i++) {
                map.put(key(i), i);
            }
            map.trimToSize();
            assertEquals(8, map.stats().logBuckets());
            for (long i = 1_000; i < 70_000; i++) { // back to 2^14 buckets, past 5/8 of their threshold
                map.put(key(i), i);
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertEquals(14, map.stats().logBuckets());
            assertTrue(map.stats().nextArrayPrepared(), "below its expected size again, it prepares: " + map.stats());
        }
    }

    @Test
    void aClearedTableShouldTrimToOneBucketAndWorkOn() {
        try (LongLongMap map = new LongLongMap()) {
            for (long i = 0; i < 100_000; i++) {
                map.put(key(i), i);
            }
            map.clear();
            map.trimToSize();
            assertEquals(0, map.stats().logBuckets());
            TableInvariants.check(map);
            for (long i = 0; i < 1_000; i++) {
                map.put(key(i), i);
            }
            assertEquals(1_000, map.size());
            assertEquals(999, map.get(key(999)));
        }
    }

    @Test
    void aTrimWithAnExpectedSizeShouldLeaveRoomForIt() {
        try (LongLongMap map = new LongLongMap()) {
            for (long i = 0; i < 100_000; i++) {
                map.put(key(i), i);
            }
            for (long i = 1_000; i < 100_000; i++) {
                map.remove(key(i));
            }
            final MapStats before = map.stats();
            final IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> map.trimToSize(-1));
            assertEquals("expected size must not be negative: -1", negative.getMessage());
            assertEquals(before.logBuckets(), map.stats().logBuckets(), "nothing changed by the refused call");
            assertEquals(before.growing(), map.stats().growing());

            map.trimToSize(20_000); // 2^12 buckets hold 26,624 entries
            assertEquals(HashTable.logSizeFor(20_000), map.stats().logBuckets());
            final long doublings = map.stats().doublings();
            for (long i = 1_000; i < 20_000; i++) {
                map.put(key(i), i);
            }
            assertEquals(doublings, map.stats().doublings(), "refilling to the expected size starts no growth");

            map.trimToSize(1_000_000); // more than the table has room for now: it stays as it is
            assertEquals(HashTable.logSizeFor(20_000), map.stats().logBuckets());
            map.trimToSize(0); // the same as trimToSize(): for the 20,000 entries it holds
            assertEquals(HashTable.logSizeFor(20_000), map.stats().logBuckets());
            for (long i = 0; i < 20_000; i++) {
                assertEquals(i, map.get(key(i)));
            }
        }
    }

    @Test
    void trimmingAClosedTableShouldThrow() {
        final LongLongMap map = new LongLongMap();
        map.close();
        assertThrows(IllegalStateException.class, map::trimToSize);
    }

    @Test
    void aTypedMapShouldKeepItsOutOfLineKeysAndValuesThroughATrim() {
        try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).build()) {
            for (int i = 0; i < 20_000; i++) {
                map.put("key-" + i, ("a value long enough to be stored out of line, number " + i).getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 0; i < 20_000; i++) {
                if (i % 50 != 0) {
                    map.delete("key-" + i);
                }
            }
            final int logBucketsBefore = map.stats().logBuckets();
            map.trimToSize();
            assertTrue(map.stats().logBuckets() < logBucketsBefore, map.stats().toString());
            TableInvariants.check(map);
            for (int i = 0; i < 20_000; i++) {
                final byte[] value = map.get("key-" + i);
                if (i % 50 == 0) {
                    assertArrayEquals(("a value long enough to be stored out of line, number " + i)
                            .getBytes(StandardCharsets.UTF_8), value, "key-" + i);
                } else {
                    assertNull(value, "key-" + i);
                }
            }
        }
    }

    @Test
    void aConcurrentMapShouldTrimEveryShard() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).build()) {
            for (long i = 0; i < 100_000; i++) {
                map.put(key(i), i);
            }
            for (long i = 0; i < 100_000; i++) {
                if (i % 25 != 0) {
                    map.remove(key(i));
                }
            }
            final long before = map.stats().committedBytes();
            final long released = map.trimToSize();
            assertTrue(released > 0 && released <= before, released + " of " + before);
            map.stats().shards().forEach(shard ->
                    assertEquals(HashTable.logSizeFor(shard.size()), shard.logBuckets(), shard.toString()));
            for (long i = 0; i < 100_000; i++) {
                assertEquals(i % 25 == 0 ? i : map.missingValue(), map.get(key(i)), "key " + i);
            }
        }
    }

    @Test
    void aConcurrentMapTrimmedWithAnExpectedSizeShouldLeaveEachShardRoomForItsShare() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).build();
             ConcurrentLongLongMap builtForIt = ConcurrentLongLongMap.builder().shards(4).expectedSize(40_000).build()) {
            for (long i = 0; i < 100_000; i++) {
                map.put(key(i), i);
            }
            for (long i = 1_000; i < 100_000; i++) {
                map.remove(key(i));
            }
            final List<Integer> before = logBucketsOfEachShard(map);
            final IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> map.trimToSize(-1));
            assertEquals("expected size must not be negative: -1", negative.getMessage());
            assertEquals(before, logBucketsOfEachShard(map), "nothing changed by the refused call");

            map.trimToSize(40_000);
            assertEquals(logBucketsOfEachShard(builtForIt), logBucketsOfEachShard(map), "a shard per 10,000 entries");
            assertTrue(logBucketsOfEachShard(map).stream().allMatch(b -> b < before.get(0)), before.toString());
            final long doublings = doublingsOfAllShards(map);
            for (long i = 1_000; i < 40_000; i++) {
                map.put(key(i), i);
            }
            assertEquals(doublings, doublingsOfAllShards(map), "refilling to the expected size starts no growth");
            for (long i = 0; i < 100_000; i++) {
                assertEquals(i < 40_000 ? i : map.missingValue(), map.get(key(i)), "key " + i);
            }
        }
    }

    @Test
    void aDrainedConcurrentMapShouldKeepEachShardAtItsFirstPage() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).build()) {
            final List<Integer> firstArrays = logBucketsOfEachShard(map);
            for (long i = 0; i < 100_000; i++) {
                map.put(key(i), i);
            }
            for (long i = 8; i < 100_000; i++) {
                map.remove(key(i));
            }
            assertTrue(map.trimToSize() > 0);
            assertEquals(firstArrays, logBucketsOfEachShard(map), "not below the page each shard started with");
            map.stats().shards().forEach(shard ->
                    assertTrue(shard.logBuckets() > HashTable.logSizeFor(shard.size()), shard.toString()));
            for (long i = 0; i < 100; i++) {
                assertEquals(i < 8 ? i : map.missingValue(), map.get(key(i)), "key " + i);
            }
        }
    }

    private static List<Integer> logBucketsOfEachShard(final ConcurrentLongLongMap map) {
        return map.stats().shards().stream().map(MapStats::logBuckets).toList();
    }

    private static long doublingsOfAllShards(final ConcurrentLongLongMap map) {
        return map.stats().shards().stream().mapToLong(MapStats::doublings).sum();
    }
}
