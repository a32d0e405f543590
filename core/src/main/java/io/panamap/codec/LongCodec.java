package io.panamap.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@link Codecs#longs()}: the long in native byte order, as {@link io.panamap.LongLongMap} stores it. */
final class LongCodec implements Codec<Long> {

    static final LongCodec INSTANCE = new LongCodec();

    private static final String NAME = "long";
    /** Unaligned: a slot may start at any offset. */
    private static final ValueLayout.OfLong LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED;

    private LongCodec() {
    }

    @Override
    public int fixedSize() {
        return Long.BYTES;
    }

    @Override
    public void encode(final Long value, final MemorySegment target, final long offset) {
        if (value == null) {
            throw Codecs.nullValue(NAME);
        }
        target.set(LAYOUT, offset, value);
    }

    @Override
    public Long decode(final MemorySegment source, final long offset, final long length) {
        Codecs.checkLength(NAME, Long.BYTES, length);
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
