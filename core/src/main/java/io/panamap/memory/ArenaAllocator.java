package io.panamap.memory;

import java.lang.foreign.Arena;

/**
 * Portable fallback for platforms without {@code mmap}: {@link Arena#ofShared()} allocations. These are
 * zero-filled inside the call, so a growth pays O(new array) in the triggering insert; use only where
 * {@link MmapAllocator} is unavailable.
 */
public final class ArenaAllocator implements NativeAllocator {

    /** Alignment of each array: a cache line, so bucket offsets map to lines predictably. */
    private static final long ALIGNMENT = 64;

    @Override
    public NativeBlock allocate(final long byteSize) {
        if (byteSize <= 0) {
            throw new IllegalArgumentException("allocation size must be positive: " + byteSize);
        }
        final Arena arena = Arena.ofShared();
        try {
            return new NativeBlock(arena, arena.allocate(byteSize, ALIGNMENT));
        } catch (final OutOfMemoryError e) {
            arena.close();
            throw new NativeMemoryException("allocation of " + byteSize + " bytes failed: " + e.getMessage());
        }
    }

    @Override
    public String describe() {
        return "Arena.ofShared (eagerly zeroed)";
    }
}
