package io.panamap;

import io.panamap.codec.Codec;
import io.panamap.hash.BytesHash;
import io.panamap.layout.BucketLayout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One side of a typed bucket, keys or values: where the bytes of a slot's key (or value) are, and how to
 * compare, hash, read, write and free them. Go stores a map's key or value in one of three ways, chosen
 * once per map type, and so does this class ({@link Placement}):
 *
 * <pre>
 *   INLINE      fixed size ≤ 128 bytes: the encoding itself is the slot
 *               +----------------------+
 *               | encoded bytes        |
 *               +----------------------+
 *   INDIRECT    fixed size &gt; 128 bytes: the slot holds the address of the encoding (Go's indirectkey)
 *               +----------+
 *               | address  | ──► out-of-line block of fixedSize bytes
 *               +----------+
 *   VARIABLE    any length: the slot is Go's string header, address then length (16 bytes)
 *               +----------+----------+
 *               | address  | length   | ──► out-of-line block of length bytes (none when length is 0)
 *               +----------+----------+
 * </pre>
 *
 * <p>Out-of-line blocks come from the table's {@link OutOfLineStore}. Evacuation copies a slot's bytes
 * verbatim, so a block simply changes owner when its entry moves; it is freed when the entry is removed,
 * when a value is replaced by one that does not fit it, or when the table is cleared or closed.
 *
 * <p>Keys are compared and hashed by their encoded bytes ({@link Codec}'s canonical-encoding contract),
 * which is what lets a lookup by {@code MemorySegment}, {@code byte[]} or an encoding of a
 * {@code CharSequence} find an entry stored from a Java object.
 *
 * @param <T> the Java type of this side
 */
final class SlotCodec<T> {

    /** How a slot holds its key or value. */
    enum Placement { INLINE, INDIRECT, VARIABLE }

    /** Size of a variable-length slot: Go's string header, {address, length}. */
    static final int HEADER_SIZE = 16;
    /** Offset of the length within a variable-length slot. */
    private static final int LENGTH_OFFSET = 8;
    /**
     * Largest replacement value staged in the per-thread buffer before it is written: staging is what lets a
     * codec fail halfway without leaving a half-written value behind, and lets a value of the same size class
     * as the one it replaces be rewritten in place. Above this, the value is encoded straight into a fresh
     * block (the old one is untouched until the slot points elsewhere), rather than keep a buffer that large.
     */
    static final long MAX_STAGED_REWRITE = 4096;
    /**
     * Largest value a concurrent map's read stages in the same buffer: an optimistic read copies the value
     * there, and into the caller's memory or object only once that copy is validated. Capped as rewrites are, so
     * the buffer grows no larger; a longer value is read under the shard's read lock instead, whose two atomic
     * updates cost less than a second copy of that many bytes (but, unlike staging, contend between readers).
     */
    static final long MAX_STAGED_READ = MAX_STAGED_REWRITE;
    /** What {@link #stage} returns for a value longer than {@link #MAX_STAGED_READ}; -1 means absent. */
    static final long NOT_STAGED = -2;
    private static final ValueLayout.OfLong WORD = BucketLayout.WORD;
    private static final MemorySegment EMPTY = MemorySegment.ofArray(new byte[0]);

    final Codec<T> codec;
    final Placement placement;
    /** The encoding's size for fixed-size codecs, else {@link Codec#VARIABLE_SIZE}. */
    final int fixedSize;
    private OutOfLineStore store;

    SlotCodec(final Codec<T> codec) {
        this.codec = codec;
        this.fixedSize = codec.fixedSize();
        if (fixedSize < Codec.VARIABLE_SIZE) {
            throw new IllegalArgumentException("codec " + codec.name() + " reports an invalid fixed size " + fixedSize);
        }
        this.placement = fixedSize == Codec.VARIABLE_SIZE ? Placement.VARIABLE
                : fixedSize > BucketLayout.MAX_INLINE_SIZE ? Placement.INDIRECT : Placement.INLINE;
    }

    /** Connects the storage, which exists only once the table does (its budget is the table's). */
    void attach(final OutOfLineStore outOfLine) {
        this.store = outOfLine;
    }

    /** The type size Go's compiler would see: the encoding's size, or a string header's. */
    int typeSize() {
        return placement == Placement.VARIABLE ? HEADER_SIZE : fixedSize;
    }

    boolean isOutOfLine() {
        return placement != Placement.INLINE;
    }

    /** Bytes {@code value} encodes to, checked against what a slot can describe. */
    long encodedLength(final T value) {
        final long length = codec.encodedSize(value);
        if (placement != Placement.VARIABLE ? length != fixedSize : length < 0) {
            throw new IllegalStateException("codec " + codec.name() + " reports " + length + " bytes for a value"
                    + (placement != Placement.VARIABLE ? ", not its fixed size " + fixedSize : ""));
        }
        return length;
    }

    // ------------------------------------------------------------------ where the bytes are

    /** Length of the encoding stored in the slot at {@code slot} of {@code slots}. */
    long length(final MemorySegment slots, final long slot) {
        return placement == Placement.VARIABLE ? slots.get(WORD, slot + LENGTH_OFFSET) : fixedSize;
    }

    /** The segment holding the encoding of the slot: the bucket array itself, or a storage region. */
    MemorySegment bytesSegment(final MemorySegment slots, final long slot) {
        if (placement == Placement.INLINE) {
            return slots;
        }
        final long length = length(slots, slot);
        return length == 0 ? EMPTY : store.regionOf(slots.get(WORD, slot), length);
    }

    /** Offset of the encoding within {@link #bytesSegment} of the same slot. */
    long bytesOffset(final MemorySegment slots, final long slot, final MemorySegment bytesSegment) {
        if (placement == Placement.INLINE) {
            return slot;
        }
        return bytesSegment == EMPTY ? 0 : slots.get(WORD, slot) - bytesSegment.address();
    }

    // ------------------------------------------------------------------ keys

    /** Whether the slot holds exactly the {@code length} bytes at {@code offset} of {@code key}. */
    boolean matches(final MemorySegment slots, final long slot, final MemorySegment key, final long offset,
                    final long length) {
        if (placement == Placement.INLINE) {
            return equal(slots, slot, key, offset, fixedSize);
        }
        final long storedLength = length(slots, slot);
        if (storedLength != length) {
            return false;
        }
        if (length == 0) {
            return true;
        }
        final long address = slots.get(WORD, slot);
        final MemorySegment region = store.regionOf(address, length);
        return equal(region, address - region.address(), key, offset, length);
    }

    /** The hash of the key stored in the slot: the same as of its encoding anywhere else. */
    long hashStored(final MemorySegment slots, final long slot, final long seed) {
        if (placement == Placement.INLINE) {
            return BytesHash.hash(slots, slot, fixedSize, seed);
        }
        final MemorySegment bytes = bytesSegment(slots, slot);
        return BytesHash.hash(bytes, bytesOffset(slots, slot, bytes), length(slots, slot), seed);
    }

    /** Writes an encoding already made (a key, staged in a buffer) into an unused slot. */
    void storeEncoded(final MemorySegment slots, final long slot, final MemorySegment source, final long offset,
                      final long length) {
        if (placement == Placement.INLINE) {
            MemorySegment.copy(source, offset, slots, slot, fixedSize);
            return;
        }
        final long address = length == 0 ? 0 : store.allocate(length);
        if (length != 0) {
            final MemorySegment region = store.regionOf(address, length);
            MemorySegment.copy(source, offset, region, address - region.address(), length);
        }
        writeHeader(slots, slot, address, length);
    }

    // ------------------------------------------------------------------ values

    /** Encodes {@code value} ({@code length} bytes, from {@link #encodedLength}) into an unused slot. */
    void storeNew(final T value, final long length, final MemorySegment slots, final long slot) {
        if (placement == Placement.INLINE) {
            codec.encode(value, slots, slot);
            return;
        }
        writeHeader(slots, slot, encodeOutOfLine(value, length), length);
    }

    /**
     * Replaces the value in a used slot. Either the new value is in place or the old one is untouched:
     * an encoding is staged in a per-thread buffer before it overwrites anything, and a value needing a
     * new block is encoded there before the slot is pointed at it.
     */
    void replace(final T value, final long length, final MemorySegment slots, final long slot,
                 final StagingBuffer staging, final boolean deferFree) {
        if (placement == Placement.INLINE) {
            staging.ensureCapacity(fixedSize);
            codec.encode(value, staging.segment, 0);
            MemorySegment.copy(staging.segment, 0, slots, slot, fixedSize);
            return;
        }
        final long oldLength = length(slots, slot);
        final long oldAddress = slots.get(WORD, slot);
        final long address;
        if (length != 0 && length <= MAX_STAGED_REWRITE) {
            staging.ensureCapacity(length);
            codec.encode(value, staging.segment, 0);
            if (oldLength != 0 && store.tryResizeInPlace(oldAddress, oldLength, length)) {
                // The same size class as the block it replaces: rewritten in place, no allocation.
                final MemorySegment region = store.regionOf(oldAddress, length);
                MemorySegment.copy(staging.segment, 0, region, oldAddress - region.address(), length);
                writeHeader(slots, slot, oldAddress, length);
                return;
            }
            address = store.allocate(length);
            final MemorySegment region = store.regionOf(address, length);
            MemorySegment.copy(staging.segment, 0, region, address - region.address(), length);
        } else {
            address = encodeOutOfLine(value, length);
        }
        writeHeader(slots, slot, address, length);
        freeBlock(oldAddress, oldLength, deferFree);
    }

    private long encodeOutOfLine(final T value, final long length) {
        if (length == 0) {
            codec.encode(value, EMPTY, 0);
            return 0;
        }
        final long address = store.allocate(length);
        try {
            final MemorySegment region = store.regionOf(address, length);
            codec.encode(value, region, address - region.address());
        } catch (final RuntimeException | Error e) {
            store.free(address, length);
            throw e;
        }
        return address;
    }

    private void writeHeader(final MemorySegment slots, final long slot, final long address, final long length) {
        slots.set(WORD, slot, address);
        if (placement == Placement.VARIABLE) {
            slots.set(WORD, slot + LENGTH_OFFSET, length);
        }
    }

    // ------------------------------------------------------------------ reading

    T read(final MemorySegment slots, final long slot) {
        final MemorySegment bytes = bytesSegment(slots, slot);
        return codec.decode(bytes, bytesOffset(slots, slot, bytes), length(slots, slot));
    }

    T readUsing(final MemorySegment slots, final long slot, final T reuse) {
        final MemorySegment bytes = bytesSegment(slots, slot);
        return codec.decodeUsing(bytes, bytesOffset(slots, slot, bytes), length(slots, slot), reuse);
    }

    /** A read-only view of the encoding, valid until the next write to the table. */
    MemorySegment view(final MemorySegment slots, final long slot) {
        final MemorySegment bytes = bytesSegment(slots, slot);
        return bytes.asSlice(bytesOffset(slots, slot, bytes), length(slots, slot)).asReadOnly();
    }

    /**
     * Copies the encoding to {@code target} at {@code offset} and returns its length.
     *
     * @throws IndexOutOfBoundsException if it does not fit, with nothing copied
     */
    long copyTo(final MemorySegment slots, final long slot, final MemorySegment target, final long offset) {
        final long length = length(slots, slot);
        checkFits(length, target, offset);
        final MemorySegment bytes = bytesSegment(slots, slot);
        MemorySegment.copy(bytes, bytesOffset(slots, slot, bytes), target, offset, length);
        return length;
    }

    /**
     * Copies the encoding to {@code staged}, setting its length, and returns that length; or returns
     * {@link #NOT_STAGED} for one longer than {@link #MAX_STAGED_READ}, copying nothing.
     */
    long stage(final MemorySegment slots, final long slot, final StagingBuffer staged) {
        final long length = length(slots, slot);
        if (length > MAX_STAGED_READ) {
            return NOT_STAGED;
        }
        staged.ensureCapacity(length);
        final MemorySegment bytes = bytesSegment(slots, slot);
        MemorySegment.copy(bytes, bytesOffset(slots, slot, bytes), staged.segment, 0, length);
        staged.length = length;
        return length;
    }

    /** {@link #copyTo} of an encoding {@link #stage} copied. */
    long copyStaged(final StagingBuffer staged, final MemorySegment target, final long offset) {
        checkFits(staged.length, target, offset);
        MemorySegment.copy(staged.segment, 0, target, offset, staged.length);
        return staged.length;
    }

    /** {@link #read} of an encoding {@link #stage} copied. */
    T readStaged(final StagingBuffer staged) {
        return codec.decode(staged.segment, 0, staged.length);
    }

    /** {@link #readUsing} of an encoding {@link #stage} copied. */
    T readStagedUsing(final StagingBuffer staged, final T reuse) {
        return codec.decodeUsing(staged.segment, 0, staged.length, reuse);
    }

    private void checkFits(final long length, final MemorySegment target, final long offset) {
        if (target.isReadOnly()) {
            throw new IllegalArgumentException("the value's encoding (" + codec.name() + ") cannot be copied into a"
                    + " read-only segment");
        }
        if (offset < 0 || length > target.byteSize() - offset) {
            throw new IndexOutOfBoundsException("the value's encoding (" + codec.name() + ") of " + length
                    + " bytes does not fit at " + offset + " of a " + target.byteSize() + "-byte segment");
        }
    }

    // ------------------------------------------------------------------ freeing

    /** Frees the slot's out-of-line block, if any, and zeroes the slot (Go clears slots holding pointers). */
    void release(final MemorySegment slots, final long slot, final boolean deferFree) {
        if (placement != Placement.INLINE) {
            freeBlock(slots.get(WORD, slot), length(slots, slot), deferFree);
            writeHeader(slots, slot, 0, 0);
        } else {
            zero(slots, slot, fixedSize);
        }
    }

    private void freeBlock(final long address, final long length, final boolean deferFree) {
        if (length == 0) {
            return;
        }
        if (deferFree) {
            store.freeDeferred(address, length);
        } else {
            store.free(address, length);
        }
    }

    // ------------------------------------------------------------------ bytes

    /** Whether {@code length} bytes at {@code aOffset} of {@code a} equal those at {@code bOffset} of {@code b}. */
    static boolean equal(final MemorySegment a, final long aOffset, final MemorySegment b, final long bOffset,
                         final long length) {
        if (length > 32) {
            return MemorySegment.mismatch(a, aOffset, aOffset + length, b, bOffset, bOffset + length) == -1;
        }
        long i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            if (a.get(WORD, aOffset + i) != b.get(WORD, bOffset + i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (a.get(ValueLayout.JAVA_BYTE, aOffset + i) != b.get(ValueLayout.JAVA_BYTE, bOffset + i)) {
                return false;
            }
        }
        return true;
    }

    private static void zero(final MemorySegment segment, final long offset, final long length) {
        long i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            segment.set(WORD, offset + i, 0L);
        }
        for (; i < length; i++) {
            segment.set(ValueLayout.JAVA_BYTE, offset + i, (byte) 0);
        }
    }
}
