package io.panamap.hash;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both ends of the hash are used (low bits: bucket; top byte: tophash), so both must be uniform even
 * for the worst ordinary keys: consecutive integers and multiples of a power of two.
 */
class HashingTest {

    private static final int KEYS = 1 << 18;

    @Test
    void lowBitsShouldBeUniformForStructuredKeys() {
        for (final long stride : new long[] {1, 8, 1L << 20, 1L << 32}) {
            final long[] counts = new long[1024];
            for (long i = 0; i < KEYS; i++) {
                counts[(int) (Hashing.hashLong(i * stride, 12345) & 1023)]++;
            }
            assertUniform(counts, "low 10 bits, stride " + stride);
        }
    }

    @Test
    void topByteShouldBeUniformForStructuredKeys() {
        for (final long stride : new long[] {1, 8, 1L << 20, 1L << 32}) {
            final long[] counts = new long[256];
            for (long i = 0; i < KEYS; i++) {
                counts[(int) (Hashing.hashLong(i * stride, 999) >>> 56)]++;
            }
            assertUniform(counts, "top byte, stride " + stride);
        }
    }

    @Test
    void everyInputBitShouldFlipAboutHalfTheOutputBits() {
        final long seed = 0x1234_5678_9ABC_DEF0L;
        for (int bit = 0; bit < 64; bit++) {
            long flips = 0;
            for (long k = 0; k < 4096; k++) {
                final long key = k * 0x9E37_79B9_7F4A_7C15L;
                flips += Long.bitCount(Hashing.hashLong(key, seed) ^ Hashing.hashLong(key ^ (1L << bit), seed));
            }
            final double mean = flips / 4096.0;
            assertTrue(mean > 30 && mean < 34, "input bit " + bit + " flips " + mean + " output bits on average");
        }
    }

    @Test
    void theSeedShouldChangeWhereKeysLand() {
        int sameBucket = 0;
        for (long k = 0; k < 10_000; k++) {
            if ((Hashing.hashLong(k, 1) & 255) == (Hashing.hashLong(k, 2) & 255)) {
                sameBucket++;
            }
        }
        assertTrue(sameBucket < 100, sameBucket + " of 10,000 keys kept their bucket across seeds");
        assertNotEquals(Hashing.hashLong(7, 1), Hashing.hashLong(7, 2));
    }

    /**
     * The seed must change which keys collide, not only where they land: keys that share a bucket under
     * one seed, as someone flooding a table would precompute, scatter under another. A seed applied after
     * the key is mixed (XOR-ed into the result, say) moves every key by the same amount and keeps every
     * such set together. The seeds are unrelated 64-bit values, as tables draw them at random.
     */
    @Test
    void keysThatCollideUnderOneSeedShouldScatterUnderAnother() {
        final long seed = 0x1234_5678_9ABC_DEF0L;
        final long otherSeed = 0x0FED_CBA9_8765_4321L;
        int colliding = 0;
        int stillColliding = 0;
        for (long k = 1; k < 1 << 16; k++) {
            if (sameBucket(Hashing.hashLong(0, seed), Hashing.hashLong(k, seed))) {
                colliding++;
                if (sameBucket(Hashing.hashLong(0, otherSeed), Hashing.hashLong(k, otherSeed))) {
                    stillColliding++;
                }
            }
        }
        // Of 2^16 keys about 256 share key 0's bucket of 256; of those, about one would again by chance.
        assertTrue(colliding > 150, colliding + " keys collide with key 0");
        assertTrue(stillColliding < 10, stillColliding + " of " + colliding + " colliding keys still collide");
    }

    /**
     * The two halves of SplitMix64 make the JDK's own SplitMix64 sequence: the generator that draws every
     * table's seed (and a new one when a table empties) is the published one, so successive draws differ.
     */
    @Test
    void splitMixShouldGiveTheSequenceOfTheJdksSplittableRandom() {
        final long start = 0x1234_5678_9ABC_DEF0L;
        final SplittableRandom reference = new SplittableRandom(start);
        long state = start;
        for (int i = 0; i < 1_000; i++) {
            state = Hashing.splitMixAdvance(state);
            assertEquals(reference.nextLong(), Hashing.splitMixOutput(state), "draw " + i);
        }
    }

    /** Whether two hashes pick the same bucket of a 256-bucket table. */
    private static boolean sameBucket(final long a, final long b) {
        return ((a ^ b) & 0xFF) == 0;
    }

    /** Chi-square against uniform, at a threshold far in the tail (p ~ 1e-6) so it never flakes. */
    private static void assertUniform(final long[] counts, final String what) {
        long total = 0;
        for (final long c : counts) {
            total += c;
        }
        final double expected = (double) total / counts.length;
        double chi2 = 0;
        for (final long c : counts) {
            chi2 += (c - expected) * (c - expected) / expected;
        }
        final int df = counts.length - 1;
        final double limit = df + 5 * Math.sqrt(2.0 * df);
        assertTrue(chi2 < limit, what + ": chi-square " + chi2 + " over limit " + limit);
    }
}
