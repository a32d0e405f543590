package io.panamap;

import io.panamap.memory.Mmap;
import io.panamap.memory.NativeAllocator;
import io.panamap.memory.NativeAllocators;
import io.panamap.memory.NativeBlock;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * An allocator that maps memory as the default one does and records what happens to it: how many blocks it
 * handed out, how many were freed, and on which threads they were freed. Each block's shared arena is wrapped
 * so that its {@code close()} (the unmap) is seen; the segment keeps the real arena's scope, so the JDK's
 * liveness checks and the close handshake are exactly those of the default allocator.
 */
final class RecordingAllocator implements NativeAllocator {

    private static final long ALIGNMENT = 64;
    private static final NativeAllocator PAGES = NativeAllocators.defaultAllocator();

    private final String name;
    private final AtomicLong allocations = new AtomicLong();
    private final AtomicLong frees = new AtomicLong();
    private final AtomicLong liveBytes = new AtomicLong();
    private final Map<String, LongAdder> freesByThread = new ConcurrentHashMap<>();

    private final boolean discards;
    private final AtomicLong discarded = new AtomicLong();
    private final AtomicLong longestDiscard = new AtomicLong();
    private final Set<NativeBlock> discardedBlocks = java.util.Collections.synchronizedSet(
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));

    RecordingAllocator(final String name) {
        this(name, false);
    }

    /** With {@code discards}, it says it gives pages back, as the default allocator does. */
    RecordingAllocator(final String name, final boolean discards) {
        this.name = name;
        this.discards = discards;
    }

    @Override
    public NativeBlock allocate(final long byteSize) {
        final Arena shared = Arena.ofShared();
        final Arena recorded = new RecordedArena(shared, byteSize);
        try {
            final MemorySegment segment = Mmap.isAvailable()
                    ? Mmap.map(byteSize, recorded, false)
                    : shared.allocate(byteSize, ALIGNMENT);
            allocations.incrementAndGet();
            liveBytes.addAndGet(byteSize);
            return new NativeBlock(recorded, segment);
        } catch (final RuntimeException | Error e) {
            shared.close();
            throw e;
        }
    }

    @Override
    public void prefault(final NativeBlock block, final long byteOffset, final long byteLength) {
        PAGES.prefault(block, byteOffset, byteLength);
    }

    @Override
    public void discard(final NativeBlock block, final long byteOffset, final long byteLength) {
        discarded.incrementAndGet();
        longestDiscard.accumulateAndGet(byteLength, Math::max);
        discardedBlocks.add(block);
        PAGES.discard(block, byteOffset, byteLength);
    }

    @Override
    public boolean discards() {
        return discards && PAGES.discards();
    }

    /** Blocks that had pages given back ({@link #discard}) at least once. */
    long discardedBlocks() {
        return discardedBlocks.size();
    }

    /** Blocks that had pages given back and are still mapped (kept, emptied mappings). */
    long liveDiscardedBlocks() {
        synchronized (discardedBlocks) {
            return discardedBlocks.stream().filter(NativeBlock::isAlive).count();
        }
    }

    /** The most bytes one call of {@link #discard} has given back so far. */
    long longestDiscard() {
        return longestDiscard.get();
    }

    /** Calls of {@link #discard} so far. */
    long discardCalls() {
        return discarded.get();
    }

    @Override
    public String describe() {
        return "recording " + name;
    }

    /** Blocks handed out so far. */
    long allocations() {
        return allocations.get();
    }

    /** Blocks freed so far. */
    long frees() {
        return frees.get();
    }

    /** Blocks handed out and not freed. */
    long live() {
        return allocations.get() - frees.get();
    }

    /** Bytes of the blocks handed out and not freed. */
    long liveBytes() {
        return liveBytes.get();
    }

    /** Blocks freed by threads whose name starts with {@code prefix}. */
    long freesByThreadsNamed(final String prefix) {
        long total = 0;
        for (final Map.Entry<String, LongAdder> entry : freesByThread.entrySet()) {
            if (entry.getKey().startsWith(prefix)) {
                total += entry.getValue().sum();
            }
        }
        return total;
    }

    @Override
    public String toString() {
        return describe() + ": " + allocations() + " allocated, " + frees() + " freed by " + freesByThread;
    }

    /** The block's arena, with its close (which unmaps the block) recorded. */
    private final class RecordedArena implements Arena {
        private final Arena shared;
        private final long byteSize;

        RecordedArena(final Arena shared, final long byteSize) {
            this.shared = shared;
            this.byteSize = byteSize;
        }

        @Override
        public MemorySegment allocate(final long byteSize, final long byteAlignment) {
            return shared.allocate(byteSize, byteAlignment);
        }

        @Override
        public MemorySegment.Scope scope() {
            return shared.scope();
        }

        @Override
        public void close() {
            shared.close();
            frees.incrementAndGet();
            liveBytes.addAndGet(-byteSize);
            freesByThread.computeIfAbsent(Thread.currentThread().getName(), thread -> new LongAdder()).increment();
        }
    }
}
