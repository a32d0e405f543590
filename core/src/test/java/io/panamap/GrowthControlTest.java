package io.panamap;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Finishing a growth without writes, and the time a table spends with two arrays. */
class GrowthControlTest {

    /** A table left mid-growth: the insert that starts a doubling moves at most two chains. */
    private static LongLongMap midGrowth(final int entries) {
        final LongLongMap map = LongLongMap.builder().backgroundMemoryWork(false).build();
        for (long key = 0; key < entries; key++) {
            map.put(key * 0x9E37_79B9L, key);
        }
        return map;
    }

    @Test
    void evacuateShouldFinishAGrowthThatNoWriteWillFinish() {
        try (LongLongMap map = midGrowth(53_249)) { // 13·2^12 + 1: the insert that doubles to 2^14
            assertTrue(map.stats().growing(), map.stats().toString());
            int calls = 0;
            while (!map.evacuate(Duration.ofNanos(1))) {
                calls++;
                TableInvariants.check(map);
            }
            assertFalse(map.stats().growing());
            assertTrue(calls > 10, "a 1 ns budget moves one clock check's worth of chains per call: " + calls);
            for (long key = 0; key < 53_249; key++) {
                assertEquals(key, map.get(key * 0x9E37_79B9L));
            }
            assertTrue(map.evacuate(Duration.ofMillis(1)), "nothing left to do");
        }
    }

    @Test
    void aLargeBudgetShouldFinishInOneCall() {
        try (LongLongMap map = midGrowth(53_249)) {
            assertTrue(map.evacuate(Duration.ofSeconds(10)));
            assertFalse(map.stats().growing());
            TableInvariants.check(map);
        }
    }

    @Test
    void aBudgetTooLongForNanosecondsShouldMeanNoLimit() {
        // Duration.toNanos() overflows past about 292 years: such a budget threw ArithmeticException, even with no
        // growth in progress, instead of evacuating until done.
        final Duration forever = java.time.temporal.ChronoUnit.FOREVER.getDuration();
        try (LongLongMap map = midGrowth(53_249)) {
            assertTrue(map.evacuate(forever));
            assertFalse(map.stats().growing());
            assertTrue(map.evacuate(Duration.ofSeconds(Long.MAX_VALUE)), "nothing left to do");
            TableInvariants.check(map);
        }
        try (OffHeapMap<Long, Long> map = OffHeapMap.builder(io.panamap.codec.Codecs.longs(),
                io.panamap.codec.Codecs.longs()).backgroundMemoryWork(false).build()) {
            for (long key = 0; key < 53_249; key++) {
                map.set(key, key);
            }
            assertTrue(map.stats().growing(), map.stats().toString());
            assertTrue(map.evacuate(forever));
            assertFalse(map.stats().growing());
        }
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(2).backgroundMemoryWork(false)
                .build()) {
            for (long key = 0; key < 100_000; key++) {
                map.put(key, key);
            }
            assertTrue(map.evacuate(forever));
            assertEquals(0, map.stats().shardsGrowing());
        }
    }

    @Test
    void timeWithTwoArraysShouldGrowOnlyWhileGrowing() throws InterruptedException {
        try (LongLongMap map = midGrowth(53_249)) {
            final long early = map.stats().timeWithTwoArraysNanos();
            Thread.sleep(20);
            final long later = map.stats().timeWithTwoArraysNanos();
            assertTrue(later - early >= 15_000_000L, "a growing table keeps counting: " + early + " -> " + later);
            map.finishGrowth();
            final long finished = map.stats().timeWithTwoArraysNanos();
            Thread.sleep(20);
            assertEquals(finished, map.stats().timeWithTwoArraysNanos(), "a finished growth stops the clock");
            // The next growth adds its own time, far below the 20 ms of the first: the total never goes down.
            for (long key = 53_249; !map.stats().growing(); key++) {
                map.put(key * 0x9E37_79B9L, key);
            }
            map.finishGrowth();
            assertTrue(map.stats().timeWithTwoArraysNanos() > finished,
                    "every growth counts, not only the last: " + map.stats());
        }
    }

    /** The time is what the table held two arrays, however the growth ended: a clear ends it too. */
    @Test
    void aGrowthAClearDropsShouldStillCountItsTimeWithTwoArrays() throws InterruptedException {
        try (LongLongMap map = midGrowth(53_249)) {
            Thread.sleep(5); // the clock of the growth in progress runs on
            final long held = map.stats().timeWithTwoArraysNanos();
            map.clear();
            final long cleared = map.stats().timeWithTwoArraysNanos();
            assertFalse(map.stats().growing());
            assertTrue(cleared >= held, "the time held before the clear stays counted: " + held + " -> " + cleared);
            Thread.sleep(5);
            assertEquals(cleared, map.stats().timeWithTwoArraysNanos(), "and the clock stopped with the growth");
        }
    }

    @Test
    void countersAndMergesShouldUpdateInPlace() {
        try (LongLongMap map = LongLongMap.builder().missingValue(-1).build()) {
            assertEquals(5, map.addTo(1, 5));
            assertEquals(12, map.addTo(1, 7));
            assertEquals(-1, map.replace(2, 9), "replace does not insert");
            assertFalse(map.containsKey(2));
            assertEquals(12, map.replace(1, 3));
            assertEquals(3, map.get(1));
            assertEquals(4, map.merge(2, 4, Math::max));
            assertEquals(10, map.merge(2, 10, Math::max));
            assertEquals(10, map.merge(2, 1, Math::max));
            for (long i = 0; i < 100_000; i++) {
                map.addTo(i % 1000, 1);
            }
            assertEquals(100 + 3, map.get(1));
            assertEquals(1000, map.size());
        }
    }
}
