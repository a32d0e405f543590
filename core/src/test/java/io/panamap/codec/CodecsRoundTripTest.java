package io.panamap.codec;

import io.panamap.codec.CodecCases.Case;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every codec against the parts of the {@link Codec} contract that hold for all of them. */
class CodecsRoundTripTest {

    /** Fills the bytes around an encoding, which encode must leave alone. */
    private static final byte SENTINEL = (byte) 0xA5;
    /** Sentinel bytes on each side. */
    private static final int MARGIN = 16;
    /** Every start within a word, so each codec meets every misalignment a bucket slot can have. */
    private static final int OFFSETS = 9;

    static List<Case<?>> cases() {
        return CodecCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyValueShouldRoundTripAtEveryOffsetInNativeAndHeapMemoryWritingExactlyItsSize(final Case<?> c) {
        try (Arena arena = Arena.ofConfined()) {
            checkRoundTrips(c, size -> arena.allocate(size));
            checkRoundTrips(c, size -> MemorySegment.ofArray(new byte[(int) size]));
        }
    }

    private static <T> void checkRoundTrips(final Case<T> c, final LongFunction<MemorySegment> memory) {
        final Codec<T> codec = c.codec();
        for (final T value : c.samples()) {
            final long size = codec.encodedSize(value);
            if (codec.isFixedSize()) {
                assertEquals(codec.fixedSize(), size, codec.name());
            }
            for (int offset = 0; offset < OFFSETS; offset++) {
                final MemorySegment target = memory.apply(MARGIN + offset + size + MARGIN);
                target.fill(SENTINEL);
                final long at = MARGIN + offset;
                codec.encode(value, target, at);
                final String where = codec.name() + " " + c.view().apply(value) + " at offset " + at;
                for (long i = 0; i < target.byteSize(); i++) {
                    if (i < at || i >= at + size) {
                        assertEquals(SENTINEL, target.get(ValueLayout.JAVA_BYTE, i), where + ": byte " + i + " changed");
                    }
                }
                assertEquals(c.view().apply(value), c.view().apply(codec.decode(target, at, size)), where);
                assertEquals(c.view().apply(value), c.view().apply(codec.decodeUsing(target, at, size, null)), where);
            }
        }
    }

    /** Every byte of the encoding is set by the value alone: what makes encoded keys comparable. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encodingShouldNotDependOnWhatTheTargetHeldBefore(final Case<?> c) {
        checkIndependentOfPriorContents(c);
    }

    private static <T> void checkIndependentOfPriorContents(final Case<T> c) {
        final SplittableRandom random = new SplittableRandom(5);
        try (Arena arena = Arena.ofConfined()) {
            for (final T value : c.samples()) {
                final long size = c.codec().encodedSize(value);
                final MemorySegment zeros = arena.allocate(size + 3);
                final MemorySegment garbage = arena.allocate(size + 5);
                for (long i = 0; i < garbage.byteSize(); i++) {
                    garbage.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt());
                }
                c.codec().encode(value, zeros, 3);
                c.codec().encode(value, garbage, 5);
                assertEquals(-1, MemorySegment.mismatch(zeros, 3, 3 + size, garbage, 5, 5 + size),
                        c.codec().name() + " " + c.view().apply(value));
            }
        }
    }

    @Test
    void namesAndSizesShouldBeTheDocumentedOnes() {
        final Map<String, Integer> expected = new TreeMap<>(Map.of("int", 4, "long", 8, "double", 8, "uuid", 16,
                "bytes[16]", 16, "bytes[3]", 3, "record(Quote)", 24, "bytes", -1, "utf8", -1, "segment", -1));
        final Map<String, Integer> actual = new TreeMap<>();
        for (final Case<?> c : CodecCases.all()) {
            actual.put(c.codec().name(), c.codec().fixedSize());
            assertEquals(c.codec().fixedSize() != Codec.VARIABLE_SIZE, c.codec().isFixedSize(), c.codec().name());
            assertEquals(c.codec().name(), c.codec().toString(), "a codec prints as its name");
        }
        assertEquals(expected, actual);
    }

    @Test
    void fixedBytesShouldRefuseAnArrayOfAnotherLengthNamingBothLengths() {
        final Codec<byte[]> codec = Codecs.fixedBytes(16);
        final MemorySegment target = MemorySegment.ofArray(new byte[32]);
        final IllegalArgumentException shorter = assertThrows(IllegalArgumentException.class,
                () -> codec.encode(new byte[15], target, 0));
        assertEquals("bytes[16] codec encodes arrays of exactly 16 bytes, not 15", shorter.getMessage());
        assertThrows(IllegalArgumentException.class, () -> codec.encode(new byte[17], target, 0));
        assertEquals(-1, target.mismatch(MemorySegment.ofArray(new byte[32])), "nothing written");
        final IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Codecs.fixedBytes(-1));
        assertTrue(negative.getMessage().contains("-1"), negative.getMessage());
    }

    @Test
    void fixedSizeCodecsShouldRefuseToDecodeAnotherLength() {
        final MemorySegment source = MemorySegment.ofArray(new byte[64]);
        for (final Case<?> c : CodecCases.all()) {
            if (c.codec().isFixedSize()) {
                final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> c.codec().decode(source, 0, c.codec().fixedSize() + 1), c.codec().name());
                assertEquals(c.codec().name() + " codec decodes " + c.codec().fixedSize() + " bytes, not "
                        + (c.codec().fixedSize() + 1), e.getMessage());
            }
        }
        // A reused array of the codec's size does not make another stored length acceptable.
        assertThrows(IllegalArgumentException.class,
                () -> Codecs.fixedBytes(16).decodeUsing(source, 0, 17, new byte[16]));
    }

    @Test
    void byteArrayCodecsShouldFillAReusedArrayOnlyOfTheStoredLength() {
        final MemorySegment source = MemorySegment.ofArray(CodecCases.counting(16));
        final byte[] reuse = new byte[16];
        assertSame(reuse, Codecs.bytes().decodeUsing(source, 0, 16, reuse));
        assertEquals(List.of(1, 16), List.of((int) reuse[0], (int) reuse[15]));
        final byte[] fixedReuse = new byte[16];
        assertSame(fixedReuse, Codecs.fixedBytes(16).decodeUsing(source, 0, 16, fixedReuse));
        assertEquals(16, fixedReuse[15]);

        final byte[] tooLong = new byte[17];
        final byte[] fresh = Codecs.bytes().decodeUsing(source, 0, 16, tooLong);
        assertEquals(16, fresh.length);
        assertEquals(0, tooLong[0], "an array of another length is left alone");
    }

    @Test
    void segmentsShouldDecodeIntoAReusedSegmentReturningItOrASliceOfIt() {
        final MemorySegment source = MemorySegment.ofArray(CodecCases.counting(16));
        final Codec<MemorySegment> codec = Codecs.segments();

        final MemorySegment fresh = codec.decode(source, 4, 8);
        assertEquals(8, fresh.byteSize());
        assertTrue(fresh.heapBase().orElseThrow() instanceof byte[], "a byte[]-backed heap segment");
        assertEquals(5, fresh.get(ValueLayout.JAVA_BYTE, 0));

        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment exact = arena.allocate(8);
            assertSame(exact, codec.decodeUsing(source, 4, 8, exact));
            assertEquals(12, exact.get(ValueLayout.JAVA_BYTE, 7));

            final MemorySegment larger = arena.allocate(32);
            final MemorySegment slice = codec.decodeUsing(source, 4, 8, larger);
            assertEquals(8, slice.byteSize());
            assertEquals(larger.address(), slice.address());
            assertEquals(12, larger.get(ValueLayout.JAVA_BYTE, 7));

            final MemorySegment smaller = arena.allocate(4);
            final MemorySegment notSmaller = codec.decodeUsing(source, 4, 8, smaller);
            assertEquals(8, notSmaller.byteSize());
            assertEquals(0, smaller.get(ValueLayout.JAVA_BYTE, 0), "a segment too small is left alone");

            final MemorySegment readOnly = arena.allocate(8).asReadOnly();
            assertEquals(5, codec.decodeUsing(source, 4, 8, readOnly).get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void uuidsShouldBeTheMostSignificantHalfThenTheLeastInNativeOrder() {
        final MemorySegment target = MemorySegment.ofArray(new byte[17]);
        Codecs.uuids().encode(new java.util.UUID(0x0102030405060708L, 0x1112131415161718L), target, 1);
        assertEquals(0x0102030405060708L, target.get(ValueLayout.JAVA_LONG_UNALIGNED, 1));
        assertEquals(0x1112131415161718L, target.get(ValueLayout.JAVA_LONG_UNALIGNED, 9));
    }

    /** The number types write the native-order word that LongLongMap stores and a view reads back with JAVA_LONG. */
    @Test
    void intsLongsAndDoublesShouldBeTheirNativeOrderWords() {
        final MemorySegment target = MemorySegment.ofArray(new byte[9]);
        Codecs.longs().encode(0x0102030405060708L, target, 1);
        assertEquals(0x0102030405060708L, target.get(ValueLayout.JAVA_LONG_UNALIGNED, 1));
        Codecs.doubles().encode(-Math.PI, target, 1);
        assertEquals(Double.doubleToLongBits(-Math.PI), target.get(ValueLayout.JAVA_LONG_UNALIGNED, 1));
        Codecs.ints().encode(0x01020304, target, 1);
        assertEquals(0x01020304, target.get(ValueLayout.JAVA_INT_UNALIGNED, 1));
    }

    /** A decoded segment is a copy: later writes to the stored bytes (or their freeing) do not reach it. */
    @Test
    void aDecodedSegmentShouldBeACopyOnTheHeapNotAViewOfTheStoredBytes() {
        final Codec<MemorySegment> codec = Codecs.segments();
        final MemorySegment decoded;
        final MemorySegment decodedUsingNull;
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment stored = arena.allocate(16);
            stored.copyFrom(MemorySegment.ofArray(CodecCases.counting(16)));
            decoded = codec.decode(stored, 4, 8);
            decodedUsingNull = codec.decodeUsing(stored, 4, 8, null);
            stored.fill((byte) 0);
        }
        for (final MemorySegment value : List.of(decoded, decodedUsingNull)) {
            assertTrue(value.heapBase().orElseThrow() instanceof byte[], "a byte[]-backed heap segment");
            assertEquals(8, value.byteSize());
            assertEquals(5, value.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(12, value.get(ValueLayout.JAVA_BYTE, 7));
        }
    }

    /**
     * A stored length no Java array can hold (a value over 2 GiB, which native memory can store) is
     * refused by every variable-size codec, not cut down to its low 32 bits and read as a shorter value.
     */
    @Test
    void variableSizeCodecsShouldRefuseALengthNoJavaArrayHolds() {
        final MemorySegment source = MemorySegment.ofArray(CodecCases.counting(16));
        final long tooLong = (1L << 32) + 5;
        for (final Codec<?> codec : List.of(Codecs.bytes(), Codecs.utf8(), Codecs.segments())) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> codec.decode(source, 0, tooLong), codec.name());
            assertEquals(codec.name() + " codec cannot decode " + tooLong + " bytes into a Java array", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> codec.decode(source, 0, -1), codec.name());
        }
        assertThrows(IllegalArgumentException.class,
                () -> Codecs.utf8().decodeUsing(source, 0, tooLong, new StringBuilder()));
    }
}
