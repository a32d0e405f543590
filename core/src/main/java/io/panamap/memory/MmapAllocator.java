package io.panamap.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The default allocator: anonymous {@code mmap}, pages zeroed by the kernel and faulted in lazily, so
 * allocating a bucket array of any size takes about a microsecond.
 *
 * <p>With {@code hugePages} the mapping is advised {@code MADV_HUGEPAGE}: fewer TLB misses on lookups
 * and a much cheaper unmap, but every first touch faults a whole 2 MiB page (hundreds of microseconds,
 * milliseconds on memory the host has reclaimed), which lands on whichever insert touches it. That is
 * why it is an explicit option and not the default; docs/PERFORMANCE.md has the measurements.
 */
public final class MmapAllocator implements NativeAllocator {

    private final boolean hugePages;

    /** @param hugePages whether to advise transparent huge pages */
    public MmapAllocator(final boolean hugePages) {
        this.hugePages = hugePages;
    }

    /** Whether this allocator asks for huge pages. */
    public boolean hugePages() {
        return hugePages;
    }

    @Override
    public NativeBlock allocate(final long byteSize) {
        final Arena arena = Arena.ofShared();
        try {
            final MemorySegment segment = Mmap.map(byteSize, arena, hugePages);
            return new NativeBlock(arena, segment);
        } catch (final RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    @Override
    public void prefault(final NativeBlock block, final long byteOffset, final long byteLength) {
        Mmap.populate(block.segment(), byteOffset, byteLength);
    }

    @Override
    public void discard(final NativeBlock block, final long byteOffset, final long byteLength) {
        Mmap.discard(block.segment(), byteOffset, byteLength);
    }

    @Override
    public boolean discards() {
        return Mmap.isAvailable();
    }

    @Override
    public String describe() {
        return hugePages ? "mmap (transparent huge pages)" : "mmap (4 KiB pages)";
    }
}
