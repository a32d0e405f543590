package io.panamap.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The default allocator: anonymous {@code mmap}, pages zeroed by the kernel and faulted in lazily, so
 * allocating a bucket array of any size takes about a microsecond.
 *
 * <p>With {@code hugePages} a mapping of at least {@link #HUGE_PAGES_FROM_BYTES} is advised
 * {@code MADV_HUGEPAGE}: fewer TLB misses on lookups and a much cheaper unmap, but every first touch faults
 * a whole 2 MiB page (hundreds of microseconds, milliseconds on memory the host has reclaimed), which lands
 * on whichever insert touches it. That is
 * why it is an explicit option and not the default; docs/PERFORMANCE-HISTORY.md has the measurements.
 */
public final class MmapAllocator implements NativeAllocator {

    /**
     * With {@code hugePages}, smaller mappings still get 4 KiB pages. Huge pages are for the TLB misses of
     * large tables; a bucket array mapped in under 32 MiB (up to 2^16 buckets of 144 bytes: a mapping holds the
     * address space of the overflow area too, three times the buckets) gains little from them. But
     * such an array is mapped and faulted in during the few milliseconds between its request and the growth
     * that takes it, often too few, and a first touch of a 2 MiB page the host has reclaimed costs about
     * 5 ms on this VM: the insert that started the doubling to 2^13 or 2^14 took
     * 1.0-5.7 ms in most grow runs of {@code ./panamap bench --contenders panamap-huge}; 156-241 µs with
     * this threshold (docs/PERFORMANCE-HISTORY.md).
     */
    static final long HUGE_PAGES_FROM_BYTES = 32L << 20;

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
            final boolean huge = hugePages && byteSize >= HUGE_PAGES_FROM_BYTES;
            final MemorySegment segment = Mmap.map(byteSize, arena, huge);
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
        return hugePages ? "mmap (transparent huge pages from 32 MiB)" : "mmap (4 KiB pages)";
    }
}
