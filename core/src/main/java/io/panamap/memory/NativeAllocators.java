package io.panamap.memory;

/** The allocators core ships with. */
public final class NativeAllocators {

    private static final NativeAllocator DEFAULT = Mmap.isAvailable() ? new MmapAllocator(false) : new ArenaAllocator();

    private NativeAllocators() {
    }

    /** Lazily faulted mmap with 4 KiB pages where available, otherwise the portable arena fallback. */
    public static NativeAllocator defaultAllocator() {
        return DEFAULT;
    }

    /**
     * mmap advised for transparent huge pages, for mappings of 32 MiB and more (long-to-long bucket arrays from 2^17
     * buckets); smaller ones keep 4 KiB pages, whose first touches cost microseconds, not milliseconds.
     *
     * @throws UnsupportedOperationException where mmap is not available
     */
    public static NativeAllocator hugePages() {
        if (!Mmap.isAvailable()) {
            throw new UnsupportedOperationException("huge pages need mmap, which this platform does not offer");
        }
        return new MmapAllocator(true);
    }

    /** The portable, eagerly zeroing arena allocator. */
    public static NativeAllocator arena() {
        return new ArenaAllocator();
    }
}
