package io.panamap.codec;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Double keys mean what they mean in a {@code HashMap<Double, V>}. */
class CodecsDoublesTest {

    private static final Codec<Double> DOUBLES = Codecs.doubles();

    /** Quiet and signalling NaNs, either sign, assorted payloads. */
    private static final List<Double> NANS = List.of(Double.NaN, 0.0 / 0.0,
            Double.longBitsToDouble(0x7FF8_0000_0000_0001L), Double.longBitsToDouble(0xFFF8_0000_0000_0000L),
            Double.longBitsToDouble(0x7FF0_0000_0000_0001L), Double.longBitsToDouble(0xFFFF_FFFF_FFFF_FFFFL));

    @Test
    void everyNaNShouldEncodeToTheSameBytesAndDecodeToNaN() {
        final Set<Long> encodings = new HashSet<>();
        for (final Double nan : NANS) {
            assertTrue(nan.isNaN());
            encodings.add(encode(nan));
            assertTrue(DOUBLES.decode(target(nan), 1, Double.BYTES).isNaN());
        }
        assertEquals(Set.of(Double.doubleToLongBits(Double.NaN)), encodings);
        assertEquals(1, new HashSet<>(NANS).size(), "as a HashSet<Double> sees them");
    }

    @Test
    void zeroAndNegativeZeroShouldEncodeToDifferentBytesAsDoubleEqualsSays() {
        assertNotEquals(encode(0.0), encode(-0.0));
        assertNotEquals(Double.valueOf(0.0), Double.valueOf(-0.0));
        assertEquals(-0.0, DOUBLES.decode(target(-0.0), 1, Double.BYTES));
        assertEquals(Double.doubleToRawLongBits(-0.0),
                Double.doubleToRawLongBits(DOUBLES.decode(target(-0.0), 1, Double.BYTES)));
    }

    /** The stored bits at an odd offset. */
    private static long encode(final double value) {
        return target(value).get(ValueLayout.JAVA_LONG_UNALIGNED, 1);
    }

    private static MemorySegment target(final double value) {
        final MemorySegment target = MemorySegment.ofArray(new byte[1 + Double.BYTES]);
        DOUBLES.encode(value, target, 1);
        return target;
    }
}
