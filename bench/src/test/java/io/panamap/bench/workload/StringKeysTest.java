package io.panamap.bench.workload;

import io.panamap.bench.contender.StringBenchMap;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StringKeysTest {

    private static final int N = 300_000;

    @Test
    void idsShouldBeDistinctAsciiOfSixteenToTwentySixCharactersAveragingWhatChronicleIsTold() {
        final String[] ids = StringKeys.ids(N, 7);
        final Set<String> distinct = new HashSet<>(Arrays.asList(ids));
        assertEquals(N, distinct.size(), "every id distinct");
        long totalLength = 0;
        for (final String id : ids) {
            assertTrue(id.length() >= 16 && id.length() <= 26, id);
            assertEquals(id.length(), id.getBytes(StandardCharsets.UTF_8).length, () -> id + " is not ASCII");
            assertTrue(StringKeys.PREFIXES.stream().anyMatch(id::startsWith), id);
            assertTrue(id.substring(id.length() - 13).chars().allMatch(Character::isDigit), id);
            totalLength += id.length();
        }
        assertEquals(StringBenchMap.AVERAGE_KEY_LENGTH, (double) totalLength / N, 0.05);
        for (final String prefix : StringKeys.PREFIXES) {
            final long count = Arrays.stream(ids).filter(id -> id.startsWith(prefix)
                    && id.length() == prefix.length() + 13).count();
            assertEquals(N / 6.0, count, N / 60.0, () -> prefix + " is not one key in six");
        }
    }

    @Test
    void theNumbersShouldBeAPermutationSoDistinctIndexesNeverCollide() {
        // Adjacent and far-apart indexes under several seeds: the permutation is one-to-one on 40 bits.
        for (final long seed : new long[] {0, 1, 42, -1, 0x5EED_CAFE_F00DL}) {
            final Set<Long> numbers = new HashSet<>();
            for (long index = 0; index < 100_000; index++) {
                assertTrue(numbers.add(StringKeys.number(index, seed)), "index " + index + " seed " + seed);
                assertTrue(numbers.add(StringKeys.number((1L << 40) - 1 - index, seed)));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> StringKeys.id(1L << 40, 0));
    }

    @Test
    void theSameSeedShouldGiveTheSameIdsAndAnotherSeedOthers() {
        assertArrayEquals(StringKeys.ids(1_000, 3), StringKeys.ids(1_000, 3));
        assertEquals(StringKeys.id(17, 3), StringKeys.ids(1_000, 3)[17]);
        final Set<String> other = new HashSet<>(Arrays.asList(StringKeys.ids(1_000, 4)));
        assertTrue(Arrays.stream(StringKeys.ids(1_000, 3)).filter(other::contains).count() < 10);
    }

    @Test
    void lookupsShouldBeEqualToTheStoredKeysButSeparateInstancesInTheGivenOrder() {
        final String[] ids = StringKeys.ids(1_000, 9);
        final int[] order = StringKeys.shuffledIndexes(1_000, 10);
        final String[] lookups = StringKeys.lookups(ids, order);
        for (int j = 0; j < order.length; j++) {
            assertEquals(ids[order[j]], lookups[j]);
            assertNotSame(ids[order[j]], lookups[j]);
        }
        final int[] sorted = order.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i], "a permutation of 0..n-1");
        }
        assertFalse(Arrays.equals(order, StringKeys.shuffledIndexes(1_000, 11)));
    }

    @Test
    void aRecordShouldCarryItsKeysWordsAndTheChecksumShouldReadTheFirstAndTheLast() {
        final byte[] record = new byte[StringBenchMap.VALUE_SIZE];
        StringKeys.fillRecord(12_345, record);
        assertEquals(StringKeys.expectedGet(12_345), StringBenchMap.checksum(record));
        final byte[] other = new byte[StringBenchMap.VALUE_SIZE];
        StringKeys.fillRecord(12_346, other);
        assertFalse(Arrays.equals(record, other));
        // A copy that missed the last word is caught.
        System.arraycopy(other, 0, record, 0, StringBenchMap.VALUE_SIZE - 8);
        assertTrue(StringBenchMap.checksum(record) != StringKeys.expectedGet(12_346));
        assertEquals(StringKeys.expectedGet(3) + StringKeys.expectedGet(1), StringKeys.checksum(new int[] {3, 1}));
    }
}
