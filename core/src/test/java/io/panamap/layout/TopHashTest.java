package io.panamap.layout;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopHashTest {

    @Test
    void tophashShouldAvoidTheStateCodes() {
        assertEquals(5, TopHash.of(0L));
        assertEquals(9, TopHash.of(4L << 56));
        assertEquals(5, TopHash.of(5L << 56));
        assertEquals(255, TopHash.of(-1L));
        for (int top = 0; top < 256; top++) {
            assertTrue(TopHash.of((long) top << 56) >= TopHash.MIN_TOP_HASH);
        }
    }

    /** The SWAR masks against a byte-by-byte reference, on words built to contain every hard case. */
    @Test
    void swarMasksShouldBeExact() {
        final SplittableRandom random = new SplittableRandom(11);
        final int[] interesting = {0, 1, 2, 3, 4, 5, 0x7F, 0x80, 0x81, 0xFE, 0xFF};
        for (int n = 0; n < 200_000; n++) {
            long word = 0;
            for (int slot = 0; slot < 8; slot++) {
                final int b = random.nextBoolean() ? interesting[random.nextInt(interesting.length)] : random.nextInt(256);
                word |= (long) b << (8 * slot);
            }
            final int top = random.nextBoolean() ? interesting[random.nextInt(interesting.length)] : random.nextInt(256);
            long expectMatch = 0;
            long expectEmpty = 0;
            boolean expectRest = false;
            for (int slot = 0; slot < 8; slot++) {
                final int b = (int) (word >>> (8 * slot)) & 0xFF;
                if (b == top) {
                    expectMatch |= 0x80L << (8 * slot);
                }
                if (b <= TopHash.EMPTY_ONE) {
                    expectEmpty |= 0x80L << (8 * slot);
                }
                expectRest |= b == TopHash.EMPTY_REST;
            }
            final String hex = Long.toHexString(word);
            assertEquals(expectMatch, TopHash.matching(word, top), hex);
            assertEquals(expectEmpty, TopHash.empty(word), hex);
            assertEquals(expectRest, TopHash.hasEmptyRest(word), hex);
        }
        assertEquals(3, TopHash.firstSlot(0x80L << 24 | 0x80L << 48));
    }

    @Test
    void evacuationMarksShouldBeRecognised() {
        for (int t = 0; t < 256; t++) {
            assertEquals(t >= 2 && t <= 4, TopHash.isEvacuatedMark(t), "tophash " + t);
            assertEquals(t <= 1, TopHash.isEmpty(t), "tophash " + t);
        }
    }
}
