package io.panamap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lookup's own shape: the rare turns of its loop, and the size that lets the JIT inline it. */
class LookupTest {

    @Test
    @Timeout(10)
    void shouldFindEverySlotOfABucketWhoseFetchWordsEqualTheArbitraryConstant() {
        // One bucket (B = 0) filled in slot order; key 7 XOR value 7 is the word the lookup compares with its
        // arbitrary constant, so every hit in this bucket takes the turn that tries the same slot again (the
        // timeout catches a retry that never ends).
        try (LongLongMap map = LongLongMap.builder().expectedSize(8).missingValue(-99).build()) {
            final long[] keys = {11, 22, 33, 44, 55, 66, 77, 88};
            for (int i = 0; i < 7; i++) {
                map.put(keys[i], i * 1000L);
            }
            final long lastValue = keys[7] ^ BucketArray.ARBITRARY_WORD;
            map.put(keys[7], lastValue);

            final MapStats stats = map.stats();
            assertEquals(0, stats.logBuckets());
            assertEquals(0, stats.overflowBuckets());
            assertFalse(stats.growing());
            for (int i = 0; i < 7; i++) {
                assertEquals(i * 1000L, map.get(keys[i]), "slot " + i);
            }
            assertEquals(lastValue, map.get(keys[7]));
            assertEquals(-99, map.get(99));
            assertEquals(-99, map.get(keys[7] ^ 1));
        }
    }

    @Test
    void shouldFindKeysInOverflowBucketsAndMissAbsentOnes() {
        // Presized to B = 14 (4 entries per bucket on average), about 2% of the buckets overflow: lookups
        // there walk the chain, and misses end at an empty slot or at the chain's end.
        try (LongLongMap map = LongLongMap.builder().expectedSize(65_536).missingValue(-1).build()) {
            for (long key = 0; key < 65_536; key++) {
                map.put(key * 0x9E37_79B9_7F4A_7C15L, key);
            }
            assertTrue(map.stats().overflowBuckets() > 0, "the test needs overflow buckets");
            for (long key = 0; key < 65_536; key++) {
                assertEquals(key, map.get(key * 0x9E37_79B9_7F4A_7C15L));
                assertEquals(-1, map.get(key * 0x9E37_79B9_7F4A_7C15L + 1));
            }
        }
    }

    @Test
    void lookupStaysSmallEnoughForTheJitToInlineIt() {
        // A lookup the JIT does not inline is a call, and a call makes every caller's loop keep its values on
        // the stack: measured ~11% slower (docs/PERFORMANCE-HISTORY.md, "The chain walk in line").
        BytecodeSize.assertInlinable(LongLongMap.class, "lookup");
    }

    @Test
    void aMissShouldNotTakeSlotZerosValueForTheKeyItLooksFor() {
        // With no tophash match left, the loop's "slot 8" reads slot 0's value as its key word and the bucket's
        // overflow link as its value word (both inside the bucket, so harmless): only the test that a match
        // was found keeps an absent key equal to that value from being taken for a hit. Key 0 meets it in any
        // fresh bucket, whose values are all zero; any key does once it is the value in slot 0.
        try (LongLongMap map = LongLongMap.builder().expectedSize(8).missingValue(-1).build()) {
            assertEquals(-1, map.get(0), "key 0 in an empty table");
            map.put(11, 42); // slot 0 of the only bucket (B = 0)
            assertEquals(0, map.stats().logBuckets());
            assertEquals(-1, map.get(42));
            assertEquals(7, map.getOrDefault(42, 7));
            assertFalse(map.containsKey(42));
            map.put(42, 4_242);
            assertEquals(4_242, map.get(42));
            assertEquals(42, map.get(11));
        }
    }
}
