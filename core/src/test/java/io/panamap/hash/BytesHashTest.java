package io.panamap.hash;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BytesHashTest {

    private static final long SEED = 0x1234_5678_9ABC_DEF0L;

    @Test
    void aKeyShouldHashTheSameFromAnArrayAHeapSegmentAndNativeMemoryAtEveryLength() {
        final SplittableRandom random = new SplittableRandom(1);
        try (Arena arena = Arena.ofConfined()) {
            for (int length = 0; length <= 200; length++) {
                final byte[] bytes = new byte[length + 3];
                random.nextBytes(bytes);
                final MemorySegment native_ = arena.allocate(bytes.length);
                native_.copyFrom(MemorySegment.ofArray(bytes));
                final long fromArray = BytesHash.hash(bytes, 3, length, SEED);
                assertEquals(fromArray, BytesHash.hash(native_, 3, length, SEED), "length " + length);
                assertEquals(fromArray, BytesHash.hash(MemorySegment.ofArray(bytes), 3, length, SEED));
            }
        }
    }

    @Test
    void lengthSeedAndEveryByteShouldMatter() {
        final Set<Long> zeros = new HashSet<>();
        for (int length = 0; length <= 64; length++) {
            assertTrue(zeros.add(BytesHash.hash(new byte[length], 0, length, SEED)), "all-zero input of length " + length);
        }
        final byte[] key = "instrument:XS1234567890".getBytes(StandardCharsets.UTF_8);
        assertNotEquals(BytesHash.hash(key, 0, key.length, SEED), BytesHash.hash(key, 0, key.length, SEED + 1));
        assertThrows(IndexOutOfBoundsException.class, () -> BytesHash.hash(key, 20, 10, SEED));
    }

    /** Flipping any one input bit flips each output bit about half of the time, top byte and low bits included. */
    @Test
    void everyInputBitShouldAvalancheIntoBothEndsOfTheHash() {
        final SplittableRandom random = new SplittableRandom(2);
        final int[] flips = new int[64];
        int trials = 0;
        for (int sample = 0; sample < 400; sample++) {
            final int length = 1 + random.nextInt(100);
            final byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            final long original = BytesHash.hash(bytes, 0, length, SEED);
            for (int bit = 0; bit < length * 8; bit += 1 + random.nextInt(7)) {
                bytes[bit >>> 3] ^= (byte) (1 << (bit & 7));
                final long changed = original ^ BytesHash.hash(bytes, 0, length, SEED);
                bytes[bit >>> 3] ^= (byte) (1 << (bit & 7));
                for (int out = 0; out < 64; out++) {
                    flips[out] += (int) (changed >>> out) & 1;
                }
                trials++;
            }
        }
        for (int out = 0; out < 64; out++) {
            final double rate = (double) flips[out] / trials;
            assertTrue(rate > 0.46 && rate < 0.54, "output bit " + out + " flipped in " + rate + " of " + trials);
        }
    }

    /** Similar short keys spread evenly over buckets (low bits) and over tophash values (top byte). */
    @Test
    void similarKeysShouldSpreadEvenlyOverBothEndsOfTheHash() {
        final int keys = 1 << 16;
        final int[] low = new int[1024];
        final int[] top = new int[256];
        for (int i = 0; i < keys; i++) {
            final byte[] key = ("order-" + i).getBytes(StandardCharsets.UTF_8);
            final long hash = BytesHash.hash(key, 0, key.length, SEED);
            low[(int) (hash & 1023)]++;
            top[(int) (hash >>> 56)]++;
        }
        // Chi-square against uniform: mean = buckets - 1, standard deviation = sqrt(2 (buckets - 1)).
        assertTrue(chiSquare(low, keys) < 1023 + 5 * Math.sqrt(2 * 1023), "low 10 bits: " + chiSquare(low, keys));
        assertTrue(chiSquare(top, keys) < 255 + 5 * Math.sqrt(2 * 255), "top byte: " + chiSquare(top, keys));
    }

    /** Once compiled, hashing allocates nothing: the byte sources are scalar-replaced. */
    @Test
    void hashingShouldNotAllocateOnceCompiled() {
        final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        final byte[] key = "a key of some forty bytes, give or take".getBytes(StandardCharsets.UTF_8);
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment native_ = arena.allocate(key.length);
            native_.copyFrom(MemorySegment.ofArray(key));
            long sink = 0;
            for (int i = 0; i < 200_000; i++) { // JIT warm-up: C2 compiles the callers with the hash inlined
                sink += BytesHash.hash(key, 0, key.length, i) + BytesHash.hash(native_, 0, key.length, i);
            }
            final long before = threads.getThreadAllocatedBytes(Thread.currentThread().threadId());
            for (int i = 0; i < 100_000; i++) {
                sink += BytesHash.hash(key, 0, key.length, i) + BytesHash.hash(native_, 0, key.length, i);
            }
            final long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
            assertTrue(allocated < 100_000, "allocated " + allocated + " bytes over 200,000 hashes (" + sink + ")");
        }
    }

    private static double chiSquare(final int[] counts, final int total) {
        final double expected = (double) total / counts.length;
        double sum = 0;
        for (final int count : counts) {
            sum += (count - expected) * (count - expected) / expected;
        }
        return sum;
    }
}
