package io.panamap.codec;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** Every shipped codec with awkward sample values, and the record the record-codec tests use. */
final class CodecCases {

    /** A fixed-width record of every width of primitive, as a market-data key or value might be. */
    record Quote(long price, int quantity, short venue, byte side, boolean firm) {
    }

    /**
     * Quote's layout: members in another order than the components (matching is by name), a padding byte
     * inside and seven at the end, 24 bytes in all.
     *
     * <pre>
     *   0        8          12     13    14      16     17         24
     *   +--------+----------+------+-----+-------+------+----------+
     *   | price  | quantity | side | pad | venue | firm | pad ×7   |
     *   +--------+----------+------+-----+-------+------+----------+
     * </pre>
     */
    static final StructLayout QUOTE_LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("price"),
            ValueLayout.JAVA_INT.withName("quantity"),
            ValueLayout.JAVA_BYTE.withName("side"),
            MemoryLayout.paddingLayout(1),
            ValueLayout.JAVA_SHORT.withName("venue"),
            ValueLayout.JAVA_BOOLEAN.withName("firm"),
            MemoryLayout.paddingLayout(7));

    /** Offsets of Quote's padding bytes in {@link #QUOTE_LAYOUT}. */
    static final long[] QUOTE_PADDING = {13, 17, 18, 19, 20, 21, 22, 23};

    static final Codec<Quote> QUOTES = Codecs.record(Quote.class, QUOTE_LAYOUT);

    /**
     * A codec, values to try it on, and a view of a value with the equality the codec promises (arrays and
     * segments by content, text by its UTF-8 bytes).
     */
    record Case<T>(Codec<T> codec, List<T> samples, Function<T, Object> view) {

        Case(final Codec<T> codec, final List<T> samples) {
            this(codec, samples, value -> value);
        }

        @Override
        public String toString() {
            return codec.name();
        }
    }

    private CodecCases() {
    }

    static List<Case<?>> all() {
        final HexFormat hex = HexFormat.of();
        final Function<byte[], Object> arrayView = hex::formatHex;
        return List.of(
                new Case<>(Codecs.ints(), List.of(0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x01020304)),
                new Case<>(Codecs.longs(), List.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0x0102030405060708L)),
                new Case<>(Codecs.doubles(), List.of(0.0, -0.0, 1.5, -Math.PI, Double.NaN, Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE)),
                new Case<>(Codecs.uuids(), List.of(new UUID(0, 0), new UUID(-1, -1), new UUID(1, 2),
                        UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))),
                new Case<>(Codecs.fixedBytes(16), List.of(new byte[16], filled(16, 0xFF), counting(16)), arrayView),
                new Case<>(Codecs.fixedBytes(3), List.of(new byte[3], counting(3)), arrayView),
                new Case<>(QUOTES, List.of(new Quote(0, 0, (short) 0, (byte) 0, false),
                        new Quote(Long.MIN_VALUE, -1, Short.MAX_VALUE, Byte.MIN_VALUE, true),
                        new Quote(101_250_000L, 300, (short) 7, (byte) 1, true))),
                new Case<>(Codecs.bytes(), List.of(new byte[0], counting(1), counting(7), counting(8), counting(9),
                        filled(100, 0xA5)), arrayView),
                new Case<>(Codecs.utf8(), List.of("", "a", "eight ch", "nine char", "grüße", "日本語のテキスト",
                        "😀 and 𝄞", "a lone \uD800 high and \uDC00 low", "x".repeat(100),
                        new StringBuilder("a builder, ü")),
                        // What a key means: its UTF-8 bytes, in which an unpaired surrogate is '?'.
                        text -> new String(text.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)),
                new Case<>(Codecs.segments(), List.of(MemorySegment.ofArray(new byte[0]),
                        MemorySegment.ofArray(counting(5)), MemorySegment.ofArray(new long[] {1, 2, 3})),
                        segment -> hex.formatHex(segment.toArray(ValueLayout.JAVA_BYTE))));
    }

    static byte[] counting(final int length) {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i + 1);
        }
        return bytes;
    }

    static byte[] filled(final int length, final int value) {
        final byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
