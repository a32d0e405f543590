package io.panamap.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.UUID;

/**
 * {@link Codecs#uuids()}: the most significant half at the offset, the least significant half 8 bytes
 * on, each a native-order long.
 */
final class UuidCodec implements Codec<UUID> {

    static final UuidCodec INSTANCE = new UuidCodec();

    private static final String NAME = "uuid";
    private static final int SIZE = 2 * Long.BYTES;
    private static final long LEAST_OFFSET = Long.BYTES;
    /** Unaligned: a slot may start at any offset. */
    private static final ValueLayout.OfLong HALF = ValueLayout.JAVA_LONG_UNALIGNED;

    private UuidCodec() {
    }

    @Override
    public int fixedSize() {
        return SIZE;
    }

    @Override
    public void encode(final UUID value, final MemorySegment target, final long offset) {
        if (value == null) {
            throw Codecs.nullValue(NAME);
        }
        target.set(HALF, offset, value.getMostSignificantBits());
        target.set(HALF, offset + LEAST_OFFSET, value.getLeastSignificantBits());
    }

    @Override
    public UUID decode(final MemorySegment source, final long offset, final long length) {
        Codecs.checkLength(NAME, SIZE, length);
        return new UUID(source.get(HALF, offset), source.get(HALF, offset + LEAST_OFFSET));
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
