package io.panamap;

import io.panamap.codec.Codecs;
import io.panamap.memory.MemoryWorker;
import io.panamap.memory.NativeAllocator;
import io.panamap.memory.NativeBlock;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A close() from another thread while a write is mapping memory: a misuse, which must end in an exception
 * and leave nothing mapped. Deterministic: the write is held inside its allocation while the table closes.
 */
class CloseRaceTest {

    /** Runs {@code write} on a thread, closes {@code table} while the write waits in its allocation. */
    private static Throwable closeDuringAllocation(final HoldingAllocator allocator, final AutoCloseable table,
                                                   final Runnable write) throws Exception {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        allocator.arm();
        final Thread writer = new Thread(() -> {
            try {
                write.run();
            } catch (final Throwable t) {
                failure.set(t);
            }
        });
        writer.start();
        assertTrue(allocator.inside.await(10, TimeUnit.SECONDS), "the write reached its allocation");
        table.close();
        allocator.release.countDown();
        writer.join(10_000);
        return failure.get();
    }

    @Test
    void aClearRacingCloseShouldFreeTheArrayItMappedAndThrow() throws Exception {
        final HoldingAllocator allocator = new HoldingAllocator(bytes -> true, false);
        final LongLongMap map = LongLongMap.builder().allocator(allocator).backgroundMemoryWork(false).build();
        for (long k = 0; k < 5; k++) {
            map.put(k, k);
        }
        final Throwable failure = closeDuringAllocation(allocator, map, map::clear); // clear maps a fresh array
        assertInstanceOf(IllegalStateException.class, failure, "the racing write ends in an exception");
        assertEquals(0, allocator.recording.live(), "nothing stays mapped: " + allocator.recording);
        assertThrows(IllegalStateException.class, () -> map.put(1, 1));
        assertThrows(IllegalStateException.class, map::clear);
        assertEquals(0, allocator.recording.live(), "nothing mapped after close: " + allocator.recording);
    }

    @Test
    void aGrowthRacingCloseShouldFreeTheArrayItMappedAndThrow() throws Exception {
        final HoldingAllocator allocator = new HoldingAllocator(bytes -> true, false);
        final LongLongMap map = LongLongMap.builder().allocator(allocator).backgroundMemoryWork(false).build();
        for (long k = 0; k < 8; k++) {
            map.put(k, k);
        }
        final Throwable failure = closeDuringAllocation(allocator, map, () -> map.put(8, 8)); // starts a growth
        assertInstanceOf(IllegalStateException.class, failure, "the racing write ends in an exception");
        assertEquals(0, allocator.recording.live(), "nothing stays mapped: " + allocator.recording);
        assertThrows(IllegalStateException.class, () -> map.put(9, 9));
    }

    @Test
    void anOutOfLineBlockMappedWhileTheTableClosesShouldBeFreedAndRefused() throws Exception {
        final HoldingAllocator allocator = new HoldingAllocator(bytes -> true, false);
        final OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes())
                .allocator(allocator).backgroundMemoryWork(false).build();
        map.put("small", new byte[8]);
        final byte[] large = new byte[OutOfLineStore.MAX_CLASS_BYTES * 2]; // a dedicated block of its own
        final Throwable failure = closeDuringAllocation(allocator, map, () -> map.put("large", large));
        assertInstanceOf(IllegalStateException.class, failure, "the racing write ends in an exception");
        assertEquals(0, allocator.recording.live(), "nothing stays mapped: " + allocator.recording);
    }

    @Test
    void aTrimRacingCloseShouldLeaveNothingMapped() throws Exception {
        // A trim moves every entry into a smaller array it has just installed; the array it moves out of must
        // stay the table's meanwhile, or a close() during the move frees the new array and not that one. Close
        // lands at a different point of the trim in each round; most rounds land in the move.
        final SplittableRandom random = new SplittableRandom(17);
        int closedDuringTheTrim = 0;
        for (int round = 0; round < 30; round++) {
            final RecordingAllocator recording = new RecordingAllocator("trim");
            final LongLongMap map = LongLongMap.builder().allocator(recording).backgroundMemoryWork(false).build();
            for (long k = 0; k < 200_000; k++) {
                map.put(k, k);
            }
            for (long k = 0; k < 190_000; k++) {
                map.remove(k);
            }
            final CountDownLatch trimming = new CountDownLatch(1);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread trimmer = new Thread(() -> {
                trimming.countDown();
                try {
                    map.trimToSize();
                } catch (final Throwable t) {
                    failure.set(t);
                }
            });
            trimmer.start();
            trimming.await();
            LockSupport.parkNanos(random.nextLong(2_000_000));
            map.close();
            trimmer.join(10_000);
            if (failure.get() != null) {
                assertInstanceOf(IllegalStateException.class, failure.get());
                closedDuringTheTrim++;
            }
            assertEquals(0, recording.live(), "round " + round + ": nothing stays mapped: " + recording);
        }
        assertTrue(closedDuringTheTrim > 0, "some rounds closed the table while it was trimming");
    }

    @Test
    void aGrowthEndingWhileTheTableClosesShouldFreeTheOldArray() throws Exception {
        // The write that ends a growth takes the old array out of the table, then retires it under the monitor
        // close() holds. A close() in between does not see that array: the retirement must free it, not keep it
        // (a small array a doubling retired is kept mapped, with background memory work, until a larger one is).
        // The test holds the monitor, so the write waits right there, and closes the table as close() would.
        final RecordingAllocator recording = new RecordingAllocator("retire");
        final LongLongMap map = LongLongMap.builder().allocator(recording).build();
        final HashTable table = map.table();
        long key = 0;
        while (!table.isGrowing() || table.oldBuckets.bucketCount < 4) {
            map.put(key, key++);
        }
        while (table.isGrowing() && table.nevacuate < table.oldBuckets.bucketCount - 1) {
            map.put(key, key++);
        }
        assertTrue(table.isGrowing(), "the next write ends the growth");
        final long last = key;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread writer = new Thread(() -> {
            try {
                map.put(last, last);
            } catch (final Throwable t) {
                failure.set(t);
            }
        });
        synchronized (table) {
            writer.start();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (writer.getState() != Thread.State.BLOCKED && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(Thread.State.BLOCKED, writer.getState(), "the write waits for the monitor");
            assertEquals(null, table.oldBuckets, "the write has ended the growth and waits to retire the old array");
            map.close();
        }
        writer.join(10_000);
        assertInstanceOf(IllegalStateException.class, failure.get(), "the racing write ends in an exception");
        assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
        assertEquals(0, recording.live(), "nothing stays mapped: " + recording);
    }

    @Test
    void aCloseShouldWaitForAPrefaultStepOfTheMemoryWorkerBeforeUnmapping() throws Exception {
        // The worker faults in the array it prepared for the next doubling a step at a time, with madvise on the
        // range's address. A close() from the table's thread in the middle of a step must not unmap that range
        // until the step is done: once unmapped, its addresses may belong to another mapping. The allocator
        // holds the worker's first step until close() has been called, then watches the block for 300 ms.
        final PausingPrefaults allocator = new PausingPrefaults();
        final LongLongMap map = LongLongMap.builder().allocator(allocator).build();
        for (long key = 0; allocator.inside.getCount() > 0 && key < 1_000_000; key++) {
            map.put(key, key);
        }
        assertTrue(allocator.inside.await(10, TimeUnit.SECONDS), "the worker is faulting in a prepared array");
        allocator.closing.countDown();
        map.close();
        assertFalse(allocator.freedDuringTheStep.get(), "close() unmapped a range the worker was advising");
        assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
        assertEquals(0, allocator.recording.live(), "nothing stays mapped: " + allocator.recording);
    }

    /** Records as {@link RecordingAllocator}; holds the memory worker's first pre-fault as the test above says. */
    private static final class PausingPrefaults implements NativeAllocator {
        final RecordingAllocator recording = new RecordingAllocator("pausing prefaults");
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch closing = new CountDownLatch(1);
        final AtomicBoolean freedDuringTheStep = new AtomicBoolean();
        private final AtomicBoolean armed = new AtomicBoolean(true);

        @Override
        public NativeBlock allocate(final long byteSize) {
            return recording.allocate(byteSize);
        }

        @Override
        public void prefault(final NativeBlock block, final long byteOffset, final long byteLength) {
            if (HoldingAllocator.onMemoryWorker() && armed.compareAndSet(true, false)) {
                inside.countDown();
                try {
                    closing.await(10, TimeUnit.SECONDS);
                    final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                    while (block.isAlive() && System.nanoTime() < deadline) {
                        LockSupport.parkNanos(1_000_000);
                    }
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                freedDuringTheStep.set(!block.isAlive());
            }
            recording.prefault(block, byteOffset, byteLength);
        }

        @Override
        public String describe() {
            return recording.describe();
        }
    }
}
