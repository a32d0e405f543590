package io.panamap.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * One allocation: a native segment and the shared arena that owns it. Closing the block closes the
 * arena, which frees the memory (for mmap memory: munmap) and invalidates the segment, so any later
 * access throws {@link IllegalStateException} rather than reading freed memory.
 */
public final class NativeBlock implements AutoCloseable {

    /**
     * A thread that owns no memory: a segment it may access is one every thread may. Never started; named, so that
     * it takes no number from the JVM's "Thread-n" names of the application's threads.
     */
    private static final Thread NO_OWNER = Thread.ofPlatform().name("panamap-no-owner").unstarted(() -> { });

    private final Arena arena;
    private final MemorySegment segment;

    /**
     * @param arena   the shared arena whose closing frees {@code segment}
     * @param segment the memory, whose scope must be {@code arena}'s
     * @throws IllegalArgumentException if {@code segment} is not {@code arena}'s, or is confined to one thread
     */
    public NativeBlock(final Arena arena, final MemorySegment segment) {
        this.arena = Objects.requireNonNull(arena, "arena");
        this.segment = Objects.requireNonNull(segment, "segment");
        if (!segment.scope().equals(arena.scope())) {
            throw new IllegalArgumentException("segment is not owned by the given arena");
        }
        if (!segment.isAccessibleBy(NO_OWNER)) {
            throw new IllegalArgumentException("segment is confined to one thread; a table's memory needs a shared"
                    + " arena, since its memory worker and readers use it from other threads");
        }
    }

    /** The memory. */
    public MemorySegment segment() {
        return segment;
    }

    /** Size in bytes. */
    public long byteSize() {
        return segment.byteSize();
    }

    /** Whether the memory is still usable. */
    public boolean isAlive() {
        return arena.scope().isAlive();
    }

    /** Frees the memory. Idempotent, also when two threads close the block at once. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            try {
                arena.close();
            } catch (final IllegalStateException e) {
                // Another thread closed it between the check and the call (a table's close() racing the
                // writer that retires an array): the memory is free, as asked.
                if (arena.scope().isAlive()) {
                    throw e;
                }
            }
        }
    }
}
