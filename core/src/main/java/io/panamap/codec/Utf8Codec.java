package io.panamap.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * {@link Codecs#utf8()}: any {@link CharSequence} as UTF-8 ({@link Utf8}), read back as a {@link String}
 * or into a reused {@link StringBuilder}.
 *
 * <p>{@link #decode} copies the bytes into a temporary {@code byte[]} and lets the JDK build the String
 * from it: every public way to make a String starts from an array, and the JDK's decoder is vectorised.
 * So a decoded String costs one transient array besides itself; {@link #decodeUsing} with a
 * {@code StringBuilder} is the read that allocates nothing.
 */
final class Utf8Codec implements Codec<CharSequence> {

    static final Utf8Codec INSTANCE = new Utf8Codec();

    private static final String NAME = "utf8";

    private Utf8Codec() {
    }

    @Override
    public int fixedSize() {
        return VARIABLE_SIZE;
    }

    @Override
    public long encodedSize(final CharSequence value) {
        if (value == null) {
            throw Codecs.nullValue(NAME);
        }
        return Utf8.encodedLength(value);
    }

    @Override
    public void encode(final CharSequence value, final MemorySegment target, final long offset) {
        if (value == null) {
            throw Codecs.nullValue(NAME);
        }
        Utf8.encode(value, target, offset);
    }

    @Override
    public String decode(final MemorySegment source, final long offset, final long length) {
        final byte[] bytes = new byte[Codecs.arrayLength(NAME, length)];
        MemorySegment.copy(source, ValueLayout.JAVA_BYTE, offset, bytes, 0, bytes.length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * With a {@link StringBuilder} as {@code reuse}: empties it, appends the decoded text and returns it,
     * allocating nothing once the builder has grown to the longest text it holds. Otherwise as
     * {@link #decode}.
     */
    @Override
    public CharSequence decodeUsing(final MemorySegment source, final long offset, final long length,
                                    final CharSequence reuse) {
        if (!(reuse instanceof final StringBuilder builder)) {
            return decode(source, offset, length);
        }
        builder.setLength(0);
        builder.ensureCapacity(Codecs.arrayLength(NAME, length)); // at least one byte per char: enough
        if (!Utf8.appendDecoded(source, offset, length, builder)) {
            // Not what encode writes; give the JDK's answer, replacement chars and all, like decode.
            builder.setLength(0);
            builder.append(decode(source, offset, length));
        }
        return builder;
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
