package io.panamap.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@link Codecs#doubles()}: {@link Double#doubleToLongBits} in native byte order. Not the raw bits: those
 * would make NaNs with different payloads different keys, where {@link Double#equals} (and so a
 * {@code HashMap<Double, V>}) has one NaN. {@code 0.0} and {@code -0.0} stay apart, as {@code equals}
 * keeps them.
 */
final class DoubleCodec implements Codec<Double> {

    static final DoubleCodec INSTANCE = new DoubleCodec();

    private static final String NAME = "double";
    /** Unaligned: a slot may start at any offset. */
    private static final ValueLayout.OfLong LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED;

    private DoubleCodec() {
    }

    @Override
    public int fixedSize() {
        return Double.BYTES;
    }

    @Override
    public void encode(final Double value, final MemorySegment target, final long offset) {
        if (value == null) {
            throw Codecs.nullValue(NAME);
        }
        target.set(LAYOUT, offset, Double.doubleToLongBits(value));
    }

    @Override
    public Double decode(final MemorySegment source, final long offset, final long length) {
        Codecs.checkLength(NAME, Double.BYTES, length);
        return Double.longBitsToDouble(source.get(LAYOUT, offset));
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
