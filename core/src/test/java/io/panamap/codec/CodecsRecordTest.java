package io.panamap.codec;

import io.panamap.codec.CodecCases.Quote;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

import static io.panamap.codec.CodecCases.QUOTES;
import static io.panamap.codec.CodecCases.QUOTE_LAYOUT;
import static io.panamap.codec.CodecCases.QUOTE_PADDING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Codecs#record}: layouts matched by name, canonical bytes, any offset, and clear refusals. */
class CodecsRecordTest {

    private static final Quote QUOTE = new Quote(101_250_000L, 300, (short) 7, (byte) -2, true);

    record Measure(double value, float weight) {
    }

    record Named(long id, String name) {
    }

    record Positive(int value) {
        Positive {
            if (value <= 0) {
                throw new IllegalArgumentException("not positive: " + value);
            }
        }
    }

    @Test
    void aQuoteShouldRoundTripInEverySlotOfABucketWhateverTheAlignment() {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment bucket = arena.allocate(8 + 8 * 24 + 8, 8);
            for (int slot = 0; slot < 8; slot++) {
                final long at = 8 + slot * 24L;
                QUOTES.encode(new Quote(slot, slot, (short) slot, (byte) slot, slot % 2 == 0), bucket, at);
            }
            for (int slot = 0; slot < 8; slot++) {
                assertEquals(new Quote(slot, slot, (short) slot, (byte) slot, slot % 2 == 0),
                        QUOTES.decode(bucket, 8 + slot * 24L, 24));
            }
            // A 12-byte record's slot 1 starts at byte 20: no member is aligned there.
            final MemorySegment odd = arena.allocate(64, 8);
            for (long at = 1; at < 8; at++) {
                QUOTES.encode(QUOTE, odd, at);
                assertEquals(QUOTE, QUOTES.decode(odd, at, 24), "at " + at);
            }
        }
    }

    @Test
    void componentsShouldSitWhereTheirNamedMembersSitAndBooleanAsOneByte() {
        final MemorySegment target = encoded(QUOTE, 0);
        assertEquals(101_250_000L, target.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
        assertEquals(300, target.get(ValueLayout.JAVA_INT_UNALIGNED, 8));
        assertEquals((byte) -2, target.get(ValueLayout.JAVA_BYTE, 12));
        assertEquals((short) 7, target.get(ValueLayout.JAVA_SHORT_UNALIGNED, 14));
        assertEquals(1, target.get(ValueLayout.JAVA_BYTE, 16));
        assertEquals(0, encoded(new Quote(0, 0, (short) 0, (byte) 0, false), 0).get(ValueLayout.JAVA_BYTE, 16));
    }

    @Test
    void aMembersByteOrderShouldBeHonoured() {
        record Id(long value) {
        }
        final Codec<Id> bigEndian = Codecs.record(Id.class,
                MemoryLayout.structLayout(ValueLayout.JAVA_LONG.withOrder(ByteOrder.BIG_ENDIAN).withName("value")));
        final MemorySegment target = MemorySegment.ofArray(new byte[9]);
        bigEndian.encode(new Id(0x0102030405060708L), target, 1);
        assertEquals(1, target.get(ValueLayout.JAVA_BYTE, 1));
        assertEquals(8, target.get(ValueLayout.JAVA_BYTE, 8));
        assertEquals(new Id(0x0102030405060708L), bigEndian.decode(target, 1, 8));
    }

    /** Float and double members are written as their bits in the member's byte order, like the integral ones. */
    @Test
    void aFloatOrDoubleMembersByteOrderShouldBeHonoured() {
        record Price(double value, float size) {
        }
        final Codec<Price> codec = Codecs.record(Price.class, MemoryLayout.structLayout(
                ValueLayout.JAVA_DOUBLE.withOrder(ByteOrder.BIG_ENDIAN).withName("value"),
                ValueLayout.JAVA_FLOAT.withOrder(ByteOrder.BIG_ENDIAN).withName("size"),
                MemoryLayout.paddingLayout(4)));
        final MemorySegment target = MemorySegment.ofArray(new byte[17]);
        codec.encode(new Price(1.5, 2.5f), target, 1);
        assertEquals(Double.doubleToLongBits(1.5),
                target.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 1));
        assertEquals(Float.floatToIntBits(2.5f),
                target.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 9));
        assertEquals(new Price(1.5, 2.5f), codec.decode(target, 1, 16));
    }

    @Test
    void paddingShouldBeWrittenAsZerosOverGarbage() {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment target = arena.allocate(3 + 24);
            target.fill((byte) 0xFF);
            QUOTES.encode(QUOTE, target, 3);
            for (final long padding : QUOTE_PADDING) {
                assertEquals(0, target.get(ValueLayout.JAVA_BYTE, 3 + padding), "padding byte " + padding);
            }
            final MemorySegment clean = arena.allocate(24);
            QUOTES.encode(QUOTE, clean, 0);
            assertEquals(-1, MemorySegment.mismatch(target, 3, 27, clean, 0, 24));
        }
    }

    /** Equal records (in the sense of {@code Record.equals}) encode alike; unequal ones differently. */
    @Test
    void floatAndDoubleComponentsShouldEncodeEqualExactlyWhenTheRecordsAreEqual() {
        final Codec<Measure> codec = Codecs.record(Measure.class, MemoryLayout.structLayout(
                ValueLayout.JAVA_FLOAT.withName("weight"), MemoryLayout.paddingLayout(4),
                ValueLayout.JAVA_DOUBLE.withName("value")));
        final List<Measure> measures = List.of(
                new Measure(Double.NaN, Float.NaN),
                new Measure(Double.longBitsToDouble(0x7FF0_0000_0000_0001L), Float.intBitsToFloat(0xFFC0_0001)),
                new Measure(0.0, 0.0f), new Measure(-0.0, 0.0f), new Measure(0.0, -0.0f), new Measure(1.5, 2.5f));
        for (final Measure a : measures) {
            for (final Measure b : measures) {
                final boolean sameBytes = encoded(codec, a).mismatch(encoded(codec, b)) == -1;
                assertEquals(a.equals(b), sameBytes, a + " vs " + b);
            }
            assertEquals(a, codec.decode(encoded(codec, a), 0, 16));
        }
    }

    @Test
    void decodingShouldGoThroughTheCanonicalConstructorAndItsChecks() {
        final Codec<Positive> codec = Codecs.record(Positive.class,
                MemoryLayout.structLayout(ValueLayout.JAVA_INT.withName("value")));
        final MemorySegment zero = MemorySegment.ofArray(new byte[4]);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> codec.decode(zero, 0, 4));
        assertEquals("not positive: 0", e.getMessage());
    }

    @Test
    void encodingShouldWriteNothingIfTheRecordDoesNotFit() {
        final MemorySegment target = MemorySegment.ofArray(new byte[30]);
        assertThrows(IndexOutOfBoundsException.class, () -> QUOTES.encode(QUOTE, target, 7));
        assertEquals(-1, target.mismatch(MemorySegment.ofArray(new byte[30])));
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aClassThatIsNotARecordShouldBeRefused() {
        assertRefused("record(String): java.lang.String is not a record class",
                () -> Codecs.record((Class) String.class, QUOTE_LAYOUT));
    }

    @Test
    void aLayoutThatIsNotAStructShouldBeRefused() {
        assertRefused("record(Quote): the layout must be a struct layout, not ",
                () -> Codecs.record(Quote.class, MemoryLayout.unionLayout(ValueLayout.JAVA_LONG.withName("price"))));
        assertRefused("record(Quote): the layout must be a struct layout, not ",
                () -> Codecs.record(Quote.class, ValueLayout.JAVA_LONG.withName("price")));
    }

    @Test
    void aComponentWithoutAMemberShouldBeRefusedByName() {
        assertRefused("record(Quote): component 'firm' has no layout member named 'firm' (members: [price,"
                + " quantity, side, venue])", () -> Codecs.record(Quote.class, MemoryLayout.structLayout(
                        ValueLayout.JAVA_LONG.withName("price"), ValueLayout.JAVA_INT.withName("quantity"),
                        ValueLayout.JAVA_BYTE.withName("side"), MemoryLayout.paddingLayout(1),
                        ValueLayout.JAVA_SHORT.withName("venue"))));
    }

    @Test
    void aMemberWithoutAComponentShouldBeRefusedByName() {
        assertRefused("record(Quote): layout member 'flags' has no record component of that name (components:"
                + " [price, quantity, venue, side, firm])", () -> Codecs.record(Quote.class, append(QUOTE_LAYOUT,
                        ValueLayout.JAVA_LONG.withName("flags"))));
    }

    @Test
    void aComponentWhoseTypeIsNotItsMembersCarrierShouldBeRefused() {
        assertRefused("record(Quote): component 'quantity' is int but layout member 'quantity' carries long",
                () -> Codecs.record(Quote.class, MemoryLayout.structLayout(
                        ValueLayout.JAVA_LONG.withName("price"), ValueLayout.JAVA_LONG.withName("quantity"),
                        ValueLayout.JAVA_SHORT.withName("venue"), ValueLayout.JAVA_BYTE.withName("side"),
                        ValueLayout.JAVA_BOOLEAN.withName("firm"))));
        assertRefused("record(Quote): component 'firm' is boolean but layout member 'firm' carries byte",
                () -> Codecs.record(Quote.class, MemoryLayout.structLayout(
                        ValueLayout.JAVA_LONG.withName("price"), ValueLayout.JAVA_INT.withName("quantity"),
                        ValueLayout.JAVA_SHORT.withName("venue"), ValueLayout.JAVA_BYTE.withName("side"),
                        ValueLayout.JAVA_BYTE.withName("firm"))));
    }

    @Test
    void aComponentThatIsNotPrimitiveShouldBeRefused() {
        assertRefused("record(Named): component 'name' is of type java.lang.String; only primitive components are"
                + " supported", () -> Codecs.record(Named.class, MemoryLayout.structLayout(
                        ValueLayout.JAVA_LONG.withName("id"), ValueLayout.ADDRESS.withName("name"))));
    }

    @Test
    void namelessNestedAndRepeatedMembersShouldBeRefused() {
        // Between "byte 24" and the advice the message quotes the member as the JDK prints layouts.
        final IllegalArgumentException nameless = assertThrows(IllegalArgumentException.class,
                () -> Codecs.record(Quote.class, append(QUOTE_LAYOUT, ValueLayout.JAVA_INT)));
        assertTrue(nameless.getMessage().startsWith("record(Quote): layout member at byte 24 (")
                && nameless.getMessage().endsWith(") has no name; name it after its record component (withName)"
                + " or make it a padding layout"), nameless.getMessage());
        final IllegalArgumentException nested = assertThrows(IllegalArgumentException.class,
                () -> Codecs.record(Quote.class, append(QUOTE_LAYOUT,
                        MemoryLayout.structLayout(ValueLayout.JAVA_LONG.withName("price")))));
        assertTrue(nested.getMessage().startsWith("record(Quote): layout member at byte 24 (")
                && nested.getMessage().endsWith(") is a nested group; only value layouts and padding are supported"),
                nested.getMessage());
        assertRefused("record(Quote): the layout has two members named 'price'",
                () -> Codecs.record(Quote.class, append(QUOTE_LAYOUT, ValueLayout.JAVA_LONG.withName("price"))));
    }

    @Test
    void theNameShouldBeTheRecordsSimpleName() {
        assertEquals("record(Quote)", QUOTES.name());
        assertEquals(24, QUOTES.fixedSize());
    }

    /** Padding given as several members in a row is zeroed whole, not only its last member. */
    @Test
    void consecutivePaddingMembersShouldAllBeZeroed() {
        record Pair(int first, int second) {
        }
        final Codec<Pair> codec = Codecs.record(Pair.class, MemoryLayout.structLayout(
                ValueLayout.JAVA_INT.withName("first"), MemoryLayout.paddingLayout(2), MemoryLayout.paddingLayout(3),
                MemoryLayout.paddingLayout(3), ValueLayout.JAVA_INT.withName("second")));
        final MemorySegment target = MemorySegment.ofArray(new byte[16]);
        target.fill((byte) 0xFF);
        codec.encode(new Pair(1, 2), target, 0);
        for (long padding = 4; padding < 12; padding++) {
            assertEquals(0, target.get(ValueLayout.JAVA_BYTE, padding), "padding byte " + padding);
        }
        assertEquals(new Pair(1, 2), codec.decode(target, 0, 16));
    }

    private static void assertRefused(final String messageStart, final Runnable construction) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construction::run);
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    }

    private static StructLayout append(final StructLayout layout, final MemoryLayout member) {
        final List<MemoryLayout> members = new java.util.ArrayList<>(layout.memberLayouts());
        members.add(member);
        return MemoryLayout.structLayout(members.toArray(MemoryLayout[]::new));
    }

    private static MemorySegment encoded(final Quote quote, final long offset) {
        final MemorySegment target = MemorySegment.ofArray(new byte[(int) offset + 24]);
        QUOTES.encode(quote, target, offset);
        return target;
    }

    private static <R> MemorySegment encoded(final Codec<R> codec, final R value) {
        final MemorySegment target = MemorySegment.ofArray(new byte[codec.fixedSize()]);
        codec.encode(value, target, 0);
        return target;
    }
}
