package io.panamap;

import java.lang.foreign.MemorySegment;

/**
 * A growable heap buffer in which a typed map encodes a key (to hash and compare it) or a value (before it
 * overwrites one in place). One pair per thread ({@link #forCurrentThread}): reads may run on several
 * threads at once, and a buffer that grows only to the longest key seen allocates nothing afterwards.
 */
final class StagingBuffer {

    /** A thread's pair of buffers. */
    static final class Pair {
        final StagingBuffer key = new StagingBuffer();
        final StagingBuffer value = new StagingBuffer();
    }

    private static final ThreadLocal<Pair> PER_THREAD = ThreadLocal.withInitial(Pair::new);
    /** Longest encoding a heap buffer can hold. */
    static final long MAX_LENGTH = Integer.MAX_VALUE - 16;
    private static final int INITIAL_CAPACITY = 64;

    byte[] bytes = new byte[INITIAL_CAPACITY];
    MemorySegment segment = MemorySegment.ofArray(bytes);
    /** Length of the encoding it holds. */
    long length;
    /** Hash of the encoding, under the seed of the table that made it. */
    long hash;

    static Pair forCurrentThread() {
        return PER_THREAD.get();
    }

    /**
     * Most a buffer keeps between uses: one that grew past it for a longer encoding (a 100 MB key, say) goes back
     * to what the next use needs, or a thread would hold that much heap for good. Keys and staged values that long
     * are rare, and encoding one costs far more than the allocation this takes.
     */
    static final int MAX_KEPT_CAPACITY = 1 << 20;

    /** Makes room for {@code needed} bytes (contents are not kept). */
    void ensureCapacity(final long needed) {
        if (needed <= bytes.length) {
            if (bytes.length > MAX_KEPT_CAPACITY && needed <= MAX_KEPT_CAPACITY) {
                bytes = new byte[(int) Math.max(needed, INITIAL_CAPACITY)];
                segment = MemorySegment.ofArray(bytes);
            }
            return;
        }
        if (needed > MAX_LENGTH) {
            throw new IllegalArgumentException("an encoding of " + needed + " bytes is longer than the " + MAX_LENGTH
                    + " a key or a rewritten value may have");
        }
        bytes = new byte[(int) Math.min(MAX_LENGTH, Math.max(needed, 2L * bytes.length))];
        segment = MemorySegment.ofArray(bytes);
    }
}
