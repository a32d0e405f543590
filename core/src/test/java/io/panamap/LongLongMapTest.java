package io.panamap;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LongLongMapTest {

    private static final long[] AWKWARD = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, 0x0101010101010101L, 8, 144};

    @Test
    void shouldStoreEveryLongAsKeyAndValueWithoutSentinels() {
        try (LongLongMap map = new LongLongMap()) {
            for (final long key : AWKWARD) {
                for (final long value : AWKWARD) {
                    map.put(key, value);
                    assertEquals(value, map.get(key));
                    assertTrue(map.containsKey(key));
                }
            }
            assertEquals(AWKWARD.length, map.size());
            for (final long key : AWKWARD) {
                assertEquals(AWKWARD[AWKWARD.length - 1], map.remove(key, 99));
                assertFalse(map.containsKey(key));
            }
            assertTrue(map.isEmpty());
        }
    }

    @Test
    void shouldReportPreviousValueOrTheChosenMissingValue() {
        try (LongLongMap map = LongLongMap.builder().missingValue(-7).build()) {
            assertEquals(-7, map.missingValue());
            assertEquals(-7, map.get(1));
            assertEquals(-7, map.put(1, 10));
            assertEquals(10, map.put(1, 11));
            assertEquals(11, map.put(1, 12, 555));
            assertEquals(555, map.put(2, 20, 555));
            assertEquals(12, map.getOrDefault(1, 0));
            assertEquals(3, map.getOrDefault(3, 3));
            assertEquals(12, map.remove(1));
            assertEquals(-7, map.remove(1));
            assertEquals(42, map.remove(1, 42));
        }
    }

    /**
     * Every long is a value, so an absent key always gets the function's value, even one that equals the
     * missing value, and a present one keeps its own, even then. The function may use the map; a value it stores
     * for the key itself is kept.
     */
    @Test
    void computeIfAbsentShouldCallTheFunctionOnlyForAnAbsentKeyWhateverTheValues() {
        try (LongLongMap map = LongLongMap.builder().missingValue(-7).build()) {
            final int[] calls = {0};
            assertEquals(-7, map.computeIfAbsent(1, key -> {
                calls[0]++;
                return -7;
            }), "an absent key gets the function's value, the missing value included");
            assertTrue(map.containsKey(1));
            assertEquals(-7, map.computeIfAbsent(1, key -> {
                calls[0]++;
                return 99;
            }), "a present key keeps its value");
            assertEquals(1, calls[0]);

            map.put(2, 20);
            assertEquals(21, map.computeIfAbsent(3, key -> map.get(2) + 1), "the function may read the map");
            assertEquals(30, map.computeIfAbsent(4, key -> {
                map.put(key, 30);
                return 40;
            }), "what the function stored for the key itself is kept");
            assertEquals(30, map.get(4));

            final IllegalStateException thrown = new IllegalStateException("no value for 5");
            assertSame(thrown, assertThrows(IllegalStateException.class, () -> map.computeIfAbsent(5, key -> {
                throw thrown;
            })));
            assertFalse(map.containsKey(5), "a function that throws stores nothing");
            assertEquals(4, map.size());
            assertThrows(NullPointerException.class, () -> map.computeIfAbsent(6, null));
        }
    }

    @Test
    void replaceAndRemoveGivenTheExpectedValueShouldActOnlyOnThatValue() {
        try (LongLongMap map = LongLongMap.builder().missingValue(-7).build()) {
            assertFalse(map.replace(1, -7, 5), "absent, even expecting the missing value: nothing replaced");
            assertFalse(map.containsKey(1), "nor inserted");
            map.put(1, 10);
            assertFalse(map.replace(1, 11, 12));
            assertEquals(10, map.get(1));
            assertTrue(map.replace(1, 10, 12));
            assertEquals(12, map.get(1));
            assertFalse(map.removeIfValue(1, 10));
            assertTrue(map.containsKey(1));
            assertTrue(map.removeIfValue(1, 12));
            assertFalse(map.containsKey(1));
            assertFalse(map.removeIfValue(1, -7), "absent, even given the missing value");
            map.put(2, 0);
            assertTrue(map.removeIfValue(2, 0), "a stored 0 is a value like any other");
            assertTrue(map.isEmpty());
        }
    }

    @Test
    void shouldTellInsertFromUpdateBySizeEvenWhenTheValueEqualsMissing() {
        try (LongLongMap map = new LongLongMap()) {
            final long before = map.size();
            assertEquals(0, map.put(5, 0));       // previous "0" is ambiguous ...
            assertEquals(before + 1, map.size()); // ... the size says it was an insert
            assertEquals(0, map.put(5, 0));
            assertEquals(before + 1, map.size()); // and this one an update
            assertEquals(0, map.remove(5));
            assertEquals(before, map.size());
        }
    }

    @Test
    void putIfAbsentShouldKeepTheExistingValue() {
        try (LongLongMap map = new LongLongMap()) {
            assertEquals(0, map.putIfAbsent(3, 30));
            assertEquals(30, map.putIfAbsent(3, 31));
            assertEquals(30, map.get(3));
            assertEquals(1, map.size());
        }
    }

    @Test
    void shouldGrowWithoutLosingEntries() {
        try (LongLongMap map = new LongLongMap()) {
            final int n = 200_000;
            for (int i = 0; i < n; i++) {
                map.put(i * 0x9E3779B97F4A7C15L, i);
            }
            assertEquals(n, map.size());
            for (int i = 0; i < n; i++) {
                assertEquals(i, map.get(i * 0x9E3779B97F4A7C15L), "key #" + i);
            }
            TableInvariants.check(map);
        }
    }

    @Test
    void clearShouldEmptyTheTableKeepBAndDrawANewSeed() {
        try (LongLongMap map = new LongLongMap()) {
            for (int i = 0; i < 10_000; i++) {
                map.put(i, i);
            }
            final int logSize = map.stats().logBuckets();
            final long seed = map.table().seed;
            map.clear();
            assertEquals(0, map.size());
            assertEquals(logSize, map.stats().logBuckets());
            assertTrue(map.table().seed != seed, "seed should be re-drawn");
            assertFalse(map.containsKey(5));
            map.put(5, 6);
            assertEquals(6, map.get(5));
            TableInvariants.check(map);
        }
    }

    @Test
    void seedShouldBeRedrawnWhenTheTableBecomesEmpty() {
        try (LongLongMap map = new LongLongMap()) {
            map.put(1, 1);
            map.put(2, 2);
            final long seed = map.table().seed;
            map.remove(1);
            assertEquals(seed, map.table().seed);
            map.remove(2);
            assertTrue(map.table().seed != seed);
        }
    }

    @Test
    void seedsShouldDifferBetweenTables() {
        try (LongLongMap a = new LongLongMap(); LongLongMap b = new LongLongMap()) {
            assertTrue(a.table().seed != b.table().seed);
        }
    }

    @Test
    void forEachShouldVisitEveryEntryOnce() {
        try (LongLongMap map = new LongLongMap()) {
            final Map<Long, Long> expected = new HashMap<>();
            for (long i = -500; i < 500; i++) {
                map.put(i * 31, i);
                expected.put(i * 31, i);
            }
            final Map<Long, Long> seen = new HashMap<>();
            map.forEach((k, v) -> assertEquals(null, seen.put(k, v), "visited twice: " + k));
            assertEquals(expected.size(), seen.size(), "entries visited");
            assertTrue(expected.equals(seen), "visited entries differ from the stored ones");
        }
    }

    @Test
    void cursorShouldBeReusable() {
        try (LongLongMap map = new LongLongMap()) {
            for (long i = 0; i < 100; i++) {
                map.put(i, i * i);
            }
            final LongLongCursor cursor = map.cursor();
            for (int round = 0; round < 3; round++) {
                long sum = 0;
                int n = 0;
                while (cursor.next()) {
                    assertEquals(cursor.key() * cursor.key(), cursor.value());
                    sum += cursor.key();
                    n++;
                }
                assertEquals(100, n);
                assertEquals(4950, sum);
                assertThrows(IllegalStateException.class, cursor::key);
                cursor.reset();
            }
            cursor.close();
        }
    }

    @Test
    void aClosedCursorShouldNotAnswerWithTheEntryItWasOn() {
        try (LongLongMap map = new LongLongMap()) {
            map.put(1, 2);
            final LongLongCursor cursor = map.cursor();
            assertTrue(cursor.next());
            assertEquals(1, cursor.key());
            cursor.close();
            // The cursor still holds the key and value it read: close() must stop it answering with them.
            assertThrows(IllegalStateException.class, cursor::key, "a closed cursor is on no entry");
            assertThrows(IllegalStateException.class, cursor::value);
            assertFalse(cursor.next(), "a closed cursor produces nothing");
            cursor.close(); // idempotent
            cursor.reset();
            assertTrue(cursor.next(), "reset() starts a new walk");
            assertEquals(2, cursor.value());
        }
    }

    @Test
    void everyUseAfterCloseShouldThrowIllegalState() {
        final LongLongMap map = new LongLongMap();
        map.put(1, 2);
        final LongLongCursor cursor = map.cursor();
        final LongLongCursor onAnEntry = map.cursor();
        assertTrue(onAnEntry.next());
        map.close();
        map.close(); // idempotent
        assertTrue(map.isClosed());
        assertThrows(IllegalStateException.class, () -> map.get(1));
        assertThrows(IllegalStateException.class, () -> map.getOrDefault(1, 0));
        assertThrows(IllegalStateException.class, () -> map.containsKey(1));
        assertThrows(IllegalStateException.class, () -> map.put(1, 3));
        assertThrows(IllegalStateException.class, () -> map.putIfAbsent(1, 3));
        assertThrows(IllegalStateException.class, () -> map.remove(1));
        assertThrows(IllegalStateException.class, map::clear);
        assertThrows(IllegalStateException.class, map::size);
        assertThrows(IllegalStateException.class, map::stats);
        assertThrows(IllegalStateException.class, map::cursor);
        assertThrows(IllegalStateException.class, () -> map.forEach((k, v) -> { }));
        assertThrows(IllegalStateException.class, cursor::next);
        assertThrows(IllegalStateException.class, onAnEntry::key, "a cursor left on an entry keeps it in its fields");
        assertThrows(IllegalStateException.class, onAnEntry::value);
        assertThrows(IllegalStateException.class, map::finishGrowth);
    }

    @Test
    void badArgumentsShouldBeRejectedWithTheirName() {
        final IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> LongLongMap.builder().expectedSize(-1));
        assertTrue(negative.getMessage().contains("expected size"), negative.getMessage());
        final IllegalArgumentException budget = assertThrows(IllegalArgumentException.class,
                () -> LongLongMap.builder().memoryBudget(0));
        assertTrue(budget.getMessage().contains("budget"), budget.getMessage());
        assertThrows(NullPointerException.class, () -> LongLongMap.builder().allocator(null));
        final IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> LongLongMap.withExpectedSize(Long.MAX_VALUE));
        assertTrue(huge.getMessage().contains("expected size"), huge.getMessage());
        assertTrue(huge.getMessage().contains("more than the 2^40 buckets supported, which hold 7146825580544"),
                huge.getMessage());
    }

    @Test
    void finishGrowthShouldCompleteAPendingGrowth() {
        try (LongLongMap map = new LongLongMap()) {
            long key = 0;
            while (map.stats().doublings() < 10) {
                map.put(key++, key);
            }
            // just crossed into a growth
            assertTrue(map.stats().growing());
            map.finishGrowth();
            assertFalse(map.stats().growing());
            TableInvariants.check(map);
            for (long k = 0; k < key; k++) {
                assertEquals(k + 1, map.get(k));
            }
        }
    }
}
