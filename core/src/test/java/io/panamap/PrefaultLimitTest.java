package io.panamap;

import io.panamap.memory.MemoryLimits;
import io.panamap.memory.MemoryWorker;
import io.panamap.memory.NativeBlock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An array the process could not hold twice over is not pre-faulted, at construction or by the memory worker:
 * faulting it in would not fail but bring the OOM killer on the JVM. Played here by telling the tables the
 * process has no memory to spare, which every array of {@link MemoryLimits#CHECKED_PREFAULT_BYTES} or more
 * then meets, and smaller ones do not.
 */
class PrefaultLimitTest {

    @AfterEach
    void restoreTheRealFigures() {
        HashTable.memoryHeadroom = MemoryLimits::availableBytes;
    }

    /** The default allocator, counting per block (by its size, in the order mapped) the bytes it pre-faults. */
    private static final class PrefaultCounter extends ForwardingAllocator {
        final Map<NativeBlock, LongAdder> prefaulted = new ConcurrentHashMap<>();
        volatile NativeBlock largest;

        @Override
        public NativeBlock allocate(final long byteSize) {
            final NativeBlock block = pages.allocate(byteSize);
            prefaulted.put(block, new LongAdder());
            if (largest == null || byteSize > largest.byteSize()) {
                largest = block;
            }
            return block;
        }

        @Override
        public void prefault(final NativeBlock block, final long byteOffset, final long byteLength) {
            prefaulted.get(block).add(byteLength);
            pages.prefault(block, byteOffset, byteLength);
        }

        @Override
        public String describe() {
            return "counting " + pages.describe();
        }

        long prefaultedBytes(final NativeBlock block) {
            return prefaulted.get(block).sum();
        }
    }

    @Test
    void aPresizedArrayTheProcessCouldNotHoldTwiceOverShouldFaultInAsItIsWritten() {
        HashTable.memoryHeadroom = () -> 0;
        final PrefaultCounter counter = new PrefaultCounter();
        try (LongLongMap map = LongLongMap.builder().expectedSize(3_000_000).allocator(counter).build()) {
            final long arrayBytes = map.stats().buckets() * 144;
            assertTrue(arrayBytes >= MemoryLimits.CHECKED_PREFAULT_BYTES, "2^19 buckets: " + arrayBytes);
            assertEquals(0, counter.prefaultedBytes(counter.largest), "nothing faulted in at construction");
            for (long key = 0; key < 3_000_000; key++) {
                map.put(key, ~key);
            }
            assertEquals(0, counter.prefaultedBytes(counter.largest), "nor its overflow buckets ahead of their use");
            for (long key = 0; key < 3_000_000; key += 997) {
                assertEquals(~key, map.get(key));
            }
        }
        HashTable.memoryHeadroom = () -> 2 * 80L << 20;
        final PrefaultCounter roomy = new PrefaultCounter();
        try (LongLongMap map = LongLongMap.builder().expectedSize(3_000_000).allocator(roomy).build()) {
            assertTrue(roomy.prefaultedBytes(roomy.largest) >= map.stats().buckets() * 144,
                    "with room for it twice over, the array is faulted in at construction");
        }
    }

    @Test
    void aSmallerArrayShouldBePrefaultedWhateverTheFigures() {
        HashTable.memoryHeadroom = () -> 0;
        final PrefaultCounter counter = new PrefaultCounter();
        try (LongLongMap map = LongLongMap.builder().expectedSize(1_000_000).allocator(counter).build()) {
            final long arrayBytes = map.stats().buckets() * 144;
            assertTrue(arrayBytes < MemoryLimits.CHECKED_PREFAULT_BYTES, "2^18 buckets: " + arrayBytes);
            assertTrue(counter.prefaultedBytes(counter.largest) >= arrayBytes);
        }
    }

    @Test
    void theWorkerShouldNotPrefaultANextArrayTheProcessCouldNotHoldTwiceOver() throws InterruptedException {
        HashTable.memoryHeadroom = () -> 0;
        final PrefaultCounter counter = new PrefaultCounter();
        try (LongLongMap map = LongLongMap.builder().allocator(counter).build()) {
            final long entries = BackgroundEvacuationTest.entriesStartingDoublingTo(19);
            for (long key = 0; key < entries; key++) {
                map.put(key, ~key);
            }
            assertTrue(MemoryWorker.awaitIdle(30, TimeUnit.SECONDS));
            assertEquals(19, map.stats().logBuckets(), "the doubling to 2^19 buckets has started");
            final NativeBlock largest = counter.largest;
            assertEquals(0, counter.prefaultedBytes(largest), "its 2^19-bucket array, prepared by the worker");
            final long smallerPrefaulted = counter.prefaulted.entrySet().stream()
                    .filter(entry -> entry.getKey() != largest).mapToLong(entry -> entry.getValue().sum()).sum();
            assertTrue(smallerPrefaulted > 0, "the smaller arrays before it were pre-faulted");
            for (long key = entries; key < 2_500_000; key++) { // through the doubling, taking overflow buckets
                map.put(key, ~key);
            }
            assertEquals(0, counter.prefaultedBytes(largest), "nor its overflow buckets");
            for (long key = 0; key < 2_500_000; key += 997) {
                assertEquals(~key, map.get(key));
            }
        }
    }
}
