package io.panamap.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * UTF-8 straight between a {@link CharSequence} and memory, allocating nothing: what
 * {@link Codecs#utf8()} is made of. Public for code that handles encoded text itself: writing a key's
 * encoding for {@code OffHeapMap.containsEncodedKey}, say, or comparing a text with a cursor's
 * {@code keyView()} ({@link #equalsEncoded}) without decoding it. (The maps themselves encode a looked-up
 * text key into a per-thread buffer and hash those bytes; none compares text with stored bytes directly.)
 *
 * <p>The encoding is exactly {@code String.getBytes(StandardCharsets.UTF_8)}'s: a surrogate pair becomes
 * one 4-byte sequence, an unpaired surrogate the single byte {@code '?'}. Encoding is two passes, as the
 * map needs: {@link #encodedLength} to size the storage, then {@link #encode} to fill it.
 *
 * <p>Runs of ASCII, the common case for keys, go eight chars at a time: eight {@code charAt} calls packed
 * into one little-endian word, written or compared in one access. A run that is not all ASCII is then
 * taken one char at a time for those eight chars, so mostly non-ASCII text does not pay for a failed word
 * at every char.
 */
public final class Utf8 {

    /** Eight bytes in text order, whatever the platform's byte order. */
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    /** Chars per packed word. */
    private static final int RUN = 8;
    /** The top bit of each byte of a word: set in a byte that is not ASCII. */
    private static final long NOT_ASCII = 0x8080_8080_8080_8080L;
    /** What {@code String.getBytes(UTF_8)} writes for an unpaired surrogate. */
    private static final byte REPLACEMENT = '?';
    /** Continuation bytes are {@code 10xxxxxx}. */
    private static final int CONTINUATION = 0x80;
    private static final int SIX_BITS = 0x3F;

    private Utf8() {
    }

    /** The number of bytes {@link #encode} writes for {@code text}. */
    public static long encodedLength(final CharSequence text) {
        final int n = text.length();
        long length = n; // one byte per char, plus what wider chars add below
        for (int i = 0; i < n; i++) {
            final char c = text.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                length += 1;
            } else if (!Character.isSurrogate(c)) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                length += 2; // two chars, four bytes
                i++;
            } // else an unpaired surrogate: one '?', already counted
        }
        return length;
    }

    /** Writes the UTF-8 encoding of {@code text}, {@link #encodedLength} bytes, at {@code offset} of {@code target}. */
    public static void encode(final CharSequence text, final MemorySegment target, final long offset) {
        final int n = text.length();
        long at = offset;
        int i = 0;
        while (i < n) {
            if (n - i >= RUN) {
                final long word = asciiWord(text, i);
                if (word >= 0) {
                    target.set(WORD, at, word);
                    at += RUN;
                    i += RUN;
                    continue;
                }
            }
            final int stop = Math.min(n, i + RUN);
            while (i < stop) {
                final char c = text.charAt(i++);
                if (c < 0x80) {
                    target.set(BYTE, at++, (byte) c);
                } else if (c < 0x800) {
                    target.set(BYTE, at, (byte) (0xC0 | c >> 6));
                    target.set(BYTE, at + 1, continuation(c));
                    at += 2;
                } else if (!Character.isSurrogate(c)) {
                    target.set(BYTE, at, (byte) (0xE0 | c >> 12));
                    target.set(BYTE, at + 1, continuation(c >> 6));
                    target.set(BYTE, at + 2, continuation(c));
                    at += 3;
                } else if (Character.isHighSurrogate(c) && i < n && Character.isLowSurrogate(text.charAt(i))) {
                    final int codePoint = Character.toCodePoint(c, text.charAt(i++));
                    target.set(BYTE, at, (byte) (0xF0 | codePoint >> 18));
                    target.set(BYTE, at + 1, continuation(codePoint >> 12));
                    target.set(BYTE, at + 2, continuation(codePoint >> 6));
                    target.set(BYTE, at + 3, continuation(codePoint));
                    at += 4;
                } else {
                    target.set(BYTE, at++, REPLACEMENT);
                }
            }
        }
    }

    /**
     * Whether the {@code length} bytes at {@code offset} of {@code segment} are exactly what {@link #encode}
     * would write for {@code text}; stops at the first difference, and allocates nothing.
     *
     * @throws IndexOutOfBoundsException if the bytes are not all inside {@code segment}
     */
    public static boolean equalsEncoded(final CharSequence text, final MemorySegment segment, final long offset,
                                        final long length) {
        Objects.checkFromIndexSize(offset, length, segment.byteSize());
        final int n = text.length();
        if (length < n || length > 3L * n) {
            return false; // every char takes one to three bytes (a pair, two chars, takes four)
        }
        final long end = offset + length;
        long at = offset;
        int i = 0;
        while (i < n) {
            if (n - i >= RUN && end - at >= RUN) {
                final long word = asciiWord(text, i);
                if (word >= 0) {
                    if (segment.get(WORD, at) != word) {
                        return false;
                    }
                    at += RUN;
                    i += RUN;
                    continue;
                }
            }
            final int stop = Math.min(n, i + RUN);
            while (i < stop) {
                final char c = text.charAt(i++);
                if (c < 0x80) {
                    if (at >= end || segment.get(BYTE, at) != (byte) c) {
                        return false;
                    }
                    at += 1;
                } else if (c < 0x800) {
                    if (end - at < 2 || segment.get(BYTE, at) != (byte) (0xC0 | c >> 6)
                            || segment.get(BYTE, at + 1) != continuation(c)) {
                        return false;
                    }
                    at += 2;
                } else if (!Character.isSurrogate(c)) {
                    if (end - at < 3 || segment.get(BYTE, at) != (byte) (0xE0 | c >> 12)
                            || segment.get(BYTE, at + 1) != continuation(c >> 6)
                            || segment.get(BYTE, at + 2) != continuation(c)) {
                        return false;
                    }
                    at += 3;
                } else if (Character.isHighSurrogate(c) && i < n && Character.isLowSurrogate(text.charAt(i))) {
                    final int codePoint = Character.toCodePoint(c, text.charAt(i++));
                    if (end - at < 4 || segment.get(BYTE, at) != (byte) (0xF0 | codePoint >> 18)
                            || segment.get(BYTE, at + 1) != continuation(codePoint >> 12)
                            || segment.get(BYTE, at + 2) != continuation(codePoint >> 6)
                            || segment.get(BYTE, at + 3) != continuation(codePoint)) {
                        return false;
                    }
                    at += 4;
                } else {
                    if (at >= end || segment.get(BYTE, at) != REPLACEMENT) {
                        return false;
                    }
                    at += 1;
                }
            }
        }
        return at == end;
    }

    /**
     * Appends the text of the {@code length} bytes of UTF-8 at {@code offset} to {@code out}, allocating
     * nothing once {@code out} has the capacity. Returns false, with some of the text appended, at the
     * first byte that is not well-formed UTF-8 (which {@link #encode} never writes): the caller then falls
     * back to the JDK's decoder, whose replacement rules this does not repeat.
     */
    static boolean appendDecoded(final MemorySegment source, final long offset, final long length,
                                 final StringBuilder out) {
        Objects.checkFromIndexSize(offset, length, source.byteSize());
        final long end = offset + length;
        long at = offset;
        while (at < end) {
            if (end - at >= RUN) {
                final long word = source.get(WORD, at);
                if ((word & NOT_ASCII) == 0) {
                    for (int k = 0; k < RUN; k++) {
                        out.append((char) (word >>> (k << 3) & 0x7F));
                    }
                    at += RUN;
                    continue;
                }
            }
            final int b0 = source.get(BYTE, at);
            if (b0 >= 0) {
                out.append((char) b0);
                at += 1;
            } else if ((b0 & 0xE0) == 0xC0) {
                if (end - at < 2 || (b0 & 0x1E) == 0) { // 0xC0 and 0xC1 would be overlong
                    return false;
                }
                final int b1 = source.get(BYTE, at + 1);
                if (!isContinuation(b1)) {
                    return false;
                }
                out.append((char) ((b0 & 0x1F) << 6 | b1 & SIX_BITS));
                at += 2;
            } else if ((b0 & 0xF0) == 0xE0) {
                if (end - at < 3) {
                    return false;
                }
                final int b1 = source.get(BYTE, at + 1);
                final int b2 = source.get(BYTE, at + 2);
                final char c = (char) ((b0 & 0x0F) << 12 | (b1 & SIX_BITS) << 6 | b2 & SIX_BITS);
                if (!isContinuation(b1) || !isContinuation(b2) || c < 0x800 || Character.isSurrogate(c)) {
                    return false;
                }
                out.append(c);
                at += 3;
            } else if ((b0 & 0xF8) == 0xF0) {
                if (end - at < 4) {
                    return false;
                }
                final int b1 = source.get(BYTE, at + 1);
                final int b2 = source.get(BYTE, at + 2);
                final int b3 = source.get(BYTE, at + 3);
                final int codePoint = (b0 & 0x07) << 18 | (b1 & SIX_BITS) << 12 | (b2 & SIX_BITS) << 6 | b3 & SIX_BITS;
                if (!isContinuation(b1) || !isContinuation(b2) || !isContinuation(b3)
                        || codePoint < Character.MIN_SUPPLEMENTARY_CODE_POINT || codePoint > Character.MAX_CODE_POINT) {
                    return false;
                }
                out.append(Character.highSurrogate(codePoint)).append(Character.lowSurrogate(codePoint));
                at += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    /**
     * Chars {@code i .. i+7} packed one per byte, first char in the low byte, if all are ASCII; otherwise -1
     * (a packed word never is negative: its top bit is the last char's bit 7).
     */
    private static long asciiWord(final CharSequence text, final int i) {
        long word = 0;
        int all = 0;
        for (int k = 0; k < RUN; k++) {
            final char c = text.charAt(i + k);
            all |= c;
            word |= (long) c << (k << 3);
        }
        return all < 0x80 ? word : -1;
    }

    /** A continuation byte carrying the low six bits of {@code bits}. */
    private static byte continuation(final int bits) {
        return (byte) (CONTINUATION | bits & SIX_BITS);
    }

    private static boolean isContinuation(final int b) {
        return (b & 0xC0) == CONTINUATION;
    }
}
