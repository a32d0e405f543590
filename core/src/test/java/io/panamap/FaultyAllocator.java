package io.panamap;

import io.panamap.memory.NativeAllocator;
import io.panamap.memory.NativeBlock;
import io.panamap.memory.NativeMemoryException;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Maps and records as {@link RecordingAllocator} does, so that a test can count the mappings left after
 * close(), and refuses allocations as the kernel does on ENOMEM, with the exception {@code Mmap} throws then:
 * each with probability {@link #probability}, drawn from a seed, or every {@link #everyKth}-th. Pre-fault and
 * discard hints can be dropped too, which is how the real ones fail (they report nothing and change nothing).
 */
final class FaultyAllocator implements NativeAllocator {

    final RecordingAllocator recording;
    private final SplittableRandom random;
    volatile double probability;
    volatile int everyKth;
    volatile boolean armed = true;
    /** Refuse only the writer's own allocations, not the memory worker's (its timing is not the test's). */
    volatile boolean writerOnly;
    /** The chance that a pre-fault or discard hint is dropped. */
    volatile double hintRefusal;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    FaultyAllocator(final long seed, final double probability, final int everyKth, final boolean discards) {
        this.recording = new RecordingAllocator("faulty", discards);
        this.random = new SplittableRandom(seed);
        this.probability = probability;
        this.everyKth = everyKth;
    }

    private synchronized boolean draw(final double chance) {
        return random.nextDouble() < chance;
    }

    @Override
    public NativeBlock allocate(final long byteSize) {
        final long call = calls.incrementAndGet();
        if (armed && !(writerOnly && HoldingAllocator.onMemoryWorker())) {
            final int k = everyKth;
            if (k > 0 && call % k == 0 || probability > 0 && draw(probability)) {
                refused.incrementAndGet();
                throw new NativeMemoryException("mmap of " + byteSize
                        + " bytes failed: Cannot allocate memory (errno 12) [injected]");
            }
        }
        return recording.allocate(byteSize);
    }

    @Override
    public void prefault(final NativeBlock block, final long byteOffset, final long byteLength) {
        if (hintRefusal == 0 || !draw(hintRefusal)) {
            recording.prefault(block, byteOffset, byteLength);
        }
    }

    @Override
    public void discard(final NativeBlock block, final long byteOffset, final long byteLength) {
        if (hintRefusal == 0 || !draw(hintRefusal)) {
            recording.discard(block, byteOffset, byteLength);
        }
    }

    @Override
    public boolean discards() {
        return recording.discards();
    }

    /** Mappings made and not unmapped. */
    long live() {
        return recording.live();
    }

    /** Allocations refused so far. */
    long refused() {
        return refused.get();
    }

    @Override
    public String describe() {
        return "faulty (" + recording + ", " + refused + " of " + calls + " refused)";
    }
}
