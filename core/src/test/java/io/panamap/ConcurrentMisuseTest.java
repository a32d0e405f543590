package io.panamap;

import io.panamap.memory.NativeAllocators;
import io.panamap.memory.NativeBlock;
import org.junit.jupiter.api.Test;

import java.util.ConcurrentModificationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Go's "concurrent map writes" detection, as ConcurrentModificationException. */
class ConcurrentMisuseTest {

    /**
     * Deterministic: the first writer is held inside a write (its growth's allocation blocks), and a
     * second thread then writes, reads and iterates.
     */
    @Test
    void aSecondWriterOrAReaderDuringAWriteShouldGetConcurrentModificationException() throws Exception {
        final CountDownLatch insideWrite = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicReference<Boolean> blockNext = new AtomicReference<>(false);
        final io.panamap.memory.NativeAllocator blocking = new io.panamap.memory.NativeAllocator() {
            @Override
            public NativeBlock allocate(final long byteSize) {
                if (blockNext.get()) {
                    insideWrite.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (final InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return NativeAllocators.defaultAllocator().allocate(byteSize);
            }

            @Override
            public String describe() {
                return "blocking";
            }
        };
        // Background work off: the growth must map its array on the writing thread, inside the write.
        try (LongLongMap map = LongLongMap.builder().allocator(blocking).backgroundMemoryWork(false).build()) {
            for (long k = 0; k < 8; k++) {
                map.put(k, k);
            }
            blockNext.set(true);
            final Thread writer = new Thread(() -> map.put(8, 8));   // the 9th key starts a growth
            writer.start();
            assertTrue(insideWrite.await(10, TimeUnit.SECONDS));

            final ConcurrentModificationException write = assertThrows(ConcurrentModificationException.class,
                    () -> map.put(100, 1));
            assertTrue(write.getMessage().contains("concurrent map writes"), write.getMessage());
            final ConcurrentModificationException read = assertThrows(ConcurrentModificationException.class,
                    () -> map.get(1));
            assertTrue(read.getMessage().contains("concurrent map read and map write"), read.getMessage());
            assertThrows(ConcurrentModificationException.class, () -> map.remove(1));
            assertThrows(ConcurrentModificationException.class, map::cursor);

            release.countDown();
            writer.join(10_000);
            // The refused operations changed nothing; the first writer's insert landed.
            assertEquals(9, map.size());
            assertEquals(8, map.get(8));
            TableInvariants.check(map);
        }
    }

    /** Best effort, as in Go: two threads hammering one table are caught, and nothing crashes. */
    @Test
    void twoRacingWritersShouldBeDetected() throws Exception {
        try (LongLongMap map = new LongLongMap()) {
            final AtomicReference<Throwable> seen = new AtomicReference<>();
            final Runnable hammer = () -> {
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                long k = Thread.currentThread().threadId() << 40;
                while (seen.get() == null && System.nanoTime() < deadline) {
                    try {
                        map.put(k++, k);
                        if ((k & 1023) == 0) {
                            map.remove(k - 512);
                        }
                    } catch (final ConcurrentModificationException e) {
                        seen.compareAndSet(null, e);
                    } catch (final RuntimeException e) {
                        // A race the best-effort flag missed may corrupt the table's contents, never memory:
                        // bounds-checked segments turn it into an exception. Keep going until one is caught.
                    }
                }
            };
            final Thread a = new Thread(hammer);
            final Thread b = new Thread(hammer);
            a.start();
            b.start();
            a.join();
            b.join();
            assertTrue(seen.get() instanceof ConcurrentModificationException,
                    "expected concurrent writes to be detected within 20 s");
        }
    }
}
