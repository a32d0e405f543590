package io.panamap;

import io.panamap.codec.Codecs;
import io.panamap.layout.BucketLayout;
import io.panamap.memory.MemoryBudgetExceededException;
import io.panamap.memory.MemoryWorker;
import io.panamap.memory.NativeAllocator;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The array the memory worker prepares for the next doubling is charged to the budget from the moment it is
 * asked for, not from its publication: otherwise the writer could spend the same room meanwhile, and the
 * published array would take the table past its budget.
 */
class PreparationBudgetTest {

    /** Holds the memory worker inside its mapping of {@code heldBytes} until released. */
    private static HoldingAllocator holdingTheWorker(final long heldBytes) {
        return new HoldingAllocator(bytes -> bytes == heldBytes && HoldingAllocator.onMemoryWorker(), true);
    }

    private static OffHeapMap<Long, byte[]> map(final NativeAllocator allocator, final long budget) {
        return OffHeapMap.builder(Codecs.longs(), Codecs.bytes()).allocator(allocator).memoryBudget(budget).build();
    }

    /** The size at which a table of 2^{@code logSize} buckets asks for its next array: 5/8 of its threshold. */
    private static long requestAt(final int logSize) {
        final long growAt = HashTable.LOAD_FACTOR_NUM * ((1L << logSize) / HashTable.LOAD_FACTOR_DEN);
        return growAt - growAt * 3 / 8;
    }

    /**
     * Fills {@code map} up to the insert that asks for the 2^15 array, then waits until the worker is inside its
     * mapping; returns the bytes committed then. Waiting, not filling on meanwhile: on a loaded machine the worker
     * may start late, and a growth that outran it would map the array itself, leaving nothing being prepared.
     */
    private static long fillUntilPreparing(final OffHeapMap<Long, byte[]> map, final HoldingAllocator worker)
            throws InterruptedException {
        for (long key = 0; key < requestAt(HashTable.MIN_PREPARED_LOG_SIZE - 1); key++) {
            map.put(key, new byte[] {(byte) key});
        }
        assertTrue(worker.inside.await(10, TimeUnit.SECONDS), "the worker should be mapping the next array");
        return map.table().committedBytes();
    }

    @Test
    void aWriteShouldNotSpendTheRoomOfTheArrayTheWorkerIsPreparing() throws Exception {
        final int preparedLogSize = HashTable.MIN_PREPARED_LOG_SIZE;
        final long heldBytes;
        final long committedWhilePreparing;
        final long preparedCharge;
        try (OffHeapMap<Long, byte[]> probe = OffHeapMap.builder(Codecs.longs(), Codecs.bytes()).build()) {
            heldBytes = BucketArray.mappedBytes(probe.table().layout, preparedLogSize);
            preparedCharge = BucketArray.initialCommittedBytes(probe.table().layout, preparedLogSize);
        }
        // Without a budget: what the table holds when the worker starts mapping the array.
        final HoldingAllocator measuring = holdingTheWorker(heldBytes);
        try (OffHeapMap<Long, byte[]> map = map(measuring, Long.MAX_VALUE)) {
            committedWhilePreparing = fillUntilPreparing(map, measuring);
            measuring.release.countDown();
        }
        // A budget with room for the prepared array and 60 KB more: a 100 KB value fits only if the prepared
        // array is not charged. The write must let go of the preparation rather than overspend.
        final long budget = committedWhilePreparing + preparedCharge + 60_000;
        final HoldingAllocator worker = holdingTheWorker(heldBytes);
        try (OffHeapMap<Long, byte[]> map = map(worker, budget)) {
            fillUntilPreparing(map, worker);
            final byte[] large = new byte[100_000];
            large[99_999] = 7;
            map.put(-1L, large);
            worker.release.countDown();
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertTrue(map.table().committedBytes() <= budget, map.stats().toString());
            assertArrayEquals(large, map.get(-1L));
        }
        assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
        assertTrue(worker.recording.live() == 0, worker.recording.toString());
    }

    /**
     * A table asks for its next array only if the budget has room for it beside what it holds: otherwise the
     * worker would map an array the table could never take, and the table would hold more than its budget.
     */
    @Test
    void aTableShouldNotAskForAnArrayItsBudgetHasNoRoomFor() throws Exception {
        final int logSize = HashTable.MIN_PREPARED_LOG_SIZE - 1;
        final long array = BucketArray.initialCommittedBytes(BucketLayout.LONG_LONG, logSize);
        // Room for the doubling to 2^14 buckets (both arrays), not for the 2^15 array beside the 2^14 one.
        final long budget = 2 * array;
        assertTrue(BucketArray.initialCommittedBytes(BucketLayout.LONG_LONG, logSize + 1) > budget - array);
        final long threshold = HashTable.LOAD_FACTOR_NUM * ((1L << logSize) / HashTable.LOAD_FACTOR_DEN);
        try (LongLongMap map = LongLongMap.builder().memoryBudget(budget).build()) {
            // Past 5/8 of the threshold, where the table would ask for the 2^15 array, and short of the threshold.
            for (long key = 0; key < threshold * 3 / 4; key++) {
                map.put(key, key);
                assertTrue(map.table().chargedBytes() <= budget, "after key " + key + ": " + map.stats());
            }
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertEquals(logSize, map.stats().logBuckets());
            assertFalse(map.stats().nextArrayPrepared(), map.stats().toString());
            assertTrue(map.table().committedBytes() <= budget, map.stats().toString());
        }
    }

    /**
     * Fills {@code map} until its growth to 2^15 buckets has started, the worker held inside its mapping of that
     * array from the request on, so that the growth outruns it whatever the machine's load; returns the bytes
     * charged then.
     */
    private static long fillUntilGrowing(final OffHeapMap<Long, byte[]> map, final HoldingAllocator worker)
            throws InterruptedException {
        fillUntilPreparing(map, worker);
        final HashTable table = map.table();
        for (long key = map.size(); !(table.isGrowing() && table.buckets.logSize == HashTable.MIN_PREPARED_LOG_SIZE);
             key++) {
            map.put(key, new byte[] {(byte) key});
        }
        return table.chargedBytes();
    }

    @Test
    void anArrayAGrowthOutranShouldBeFreedNotPublishedPastTheBudget() throws Exception {
        final int preparedLogSize = HashTable.MIN_PREPARED_LOG_SIZE;
        final long heldBytes;
        final long preparedCharge;
        try (OffHeapMap<Long, byte[]> probe = OffHeapMap.builder(Codecs.longs(), Codecs.bytes()).build()) {
            heldBytes = BucketArray.mappedBytes(probe.table().layout, preparedLogSize);
            preparedCharge = BucketArray.initialCommittedBytes(probe.table().layout, preparedLogSize);
        }
        // The worker is held inside its mapping of the next array until the growth has mapped its own: the
        // request is given up on, no longer charged, and the writer may spend the room. The budget has room
        // for the request and the growth together, so that the growth does not withdraw the request itself.
        final HoldingAllocator measuring = holdingTheWorker(heldBytes);
        final long chargedWhenGrowing;
        try (OffHeapMap<Long, byte[]> map = map(measuring, Long.MAX_VALUE)) {
            chargedWhenGrowing = fillUntilGrowing(map, measuring);
            measuring.release.countDown();
        }
        assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
        final long budget = chargedWhenGrowing + preparedCharge + 1_000_000;
        final HoldingAllocator worker = holdingTheWorker(heldBytes);
        try (OffHeapMap<Long, byte[]> map = map(worker, budget)) {
            fillUntilGrowing(map, worker);
            int admitted = 0;
            try {
                for (long key = -1; ; key--) {
                    map.put(key, new byte[100_000]);
                    admitted++;
                }
            } catch (final MemoryBudgetExceededException refused) {
                assertTrue(admitted > 0, "the room was the writer's: " + refused.getMessage());
            }
            worker.release.countDown();
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
            assertTrue(map.table().committedBytes() <= budget, map.stats().toString());
        }
        assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
        assertTrue(worker.recording.live() == 0, worker.recording.toString());
    }

    /** Records the sizes mapped on the calling (writing) thread. */
    private static final class WriterMappings implements NativeAllocator {
        final RecordingAllocator recording = new RecordingAllocator("writer");
        final java.util.List<Long> onWriter = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Thread writer = Thread.currentThread();

        @Override
        public io.panamap.memory.NativeBlock allocate(final long byteSize) {
            if (Thread.currentThread() == writer) {
                onWriter.add(byteSize);
            }
            return recording.allocate(byteSize);
        }

        @Override
        public void prefault(final io.panamap.memory.NativeBlock block, final long offset, final long length) {
            recording.prefault(block, offset, length);
        }

        @Override
        public String describe() {
            return "writer mappings";
        }
    }

    /** Fills a fixed-seed table to just below its doubling to 2^15, the prepared array published. */
    private static LongLongMap fullBeforeDoubling(final NativeAllocator allocator, final long budget)
            throws InterruptedException {
        final LongLongMap map = LongLongMap.builder().allocator(allocator).memoryBudget(budget).build();
        map.table().useFixedSeed(0x5EED);
        final long growAt = HashTable.LOAD_FACTOR_NUM * ((1L << 14) / HashTable.LOAD_FACTOR_DEN);
        for (long key = 0; key < growAt; key++) {
            map.put(key, key);
        }
        assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
        return map;
    }

    @Test
    void aDoublingOnABudgetShouldTakeThePreparedArrayNotChargeItTwice() throws Exception {
        final long heldBytes;
        final long budget;
        try (LongLongMap unbounded = fullBeforeDoubling(new WriterMappings(), Long.MAX_VALUE)) {
            heldBytes = BucketArray.mappedBytes(unbounded.table().layout, HashTable.MIN_PREPARED_LOG_SIZE);
            unbounded.put(-1, -1); // starts the doubling, with the array prepared and a reserve for its moves
            assertTrue(unbounded.table().isGrowing());
            budget = unbounded.table().chargedBytes();
        }
        // Exactly the bytes the doubling takes: the prepared array must count once, as it is taken.
        final WriterMappings allocator = new WriterMappings();
        try (LongLongMap map = fullBeforeDoubling(allocator, budget)) {
            map.put(-1, -1);
            assertTrue(map.table().isGrowing() && map.table().buckets.logSize == HashTable.MIN_PREPARED_LOG_SIZE);
            assertTrue(!allocator.onWriter.contains(heldBytes), "the writer mapped no array of its own: "
                    + allocator.onWriter);
            assertTrue(map.table().chargedBytes() <= budget, map.stats().toString());
        }
    }
}
