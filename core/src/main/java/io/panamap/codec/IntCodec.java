package io.panamap.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@link Codecs#ints()}: the int in native byte order. */
final class IntCodec implements Codec<Integer> {

    static final IntCodec INSTANCE = new IntCodec();

    private static final String NAME = "int";
    /** Unaligned: a slot may start at any offset. */
    private static final ValueLayout.OfInt LAYOUT = ValueLayout.JAVA_INT_UNALIGNED;

    private IntCodec() {
    }

    @Override
    public int fixedSize() {
        return Integer.BYTES;
    }

    @Override
    public void encode(final Integer value, final MemorySegment target, final long offset) {
        if (value == null) {
            throw Codecs.nullValue(NAME);
        }
        target.set(LAYOUT, offset, value);
    }

    @Override
    public Integer decode(final MemorySegment source, final long offset, final long length) {
        Codecs.checkLength(NAME, Integer.BYTES, length);
        return source.get(LAYOUT, offset);
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
