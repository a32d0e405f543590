package io.panamap;

import io.panamap.codec.Codecs;
import io.panamap.layout.BucketLayout;
import io.panamap.memory.MemoryBudgetExceededException;
import io.panamap.memory.NativeAllocator;
import io.panamap.memory.NativeAllocators;
import io.panamap.memory.NativeBlock;
import io.panamap.memory.NativeMemoryException;
import io.panamap.memory.MemoryWorker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryTest {

    /** The smallest array the worker prepares: smaller tables map their own (see the test of that below). */
    private static final int PREPARED = HashTable.MIN_PREPARED_LOG_SIZE;

    /**
     * A size a little past 5/8 of the threshold of 2^{@code logSize} buckets, where a table of that size asks
     * the worker for its next array, and well short of the threshold itself.
     */
    private static long pastTheRequestAt(final int logSize) {
        final long threshold = HashTable.LOAD_FACTOR_NUM * ((1L << logSize) / HashTable.LOAD_FACTOR_DEN);
        return threshold * 5 / 8 + threshold / 16;
    }

    /** Records every block it hands out, and can be told to refuse. */
    static class RecordingAllocator implements NativeAllocator {
        // The memory worker allocates too: the list is shared between threads.
        final List<NativeBlock> blocks = java.util.Collections.synchronizedList(new ArrayList<>());
        int allocationsLeft = Integer.MAX_VALUE;

        @Override
        public NativeBlock allocate(final long byteSize) {
            if (allocationsLeft-- <= 0) {
                throw new NativeMemoryException("mmap of " + byteSize + " bytes failed: Cannot allocate memory (errno 12)");
            }
            final NativeBlock block = NativeAllocators.defaultAllocator().allocate(byteSize);
            blocks.add(block);
            return block;
        }

        @Override
        public String describe() {
            return "recording";
        }
    }

    /** Also records the name of the thread that mapped each block, in order. */
    static class ThreadRecordingAllocator extends RecordingAllocator {
        final List<String> allocatingThreads = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public NativeBlock allocate(final long byteSize) {
            allocatingThreads.add(Thread.currentThread().getName());
            return super.allocate(byteSize);
        }
    }

    @Test
    void anInsertOverBudgetShouldFailClearlyAndLoseNothing() {
        final long budget = 200_000;
        try (LongLongMap map = LongLongMap.builder().memoryBudget(budget).build()) {
            long inserted = 0;
            MemoryBudgetExceededException failure = null;
            try {
                for (long key = 0; key < 1_000_000; key++) {
                    map.put(key, key * 3);
                    inserted++;
                }
            } catch (final MemoryBudgetExceededException e) {
                failure = e;
            }
            assertTrue(failure != null, "the budget should have been hit");
            assertTrue(failure.getMessage().contains("budget " + budget), failure.getMessage());
            assertTrue(failure.getMessage().contains("needed"), failure.getMessage());
            // 2^9 buckets and their spares take 78 KB, 2^10 take 157 KB: the two arrays of that doubling do not fit.
            assertTrue(failure.getMessage().contains("growth to 2^10 buckets"), failure.getMessage());
            assertEquals(budget, failure.budgetBytes());
            assertTrue(failure.usedBytes() + failure.requestedBytes() > budget);
            // The figures are the message's, and "in use" is what the table holds: the refusal changed nothing.
            assertTrue(failure.getMessage().contains("in use " + failure.usedBytes() + " bytes, needed "
                    + failure.requestedBytes() + " more bytes"), failure.getMessage());
            assertEquals(map.table().chargedBytes(), failure.usedBytes());
            assertTrue(map.stats().committedBytes() <= budget);
            assertEquals(inserted, map.size());
            TableInvariants.check(map);
            for (long key = 0; key < inserted; key++) {
                assertEquals(key * 3, map.get(key));
            }
            // Still usable: updates of existing keys work, new keys keep failing the same way.
            map.put(0, -1);
            assertEquals(-1, map.get(0));
            assertThrows(MemoryBudgetExceededException.class, () -> map.put(-5, 1));
            assertEquals(inserted, map.size());
            for (long key = 0; key < inserted; key++) {
                map.remove(key);
            }
            assertTrue(map.isEmpty());
            TableInvariants.check(map);
        }
    }

    @Test
    void aPresizedTableOverBudgetShouldNameWhatItWasSizedFor() {
        final MemoryBudgetExceededException failure = assertThrows(MemoryBudgetExceededException.class,
                () -> LongLongMap.builder().expectedSize(1_000_000).memoryBudget(1_000_000).build());
        assertTrue(failure.getMessage().contains("the initial array for expected size 1000000"), failure.getMessage());
        assertEquals(1_000_000, failure.budgetBytes());
    }

    @Test
    void aRefusedMmapShouldFailClearlyAndLoseNothing() {
        final RecordingAllocator allocator = new RecordingAllocator();
        allocator.allocationsLeft = 5;   // the initial array and four growths
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).backgroundMemoryWork(false).build()) {
            long inserted = 0;
            final NativeMemoryException failure = assertThrows(NativeMemoryException.class, () -> {
                for (long key = 0; key < 100_000; key++) {
                    map.put(key, key);
                }
            });
            assertTrue(failure.getMessage().contains("errno 12"), failure.getMessage());
            inserted = map.size();
            assertEquals(13L * 8 + 0, inserted, "growth to B = 5 is triggered by the 105th key");
            for (long key = 0; key < inserted; key++) {
                assertEquals(key, map.get(key));
            }
            TableInvariants.check(map);
            allocator.allocationsLeft = Integer.MAX_VALUE;
            for (long key = inserted; key < 10_000; key++) {
                map.put(key, key);
            }
            assertEquals(10_000, map.size());
        }
    }

    /**
     * An allocator that hands out less than it was asked for is caught when the array is made, not much later
     * when the overflow area, which the table counts on never running out, does; and the short block is freed.
     */
    @Test
    void aBlockTooSmallForItsOverflowAreaShouldBeRefusedAndFreed() {
        final RecordingAllocator oneBucketShort = new RecordingAllocator() {
            @Override
            public NativeBlock allocate(final long byteSize) {
                return super.allocate(byteSize - BucketLayout.LONG_LONG.bucketSize());
            }
        };
        final IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> LongLongMap.builder().allocator(oneBucketShort).backgroundMemoryWork(false).build());
        assertTrue(failure.getMessage().contains("too small"), failure.getMessage());
        assertEquals(1, oneBucketShort.blocks.size());
        assertEquals(List.of(), aliveBlocks(oneBucketShort), "the short block is not leaked");
    }

    /**
     * An allocator that breaks its contract by returning no block is named in the failure, for bucket arrays and
     * for out-of-line storage alike, instead of a bare NullPointerException from inside the table; the table keeps
     * what it stored and works once the allocator does.
     */
    @Test
    void anAllocatorReturningNoBlockShouldBeNamedInTheFailureAndLoseNothing() {
        final boolean[] broken = {true};
        final RecordingAllocator noBlocks = new RecordingAllocator() {
            @Override
            public NativeBlock allocate(final long byteSize) {
                return broken[0] ? null : super.allocate(byteSize);
            }

            @Override
            public String describe() {
                return "returning null";
            }
        };
        final IllegalStateException atBuild = assertThrows(IllegalStateException.class,
                () -> LongLongMap.builder().allocator(noBlocks).backgroundMemoryWork(false).build());
        assertTrue(atBuild.getMessage().contains("allocator returning null returned no block"), atBuild.getMessage());
        broken[0] = false;
        try (OffHeapMap<Long, byte[]> map = OffHeapMap.builder(Codecs.longs(), Codecs.bytes()).allocator(noBlocks)
                .backgroundMemoryWork(false).build()) {
            map.put(1L, new byte[] {1});
            broken[0] = true;
            // Larger than a slab's biggest size class: a block of its own, mapped for this value.
            final IllegalStateException atPut = assertThrows(IllegalStateException.class,
                    () -> map.put(2L, new byte[1 << 20]));
            assertTrue(atPut.getMessage().contains("allocator returning null returned no block"), atPut.getMessage());
            assertEquals(1, map.size());
            assertArrayEquals(new byte[] {1}, map.get(1L));
            broken[0] = false;
            map.put(2L, new byte[1 << 20]);
            assertEquals(1 << 20, map.get(2L).length);
        }
    }

    /** Out-of-line storage refuses, and frees, a block shorter than it asked for, as bucket arrays do. */
    @Test
    void anOutOfLineBlockShorterThanAskedShouldBeRefusedAndFreed() {
        final boolean[] shortBlocks = {false};
        final RecordingAllocator halves = new RecordingAllocator() {
            @Override
            public NativeBlock allocate(final long byteSize) {
                return super.allocate(shortBlocks[0] ? byteSize / 2 : byteSize);
            }
        };
        try (OffHeapMap<Long, byte[]> map = OffHeapMap.builder(Codecs.longs(), Codecs.bytes()).allocator(halves)
                .backgroundMemoryWork(false).build()) {
            shortBlocks[0] = true;
            final IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                    () -> map.put(1L, new byte[] {1}));
            assertTrue(failure.getMessage().contains("from allocator recording is too small"), failure.getMessage());
            final NativeBlock refused = halves.blocks.get(halves.blocks.size() - 1);
            assertFalse(refused.isAlive(), "the short block is not leaked");
            assertEquals(0, map.size());
            shortBlocks[0] = false;
            map.put(1L, new byte[] {1});
            assertArrayEquals(new byte[] {1}, map.get(1L));
        }
    }

    @Test
    void theOldArrayShouldBeFreedWhenEvacuationEnds() throws InterruptedException {
        final RecordingAllocator allocator = new RecordingAllocator();
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).backgroundMemoryWork(false).build()) {
            long key = 0;
            while (map.stats().doublings() < 8) {
                map.put(key++, key);
            }
            final NativeBlock old = allocator.blocks.get(allocator.blocks.size() - 2);
            assertTrue(map.stats().growing());
            while (map.stats().growing()) {
                map.put(key++, key);
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertFalse(old.isAlive(), "old array should be unmapped once the growth finished");
            assertEquals(map.table().buckets.block.byteSize(), map.stats().reservedBytes());
        }
    }

    /**
     * A table below 2^14 buckets reaches its growth a few milliseconds after it could ask for its next array,
     * too soon for the worker: it maps its own, and asks the worker only from the 2^15 array on.
     */
    @Test
    void smallTablesShouldMapTheirOwnArraysAndAskForTheFirstLargeOne() throws InterruptedException {
        final ThreadRecordingAllocator allocator = new ThreadRecordingAllocator();
        final List<String> allocatingThreads = allocator.allocatingThreads;
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).build()) {
            long key = 0;
            while (map.size() < pastTheRequestAt(PREPARED - 2)) { // 2^13 buckets, past where it would ask
                map.put(key++, key);
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertEquals(PREPARED - 2, map.stats().logBuckets());
            assertFalse(map.stats().nextArrayPrepared(), map.stats().toString());
            assertFalse(allocatingThreads.contains("panamap-memory-worker"), "no array prepared: " + allocatingThreads);

            while (map.size() < pastTheRequestAt(PREPARED - 1)) { // 2^14 buckets, past where it asks for 2^15
                map.put(key++, key);
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertEquals(PREPARED - 1, map.stats().logBuckets());
            assertTrue(map.stats().nextArrayPrepared(), map.stats().toString());
            assertEquals(List.of("panamap-memory-worker"),
                    allocatingThreads.stream().filter(name -> !name.equals(Thread.currentThread().getName())).toList(),
                    "one array prepared, the 2^15 one; every other mapped by the table: " + allocatingThreads);
        }
    }

    /** Smallest B whose retired arrays a table frees at once; smaller ones it keeps until it retires one of these. */
    private static final int KEPT_BELOW = HashTable.KEEP_RETIRED_BELOW_LOG_SIZE;

    @Test
    void aSmallTableShouldKeepItsRetiredArraysUntilItRetiresALargerOneThenFreeThemTogether()
            throws InterruptedException {
        final RecordingAllocator allocator = new RecordingAllocator();
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).build()) {
            long key = 0;
            while (map.stats().doublings() < KEPT_BELOW || map.stats().growing()) { // through the doubling to 2^13
                map.put(key++, key);
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertEquals(KEPT_BELOW, map.stats().logBuckets());
            assertEquals(KEPT_BELOW + 1, allocator.blocks.size(), "one array per size, 2^0 to 2^13");
            assertEquals(allocator.blocks.size(), aliveBlocks(allocator).size(), "every retired array still mapped");
            long keptAndLive = 0;
            for (int logSize = 0; logSize <= KEPT_BELOW; logSize++) {
                keptAndLive += BucketArray.initialCommittedBytes(BucketLayout.LONG_LONG, logSize);
            }
            assertTrue(map.stats().committedBytes() >= keptAndLive,
                    "the kept arrays count as committed: " + map.stats().committedBytes() + " < " + keptAndLive);
            // Every array still mapped, the current one and each kept, is the table's address space.
            assertEquals(aliveBlocks(allocator).stream().mapToLong(NativeBlock::byteSize).sum(),
                    map.stats().reservedBytes(), map.stats().toString());

            while (map.stats().doublings() < KEPT_BELOW + 1 || map.stats().growing()) { // retires the 2^13 array
                map.put(key++, key);
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertEquals(List.of(map.table().buckets.block), aliveBlocks(allocator),
                    "all retired arrays freed together once a 2^13 one was retired; only the current array left");
            assertFalse(map.stats().nextArrayPrepared(), "asked for only later: " + map.stats());
            assertKeysMapToTheirSuccessor(map, key);
        }
        assertEquals(List.of(), aliveBlocks(allocator), "close frees everything");
    }

    @Test
    void sameSizeGrowthsShouldFreeTheirRetiredArraysAtOnce() throws InterruptedException {
        final RecordingAllocator allocator = new RecordingAllocator();
        final Churn churn = new Churn(20261124);
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).build()) {
            for (int step = 0; step < 5_000_000 && map.stats().sameSizeGrowths() < 3; step++) {
                churn.step(map, step);
            }
            map.finishGrowth();
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            final MapStats stats = map.stats();
            assertTrue(stats.sameSizeGrowths() >= 3, "churn should have caused same-size growths: " + stats);
            assertTrue(stats.logBuckets() < KEPT_BELOW, stats.toString());
            // Kept: the arrays retired by doublings, one per smaller size; the same-size growths' are freed.
            assertEquals(stats.doublings() + 1, aliveBlocks(allocator).size(),
                    stats + "; blocks " + allocator.blocks.size());
        }
    }

    @Test
    void anArrayASameSizeGrowthRetiredShouldBeFreedWhenItsLastPinGoesEvenOnceTheTableHasDoubled()
            throws InterruptedException {
        final RecordingAllocator allocator = new RecordingAllocator();
        final Churn churn = new Churn(20261125);
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).build()) {
            while (map.size() < Churn.LEAST_LIVE) {
                churn.step(map, 1);
            }
            map.finishGrowth();
            final NativeBlock pinned = map.table().buckets.block;
            final int logSize = map.stats().logBuckets();
            try (LongLongCursor cursor = map.cursor()) {
                assertTrue(cursor.next()); // the cursor pins the current array
                // Churn (2,000-3,000 keys live) until a same-size growth has retired that array.
                final long finishedBefore = map.stats().growthsFinished();
                for (int step = 0; step < 5_000_000 && map.stats().growthsFinished() == finishedBefore; step++) {
                    churn.step(map, step);
                    if (map.stats().growing()) {
                        map.finishGrowth();
                    }
                }
                assertEquals(1, map.stats().sameSizeGrowths(), "the growth that retired it: " + map.stats());
                assertEquals(logSize, map.stats().logBuckets(), "a same-size growth, no doubling yet");
                // Then a doubling, which the old rule (keep what is smaller than the current array) looked at.
                final java.util.SplittableRandom newKeys = new java.util.SplittableRandom(7);
                while (map.stats().logBuckets() == logSize || map.stats().growing()) {
                    map.put(newKeys.nextLong(), 2);
                }
                assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
                assertTrue(pinned.isAlive(), "still pinned by the cursor");
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertFalse(pinned.isAlive(), "retired by a same-size growth: freed with its last pin, not kept");
        }
    }

    /**
     * An array a cursor kept alive past its retirement is charged until the cursor lets go, and not a byte
     * after: otherwise the budget and the stats would count it for the table's whole life.
     */
    @Test
    void aRetiredArrayShouldStopBeingChargedWhenItsLastCursorLetsGo() {
        // No background work: no next array prepared, no small retired array kept, only the pinned one.
        try (LongLongMap map = LongLongMap.builder().backgroundMemoryWork(false).build()) {
            long key = 0;
            while (map.stats().logBuckets() < 11) {
                map.put(key++, key);
            }
            map.finishGrowth();
            final long pinnedBytes = map.table().buckets.committedBytes();
            final NativeBlock pinned = map.table().buckets.block;
            try (LongLongCursor cursor = map.cursor()) {
                assertTrue(cursor.next()); // the cursor pins the current array
                while (map.stats().logBuckets() == 11) {
                    map.put(key++, key);
                }
                map.finishGrowth();
                // Charged as it was when retired, with the overflow buckets the inserts since took in it.
                assertTrue(map.stats().committedBytes() >= map.table().buckets.committedBytes() + pinnedBytes,
                        "the retired array is still charged while the cursor reads it: " + map.stats());
                assertEquals(map.table().buckets.block.byteSize() + pinned.byteSize(), map.stats().reservedBytes(),
                        "and still mapped: " + map.stats());
                assertEquals(0, map.stats().spareBytes(), "releaseSpareMemory() cannot free what a cursor reads");
            }
            final MapStats after = map.stats();
            assertEquals(map.table().buckets.committedBytes(), after.committedBytes(),
                    "only the current array once the cursor let go: " + after);
            assertEquals(map.table().buckets.block.byteSize(), after.reservedBytes(), after.toString());
        }
    }

    /**
     * Insert and delete churn of random keys, 2,000 to 3,000 of them live once filled: chains keep overflowing
     * while the load stays below a doubling (B = 9), so the overflow rule brings same-size growths.
     */
    private static final class Churn {
        static final int LEAST_LIVE = 2000;
        private final java.util.SplittableRandom random;
        private final long[] live = new long[3000];
        private int liveCount;

        Churn(final long seed) {
            random = new java.util.SplittableRandom(seed);
        }

        /** Inserts a new key mapped to {@code value} while fewer than LEAST_LIVE are live, else inserts or removes one. */
        void step(final LongLongMap map, final long value) {
            if (liveCount < live.length && (liveCount < LEAST_LIVE || random.nextBoolean())) {
                live[liveCount++] = random.nextLong();
                map.put(live[liveCount - 1], value);
            } else {
                final int victim = random.nextInt(liveCount);
                map.remove(live[victim]);
                live[victim] = live[--liveCount];
            }
        }
    }

    /** Keys 0 to {@code keys} - 1, each put as {@code map.put(key++, key)}: every one still maps to key + 1. */
    private static void assertKeysMapToTheirSuccessor(final LongLongMap map, final long keys) {
        assertEquals(keys, map.size());
        for (long k = 0; k < keys; k++) {
            assertEquals(k + 1, map.get(k), "key " + k);
        }
    }

    private static List<NativeBlock> aliveBlocks(final RecordingAllocator allocator) {
        synchronized (allocator.blocks) {
            return allocator.blocks.stream().filter(NativeBlock::isAlive).toList();
        }
    }

    @Test
    void keptRetiredArraysShouldMakeRoomBeforeTheBudgetRefusesAGrowth() {
        // 2^9 buckets with their spares and overflow take about 90 KB, 2^10 157 KB, and the doubling to it reserves
        // 6-10 KB for its moves (the overflow counts vary with the table's random seed): with the arrays 2^0 to 2^8
        // kept (another 78 KB) it would not fit in 290 KB, without them it does; the one to 2^11 (314 KB beside
        // the 2^10 array) does not.
        final long budget = 290_000;
        try (LongLongMap map = LongLongMap.builder().memoryBudget(budget).build()) {
            final MemoryBudgetExceededException failure = assertThrows(MemoryBudgetExceededException.class, () -> {
                for (long k = 0; ; k++) {
                    map.put(k, k);
                }
            });
            assertTrue(failure.getMessage().contains("growth to 2^11 buckets"), failure.getMessage());
            assertTrue(map.stats().committedBytes() <= budget, map.stats().toString());
            assertEquals(HashTable.LOAD_FACTOR_NUM * ((1L << 10) / HashTable.LOAD_FACTOR_DEN), map.size());
            for (long k = 0; k < map.size(); k++) {
                assertEquals(k, map.get(k));
            }
        }
    }

    /**
     * Not only a growth: anything the budget would refuse (here a value's out-of-line block) first makes room by
     * freeing the small retired arrays a table keeps, which are a convenience and hold no entry.
     */
    @Test
    void keptRetiredArraysShouldMakeRoomBeforeTheBudgetRefusesAnything() {
        final long budget = 4L << 20;
        try (OffHeapMap<Long, byte[]> map = OffHeapMap.builder(io.panamap.codec.Codecs.longs(),
                io.panamap.codec.Codecs.bytes()).memoryBudget(budget).build()) {
            long key = 0;
            while (map.stats().doublings() < KEPT_BELOW - 4 || map.stats().growing()) { // through the one to 2^9
                map.put(key++, new byte[0]);
            }
            final long kept = map.stats().spareBytes();
            assertTrue(kept > 2 * 4096, "the arrays 2^0 to 2^8 are kept: " + map.stats());
            // A block that fits only once the kept arrays are gone (blocks come in whole pages).
            final byte[] value = new byte[(int) (budget - map.table().chargedBytes() + kept / 2)];
            java.util.Arrays.fill(value, (byte) 7);
            map.put(0L, value);
            assertEquals(0, map.stats().spareBytes(), "the kept arrays made the room: " + map.stats());
            assertTrue(java.util.Arrays.equals(value, map.get(0L)));
            assertTrue(map.table().chargedBytes() <= budget);
        }
    }

    @Test
    void theNextArrayShouldBePreparedOffTheWritingThread() throws InterruptedException {
        final ThreadRecordingAllocator allocator = new ThreadRecordingAllocator();
        final List<String> allocatingThreads = allocator.allocatingThreads;
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).build()) {
            long key = 0;
            // B = 14 grows at 106,496 entries; its 2^15 array is asked for at 5/8 of that (66,560).
            while (map.stats().doublings() < PREPARED - 1) {
                map.put(key++, key);
            }
            while (map.size() < pastTheRequestAt(PREPARED - 1)) {
                map.put(key++, key);
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            final int before = allocatingThreads.size();
            assertEquals("panamap-memory-worker", allocatingThreads.get(before - 1), "prepared by the worker");
            while (map.stats().doublings() < PREPARED) {
                map.put(key++, key);
            }
            assertEquals(before, allocatingThreads.size(), "the growth should adopt the prepared array, not map one");
            assertSame(allocator.blocks.get(allocator.blocks.size() - 1), map.table().buckets.block);
            assertKeysMapToTheirSuccessor(map, key);
        }
    }

    /**
     * The array prepared for the next doubling has twice the buckets. A same-size growth that comes first (churn
     * has lengthened the chains) maps an array of the current size and leaves the prepared one for the doubling:
     * entries moved into the larger one by a same-size growth would sit in buckets their hashes do not name.
     */
    @Test
    void aSameSizeGrowthShouldLeaveThePreparedArrayToTheDoubling() throws InterruptedException {
        final int logSize = PREPARED - 1;
        final int entries = (int) pastTheRequestAt(logSize);
        try (LongLongMap map = LongLongMap.builder().build()) {
            for (long key = 0; key < entries; key++) {
                map.put(key, key + 1);
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            final MapStats prepared = map.stats();
            assertEquals(logSize, prepared.logBuckets(), prepared.toString());
            assertTrue(prepared.nextArrayPrepared(), "an array for the doubling to 2^" + PREPARED + ": " + prepared);
            // The overflow count that insert and delete churn reaches after a few million writes (too many for
            // a test): the next insert of a new key starts a same-size growth.
            map.table().noverflow = 1L << logSize;
            map.put(entries, entries + 1);
            final MapStats grown = map.stats();
            assertEquals(1, grown.sameSizeGrowths(), grown.toString());
            assertEquals(prepared.doublings(), grown.doublings(), grown.toString());
            assertEquals(logSize, grown.logBuckets(), "a same-size growth keeps the bucket count: " + grown);
            assertTrue(grown.nextArrayPrepared(), "the prepared array still waits for the doubling: " + grown);
            map.finishGrowth();
            assertKeysMapToTheirSuccessor(map, entries + 1);
        }
    }

    @Test
    void aGrowthShouldTakeThePreparedArrayWhileTheWorkerIsStillFaultingItIn() throws InterruptedException {
        final OneShotHold holdInPrefault = new OneShotHold();
        final ThreadRecordingAllocator allocator = holdingInItsFirstPrefault(holdInPrefault);
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).build()) {
            long key = askForTheNextArrayWhileArmed(map, holdInPrefault);
            try {
                assertTrue(holdInPrefault.awaitHeld(), "the worker should be faulting in the next array");
                final int before = allocator.allocatingThreads.size();
                while (map.stats().doublings() < PREPARED) {
                    map.put(key++, key);
                }
                assertEquals(before, allocator.allocatingThreads.size(),
                        "the growth should take the array being faulted in, not map one (and wait for the worker)");
                assertSame(allocator.blocks.get(allocator.blocks.size() - 1), map.table().buckets.block);
            } finally {
                holdInPrefault.release();
            }
            while (map.stats().growing()) {
                map.put(key++, key);
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertKeysMapToTheirSuccessor(map, key);
        }
    }

    @Test
    void closingWhileTheWorkerFaultsInThePreparedArrayShouldFreeEverything() throws InterruptedException {
        final OneShotHold holdInPrefault = new OneShotHold();
        final RecordingAllocator allocator = holdingInItsFirstPrefault(holdInPrefault);
        final LongLongMap map = LongLongMap.builder().allocator(allocator).build();
        askForTheNextArrayWhileArmed(map, holdInPrefault); // the worker maps, offers, then faults in
        try {
            assertTrue(holdInPrefault.awaitHeld(), "the worker should be faulting in the next array");
            assertTrue(map.stats().nextArrayPrepared(), "offered before it is faulted in");
            map.close(); // frees the array the worker is about to fault in
        } finally {
            holdInPrefault.release();
        }
        assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
        synchronized (allocator.blocks) {
            for (final NativeBlock block : allocator.blocks) {
                assertFalse(block.isAlive(), "a block outlived close()");
            }
        }
        assertThrows(IllegalStateException.class, () -> map.get(0));
    }

    @Test
    void anArrayTheWorkerFinishesAfterTheGrowthMappedItsOwnShouldNotCountAsTheNextOne() throws InterruptedException {
        final OneShotHold holdInMapping = new OneShotHold();
        final RecordingAllocator allocator = holdingWhileTheWorkerMaps(holdInMapping);
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).build()) {
            long key;
            try {
                key = askForTheNextArrayWhileArmed(map, holdInMapping); // the worker is held mapping 2^15 buckets
                assertTrue(holdInMapping.awaitHeld(), "the worker should be mapping the next array");
                while (map.stats().doublings() < PREPARED) {
                    map.put(key++, key); // the growth to 2^15 maps its own array
                }
            } finally {
                holdInMapping.release();
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            final MapStats stats = map.stats();
            assertEquals(PREPARED, stats.logBuckets());
            assertFalse(stats.nextArrayPrepared(), "a 2^15 array is not the next one of a 2^15 table: " + stats);
            while (map.size() < pastTheRequestAt(PREPARED)) {
                map.put(key++, key); // past 5/8 of 2^15's threshold: the real next one is asked for
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertTrue(map.stats().nextArrayPrepared(), map.stats().toString());
        }
    }

    @Test
    void aFreedArrayShouldGiveItsPagesBackInStepsBeforeItIsUnmapped() throws InterruptedException {
        final io.panamap.RecordingAllocator recorder = new io.panamap.RecordingAllocator("steps", true);
        org.junit.jupiter.api.Assumptions.assumeTrue(recorder.discards(), "needs mmap, whose pages can be given back");
        try (LongLongMap map = LongLongMap.builder().allocator(recorder).build()) {
            long key = 0;
            while (map.stats().logBuckets() < 19 || map.stats().growing()) {
                map.put(key++, key);
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            // The 2^18-bucket array the table grew from maps ~113 MB with its overflow area: several steps.
            final long steps = BucketArray.mappedBytes(io.panamap.layout.BucketLayout.LONG_LONG, 18) / HashTable.DISCARD_STEP_BYTES;
            assertTrue(steps >= 3, "test premise: the retired array spans several steps");
            assertTrue(recorder.discardCalls() > steps, "pages given back a step at a time: " + recorder.discardCalls());
            assertTrue(recorder.longestDiscard() <= HashTable.DISCARD_STEP_BYTES,
                    "no step longer than " + HashTable.DISCARD_STEP_BYTES + ": " + recorder.longestDiscard());
            assertTrue(recorder.live() <= 2, "only the current (and a prepared) array still mapped: " + recorder);
            assertKeysMapToTheirSuccessor(map, key);
        }
        assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
        assertEquals(0, recorder.live(), "close freed everything: " + recorder);
    }

    @Test
    void aPreparedArrayShouldBeCountedAndFreedByClose() throws InterruptedException {
        final RecordingAllocator allocator = new RecordingAllocator();
        final LongLongMap map = LongLongMap.builder().allocator(allocator).build();
        long key = 0;
        while (map.stats().logBuckets() < PREPARED - 1 || map.stats().growing()
                || map.size() < pastTheRequestAt(PREPARED - 1)) {
            map.put(key++, key);
        }
        assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
        final MapStats stats = map.stats();
        assertTrue(stats.nextArrayPrepared(), stats.toString());
        final long current = BucketArray.initialCommittedBytes(BucketLayout.LONG_LONG, PREPARED - 1);
        final long prepared = BucketArray.initialCommittedBytes(BucketLayout.LONG_LONG, PREPARED);
        assertTrue(stats.committedBytes() >= current + prepared, "the prepared array must be charged: " + stats);
        map.close();
        assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
        synchronized (allocator.blocks) {
            for (final NativeBlock block : allocator.blocks) {
                assertFalse(block.isAlive(), "a block outlived close()");
            }
        }
    }

    @Test
    void aPresizedTableShouldNotPrepareAnArrayItWasSizedNotToNeed() throws InterruptedException {
        final RecordingAllocator allocator = new RecordingAllocator();
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).expectedSize(100_000).build()) {
            for (long key = 0; key < 100_000; key++) {
                map.put(key, key);
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertFalse(map.stats().nextArrayPrepared());
            assertEquals(1, allocator.blocks.size(), "only the presized array should have been mapped");
        }
    }

    @Test
    void overflowBucketsBeyondTheSparesShouldBePrefaultedAhead() throws InterruptedException {
        final List<long[]> prefaulted = java.util.Collections.synchronizedList(new ArrayList<>());
        final RecordingAllocator allocator = new RecordingAllocator() {
            @Override
            public void prefault(final NativeBlock block, final long byteOffset, final long byteLength) {
                prefaulted.add(new long[] {byteOffset, byteLength});
            }
        };
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).build()) {
            long key = 0;
            while (map.stats().logBuckets() < 16) {
                map.put(key++, key);
                if (key % 8_192 == 0) {
                    // The worker prepares the next array tens of thousands of puts before the growth. Waiting
                    // for it here keeps a loaded machine from making the growth map the array itself, inline,
                    // and such an array's overflow is not pre-faulted (see HashTable.prefaultMoreOverflow).
                    assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
                }
            }
            assertTrue(map.table().buckets.prefaultedUpTo > 0, "test premise: the B = 16 array came from the worker");
            // Fill the B = 16 array towards its threshold: at loads above ~5 its overflow outgrows the spares.
            while (map.size() < 6 * (1L << 16)) {
                map.put(key++, key);
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            final BucketArray current = map.table().buckets;
            final long sparesEnd = current.layout.bytesFor(current.bucketCount + current.preallocatedSpares);
            assertTrue(current.overflowUsed() > current.preallocatedSpares, "test premise: overflow beyond the spares");
            final long usedEnd = current.layout.bytesFor(current.nextOverflow);
            long coveredEnd = sparesEnd;
            synchronized (prefaulted) {
                for (final long[] range : prefaulted) {
                    if (range[0] == coveredEnd) {
                        coveredEnd = range[0] + range[1];
                    }
                }
            }
            assertTrue(coveredEnd > usedEnd, "overflow buckets in use up to byte " + usedEnd
                    + " but pre-faulted only up to " + coveredEnd);
        }
    }

    /**
     * Old chain i moves to new buckets i and i + half, so a growth that starts before the worker is done writes
     * at the start of both halves from its first put. The worker faults both halves in from their starts side
     * by side, a step each, and the spare overflow buckets, which fill up last, after them; every byte once.
     */
    @Test
    void theWorkerShouldFaultInADoublingsArrayInTheOrderItsEvacuationWritesIt() throws InterruptedException {
        final List<Object[]> prefaulted = java.util.Collections.synchronizedList(new ArrayList<>());
        final RecordingAllocator allocator = new RecordingAllocator() {
            @Override
            public void prefault(final NativeBlock block, final long byteOffset, final long byteLength) {
                prefaulted.add(new Object[] {block, byteOffset, byteLength});
            }
        };
        final int logSize = 16; // 9.4 MB of buckets: five steps
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).build()) {
            // Past 5/8 of the threshold of 2^15 buckets (133,120 of 212,992), where the next array is asked for.
            for (long key = 0; key < 150_000; key++) {
                map.put(key, key);
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertEquals(logSize - 1, map.stats().logBuckets());
            final NativeBlock prepared = allocator.blocks.get(allocator.blocks.size() - 1);
            assertTrue(map.stats().nextArrayPrepared() && map.table().buckets.block != prepared,
                    "test premise: the last block mapped is the next doubling's array, not yet in use");

            final BucketLayout layout = map.table().layout;
            final long half = layout.bytesFor(1L << (logSize - 1));
            final long spares = layout.bytesFor(BucketArray.preallocatedSpares(logSize));
            final List<long[]> ranges = new ArrayList<>();
            synchronized (prefaulted) {
                for (final Object[] call : prefaulted) {
                    if (call[0] == prepared) {
                        ranges.add(new long[] {(Long) call[1], (Long) call[2]});
                    }
                }
            }
            long firstHalfDone = 0;
            long secondHalfDone = half;
            long sparesDone = 2 * half;
            for (final long[] range : ranges) {
                final String at = "pre-fault of " + range[1] + " bytes at " + range[0] + " after " + firstHalfDone
                        + " of the first half, " + (secondHalfDone - half) + " of the second and "
                        + (sparesDone - 2 * half) + " of the spares";
                if (range[0] == firstHalfDone && range[0] < half) {
                    firstHalfDone += range[1];
                } else if (range[0] == secondHalfDone && range[0] < 2 * half) {
                    secondHalfDone += range[1];
                } else {
                    assertEquals(sparesDone, range[0], "each range where the last left off: " + at);
                    assertEquals(2 * half, secondHalfDone, "the spares only after the buckets: " + at);
                    sparesDone += range[1];
                }
                assertTrue(Math.abs(firstHalfDone - (secondHalfDone - half)) <= HashTable.PREFAULT_STEP_BYTES,
                        "both halves side by side: " + at);
            }
            assertEquals(half, firstHalfDone, "the whole first half, once");
            assertEquals(2 * half, secondHalfDone, "the whole second half, once");
            assertEquals(2 * half + spares, sparesDone, "then the spare overflow buckets, once");
        }
    }

    @Test
    void closeShouldFreeEveryArrayAndTheMemoryMustNotBeReachableAfterwards() {
        final RecordingAllocator allocator = new RecordingAllocator();
        final LongLongMap map = LongLongMap.builder().allocator(allocator).backgroundMemoryWork(false).build();
        long key = 0;
        while (map.stats().doublings() < 6) {
            map.put(key++, key);
        }
        assertTrue(map.stats().growing());
        final var segment = map.table().buckets.segment;
        map.close();
        for (final NativeBlock block : allocator.blocks) {
            assertFalse(block.isAlive(), "a block outlived close()");
        }
        assertThrows(IllegalStateException.class, () -> segment.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0));
    }

    @Test
    void statsShouldDescribeGrowth() {
        try (LongLongMap map = new LongLongMap()) {
            long key = 0;
            while (map.stats().doublings() < 10) {
                map.put(key++, key);
            }
            final MapStats stats = map.stats();
            assertTrue(stats.growing());
            assertEquals(10, stats.logBuckets());
            assertEquals(1024, stats.buckets());
            assertEquals(512, stats.oldBuckets());
            assertTrue(stats.evacuationProgress() > 0 && stats.evacuationProgress() < 1);
            assertEquals(stats.evacuatedOldBuckets() / 512.0, stats.evacuationProgress(),
                    "the share of the old array's chains that moved");
            assertEquals(key, stats.size());
            assertEquals(key / 1024.0, stats.loadFactor(), "entries per bucket of the new array");
            assertEquals(stats.doublings() + stats.sameSizeGrowths() - 1, stats.growthsFinished(),
                    "all but the growth in progress");
            assertTrue(stats.reservedBytes() >= stats.committedBytes());
            assertTrue(stats.toString().contains("B=10"), stats.toString());
            map.finishGrowth();
            final MapStats done = map.stats();
            assertFalse(done.growing());
            assertEquals(0, done.evacuatedOldBuckets(), "no old array, no mark");
            assertEquals(0, done.oldBuckets());
            assertEquals(1.0, done.evacuationProgress());
            assertEquals(done.doublings() + done.sameSizeGrowths(), done.growthsFinished());
            // Filled near its limit the array has overflow buckets, which the load factor does not count.
            while (map.size() < 6_000) {
                map.put(key++, key);
            }
            final MapStats full = map.stats();
            assertEquals(10, full.logBuckets());
            assertTrue(full.overflowBuckets() > 0, full.toString());
            assertEquals(6_000 / 1024.0, full.loadFactor());
        }
    }

    @Test
    void releasingSpareMemoryShouldGiveBackThePreparedArrayAndKeepEveryEntry() throws InterruptedException {
        final ThreadRecordingAllocator allocator = new ThreadRecordingAllocator();
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).build()) {
            long key = 0;
            while (map.stats().logBuckets() < PREPARED - 1 || map.size() < pastTheRequestAt(PREPARED - 1)) {
                map.put(key++, key);
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            final MapStats before = map.stats();
            assertTrue(before.nextArrayPrepared(), before.toString());
            final NativeBlock prepared = allocator.blocks.get(allocator.allocatingThreads.indexOf("panamap-memory-worker"));

            final long released = map.releaseSpareMemory();

            assertEquals(BucketArray.initialCommittedBytes(BucketLayout.LONG_LONG, PREPARED), released,
                    "the prepared array's buckets and spares");
            assertEquals(before.spareBytes(), released, "what stats() said would be given back");
            assertEquals(0, map.stats().spareBytes());
            assertEquals(before.committedBytes() - released, map.stats().committedBytes());
            assertFalse(map.stats().nextArrayPrepared(), map.stats().toString());
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertFalse(prepared.isAlive(), "the prepared array is unmapped");
            assertKeysMapToTheirSuccessor(map, key);
            assertEquals(0, map.releaseSpareMemory(), "nothing more to give back");

            final int mappedBefore = allocator.blocks.size();
            while (map.stats().doublings() < PREPARED || map.stats().growing()) {
                map.put(key++, key); // the growth to 2^15 maps its own array
            }
            assertEquals(Thread.currentThread().getName(), allocator.allocatingThreads.get(mappedBefore),
                    "mapped by the writing thread: " + allocator.allocatingThreads);
            while (map.size() < pastTheRequestAt(PREPARED)) {
                map.put(key++, key);
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertTrue(map.stats().nextArrayPrepared(), "the array after is prepared again: " + map.stats());
            assertKeysMapToTheirSuccessor(map, key);
        }
        assertEquals(List.of(), aliveBlocks(allocator), "close frees everything");
    }

    @Test
    void releasingSpareMemoryShouldFreeTheSmallRetiredArraysKept() throws InterruptedException {
        final RecordingAllocator allocator = new RecordingAllocator();
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).build()) {
            long key = 0;
            while (map.stats().doublings() < KEPT_BELOW - 2 || map.stats().growing()) { // through the doubling to 2^11
                map.put(key++, key);
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertEquals(KEPT_BELOW - 1, aliveBlocks(allocator).size(), "2^0 to 2^10 kept, 2^11 current");
            long kept = 0;
            for (int logSize = 0; logSize < KEPT_BELOW - 2; logSize++) {
                kept += BucketArray.initialCommittedBytes(BucketLayout.LONG_LONG, logSize);
            }

            final long spare = map.stats().spareBytes();
            final long released = map.releaseSpareMemory();

            assertEquals(spare, released, "what stats() said would be given back");
            assertTrue(released >= kept, released + " < " + kept + ": the kept arrays' buckets, spares and overflow");
            assertEquals(map.table().buckets.committedBytes(), map.stats().committedBytes(), "the current array alone");
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertEquals(List.of(map.table().buckets.block), aliveBlocks(allocator), "only the current array left");
            assertKeysMapToTheirSuccessor(map, key);
            while (map.stats().doublings() < KEPT_BELOW - 1 || map.stats().growing()) { // retires 2^11: kept again
                map.put(key++, key);
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertEquals(2, aliveBlocks(allocator).size(), "the 2^11 array kept, the 2^12 one current");
            assertKeysMapToTheirSuccessor(map, key);
        }
    }

    @Test
    void releasingSpareMemoryShouldWithdrawAPreparationUnderWay() throws InterruptedException {
        final OneShotHold holdInMapping = new OneShotHold();
        final RecordingAllocator allocator = holdingWhileTheWorkerMaps(holdInMapping);
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).build()) {
            final long key;
            try {
                key = askForTheNextArrayWhileArmed(map, holdInMapping); // the worker is held mapping 2^15 buckets
                assertTrue(holdInMapping.awaitHeld(), "the worker should be mapping the next array");
                assertEquals(0, map.releaseSpareMemory(), "nothing offered yet");
                assertEquals(map.table().committedBytes(), map.table().chargedBytes(),
                        "the preparation given up on is no longer charged to the budget");
            } finally {
                holdInMapping.release();
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertFalse(map.stats().nextArrayPrepared(), "the late array is not offered: " + map.stats());
            assertEquals(List.of(map.table().buckets.block), aliveBlocks(allocator), "and it is unmapped");
            assertKeysMapToTheirSuccessor(map, key);
        }
    }

    @Test
    void releasingSpareMemoryOfAClosedTableShouldThrow() {
        final LongLongMap map = new LongLongMap();
        map.close();
        final IllegalStateException failure = assertThrows(IllegalStateException.class, map::releaseSpareMemory);
        assertTrue(failure.getMessage().contains("closed"), failure.getMessage());
    }

    @Test
    void releasingSpareMemoryWhileTheWorkerFaultsInThePreparedArrayShouldStopTheFaultingIn()
            throws InterruptedException {
        final OneShotHold holdInPrefault = new OneShotHold();
        final List<String> stepsOnThePrepared = java.util.Collections.synchronizedList(new ArrayList<>());
        final java.util.concurrent.atomic.AtomicReference<NativeBlock> preparedBlock = new java.util.concurrent.atomic.AtomicReference<>();
        final RecordingAllocator allocator = new RecordingAllocator() {
            @Override
            public void prefault(final NativeBlock block, final long byteOffset, final long byteLength) {
                if (byteOffset == 0 && preparedBlock.get() == null && Thread.currentThread().getName().equals("panamap-memory-worker")) {
                    preparedBlock.compareAndSet(null, block);
                    holdInPrefault.holdIfArmed();
                }
                if (block == preparedBlock.get()) {
                    stepsOnThePrepared.add("prefault");
                }
                NativeAllocators.defaultAllocator().prefault(block, byteOffset, byteLength);
            }

            @Override
            public void discard(final NativeBlock block, final long byteOffset, final long byteLength) {
                if (block == preparedBlock.get()) {
                    stepsOnThePrepared.add("discard");
                }
                NativeAllocators.defaultAllocator().discard(block, byteOffset, byteLength);
            }

            @Override
            public boolean discards() {
                return NativeAllocators.defaultAllocator().discards();
            }
        };
        org.junit.jupiter.api.Assumptions.assumeTrue(allocator.discards(), "needs mmap, whose pages can be given back");
        // A 2^18 array maps ~113 MB with its overflow area: its pages are given back in several steps, between
        // which the worker would take up its pre-faulting again.
        final int logSize = 17;
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).build()) {
            long key = 0;
            while (map.stats().logBuckets() < logSize || map.stats().growing()) {
                map.put(key++, key);
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            preparedBlock.set(null); // the arrays prepared so far are not watched
            stepsOnThePrepared.clear();
            holdInPrefault.arm();
            try {
                while (map.size() < pastTheRequestAt(logSize)) {
                    map.put(key++, key);
                }
                assertTrue(holdInPrefault.awaitHeld(), "the worker should be faulting in the 2^18 array");
                assertTrue(map.releaseSpareMemory() > 0, "the array being faulted in is given back");
            } finally {
                holdInPrefault.release();
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertFalse(preparedBlock.get().isAlive(), "unmapped");
            final int firstDiscard = stepsOnThePrepared.indexOf("discard");
            assertTrue(firstDiscard > 0, "pages given back: " + stepsOnThePrepared);
            assertFalse(stepsOnThePrepared.subList(firstDiscard, stepsOnThePrepared.size()).contains("prefault"),
                    "no page faulted in once the array was being given back: " + stepsOnThePrepared);
            assertKeysMapToTheirSuccessor(map, key);
        }
    }

    /**
     * Grows {@code map} to 2^14 buckets, waits for the memory worker, arms {@code hold}, and inserts past 66,560
     * entries (5/8 of 2^14's threshold, 106,496), where the table asks the worker for its 2^15 array.
     *
     * @return the next key to insert
     */
    private static long askForTheNextArrayWhileArmed(final LongLongMap map, final OneShotHold hold)
            throws InterruptedException {
        long key = 0;
        while (map.stats().doublings() < PREPARED - 1) {
            map.put(key++, key);
        }
        assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
        hold.arm();
        while (map.size() < pastTheRequestAt(PREPARED - 1)) {
            map.put(key++, key);
        }
        return key;
    }

    /** An allocator whose memory worker, once {@code hold} is armed, stops as it maps an array until released. */
    private static RecordingAllocator holdingWhileTheWorkerMaps(final OneShotHold hold) {
        return new RecordingAllocator() {
            @Override
            public NativeBlock allocate(final long byteSize) {
                if (Thread.currentThread().getName().equals("panamap-memory-worker")) {
                    hold.holdIfArmed();
                }
                return super.allocate(byteSize);
            }
        };
    }

    /**
     * An allocator whose memory worker, once {@code hold} is armed, stops in the first pre-fault of a prepared
     * array (one is faulted in from its start; overflow buckets never are) until the hold is released.
     */
    private static ThreadRecordingAllocator holdingInItsFirstPrefault(final OneShotHold hold) {
        return new ThreadRecordingAllocator() {
            @Override
            public void prefault(final NativeBlock block, final long byteOffset, final long byteLength) {
                if (byteOffset == 0) {
                    hold.holdIfArmed();
                }
                NativeAllocators.defaultAllocator().prefault(block, byteOffset, byteLength);
            }
        };
    }

    /** Holds the first caller after {@link #arm} until {@link #release}: keeps the memory worker inside one step. */
    private static final class OneShotHold {
        private final java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        private final java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);

        void arm() {
            armed.set(true);
        }

        void holdIfArmed() {
            if (armed.compareAndSet(true, false)) {
                held.countDown();
                try {
                    released.await(10, TimeUnit.SECONDS);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        boolean awaitHeld() throws InterruptedException {
            return held.await(10, TimeUnit.SECONDS);
        }

        void release() {
            released.countDown();
        }
    }
}
