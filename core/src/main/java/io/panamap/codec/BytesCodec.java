package io.panamap.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@link Codecs#bytes()}: arrays of any length, stored as they are. */
final class BytesCodec implements Codec<byte[]> {

    static final BytesCodec INSTANCE = new BytesCodec();

    private static final String NAME = "bytes";

    private BytesCodec() {
    }

    @Override
    public int fixedSize() {
        return VARIABLE_SIZE;
    }

    @Override
    public long encodedSize(final byte[] value) {
        if (value == null) {
            throw Codecs.nullValue(NAME);
        }
        return value.length;
    }

    @Override
    public void encode(final byte[] value, final MemorySegment target, final long offset) {
        if (value == null) {
            throw Codecs.nullValue(NAME);
        }
        MemorySegment.copy(value, 0, target, ValueLayout.JAVA_BYTE, offset, value.length);
    }

    @Override
    public byte[] decode(final MemorySegment source, final long offset, final long length) {
        final byte[] value = new byte[Codecs.arrayLength(NAME, length)];
        MemorySegment.copy(source, ValueLayout.JAVA_BYTE, offset, value, 0, value.length);
        return value;
    }

    /**
     * Fills {@code reuse} when it has exactly {@code length} bytes (an array cannot say it holds fewer
     * than its length); decodes a new array otherwise.
     */
    @Override
    public byte[] decodeUsing(final MemorySegment source, final long offset, final long length, final byte[] reuse) {
        if (reuse == null || reuse.length != length) {
            return decode(source, offset, length);
        }
        MemorySegment.copy(source, ValueLayout.JAVA_BYTE, offset, reuse, 0, reuse.length);
        return reuse;
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
