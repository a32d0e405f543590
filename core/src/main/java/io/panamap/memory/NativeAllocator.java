package io.panamap.memory;

/**
 * Where a table's bucket arrays come from. The numa module implements this to place arrays on chosen
 * nodes; {@link NativeAllocators#defaultAllocator()} is the one a table uses unless told otherwise.
 *
 * <p>Contract: {@link #allocate} returns zero-filled memory (a fresh bucket array must read as all
 * {@code emptyRest}) in a {@link NativeBlock} whose segment belongs to its own shared arena, so that
 * freeing it makes every later access throw instead of touching unmapped memory. It should be O(1) in
 * the size: a table calls it inside the insert that starts a growth.
 */
public interface NativeAllocator {

    /**
     * Reserves {@code byteSize} bytes of zeroed native memory.
     *
     * @throws NativeMemoryException if the operating system refuses (ENOMEM and the like)
     * @throws IllegalArgumentException if {@code byteSize} is not positive
     */
    NativeBlock allocate(long byteSize);

    /**
     * Makes {@code byteLength} bytes at {@code byteOffset} of {@code block} resident without changing
     * their contents, if this allocator can; a hint, so the default does nothing. Tables call it from
     * the background {@link MemoryWorker} on an array they are about to adopt, so that its first
     * touches do not fault on the writing thread, and from a table's constructor on its first array. It must
     * be safe while another thread writes the block, and should not throw: a failure means only that pages fault
     * later (a table's constructor that meets an exception here frees its array and rethrows it).
     */
    default void prefault(final NativeBlock block, final long byteOffset, final long byteLength) {
    }

    /**
     * The allocator the {@link MemoryWorker} is to map and fault in memory with when the calling thread, a table's
     * writer, hands it that work: the array for the table's next doubling. Asked on the writer, once per doubling;
     * by default this allocator. One that places pages by the thread that first touches them
     * ({@code NumaAllocator.local()}) returns one that places them where the calling thread runs: otherwise they
     * would land wherever the worker runs, since it touches them first. Should not throw: a table that meets an
     * exception (or null) here has the worker use this allocator itself.
     */
    default NativeAllocator forWorkHandedOverByCallingThread() {
        return this;
    }

    /**
     * Gives the memory of {@code byteLength} bytes at {@code byteOffset} of {@code block} back to the
     * operating system, if this allocator can; a hint, so the default does nothing. Afterwards the contents
     * of the range are unspecified (mmap memory reads zeros), but the block stays mapped and usable: the
     * next write there simply takes memory again. Allocators that drop whole pages only drop those inside
     * the range, so bytes outside it are kept. Not for memory another thread may be reading. Should not throw:
     * a failure means only that the memory stays resident.
     */
    default void discard(final NativeBlock block, final long byteOffset, final long byteLength) {
    }

    /**
     * Whether {@link #discard} really gives memory back, leaving the range mapped and reading zeros: then a
     * table may keep a retired array's mapping instead of freeing it (see the concurrent maps).
     */
    default boolean discards() {
        return false;
    }

    /**
     * Where {@code block}'s memory is, for allocators that choose (a NUMA allocator reports the pages on each
     * node), or "" if there is nothing to say. May query every page: for stats, not for hot paths.
     */
    default String placement(final NativeBlock block) {
        return "";
    }

    /** A short human-readable description, printed in stats and benchmark reports. */
    String describe();
}
