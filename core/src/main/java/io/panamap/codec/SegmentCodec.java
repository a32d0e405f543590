package io.panamap.codec;

import java.lang.foreign.MemorySegment;

/**
 * {@link Codecs#segments()}: a segment's bytes, copied in and copied out (the contract of
 * {@code decodeUsing} is spelled out there). {@code decode} returns a {@code byte[]}-backed heap segment
 * rather than a native one: the one allocation a caller who keeps the value needs anyway, and one the
 * garbage collector frees without an arena to close.
 */
final class SegmentCodec implements Codec<MemorySegment> {

    static final SegmentCodec INSTANCE = new SegmentCodec();

    private static final String NAME = "segment";

    private SegmentCodec() {
    }

    @Override
    public int fixedSize() {
        return VARIABLE_SIZE;
    }

    @Override
    public long encodedSize(final MemorySegment value) {
        if (value == null) {
            throw Codecs.nullValue(NAME);
        }
        return value.byteSize();
    }

    @Override
    public void encode(final MemorySegment value, final MemorySegment target, final long offset) {
        if (value == null) {
            throw Codecs.nullValue(NAME);
        }
        MemorySegment.copy(value, 0, target, offset, value.byteSize());
    }

    @Override
    public MemorySegment decode(final MemorySegment source, final long offset, final long length) {
        final MemorySegment value = MemorySegment.ofArray(new byte[Codecs.arrayLength(NAME, length)]);
        MemorySegment.copy(source, offset, value, 0, length);
        return value;
    }

    @Override
    public MemorySegment decodeUsing(final MemorySegment source, final long offset, final long length,
                                     final MemorySegment reuse) {
        if (reuse == null || reuse.isReadOnly() || reuse.byteSize() < length) {
            return decode(source, offset, length);
        }
        MemorySegment.copy(source, offset, reuse, 0, length);
        return reuse.byteSize() == length ? reuse : reuse.asSlice(0, length);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The {@link #name()}, as the map's messages use it. */
    @Override
    public String toString() {
        return name();
    }
}
