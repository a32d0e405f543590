package io.panamap.hash;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A seeded 64-bit hash of a run of bytes, for variable-length keys (strings, byte arrays, slices of native
 * memory), with the structure of wyhash's final version: inputs up to 16 bytes are read as two overlapping
 * words, longer ones 16 bytes at a time (48 at a time, in three independent lanes, past 48), and every
 * step is wyhash's multiply-and-fold ({@link Hashing#mum}), which carries every input bit to both ends of
 * the result (the bucket index uses the low bits, the tophash the top byte).
 *
 * <p>Bytes are read little-endian whatever the platform, so a key hashes the same from a {@code byte[]}
 * and from native memory, and on every machine. Nothing is allocated.
 */
public final class BytesHash {

    /** wyhash's secrets: odd constants with balanced bit patterns. */
    private static final long S0 = 0xA076_1D64_78BD_642FL;
    private static final long S1 = 0xE703_7ED1_A0B4_28DBL;
    private static final long S2 = 0x8EBC_6AF0_9C88_C6E3L;
    private static final long S3 = 0x5899_65CC_7537_4CC3L;

    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle ARRAY_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle ARRAY_INT = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.LITTLE_ENDIAN);

    private BytesHash() {
    }

    // The algorithm is written out twice, once per source, on purpose: a shared reader object would be
    // allocated per call unless the JIT inlined the whole hash into every caller (it does not reliably).
    // Each step's arithmetic is shared below; only the reads differ.

    /** The hash of {@code length} bytes at {@code offset} of {@code segment}. */
    public static long hash(final MemorySegment segment, final long offset, final long length, final long seed) {
        Objects.checkFromIndexSize(offset, length, segment.byteSize());
        long state = start(seed);
        final long a;
        final long b;
        if (length <= 16) {
            if (length >= 4) {
                final long middle = (length >>> 3) << 2;
                a = pack(segment.get(INT_LE, offset), segment.get(INT_LE, offset + middle));
                b = pack(segment.get(INT_LE, offset + length - 4), segment.get(INT_LE, offset + length - 4 - middle));
            } else {
                a = length == 0 ? 0 : small(segment.get(ValueLayout.JAVA_BYTE, offset),
                        segment.get(ValueLayout.JAVA_BYTE, offset + (length >>> 1)),
                        segment.get(ValueLayout.JAVA_BYTE, offset + length - 1));
                b = 0;
            }
        } else {
            long at = offset;
            long left = length;
            if (left > 48) {
                long lane1 = state;
                long lane2 = state;
                do {
                    state = step(state, segment.get(LONG_LE, at), segment.get(LONG_LE, at + 8), S1);
                    lane1 = step(lane1, segment.get(LONG_LE, at + 16), segment.get(LONG_LE, at + 24), S2);
                    lane2 = step(lane2, segment.get(LONG_LE, at + 32), segment.get(LONG_LE, at + 40), S3);
                    at += 48;
                    left -= 48;
                } while (left > 48);
                state ^= lane1 ^ lane2;
            }
            while (left > 16) {
                state = step(state, segment.get(LONG_LE, at), segment.get(LONG_LE, at + 8), S1);
                at += 16;
                left -= 16;
            }
            a = segment.get(LONG_LE, at + left - 16);
            b = segment.get(LONG_LE, at + left - 8);
        }
        return finish(a, b, state, length);
    }

    /** The hash of {@code length} bytes at {@code offset} of {@code array}: the same value as from native memory. */
    public static long hash(final byte[] array, final int offset, final int length, final long seed) {
        Objects.checkFromIndexSize(offset, length, array.length);
        long state = start(seed);
        final long a;
        final long b;
        if (length <= 16) {
            if (length >= 4) {
                final int middle = (length >>> 3) << 2;
                a = pack((int) ARRAY_INT.get(array, offset), (int) ARRAY_INT.get(array, offset + middle));
                b = pack((int) ARRAY_INT.get(array, offset + length - 4),
                        (int) ARRAY_INT.get(array, offset + length - 4 - middle));
            } else {
                a = length == 0 ? 0 : small(array[offset], array[offset + (length >>> 1)], array[offset + length - 1]);
                b = 0;
            }
        } else {
            int at = offset;
            int left = length;
            if (left > 48) {
                long lane1 = state;
                long lane2 = state;
                do {
                    state = step(state, (long) ARRAY_LONG.get(array, at), (long) ARRAY_LONG.get(array, at + 8), S1);
                    lane1 = step(lane1, (long) ARRAY_LONG.get(array, at + 16), (long) ARRAY_LONG.get(array, at + 24), S2);
                    lane2 = step(lane2, (long) ARRAY_LONG.get(array, at + 32), (long) ARRAY_LONG.get(array, at + 40), S3);
                    at += 48;
                    left -= 48;
                } while (left > 48);
                state ^= lane1 ^ lane2;
            }
            while (left > 16) {
                state = step(state, (long) ARRAY_LONG.get(array, at), (long) ARRAY_LONG.get(array, at + 8), S1);
                at += 16;
                left -= 16;
            }
            a = (long) ARRAY_LONG.get(array, at + left - 16);
            b = (long) ARRAY_LONG.get(array, at + left - 8);
        }
        return finish(a, b, state, length);
    }

    /** The state before the first byte: the seed, mixed with the first secrets. */
    private static long start(final long seed) {
        return seed ^ Hashing.mum(seed ^ S0, S1);
    }

    /** Two 4-byte reads as one word (inputs of 4 to 16 bytes: two overlapping pairs cover every length). */
    private static long pack(final int high, final int low) {
        return Integer.toUnsignedLong(high) << 32 | Integer.toUnsignedLong(low);
    }

    /** Inputs of 1 to 3 bytes: the first, middle and last byte. */
    private static long small(final byte first, final byte middle, final byte last) {
        return (long) Byte.toUnsignedInt(first) << 16 | (long) Byte.toUnsignedInt(middle) << 8
                | Byte.toUnsignedInt(last);
    }

    /** One 16-byte step of a lane. */
    private static long step(final long lane, final long first, final long second, final long secret) {
        return Hashing.mum(first ^ secret, second ^ lane);
    }

    /** Folds the last two words, the state and the length into the result. */
    private static long finish(final long a, final long b, final long state, final long length) {
        final long x = a ^ S1;
        final long y = b ^ state;
        return Hashing.mum(x * y ^ S0 ^ length, Math.unsignedMultiplyHigh(x, y) ^ S1);
    }
}
