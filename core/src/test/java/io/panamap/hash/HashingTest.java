package io.panamap.hash;

import org.junit.jupiter.api.Test;

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
