package io.panamap.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@link Codecs#fixedBytes(int)}: arrays of one length, stored as they are. */
final class FixedBytesCodec implements Codec<byte[]> {

    private final int size;
    private final String name;

    FixedBytesCodec(final int size) {
        if (size < 0) {
            throw new IllegalArgumentException("fixedBytes size must not be negative: " + size);
        }
        this.size = size;
        this.name = "bytes[" + size + "]";
    }

    @Override
    public int fixedSize() {
        return size;
    }

    @Override
    public void encode(final byte[] value, final MemorySegment target, final long offset) {
        if (value == null) {
            throw Codecs.nullValue(name);
        }
        if (value.length != size) {
            // Writing fewer bytes would leave stale ones in the slot, more would overwrite the next slot.
            throw new IllegalArgumentException(name + " codec encodes arrays of exactly " + size
                    + " bytes, not " + value.length);
        }
        MemorySegment.copy(value, 0, target, ValueLayout.JAVA_BYTE, offset, size);
    }

    @Override
    public byte[] decode(final MemorySegment source, final long offset, final long length) {
        Codecs.checkLength(name, size, length);
        final byte[] value = new byte[size];
        MemorySegment.copy(source, ValueLayout.JAVA_BYTE, offset, value, 0, size);
        return value;
    }

    /** Fills {@code reuse} when it has exactly {@link #fixedSize()} bytes; decodes a new array otherwise. */
    @Override
    public byte[] decodeUsing(final MemorySegment source, final long offset, final long length, final byte[] reuse) {
        if (reuse == null || reuse.length != size) {
            return decode(source, offset, length);
        }
        Codecs.checkLength(name, size, length);
        MemorySegment.copy(source, ValueLayout.JAVA_BYTE, offset, reuse, 0, size);
        return reuse;
    }

    @Override
    public String name() {
        return name;
    }

    /** The {@link #name()}, as the map's messages use it. */
    @Override
    public String toString() {
        return name();
    }
}
