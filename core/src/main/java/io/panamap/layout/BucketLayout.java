package io.panamap.layout;

import java.lang.foreign.ValueLayout;

/**
 * The one place that knows where every byte of a bucket sits: Go's {@code bmap}, parameterised by key
 * and value slot size exactly as Go's {@code maptype} is.
 *
 * <pre>
 *   0         8                      8 + 8·K                8 + 8·K + 8·V
 *   +---------+----------------------+----------------------+--------------+
 *   | tophash |  key 0 .. key 7      |  value 0 .. value 7  |  overflow    |
 *   | [8] u8  |  (8 × K bytes)       |  (8 × V bytes)       |  u64 address |
 *   +---------+----------------------+----------------------+--------------+
 *
 *   long → long (K = V = 8): 144 bytes
 *   0        8                      72                     136      144
 *   +--------+----------------------+----------------------+--------+
 *   |tophash | key i at 8 + 8·i     | value i at 72 + 8·i  | link   |
 *   +--------+----------------------+----------------------+--------+
 * </pre>
 *
 * <p>Keys are grouped before values (rather than interleaved as pairs) so that no padding is needed
 * between a key and its value when their sizes differ: Go's own reason. A key or value larger than
 * {@value #MAX_INLINE_SIZE} bytes is stored out of line and its slot holds an 8-byte address
 * ({@link #keyIndirect()} / {@link #valueIndirect()}), again as Go does. The overflow link holds the
 * absolute native address of the next bucket of the chain, or 0; all multi-byte fields are in native
 * (little-endian on the supported platforms) byte order, which makes a bucket byte-for-byte the same
 * as one of Go's on amd64 and arm64.
 *
 * <p>This is a record so that an instance held in a {@code static final} field (such as
 * {@link #LONG_LONG}) is a compile-time constant to the JIT: offsets computed from it fold into the
 * instruction stream.
 *
 * @param keySlotSize    bytes one key occupies in the bucket (the key size, or 8 if indirect)
 * @param valueSlotSize  bytes one value occupies in the bucket (the value size, or 8 if indirect)
 * @param keyIndirect    whether keys are stored out of line behind an address
 * @param valueIndirect  whether values are stored out of line behind an address
 * @param keysOffset     offset of key 0
 * @param valuesOffset   offset of value 0
 * @param overflowOffset offset of the overflow link
 * @param bucketSize     total bytes of one bucket
 */
public record BucketLayout(
        int keySlotSize,
        int valueSlotSize,
        boolean keyIndirect,
        boolean valueIndirect,
        int keysOffset,
        int valuesOffset,
        int overflowOffset,
        int bucketSize) {

    /** Slots per bucket (Go's {@code bucketCnt}). */
    public static final int SLOTS = 8;
    /** log2 of {@link #SLOTS} (Go's {@code bucketCntBits}). */
    public static final int SLOT_BITS = 3;
    /** Offset of the tophash array: the first thing in a bucket. */
    public static final int TOPHASH_OFFSET = 0;
    /** Size of the tophash array, and so the offset of key 0 (Go's {@code dataOffset}). */
    public static final int DATA_OFFSET = 8;
    /** Size of the overflow link: one pointer on a 64-bit platform. */
    public static final int LINK_SIZE = 8;
    /** Largest key or value stored inline; anything larger goes out of line (Go's {@code maxKeySize}). */
    public static final int MAX_INLINE_SIZE = 128;

    /** Access mode for 8-byte fields: native order; unaligned so the JIT emits no alignment test. */
    public static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;
    /** Access mode for one tophash byte. */
    public static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    /** The long → long bucket: 144 bytes, key i at 8 + 8i, value i at 72 + 8i, link at 136. */
    public static final BucketLayout LONG_LONG = forSizes(Long.BYTES, Long.BYTES);

    /** Checks that the offsets describe a well-formed Go bucket. */
    public BucketLayout {
        if (keySlotSize <= 0 || keySlotSize > MAX_INLINE_SIZE) {
            throw new IllegalArgumentException("key slot size must be 1.." + MAX_INLINE_SIZE + ": " + keySlotSize);
        }
        if (valueSlotSize < 0 || valueSlotSize > MAX_INLINE_SIZE) {
            throw new IllegalArgumentException("value slot size must be 0.." + MAX_INLINE_SIZE + ": " + valueSlotSize);
        }
        if (keysOffset != DATA_OFFSET
                || valuesOffset != keysOffset + SLOTS * keySlotSize
                || overflowOffset != align8(valuesOffset + SLOTS * valueSlotSize)
                || bucketSize != overflowOffset + LINK_SIZE) {
            throw new IllegalArgumentException("offsets do not follow Go's bucket layout rule");
        }
    }

    /**
     * The layout Go's compiler would build for a map whose key type is {@code keySize} bytes and whose
     * value type is {@code valueSize} bytes: sizes above {@value #MAX_INLINE_SIZE} become 8-byte
     * indirect slots; exactly {@value #MAX_INLINE_SIZE} stays inline.
     */
    public static BucketLayout forSizes(final int keySize, final int valueSize) {
        if (keySize <= 0) {
            throw new IllegalArgumentException("key size must be positive: " + keySize);
        }
        if (valueSize < 0) {
            throw new IllegalArgumentException("value size must not be negative: " + valueSize);
        }
        final boolean keyIndirect = keySize > MAX_INLINE_SIZE;
        final boolean valueIndirect = valueSize > MAX_INLINE_SIZE;
        final int keySlot = keyIndirect ? Long.BYTES : keySize;
        final int valueSlot = valueIndirect ? Long.BYTES : valueSize;
        final int keysOffset = DATA_OFFSET;
        final int valuesOffset = keysOffset + SLOTS * keySlot;
        final int overflowOffset = align8(valuesOffset + SLOTS * valueSlot);
        return new BucketLayout(keySlot, valueSlot, keyIndirect, valueIndirect,
                keysOffset, valuesOffset, overflowOffset, overflowOffset + LINK_SIZE);
    }

    /** Byte offset of bucket {@code index} from the start of its array. */
    public long bucketOffset(final long index) {
        return index * bucketSize;
    }

    /** Offset, within a bucket, of the tophash byte of {@code slot}. */
    public static long tophashOffset(final int slot) {
        return TOPHASH_OFFSET + slot;
    }

    /** Offset, within a bucket, of key {@code slot}. */
    public long keyOffset(final int slot) {
        return keysOffset + (long) slot * keySlotSize;
    }

    /** Offset, within a bucket, of value {@code slot}. */
    public long valueOffset(final int slot) {
        return valuesOffset + (long) slot * valueSlotSize;
    }

    /** Bytes needed by {@code buckets} consecutive buckets. */
    public long bytesFor(final long buckets) {
        return Math.multiplyExact(buckets, (long) bucketSize);
    }

    private static int align8(final int n) {
        return (n + 7) & ~7;
    }
}
