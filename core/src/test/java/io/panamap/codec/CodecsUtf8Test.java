package io.panamap.codec;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Utf8} and {@link Codecs#utf8()} against the JDK's own UTF-8 encoder and decoder. */
class CodecsUtf8Test {

    private static final Codec<CharSequence> UTF8 = Codecs.utf8();

    /**
     * Text that reaches every branch: ASCII runs long enough for the eight-at-a-time path, two- and
     * three-byte chars, supplementary characters (surrogate pairs), and lone surrogates of either kind
     * (which, next to each other, sometimes pair up).
     */
    @Provide
    Arbitrary<String> text() {
        final Arbitrary<String> piece = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.strings().withCharRange('\0', '\u007f').ofMaxLength(20)),
                Tuple.of(2, Arbitraries.chars().range('\u0080', '\u07ff').map(String::valueOf)),
                Tuple.of(2, Arbitraries.chars().range('\u0800', '\uffff').map(String::valueOf)),
                Tuple.of(2, Arbitraries.integers().between(Character.MIN_SUPPLEMENTARY_CODE_POINT,
                        Character.MAX_CODE_POINT).map(Character::toString)),
                Tuple.of(2, Arbitraries.chars().range(Character.MIN_SURROGATE, Character.MAX_SURROGATE)
                        .map(String::valueOf)));
        return piece.list().ofMaxSize(30).map(pieces -> String.join("", pieces));
    }

    @Property(tries = 2000)
    void encodingShouldBeStringGetBytesByteForByte(@ForAll("text") final String text) {
        final byte[] expected = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(expected.length, Utf8.encodedLength(text));
        assertEquals(expected.length, UTF8.encodedSize(text));
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment target = arena.allocate(expected.length + 3);
            UTF8.encode(text, target, 3);
            assertEquals(HexFormat.of().formatHex(expected),
                    HexFormat.of().formatHex(target.asSlice(3).toArray(ValueLayout.JAVA_BYTE)));
        }
    }

    @Property(tries = 1000)
    void aStringBuilderAndACharBufferShouldEncodeLikeTheStringOfTheSameText(@ForAll("text") final String text) {
        final byte[] fromString = encode(text);
        assertArrayEquals(fromString, encode(new StringBuilder(text)));
        assertArrayEquals(fromString, encode(CharBuffer.wrap(text)));
    }

    @Property(tries = 1000)
    void decodingShouldGiveTheJdksStringAndRefillABuilder(@ForAll("text") final String text) {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        final String expected = new String(bytes, StandardCharsets.UTF_8);
        final MemorySegment source = MemorySegment.ofArray(bytes);
        assertEquals(expected, UTF8.decode(source, 0, bytes.length));
        final StringBuilder reuse = new StringBuilder("left over from before");
        assertSame(reuse, UTF8.decodeUsing(source, 0, bytes.length, reuse));
        assertEquals(expected, reuse.toString());
    }

    /** Bytes encode never writes (broken sequences, overlong forms, encoded surrogates) read as the JDK reads them. */
    @Property(tries = 2000)
    void malformedBytesShouldDecodeIntoABuilderExactlyAsTheJdkDecodesThem(@ForAll("text") final String text,
                                                                         @ForAll final byte[] noise,
                                                                         @ForAll @IntRange(min = 0, max = 200)
                                                                         final int at) {
        final byte[] valid = text.getBytes(StandardCharsets.UTF_8);
        final int split = Math.min(at, valid.length);
        final byte[] bytes = new byte[valid.length + noise.length];
        System.arraycopy(valid, 0, bytes, 0, split);
        System.arraycopy(noise, 0, bytes, split, noise.length);
        System.arraycopy(valid, split, bytes, split + noise.length, valid.length - split);
        final StringBuilder reuse = new StringBuilder();
        UTF8.decodeUsing(MemorySegment.ofArray(bytes), 0, bytes.length, reuse);
        assertEquals(new String(bytes, StandardCharsets.UTF_8), reuse.toString());
    }

    @Test
    void overlongAndSurrogateFormsShouldDecodeAsTheJdkDecodesThem() {
        final byte[][] awkward = {
            {(byte) 0xC0, (byte) 0x80}, {(byte) 0xC1, (byte) 0xBF}, {(byte) 0xE0, (byte) 0x80, (byte) 0x80},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xF8, 'a'}, {(byte) 0x80},
            {'a', 'b', 'c', 'd', 'e', 'f', 'g', (byte) 0xE2, (byte) 0x82}};
        for (final byte[] bytes : awkward) {
            final StringBuilder reuse = new StringBuilder();
            UTF8.decodeUsing(MemorySegment.ofArray(bytes), 0, bytes.length, reuse);
            assertEquals(new String(bytes, StandardCharsets.UTF_8), reuse.toString(), HexFormat.of().formatHex(bytes));
        }
    }

    /** Each pair is a text and a near miss: itself, a prefix, an extension, one char changed, or another text. */
    @Property(tries = 2000)
    void equalsEncodedShouldAgreeWithComparingTheEncodings(@ForAll("text") final String text,
                                                           @ForAll("text") final String other,
                                                           @ForAll @IntRange(min = 0, max = 4) final int edit) {
        final String stored = switch (edit) {
            case 0 -> text;
            case 1 -> text.isEmpty() ? other : text.substring(0, text.length() - 1);
            case 2 -> text + other;
            case 3 -> text.isEmpty() ? other : other + text.substring(1);
            default -> other;
        };
        final byte[] storedBytes = stored.getBytes(StandardCharsets.UTF_8);
        // Stored bytes end where the segment ends: a comparison must not read past them.
        final MemorySegment segment = MemorySegment.ofArray(new byte[1 + storedBytes.length]);
        MemorySegment.copy(storedBytes, 0, segment, ValueLayout.JAVA_BYTE, 1, storedBytes.length);
        assertEquals(Arrays.equals(text.getBytes(StandardCharsets.UTF_8), storedBytes),
                Utf8.equalsEncoded(text, segment, 1, storedBytes.length), () -> text + " vs " + stored);
    }

    @Test
    void equalsEncodedShouldTellApartTextThatDiffersOnlyInItsLastByteOrLength() {
        final MemorySegment stored = MemorySegment.ofArray("order-12345678".getBytes(StandardCharsets.UTF_8));
        assertTrue(Utf8.equalsEncoded("order-12345678", stored, 0, 14));
        assertTrue(Utf8.equalsEncoded(new StringBuilder("order-12345678"), stored, 0, 14));
        assertFalse(Utf8.equalsEncoded("order-12345679", stored, 0, 14));
        assertFalse(Utf8.equalsEncoded("order-1234567", stored, 0, 14));
        assertFalse(Utf8.equalsEncoded("order-123456789", stored, 0, 14));
        assertTrue(Utf8.equalsEncoded("order-1", stored, 0, 7));
        assertThrows(IndexOutOfBoundsException.class, () -> Utf8.equalsEncoded("order-12345678", stored, 1, 14));
    }

    /**
     * Stored bytes that are the text's encoding cut one byte short (inside its last char, a 2-, 3- or
     * 4-byte one, or inside a final run of eight ASCII chars that is compared as one word) are not equal to
     * it; and the comparison reads nothing past the stored bytes, here the end of the segment.
     */
    @Test
    void equalsEncodedShouldRefuseAnEncodingCutOneByteShortWithoutReadingPastIt() {
        for (final String text : List.of("ab\u00E9", "a\u20AC", "a\uD83D\uDE00", "eight ch\uD83D\uDE00",
                "\u00E9".repeat(8) + "abcdefgh")) {
            final byte[] encoded = text.getBytes(StandardCharsets.UTF_8);
            final byte[] cut = Arrays.copyOf(encoded, encoded.length - 1);
            assertFalse(Utf8.equalsEncoded(text, MemorySegment.ofArray(cut), 0, cut.length), text);
        }
    }

    @Test
    void aLoneSurrogateShouldEncodeAsAQuestionMarkAndAPairAsFourBytes() {
        assertArrayEquals(new byte[] {'a', '?', 'b'}, encode("a\uD800b"));
        assertArrayEquals(new byte[] {'?', '?'}, encode("\uDC00\uD800"));
        assertArrayEquals(new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}, encode("\uD83D\uDE00"));
        assertArrayEquals(new byte[] {'?'}, encode("\uD83D"));
    }

    /**
     * An unpaired surrogate is stored as '?' and matches only '?': stored text that differs exactly where
     * the lone surrogate sits is another key.
     */
    @Test
    void equalsEncodedShouldMatchALoneSurrogateOnlyToAQuestionMark() {
        for (final String text : List.of("a\uD800b", "a\uDC00b", "\uD83D", "a lone \uD800 in text of some length")) {
            final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            assertTrue(Utf8.equalsEncoded(text, MemorySegment.ofArray(bytes), 0, bytes.length), text);
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '?') {
                    final byte[] other = bytes.clone();
                    other[i] = 'x';
                    assertFalse(Utf8.equalsEncoded(text, MemorySegment.ofArray(other), 0, other.length), text);
                }
            }
        }
    }

    private static byte[] encode(final CharSequence text) {
        final MemorySegment target = MemorySegment.ofArray(new byte[(int) UTF8.encodedSize(text)]);
        UTF8.encode(text, target, 0);
        return target.toArray(ValueLayout.JAVA_BYTE);
    }
}
