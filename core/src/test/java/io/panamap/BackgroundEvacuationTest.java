package io.panamap;

import io.panamap.codec.Codecs;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The background evacuator of the concurrent maps: it finishes a growth that no write will finish, in slices
 * that each hold one shard's lock for about their budget, at most about its work per period.
 */
class BackgroundEvacuationTest {

    /** Fast for tests: a slice of at most about 1 ms every 10 ms. */
    private static final Duration SLICE = Duration.ofMillis(1);
    private static final Duration PERIOD = Duration.ofMillis(10);
    /** How long a growth the evacuator should finish may take before the test gives up on it. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    /**
     * How many entries a shard that starts empty holds once the insert that starts its doubling to
     * 2^{@code logBuckets} buckets is done: one past 6.5 per bucket of the array it leaves (13·2^(B-2) + 1).
     */
    static long entriesStartingDoublingTo(final int logBuckets) {
        return HashTable.LOAD_FACTOR_NUM * ((1L << (logBuckets - 1)) / HashTable.LOAD_FACTOR_DEN) + 1;
    }

    /** Fills a map of one shard until the insert that starts its doubling to 2^{@code logBuckets}: left growing. */
    private static long fillUntilDoublingTo(final ConcurrentLongLongMap map, final int logBuckets) {
        final long entries = entriesStartingDoublingTo(logBuckets);
        for (long key = 0; key < entries; key++) {
            map.put(key, ~key);
        }
        return entries;
    }

    /** Waits until no shard is growing; false if that takes longer than {@code patience}. */
    private static boolean awaitNoGrowth(final ConcurrentLongLongMap map, final Duration patience) {
        final long end = System.nanoTime() + patience.toNanos();
        while (map.stats().shardsGrowing() != 0) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return true;
    }

    @Test
    void aGrowthNobodyWritesShouldBeFinishedInTheBackground() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(1)
                .backgroundEvacuation(SLICE, PERIOD).build()) {
            final long entries = fillUntilDoublingTo(map, 17);
            final ShardedStats left = map.stats();
            assertEquals(1, left.shardsGrowing(), "the last insert started a doubling of " + entries + " entries");
            assertEquals(17, left.shards().get(0).logBuckets());

            assertTrue(awaitNoGrowth(map, PATIENCE), "still growing after " + PATIENCE + ": " + map.stats());
            final ShardedStats done = map.stats();
            assertTrue(done.backgroundSlices() - left.backgroundSlices() > 1,
                    "the growth took more than one slice: " + left + " -> " + done);
            assertTrue(done.backgroundNanos() > left.backgroundNanos());
            assertEquals(left.shards().get(0).growthsFinished() + 1, done.shards().get(0).growthsFinished());
            assertEquals(entries, done.size());
            for (long key = 0; key < entries; key++) {
                assertEquals(~key, map.get(key), "key " + key);
            }
        }
    }

    @Test
    void withoutBackgroundEvacuationAGrowthNobodyWritesShouldStayUnfinished() throws InterruptedException {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(1).build()) {
            fillUntilDoublingTo(map, 17);
            final MapStats left = map.stats().shards().get(0);
            assertTrue(left.growing());
            Thread.sleep(30 * PERIOD.toMillis());
            final ShardedStats later = map.stats();
            assertEquals(1, later.shardsGrowing(), "no write, no evacuator: nothing finishes the growth");
            assertEquals(left.evacuatedOldBuckets(), later.shards().get(0).evacuatedOldBuckets(), "nor moves a chain");
            assertEquals(0, later.backgroundSlices());
            assertEquals(0, later.backgroundNanos());
        }
    }

    @Test
    void theDefaultShouldBeAboutOneMillisecondOfWorkPerHundredMilliseconds() throws Exception {
        final Duration defaultWork = Duration.ofMillis(1);
        final Duration defaultPeriod = Duration.ofMillis(100);
        final Path file = directory.resolve("slices.jfr");
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(1).backgroundEvacuation().build()) {
            fillUntilDoublingTo(map, 18); // tens of milliseconds of evacuation: it takes the default seconds
            final ShardedStats before;
            final ShardedStats after;
            final long elapsed;
            try (Recording recording = new Recording()) {
                recording.enable("io.panamap.EvacuationSlice").withThreshold(Duration.ZERO);
                recording.start();
                before = map.stats();
                final long start = System.nanoTime();
                assertEquals(1, before.shardsGrowing());
                Thread.sleep(6 * defaultPeriod.toMillis());
                // A loaded machine may keep the evacuator from its first periods: then wait for two slices, and
                // judge the pace over the longer time. Too fast a pace shows within the six periods slept.
                final long end = System.nanoTime() + PATIENCE.toNanos();
                while (map.stats().backgroundSlices() - before.backgroundSlices() < 2 && System.nanoTime() - end < 0) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                after = map.stats();
                elapsed = System.nanoTime() - start;
                recording.stop();
                recording.dump(file);
            }
            final long slices = after.backgroundSlices() - before.backgroundSlices();
            final long busy = after.backgroundNanos() - before.backgroundNanos();
            final long[] sliceNanos = evacuatorSliceNanos(file, Instant.MIN);
            final String seen = slices + " slices, " + busy / 1e6 + " ms of work in " + elapsed / 1e6
                    + " ms (median slice " + percentile(sliceNanos, 0.5) / 1e6 + " ms)";
            assertTrue(slices >= 2, "the evacuator ran: " + seen);
            assertTrue(slices <= elapsed / defaultPeriod.toNanos() + 1, "at most one slice per 100 ms: " + seen);
            // The median, not the mean: one slice descheduled for tens of milliseconds is the machine, not us.
            assertTrue(percentile(sliceNanos, 0.5) < 5 * defaultWork.toNanos(), "each about 1 ms, not several: " + seen);
            assertEquals(1, after.shardsGrowing(),
                    "at that pace, a growth of tens of milliseconds is not done: " + seen);

            long largestBudget = 0;
            for (final RecordedEvent slice : RecordingFile.readAllEvents(file)) {
                if (slice.getThread() != null && "panamap-evacuator".equals(slice.getThread().getJavaName())) {
                    largestBudget = Math.max(largestBudget, slice.getLong("budget"));
                }
            }
            assertEquals(defaultWork.toNanos(), largestBudget, "a period's slices are given 1 ms in all");
        }
    }

    /**
     * A writer puts, now and then, into a shard the evacuator is finishing a large growth of, with slices of 1 ms.
     * The evacuator holds the lock for one slice at a time, not for the growth: most slices last about their budget,
     * and nearly every put (its wait for the shard's write lock included) takes about a slice at most.
     * <p>
     * Medians and the 99th percentile, not maxima: on a shared machine any one thread may be descheduled for
     * tens of milliseconds, a slice holding the lock as easily as a put, and that says nothing about the slicing.
     */
    @Test
    void aSliceShouldHoldTheShardsLockOnlyForAboutItsBudget() throws Exception {
        final Path file = directory.resolve("budgeted-slices.jfr");
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(1)
                .backgroundEvacuation(SLICE, Duration.ofMillis(5)).build();
             Recording recording = new Recording()) {
            recording.enable("io.panamap.EvacuationSlice").withThreshold(Duration.ZERO);
            recording.start(); // before the growth: starting a recording can take longer than the growth's slices
            final long entries = fillUntilDoublingTo(map, 19);
            final Instant measuredFrom = Instant.now();
            final ShardedStats before = map.stats();
            assertEquals(1, before.shardsGrowing());
            final AtomicBoolean stop = new AtomicBoolean();
            final long[] putNanos = new long[1 << 20];
            final AtomicLong puts = new AtomicLong();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread writer = new Thread(() -> {
                try {
                    while (!stop.get() && puts.get() < putNanos.length) {
                        final long key = ThreadLocalRandom.current().nextLong(entries);
                        final long started = System.nanoTime();
                        map.put(key, ~key);
                        putNanos[(int) puts.get()] = System.nanoTime() - started;
                        puts.incrementAndGet();
                        LockSupport.parkNanos(200_000); // a few thousand puts a second: the evacuator does the work
                    }
                } catch (final Throwable e) {
                    failure.set(e);
                }
            }, "occasional-writer");
            writer.start();
            final boolean finished = awaitNoGrowth(map, PATIENCE);
            stop.set(true);
            writer.join(TimeUnit.SECONDS.toMillis(30));
            recording.stop();
            recording.dump(file);
            assertNull(failure.get());
            assertTrue(finished, "still growing after " + PATIENCE + ": " + map.stats());

            final ShardedStats after = map.stats();
            final long slices = after.backgroundSlices() - before.backgroundSlices();
            final long[] sorted = Arrays.copyOf(putNanos, (int) puts.get());
            Arrays.sort(sorted);
            final long[] sliceNanos = evacuatorSliceNanos(file, measuredFrom);
            final String seen = sorted.length + " puts (median " + percentile(sorted, 0.5) / 1e6 + " ms, 99th "
                    + percentile(sorted, 0.99) / 1e6 + " ms, longest " + percentile(sorted, 1) / 1e6 + " ms) while "
                    + slices + " slices took " + (after.backgroundNanos() - before.backgroundNanos()) / 1e6
                    + " ms in all (median " + percentile(sliceNanos, 0.5) / 1e6 + " ms, longest "
                    + percentile(sliceNanos, 1) / 1e6 + " ms)";
            assertTrue(slices >= 10, "the growth was evacuated in many slices: " + seen);
            assertTrue(sorted.length >= slices, "the writer kept writing meanwhile: " + seen);
            assertTrue(percentile(sliceNanos, 0.5) < 5 * SLICE.toNanos(), "a slice lasts about its 1 ms: " + seen);
            assertTrue(percentile(sorted, 0.99) < 10 * SLICE.toNanos(), "a put waits for a slice at most: " + seen);
        }
    }

    /**
     * A period that starts late, here because a slow merger holds the shard's lock for 60 ms, is not made up for
     * with a burst of slices back to back, each retaking the lock: every slice is followed by a pause of
     * period - work before the next.
     */
    @Test
    void aLatePeriodShouldNotBeMadeUpForWithABurstOfSlices() throws Exception {
        final Duration period = Duration.ofMillis(5);
        final Path file = directory.resolve("late-period.jfr");
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(1)
                .backgroundEvacuation(SLICE, period).build();
             Recording recording = new Recording()) {
            recording.enable("io.panamap.EvacuationSlice").withThreshold(Duration.ZERO);
            recording.start();
            fillUntilDoublingTo(map, 19); // some 35 ms of evacuation: tens of slices
            final Instant heldFrom = Instant.now();
            map.merge(0, 1, (stored, given) -> {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(60)); // a dozen periods go by
                return given;
            });
            assertTrue(awaitNoGrowth(map, PATIENCE), "still growing after " + PATIENCE + ": " + map.stats());
            recording.stop();
            recording.dump(file);

            final List<RecordedEvent> slices = RecordingFile.readAllEvents(file).stream()
                    .filter(event -> "io.panamap.EvacuationSlice".equals(event.getEventType().getName()))
                    .filter(event -> !event.getStartTime().isBefore(heldFrom))
                    .sorted(Comparator.comparing(RecordedEvent::getStartTime))
                    .toList();
            assertTrue(slices.size() >= 5, "the growth was finished in slices after the lock was let go: " + slices);
            final Duration pause = period.minus(SLICE);
            Duration shortestGap = ChronoUnit.FOREVER.getDuration();
            for (int i = 1; i < slices.size(); i++) {
                final Duration gap = Duration.between(slices.get(i - 1).getEndTime(), slices.get(i).getStartTime());
                shortestGap = gap.compareTo(shortestGap) < 0 ? gap : shortestGap;
            }
            // A little under the pause: the recorder's clock and the scheduler's may differ by microseconds.
            assertTrue(shortestGap.compareTo(pause.minusMillis(1)) >= 0,
                    "slices at least about " + pause + " apart, even after a late period: the shortest gap of "
                            + slices.size() + " was " + shortestGap);
        }
    }

    /** The durations of the evacuator's slices that began from {@code from} on in a recording, shortest first. */
    private static long[] evacuatorSliceNanos(final Path file, final Instant from) throws IOException {
        return RecordingFile.readAllEvents(file).stream()
                .filter(event -> "io.panamap.EvacuationSlice".equals(event.getEventType().getName()))
                .filter(event -> !event.getStartTime().isBefore(from))
                .filter(event -> event.getThread() != null
                        && "panamap-evacuator".equals(event.getThread().getJavaName()))
                .mapToLong(event -> event.getDuration().toNanos())
                .sorted()
                .toArray();
    }

    /** The value at {@code fraction} (0 to 1) of sorted {@code values}, by the nearest-rank rule. */
    private static long percentile(final long[] sorted, final double fraction) {
        if (sorted.length == 0) {
            return 0;
        }
        final int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    @Test
    void theTypedMapShouldFinishAGrowthNobodyWritesInTheBackgroundToo() {
        try (ConcurrentOffHeapMap<Long, Long> map = ConcurrentOffHeapMap.builder(Codecs.longs(), Codecs.longs())
                .shards(1).backgroundEvacuation(SLICE, PERIOD).build()) {
            final long entries = entriesStartingDoublingTo(15);
            for (long key = 0; key < entries; key++) {
                map.set(key, ~key);
            }
            final ShardedStats left = map.stats();
            assertEquals(1, left.shardsGrowing());
            final long end = System.nanoTime() + PATIENCE.toNanos();
            while (map.stats().shardsGrowing() != 0 && System.nanoTime() - end < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            final ShardedStats done = map.stats();
            assertEquals(0, done.shardsGrowing(), "still growing after " + PATIENCE + ": " + done);
            assertTrue(done.backgroundSlices() > left.backgroundSlices());
            for (long key = 0; key < entries; key++) {
                assertEquals(~key, map.get(key));
            }
        }
    }

    /**
     * Shards as a concurrent map makes them, 2^{@code logShards} tables named {@code name} and their shard, each
     * written directly (before any evacuator runs) up to the insert that starts its doubling to 2^5 buckets: a
     * growth of 16 chains, which one slice finishes in microseconds.
     */
    private static ShardSet growingShards(final int logShards, final String name) {
        final ShardSet set = new ShardSet(logShards, name);
        final ShardSet.Options options = new ShardSet.Options();
        options.shards(1 << logShards);
        for (int shard = 0; shard < set.count(); shard++) {
            final LongLongMap table = LongLongMap.builder().backgroundMemoryWork(false).owner(name + " " + shard)
                    .build();
            set.adopt(shard, table.table(), options);
            for (long key = 0; key < entriesStartingDoublingTo(5); key++) {
                table.put(key, ~key);
            }
            assertTrue(table.table().isGrowing() && table.stats().logBuckets() == 5, table.stats()::toString);
        }
        return set;
    }

    /**
     * The work of a period is for all the growing shards together: each slice is given what the period has left,
     * not the whole work again, or a map with many growing shards would hold their locks for the work times their
     * number every period. Four small growths finish in the first period, a slice each: every slice after its
     * period's first was given less than the one before it.
     */
    @Test
    void theSlicesOfAPeriodShouldShareItsWork() throws Exception {
        final Duration work = Duration.ofMillis(100);
        final Duration period = Duration.ofMillis(200);
        final String name = "shared period";
        final Path file = directory.resolve("shared-period.jfr");
        final ShardSet set = growingShards(2, name);
        try (Recording recording = new Recording()) {
            recording.enable("io.panamap.EvacuationSlice").withThreshold(Duration.ZERO);
            recording.start();
            set.startEvacuator(work.toNanos(), period.toNanos());
            final long end = System.nanoTime() + PATIENCE.toNanos();
            while (set.stats().shardsGrowing() != 0 && System.nanoTime() - end < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            assertEquals(0, set.stats().shardsGrowing(), "still growing after " + PATIENCE);
            recording.stop();
            recording.dump(file);
        } finally {
            set.close();
        }
        final List<RecordedEvent> slices = RecordingFile.readAllEvents(file).stream()
                .filter(event -> "io.panamap.EvacuationSlice".equals(event.getEventType().getName()))
                .filter(event -> event.getString("table").startsWith(name))
                .sorted(Comparator.comparing(RecordedEvent::getStartTime))
                .toList();
        assertEquals(set.count(), slices.size(), "a slice finished each growth: " + slices);
        assertEquals(work.toNanos(), slices.getFirst().getLong("budget"), "the first slice may use all the work");
        final Duration pause = period.minus(work);
        for (int i = 1; i < slices.size(); i++) {
            final RecordedEvent before = slices.get(i - 1);
            final RecordedEvent slice = slices.get(i);
            if (Duration.between(before.getEndTime(), slice.getStartTime()).compareTo(pause) < 0) {
                assertTrue(slice.getLong("budget") < before.getLong("budget"),
                        "a slice is given what its period has left: " + slices);
            } else { // the machine stalled the evacuator past its period's work: the next period has all of it
                assertEquals(work.toNanos(), slice.getLong("budget"), slices::toString);
            }
        }
    }

    /** A closed map's evacuator stops: scheduled on, it would wake for the closed shards, and keep them, for good. */
    @Test
    void closingTheShardsShouldStopTheirEvacuator() {
        final ShardSet set = growingShards(1, "closing");
        assertFalse(set.evacuatorScheduled(), "none asked for");
        set.startEvacuator(SLICE.toNanos(), PERIOD.toNanos());
        assertTrue(set.evacuatorScheduled());
        set.close();
        assertFalse(set.evacuatorScheduled(), "close() stops the evacuator");
    }

    @Test
    void badDurationsShouldBeRefusedWithAMessageThatSaysWhy() {
        final Duration[][] bad = {
                {Duration.ZERO, PERIOD},
                {Duration.ofMillis(-1), PERIOD},
                {Duration.ofMillis(20), PERIOD},
        };
        for (final Duration[] pair : bad) {
            final IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                    () -> ConcurrentLongLongMap.builder().backgroundEvacuation(pair[0], pair[1]));
            assertEquals("background evacuation needs 0 < work <= period, not " + pair[0] + " per " + pair[1],
                    plain.getMessage());
            final IllegalArgumentException typed = assertThrows(IllegalArgumentException.class,
                    () -> ConcurrentOffHeapMap.builder(Codecs.longs(), Codecs.longs())
                            .backgroundEvacuation(pair[0], pair[1]));
            assertEquals(plain.getMessage(), typed.getMessage());
        }
        // Periods beyond what a long counts in nanoseconds (some 292 years) cannot be scheduled: said so, rather
        // than the "long overflow" of Duration.toNanos().
        final Duration longest = Duration.ofNanos(Long.MAX_VALUE);
        final Duration[][] tooLong = {
                {SLICE, longest.plusNanos(1)},
                {longest.plusNanos(1), longest.plusNanos(1)},
                {SLICE, Duration.ofSeconds(Long.MAX_VALUE)},
        };
        for (final Duration[] pair : tooLong) {
            final IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                    () -> ConcurrentLongLongMap.builder().backgroundEvacuation(pair[0], pair[1]));
            assertEquals("background evacuation needs a period of at most " + longest + ", not " + pair[1],
                    plain.getMessage());
            final IllegalArgumentException typed = assertThrows(IllegalArgumentException.class,
                    () -> ConcurrentOffHeapMap.builder(Codecs.longs(), Codecs.longs())
                            .backgroundEvacuation(pair[0], pair[1]));
            assertEquals(plain.getMessage(), typed.getMessage());
        }
        assertThrows(NullPointerException.class,
                () -> ConcurrentLongLongMap.builder().backgroundEvacuation(null, PERIOD));
        assertThrows(NullPointerException.class,
                () -> ConcurrentLongLongMap.builder().backgroundEvacuation(SLICE, null));
        try (ConcurrentLongLongMap all = ConcurrentLongLongMap.builder().shards(1).backgroundEvacuation(PERIOD, PERIOD)
                .build()) {
            all.put(1, 2);
            assertEquals(2, all.get(1), "work equal to the period is allowed");
        }
    }
}
