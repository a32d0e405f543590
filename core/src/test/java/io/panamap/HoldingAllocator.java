package io.panamap;

import io.panamap.memory.NativeAllocator;
import io.panamap.memory.NativeBlock;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongPredicate;

/**
 * Maps and records as {@link RecordingAllocator} does, and holds the first allocation it is armed for until the
 * test releases it: a deterministic way to have another thread act while a table waits in its allocation.
 */
final class HoldingAllocator implements NativeAllocator {

    final RecordingAllocator recording = new RecordingAllocator("held");
    /** Counted down when the held allocation starts waiting. */
    final CountDownLatch inside = new CountDownLatch(1);
    /** Counted down by the test to let the held allocation go on. */
    final CountDownLatch release = new CountDownLatch(1);
    private final LongPredicate holds;
    private final AtomicBoolean armed;

    /**
     * @param holds which allocation sizes, on the calling thread, to hold (the first one only)
     * @param armed whether to hold from the start, or only once {@link #arm()} is called
     */
    HoldingAllocator(final LongPredicate holds, final boolean armed) {
        this.holds = holds;
        this.armed = new AtomicBoolean(armed);
    }

    /** Holds the next allocation {@code holds} accepts. */
    void arm() {
        armed.set(true);
    }

    /** Whether the calling thread is the memory worker. */
    static boolean onMemoryWorker() {
        return Thread.currentThread().getName().startsWith("panamap-memory-worker");
    }

    @Override
    public NativeBlock allocate(final long byteSize) {
        if (armed.get() && holds.test(byteSize) && armed.compareAndSet(true, false)) {
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return recording.allocate(byteSize);
    }

    @Override
    public void prefault(final NativeBlock block, final long byteOffset, final long byteLength) {
        recording.prefault(block, byteOffset, byteLength);
    }

    @Override
    public String describe() {
        return "holding";
    }
}
