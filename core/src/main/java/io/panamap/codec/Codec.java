package io.panamap.codec;

import java.lang.foreign.MemorySegment;

/**
 * How a key or value type is written to and read from native memory: the typed map's only knowledge of
 * the types it holds, as Go's {@code maptype} is the runtime's (sizes, plus the key's hash and equality).
 *
 * <p>A codec is either <em>fixed-size</em> ({@link #fixedSize()} ≥ 0: every value encodes to that many
 * bytes; up to 128 are stored inline in the bucket, larger ones out of line behind an 8-byte address) or
 * <em>variable-size</em> ({@link #VARIABLE_SIZE}: the bytes live out of line in storage the table owns and
 * the slot holds their address and length, 16 bytes, like Go's string header).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #encode} writes exactly {@link #encodedSize} bytes, and nothing else, at the given offset.
 *       The table trusts this: a codec that writes more overwrites its neighbours' bytes (another entry's,
 *       or the bucket's own overflow link, after which a later operation may throw an
 *       {@link IndexOutOfBoundsException} at an absurd offset), and one that writes fewer leaves whatever
 *       the memory held before (a removed entry's bytes, say) in the rest.
 *   <li>For a <em>key</em> codec the encoding is canonical: two keys are equal (in the sense the user
 *       expects of the map) exactly when their encodings are byte-for-byte equal, because the table hashes
 *       and compares encoded bytes. Padding must therefore be written (as zeros), and types with several
 *       representations of one value (NaN payloads, say) must pick one.
 *   <li>Encoding and decoding allocate nothing beyond the object {@link #decode} returns, so that the
 *       table's write paths and {@link #decodeUsing} stay garbage-free.
 *   <li>Codecs are stateless or immutable, and thread-safe: one instance may serve many tables and
 *       threads.
 *   <li>A codec does not use panamap tables itself: a table encodes keys into a per-thread buffer, which a
 *       lookup made from inside a codec would overwrite.
 *   <li>{@link #decode} and {@link #decodeUsing} read only through the segment they are given, never its raw
 *       address: a read that races a misuse (a single-writer map closed or written by another thread) then
 *       throws instead of reading freed memory. They tolerate any bytes: such a race may hand them bytes a
 *       write is changing. Throwing is fine; looping, or effects beyond the returned object and the
 *       {@code reuse} argument, are not. (The concurrent map never does this to them: it decodes only a
 *       validated copy of one value.)
 * </ul>
 *
 * @param <T> the Java type
 */
public interface Codec<T> {

    /** {@link #fixedSize()} of a codec whose encodings differ in length. */
    int VARIABLE_SIZE = -1;

    /** Bytes every encoding takes, or {@link #VARIABLE_SIZE}. */
    int fixedSize();

    /** Whether every encoding has the same length. */
    default boolean isFixedSize() {
        return fixedSize() != VARIABLE_SIZE;
    }

    /** Bytes {@code value} encodes to: {@link #fixedSize()} for a fixed-size codec. */
    default long encodedSize(final T value) {
        return fixedSize();
    }

    /** Writes the encoding of {@code value} ({@link #encodedSize} bytes) at {@code offset} of {@code target}. */
    void encode(T value, MemorySegment target, long offset);

    /** Reads a value from the {@code length} bytes at {@code offset} of {@code source}. */
    T decode(MemorySegment source, long offset, long length);

    /**
     * Reads a value into {@code reuse} if the type is mutable and {@code reuse} is not null, returning it;
     * otherwise behaves as {@link #decode}. Mutable value types override this to give a garbage-free read
     * (Chronicle Map's {@code getUsing}).
     */
    default T decodeUsing(final MemorySegment source, final long offset, final long length, final T reuse) {
        return decode(source, offset, length);
    }

    /** A short name for messages and reports, e.g. "long" or "utf8". */
    String name();
}
