package io.panamap.chronicle;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesMarshallable;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A thread's Chronicle {@code Bytes} for {@link MarshallableCodec}: where a value is marshalled to learn its
 * size, and where stored bytes are copied to be unmarshalled. One per thread
 * ({@link #forCurrentThread}), like the typed map's own staging buffers: codecs are shared by threads, and
 * buffers that grow only to the longest value seen allocate nothing afterwards.
 *
 * <h2>Marshalling once per write</h2>
 * The map asks a codec for a value's size ({@link #marshal}) and then, if it stores the value, to write it
 * ({@link #copyMarshalled}). Only writing the value finds its size, so {@link #marshal} writes it here, and
 * remembers which object it wrote: {@link #copyMarshalled} of that same object copies those bytes instead of
 * marshalling again, once. It keeps two such encodings, since a map asks the value's size before it encodes
 * the key: with a {@code MarshallableCodec} for the keys too, the key is marshalled and copied between the
 * value's two steps, and with one buffer the value would be marshalled again.
 */
final class MarshallingScratch {

    private static final ThreadLocal<MarshallingScratch> PER_THREAD = ThreadLocal.withInitial(MarshallingScratch::new);
    private static final int INITIAL_CAPACITY = 256;

    /** Where {@link #marshal} writes: two buffers, so that a value's encoding outlasts its key's (see above). */
    private final HeapBytes[] out = {new HeapBytes(), new HeapBytes()};
    /** The object each of {@link #out} holds the encoding of, until {@link #copyMarshalled} uses it; else null. */
    private final Object[] marshalled = new Object[2];
    /** The buffer the last {@link #marshal} did not write: the one the next writes, unless only the other is free. */
    private int older;
    private boolean marshalling;

    /**
     * Stored bytes are copied here to be read, never read in place: Chronicle reads raw addresses, which nothing
     * checks, so a {@code close()} or a delete on another thread (a misuse of a single-writer map, or a
     * concurrent map's shard) could unmap them during {@code readMarshallable} and crash the JVM. The copy
     * goes through the segment, which is bounds- and liveness-checked: such a race ends in an exception.
     */
    private final HeapBytes heapIn = new HeapBytes();
    private boolean reading;

    static MarshallingScratch forCurrentThread() {
        return PER_THREAD.get();
    }

    /** Marshals {@code value} into this thread's buffer and returns the encoding's length. */
    long marshal(final BytesMarshallable value) {
        if (marshalling) {
            throw new IllegalStateException("a writeMarshallable of " + value.getClass().getName()
                    + " used a MarshallableCodec on the thread that was marshalling it");
        }
        final int slot = marshalled[older] == null || marshalled[older ^ 1] != null ? older : older ^ 1;
        older = slot ^ 1;
        marshalled[slot] = null;
        marshalling = true;
        try {
            out[slot].bytes.clear();
            value.writeMarshallable(out[slot].bytes);
        } finally {
            marshalling = false;
        }
        marshalled[slot] = value;
        return out[slot].bytes.writePosition();
    }

    /**
     * Writes the encoding of {@code value} at {@code offset} of {@code target}: the bytes a {@link #marshal} of
     * this very object wrote, if one of the last two did and they have not been copied yet, or else a new
     * marshalling.
     */
    void copyMarshalled(final BytesMarshallable value, final MemorySegment target, final long offset) {
        int slot = marshalled[0] == value ? 0 : marshalled[1] == value ? 1 : -1;
        if (slot < 0) {
            marshal(value);
            slot = older ^ 1;
        }
        marshalled[slot] = null;
        MemorySegment.copy(out[slot].segment(), 0, target, offset, out[slot].bytes.writePosition());
    }

    /** Unmarshals the {@code length} bytes at {@code offset} of {@code source} into {@code target}. */
    void unmarshal(final MemorySegment source, final long offset, final long length, final BytesMarshallable target) {
        Objects.checkFromIndexSize(offset, length, source.byteSize());
        if (reading) {
            throw new IllegalStateException("a readMarshallable of " + target.getClass().getName()
                    + " used a MarshallableCodec on the thread that was unmarshalling it");
        }
        reading = true;
        try {
            target.readMarshallable(over(source, offset, length));
        } finally {
            reading = false;
        }
    }

    /** A reader of a copy of the {@code length} bytes at {@code offset} of {@code source} (see {@link #heapIn}). */
    private BytesIn<?> over(final MemorySegment source, final long offset, final long length) {
        final Bytes<byte[]> in = heapIn.bytes;
        in.clear();
        in.ensureCapacity(length);
        MemorySegment.copy(source, offset, heapIn.segment(), 0, length);
        in.readLimit(length);
        return in;
    }

    /**
     * An elastic on-heap Chronicle {@code Bytes} and a segment over the array it currently writes to, made
     * again only when it grows into a new array.
     */
    private static final class HeapBytes {
        final Bytes<byte[]> bytes = Bytes.allocateElasticOnHeap(INITIAL_CAPACITY);
        private byte[] array;
        private MemorySegment segment;

        /** The bytes written so far, from position 0, as a segment. */
        MemorySegment segment() {
            final byte[] current = bytes.underlyingObject();
            if (current != array) {
                array = current;
                segment = MemorySegment.ofArray(current);
            }
            return segment;
        }
    }
}
