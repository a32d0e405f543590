package io.panamap.codec;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.UUID;

/**
 * The codecs panamap ships, one factory each. Every codec here meets the whole {@link Codec} contract: its
 * encoding is canonical, so any of them may encode keys, and it works at any offset, aligned or not (a
 * bucket's key slot {@code i} sits at {@code 8 + i × size}, so a 12-byte key's slot 1 starts at byte 20).
 *
 * <pre>
 *   codec            name          bytes   encoding
 *   ints()           int           4       the int, native byte order
 *   longs()          long          8       the long, native byte order
 *   doubles()        double        8       Double.doubleToLongBits (one NaN; 0.0 ≠ -0.0), native order
 *   uuids()          uuid          16      most significant half, then least, each a native-order long
 *   fixedBytes(n)    bytes[n]      n       the array's bytes
 *   record(R, L)     record(R)     |L|     the components where the struct layout L puts them, gaps zeroed
 *   bytes()          bytes         any     the array's bytes
 *   utf8()           utf8          any     UTF-8, exactly as String.getBytes(UTF_8): lone surrogates → '?'
 *   segments()       segment       any     the segment's bytes
 * </pre>
 *
 * <p>Native byte order (little-endian on every platform panamap supports) makes a {@code long} key's bytes
 * the same as {@link io.panamap.LongLongMap}'s and Go's. Encodings are therefore not portable between
 * machines of different endianness; they are not meant to be.
 *
 * <p>Every codec's {@code encode(null, …)} throws {@link NullPointerException} naming the codec, and so does
 * a variable-size codec's {@code encodedSize(null)}: the map has no null keys or values.
 */
public final class Codecs {

    private Codecs() {
    }

    /** {@link Integer}s as 4 bytes. */
    public static Codec<Integer> ints() {
        return IntCodec.INSTANCE;
    }

    /** {@link Long}s as 8 bytes. */
    public static Codec<Long> longs() {
        return LongCodec.INSTANCE;
    }

    /**
     * {@link Double}s as the 8 bytes of {@link Double#doubleToLongBits}: every NaN encodes alike and
     * {@code 0.0} apart from {@code -0.0}, so keys are equal exactly when {@link Double#equals} says so, as
     * in a {@code HashMap<Double, V>}. A decoded NaN is the canonical one.
     */
    public static Codec<Double> doubles() {
        return DoubleCodec.INSTANCE;
    }

    /**
     * {@link UUID}s as 16 bytes: {@link UUID#getMostSignificantBits()} at the offset, then
     * {@link UUID#getLeastSignificantBits()} 8 bytes on, each a {@code long} in native byte order (so not
     * the RFC 9562 byte sequence on a little-endian machine: the map only compares these bytes for
     * equality, and two native-order words are the cheapest way to write and read them).
     */
    public static Codec<UUID> uuids() {
        return UuidCodec.INSTANCE;
    }

    /**
     * {@code byte[]}s of exactly {@code size} bytes, stored as they are; encoding an array of another
     * length throws {@link IllegalArgumentException}. {@code decodeUsing} fills a reuse array of that size.
     *
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public static Codec<byte[]> fixedBytes(final int size) {
        return new FixedBytesCodec(size);
    }

    /**
     * Records of primitive components at fixed offsets described by {@code layout}: a
     * {@link java.lang.foreign.StructLayout} with one value layout per component, named after it
     * ({@link MemoryLayout#withName}) and carrying its type ({@code boolean}: {@code JAVA_BOOLEAN}, one byte,
     * 0 or 1), in any order and byte order, plus any padding. The encoding is {@code layout.byteSize()}
     * bytes: each component where its member sits, every padding byte zero, {@code float} and {@code double}
     * components as {@link Float#floatToIntBits} and {@link Double#doubleToLongBits}; so records encode alike
     * exactly when they are {@link Record#equals equal}. That holds for records that keep the accessors and
     * {@code equals} Java generates: components are read through their accessors, so an accessor that
     * returns something else than its field (a masked id, say) is what is stored, and decodes to a record
     * built from it; an {@code equals} of one's own is not consulted. The layout's alignment is ignored: the
     * codec reads and writes at any offset.
     *
     * <p>Everything reflective happens here, once; encode and decode are method handles that pass
     * components unboxed, so a decode allocates only the record and an encode nothing. Outside the class
     * path the record must be public in an exported package, or its package open to panamap.
     *
     * @throws IllegalArgumentException if {@code type} is not a record; the layout is not a struct; a
     *                                  component is not primitive or has no member of its name and type; or
     *                                  a member is not a value layout or padding, has no name, repeats a
     *                                  name, or names no component; or the components take more than 251
     *                                  of a method handle's parameter slots (a {@code long} or
     *                                  {@code double} two, any other one: 125 {@code long}s and an
     *                                  {@code int} fit). The message says which.
     */
    public static <R extends Record> Codec<R> record(final Class<R> type, final MemoryLayout layout) {
        return RecordCodec.of(type, layout);
    }

    /** {@code byte[]}s of any length, stored as they are. {@code decodeUsing} fills a reuse array of the stored length. */
    public static Codec<byte[]> bytes() {
        return BytesCodec.INSTANCE;
    }

    /**
     * Any {@link CharSequence} as UTF-8, byte for byte what {@code toString().getBytes(UTF_8)} gives (an
     * unpaired surrogate becomes {@code '?'}), without allocating. {@code decode} returns a {@link String},
     * built from a transient copy of the bytes (every public way to make a String starts from an array);
     * {@code decodeUsing} with a {@link StringBuilder} refills that builder instead, garbage-free. Equal
     * text encodes alike whatever its {@code CharSequence} class, so a {@code StringBuilder} finds the key
     * a {@code String} stored. Always the same instance. {@link Utf8} does the same encoding (and compares a
     * text with encoded bytes) for code that works with the encodings itself.
     */
    public static Codec<CharSequence> utf8() {
        return Utf8Codec.INSTANCE;
    }

    /**
     * {@link MemorySegment}s of any length, copied in and copied out: the map neither keeps a segment it
     * was given nor hands out one into its own storage. {@code decode} returns a new heap segment backed by
     * a {@code byte[]} (byte-aligned: read wider values from it with the {@code *_UNALIGNED} layouts).
     * {@code decodeUsing} copies into a writable {@code reuse} segment instead when it is large enough:
     * one of exactly the stored length is returned itself, allocating nothing; a larger one gets the bytes
     * at its start and {@code reuse.asSlice(0, length)} is returned, a small view object (a segment is the
     * only way to return the length) that the JIT removes only if it does not escape. A smaller, read-only
     * or null {@code reuse} gets {@code decode}'s answer.
     */
    public static Codec<MemorySegment> segments() {
        return SegmentCodec.INSTANCE;
    }

    /** The exception for {@code encode(null)}: the map holds no nulls, and the message says which codec refused. */
    static NullPointerException nullValue(final String codecName) {
        return new NullPointerException(codecName + " codec cannot encode null");
    }

    /** Checks that a fixed-size codec is asked to decode exactly its size. */
    static void checkLength(final String codecName, final int fixedSize, final long length) {
        if (length != fixedSize) {
            throw new IllegalArgumentException(codecName + " codec decodes " + fixedSize + " bytes, not " + length);
        }
    }

    /** Checks that {@code length} stored bytes fit in a Java array, and returns it as an int. */
    static int arrayLength(final String codecName, final long length) {
        if (length < 0 || length > Integer.MAX_VALUE - 8) { // the JDK's arrays stop a few short of MAX_VALUE
            throw new IllegalArgumentException(codecName + " codec cannot decode " + length
                    + " bytes into a Java array");
        }
        return (int) length;
    }
}
