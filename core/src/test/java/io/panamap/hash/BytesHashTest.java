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

    /**
     * At every length, changing any one byte changes the hash. The short paths read a key as a few
     * overlapping words or bytes (first, middle, last); one read too few, or one that lets a word's sign
     * spill over another, would leave bytes out, and keys differing only there would always collide.
     */
    @Test
    void everyByteShouldChangeTheHashAtEveryLength() {
        final SplittableRandom random = new SplittableRandom(3);
        for (int length = 1; length <= 128; length++) {
            final byte[] bytes = new byte[length];
            for (int at = 0; at < length; at++) {
                // Several keys per position: a read that loses bytes may do so only for some values of others.
                for (int sample = 0; sample < 8; sample++) {
                    random.nextBytes(bytes);
                    final long original = BytesHash.hash(bytes, 0, length, SEED);
                    bytes[at] ^= (byte) (1 << random.nextInt(8));
                    assertNotEquals(original, BytesHash.hash(bytes, 0, length, SEED),
                            "length " + length + ", byte " + at);
                }
            }
        }
    }

    /**
     * The seed must change which keys collide, not only where they land: a set of keys that shares a
     * bucket under one seed, as someone flooding a table would precompute, scatters under another. A seed
     * applied after the bytes are mixed (XOR-ed into the result, say) moves every key by the same amount
     * and keeps every such set together.
     */
    @Test
    void keysThatCollideUnderOneSeedShouldScatterUnderAnother() {
        final long otherSeed = SEED + 1;
        final byte[] first = key(0);
        final long firstUnderSeed = BytesHash.hash(first, 0, first.length, SEED);
        final long firstUnderOther = BytesHash.hash(first, 0, first.length, otherSeed);
        int colliding = 0;
        int stillColliding = 0;
        for (int i = 1; i < 1 << 16; i++) {
            final byte[] key = key(i);
            if (sameBucket(firstUnderSeed, BytesHash.hash(key, 0, key.length, SEED))) {
                colliding++;
                if (sameBucket(firstUnderOther, BytesHash.hash(key, 0, key.length, otherSeed))) {
                    stillColliding++;
                }
            }
        }
        // Of 2^16 keys about 256 share the first key's bucket of 256; of those, about one would again by chance.
        assertTrue(colliding > 150, colliding + " keys collide with the first");
        assertTrue(stillColliding < 10, stillColliding + " of " + colliding + " colliding keys still collide");
    }

    private static byte[] key(final int i) {
        return ("order-" + i).getBytes(StandardCharsets.UTF_8);
    }

    /** Whether two hashes pick the same bucket of a 256-bucket table. */
    private static boolean sameBucket(final long a, final long b) {
        return ((a ^ b) & 0xFF) == 0;
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
