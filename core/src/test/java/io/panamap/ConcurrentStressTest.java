package io.panamap;

import io.panamap.codec.Codecs;
import io.panamap.layout.BucketLayout;
import io.panamap.memory.MemoryWorker;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongBinaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several threads at once on the concurrent maps, each test for a few seconds: writers that make the shards
 * grow from empty many times over (with a background evacuator finishing growths in between, in most tests),
 * readers that check every value they get against what it must be, walks under writes, and arrays retired and
 * unmapped while readers are on them. Every check is exact: a counter
 * against the increments each thread recorded, a value against the function of its key that every write of
 * that key stores, a walk against the keys that were present all along or removed before it.
 *
 * <p>By default each test runs for about two seconds (the typed map's for half that), so the class stays well
 * under a minute. For a long run by hand: {@code ./mvnw -o -pl core test
 * -Dtest=ConcurrentStressTest -Dpanamap.stress.seconds=60}; beyond about 80 s a test, raise the test JVM's limit
 * too ({@code -Dpanamap.test.fork.timeout}, 900 s). A test is made of rounds, each on a new map that starts
 * empty, and runs rounds until its time is up (at least one).
 */
class ConcurrentStressTest {

    /** Seconds per test unless {@code panamap.stress.seconds} says otherwise. */
    static final String DEFAULT_SECONDS = "2";
    /** How long each long → long test runs. */
    static final Duration RUN = Duration.ofMillis(
            Math.round(1000 * Double.parseDouble(System.getProperty("panamap.stress.seconds", DEFAULT_SECONDS))));
    /** How long each typed-map test runs: its operations are slower, and repeat what the long → long ones cover. */
    static final Duration TYPED_RUN = RUN.dividedBy(2);
    /** Beyond its run, how long a test waits for its threads before calling them stuck. */
    private static final Duration GRACE = Duration.ofSeconds(60);
    /** What "no entry" reads as in the tests that store {@link #valueOf}: even, so never a value. */
    private static final long MISSING = Long.MIN_VALUE;
    /** Doublings every shard must have gone through in a round for it to count as "many growths". */
    private static final int MANY_DOUBLINGS = 8;
    private static final LongBinaryOperator SUM = Long::sum;
    /** A background evacuator busier than the default, so that its slices often meet the readers and writers. */
    private static final Duration EVACUATOR_WORK = Duration.ofNanos(200_000);
    private static final Duration EVACUATOR_PERIOD = Duration.ofMillis(2);

    /**
     * The one value {@code key} is ever stored with, in the tests where a value must be a function of its key:
     * a mix of all its bits, odd, so that it is never {@link #MISSING} nor 0, and a value read from another
     * key's slot, or half from one entry and half from another, does not pass for it.
     */
    static long valueOf(final long key) {
        long z = key * 0xBF58_476D_1CE4_E5B9L + 0x94D0_49BB_1331_11EBL;
        z = (z ^ (z >>> 31)) * 0x9E37_79B9_7F4A_7C15L;
        return (z ^ (z >>> 29)) | 1;
    }

    // ------------------------------------------------------------------ counters

    /** Counter keys per round: the shards (4) grow from empty to about 8K entries each, plus the other keys. */
    private static final int COUNTERS = 1 << 15;
    /** Keys other than counters, put and removed meanwhile. */
    private static final int OTHERS = 1 << 15;
    private static final int COUNTER_OPS_PER_WRITER = 250_000;

    @Test
    void concurrentCountersShouldLoseNoUpdateThroughManyGrowths() {
        final int writers = 3;
        final Deadline deadline = new Deadline(RUN);
        final LongAdder reads = new LongAdder();
        do {
            try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).build()) {
                final long[][] added = new long[writers][];
                final Crew crew = new Crew();
                final AtomicInteger writing = new AtomicInteger(writers);
                for (int w = 0; w < writers; w++) {
                    final int writer = w;
                    crew.start("counter-writer-" + w, () -> {
                        try {
                            added[writer] = countAndChurn(map, crew);
                        } finally {
                            writing.decrementAndGet();
                        }
                    });
                }
                crew.start("counter-reader", () -> readCountersAndOthers(map, crew, writing, reads));
                crew.join(RUN.plus(GRACE));

                long expectedSize = 0;
                for (int c = 0; c < COUNTERS; c++) {
                    long sum = 0;
                    for (final long[] one : added) {
                        sum += one[c];
                    }
                    assertEquals(sum, map.get(c), "counter " + c + ": the increments of every thread, none lost");
                    assertEquals(sum != 0, map.containsKey(c));
                    expectedSize += sum != 0 ? 1 : 0;
                }
                for (int o = 0; o < OTHERS; o++) {
                    final long key = otherKey(o);
                    final long value = map.get(key);
                    assertTrue(value == 0 || value == valueOf(key), "key " + key + " holds " + value);
                    expectedSize += map.containsKey(key) ? 1 : 0;
                }
                assertEquals(expectedSize, map.size());
                assertGrewManyTimes(map.stats());
            }
        } while (!deadline.passed());
        assertTrue(reads.sum() > 0, "the reader ran alongside the writers");
    }

    private static long otherKey(final int index) {
        return -1 - index;
    }

    /**
     * One writer's round: counters incremented by addTo and merge over a key range that widens during the first
     * half (so new counters, and growths, keep coming), other keys put and removed in between. Returns what it
     * added to each counter. Every value it gets back is checked: a counter only ever goes up, so the value after
     * an increment is at least the last one this thread saw plus its own delta.
     */
    private static long[] countAndChurn(final ConcurrentLongLongMap map, final Crew crew) {
        final SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
        final long[] added = new long[COUNTERS];
        final long[] lastSeen = new long[COUNTERS];
        for (int op = 0; op < COUNTER_OPS_PER_WRITER && !crew.failed(); op++) {
            final int reach = (int) Math.min(COUNTERS, 64 + (long) op * COUNTERS / (COUNTER_OPS_PER_WRITER / 2));
            final int choice = random.nextInt(10);
            if (choice < 6) {
                final int counter = random.nextInt(reach);
                final long delta = 1 + random.nextInt(4);
                final long now = (choice & 1) == 0 ? map.addTo(counter, delta) : map.merge(counter, delta, SUM);
                if (now < lastSeen[counter] + delta) {
                    throw new AssertionError("counter " + counter + " went from at least " + lastSeen[counter]
                            + " to " + now + " on an increment of " + delta);
                }
                lastSeen[counter] = now;
                added[counter] += delta;
            } else {
                final long key = otherKey(random.nextInt(Math.min(OTHERS, reach)));
                final long value = valueOf(key);
                final long previous = switch (choice) {
                    case 6, 7 -> map.put(key, value);
                    case 8 -> map.remove(key);
                    default -> random.nextBoolean() ? map.putIfAbsent(key, value) : map.replace(key, value);
                };
                if (previous != 0 && previous != value) {
                    throw new AssertionError("key " + key + " held " + previous + ", never stored");
                }
            }
        }
        return added;
    }

    private static void readCountersAndOthers(final ConcurrentLongLongMap map, final Crew crew,
                                              final AtomicInteger writing, final LongAdder reads) {
        final SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
        final long[] lastSeen = new long[COUNTERS];
        while (writing.get() > 0 && !crew.failed()) {
            final int counter = random.nextInt(COUNTERS);
            final long now = map.get(counter);
            if (now < lastSeen[counter]) {
                throw new AssertionError("counter " + counter + " read " + now + " after " + lastSeen[counter]
                        + ": it only ever goes up");
            }
            lastSeen[counter] = now;
            final long key = otherKey(random.nextInt(OTHERS));
            final long value = map.get(key);
            if (value != 0 && value != valueOf(key)) {
                throw new AssertionError("key " + key + " read as " + value + ", never stored");
            }
            reads.increment();
        }
    }

    private static void assertGrewManyTimes(final ShardedStats stats) {
        for (final MapStats shard : stats.shards()) {
            final int first = ShardSet.Options.firstLogBuckets(BucketLayout.LONG_LONG, shard.memoryBudgetBytes());
            assertEquals(shard.logBuckets() - first, shard.doublings(),
                    "a shard that started empty doubled to each B past its first page once");
            assertTrue(shard.doublings() >= MANY_DOUBLINGS, "every shard should have grown many times: " + shard);
        }
    }

    // ------------------------------------------------------------------ reads of values that are a function of the key

    /** Keys present from before the threads start to the end of the round. */
    private static final int STABLE = 2_048;
    private static final long STABLE_BASE = 1L << 40;
    /** Keys each writer owns, and inserts and removes. */
    private static final int OWNED = 1 << 16;
    private static final int OWNED_OPS_PER_WRITER = 300_000;

    @Test
    void readersShouldSeeNothingButTheValueOfTheKeyWhileWritersGrowAndShrinkTheMap() {
        final int writers = 2;
        final int readers = 2;
        final Deadline deadline = new Deadline(RUN);
        final LongAdder reads = new LongAdder();
        do {
            try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).missingValue(MISSING)
                    .backgroundEvacuation(EVACUATOR_WORK, EVACUATOR_PERIOD).build()) {
                for (int s = 0; s < STABLE; s++) {
                    map.put(STABLE_BASE + s, valueOf(STABLE_BASE + s));
                }
                final boolean[][] present = new boolean[writers][OWNED];
                final Crew crew = new Crew();
                final AtomicInteger writing = new AtomicInteger(writers);
                for (int w = 0; w < writers; w++) {
                    final int writer = w;
                    crew.start("owner-" + w, () -> {
                        try {
                            insertAndRemoveOwnKeys(map, crew, writer, writers, present[writer]);
                        } finally {
                            writing.decrementAndGet();
                        }
                    });
                }
                for (int r = 0; r < readers; r++) {
                    crew.start("reader-" + r, () -> readValuesOfKeys(map, crew, writing, writers, reads));
                }
                crew.join(RUN.plus(GRACE));

                long expectedSize = STABLE;
                for (int s = 0; s < STABLE; s++) {
                    assertEquals(valueOf(STABLE_BASE + s), map.get(STABLE_BASE + s));
                }
                for (int w = 0; w < writers; w++) {
                    for (int j = 0; j < OWNED; j++) {
                        final long key = ownedKey(w, writers, j);
                        assertEquals(present[w][j] ? valueOf(key) : MISSING, map.get(key), "key " + key);
                        expectedSize += present[w][j] ? 1 : 0;
                    }
                }
                assertEquals(expectedSize, map.size());
                map.forEach((key, value) -> assertEquals(valueOf(key), value, "forEach: key " + key));
                assertGrewManyTimes(map.stats());
            }
        } while (!deadline.passed());
        assertTrue(reads.sum() > 0, "the readers ran alongside the writers");
    }

    private static long ownedKey(final int writer, final int writers, final int index) {
        return (long) index * writers + writer;
    }

    /**
     * One writer's round over the keys it alone writes, so it knows exactly what each write must return: mostly
     * inserts for the first 60% (the shards grow), mostly removals after (they empty out); now and then a
     * finishGrowth or a small evacuate, and rewrites of the stable keys with their one value.
     */
    private static void insertAndRemoveOwnKeys(final ConcurrentLongLongMap map, final Crew crew, final int writer,
                                               final int writers, final boolean[] present) {
        final SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
        for (int op = 0; op < OWNED_OPS_PER_WRITER && !crew.failed(); op++) {
            final boolean growing = op < OWNED_OPS_PER_WRITER * 6 / 10;
            final int choice = random.nextInt(20);
            final int index = random.nextInt(OWNED);
            final long key = ownedKey(writer, writers, index);
            final long value = valueOf(key);
            final long expected = present[index] ? value : MISSING;
            if (choice < (growing ? 13 : 7)) {
                final long previous = random.nextBoolean() ? map.put(key, value) : map.putIfAbsent(key, value);
                check(previous == expected, "an insert of key ", key, previous, expected);
                present[index] = true;
            } else if (choice < 18) {
                final long previous = map.remove(key);
                check(previous == expected, "a remove of key ", key, previous, expected);
                present[index] = false;
            } else if (choice == 18) {
                final long previous = map.replace(key, value);
                check(previous == expected, "a replace of key ", key, previous, expected);
            } else {
                final long stable = STABLE_BASE + random.nextInt(STABLE);
                final long previous = map.put(stable, valueOf(stable));
                check(previous == valueOf(stable), "a rewrite of stable key ", stable, previous, valueOf(stable));
            }
            if (op % 50_000 == 49_999) {
                map.finishGrowth();
            } else if (op % 10_000 == 9_999) {
                map.evacuate(Duration.ofNanos(50_000));
            }
        }
    }

    private static void check(final boolean ok, final String what, final long key, final long got,
                              final long expected) {
        if (!ok) {
            throw new AssertionError(what + key + " returned " + got + ", expected " + expected);
        }
    }

    private static void readValuesOfKeys(final ConcurrentLongLongMap map, final Crew crew, final AtomicInteger writing,
                                         final int writers, final LongAdder reads) {
        final SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
        while (writing.get() > 0 && !crew.failed()) {
            final long stable = STABLE_BASE + random.nextInt(STABLE);
            final long stableValue = map.get(stable);
            check(stableValue == valueOf(stable), "get of stable key ", stable, stableValue, valueOf(stable));
            if (!map.containsKey(stable)) {
                throw new AssertionError("stable key " + stable + " reported absent");
            }
            for (int i = 0; i < 4; i++) {
                final long key = ownedKey(random.nextInt(writers), writers, random.nextInt(OWNED));
                final long value = map.get(key);
                if (value != MISSING && value != valueOf(key)) {
                    throw new AssertionError("get of key " + key + " returned " + value + ", never stored");
                }
                final long orDefault = map.getOrDefault(key, 0);
                if (orDefault != 0 && orDefault != valueOf(key)) {
                    throw new AssertionError("getOrDefault of key " + key + " returned " + orDefault
                            + ", never stored");
                }
            }
            reads.add(9);
        }
    }

    // ------------------------------------------------------------------ reclamation

    /**
     * Keys one reclamation round inserts: two shards grow from empty to about 65K entries each, past their
     * doubling to 2^14 buckets (at 53,249), whose end retires the 2^13 array. A table keeps the arrays below
     * 2^13 buckets it retires until it retires a larger one ({@code HashTable.keepsUntilLarge}); from there on
     * every retired array is unmapped while readers run.
     */
    private static final int RECLAIM_KEYS = 1 << 17;
    /** Inserts between two finishGrowth calls: every growth is finished, and its old array retired, right away. */
    private static final int FINISH_EVERY = 256;

    @Test
    void readersShouldNeverReadAnArrayTheMemoryWorkerUnmapsUnderThem() throws InterruptedException {
        final Reclamation result = readWhileArraysAreRetired(true);
        assertTrue(result.allocator.freesByThreadsNamed(MEMORY_WORKER) >= result.retired,
                "every retired array was unmapped on the memory worker: " + result);
        assertEquals(0, result.allocator.freesByThreadsNamed(RECLAIMING_WRITER), "none by the writer: " + result);
    }

    @Test
    void readersShouldNeverReadAnArrayTheWriterUnmapsItselfUnderItsLock() throws InterruptedException {
        final Reclamation result = readWhileArraysAreRetired(false);
        assertTrue(result.allocator.freesByThreadsNamed(RECLAIMING_WRITER) >= result.retired,
                "every retired array was unmapped by the writer, under the shard's write lock: " + result);
        assertEquals(0, result.allocator.freesByThreadsNamed(MEMORY_WORKER), "none in the background: " + result);
    }

    @Test
    void readersShouldNeverReadAnythingButValuesFromArraysKeptMappedAndEmptiedUnderThem()
            throws InterruptedException {
        final RecordingAllocator allocator = new RecordingAllocator("kept reclamation", true);
        final Reclamation result = readWhileArraysAreRetired(true, allocator, 2);
        // Not every one (two thirds to nine tenths here): a discard still queued when a round closes its map is
        // skipped, and close frees the mapping.
        assertTrue(allocator.discardCalls() > 0,
                "retired arrays had their pages given back while readers ran: " + allocator.discardCalls()
                        + " discards, " + result);
        assertTrue(allocator.freesByThreadsNamed(MEMORY_WORKER) > 0,
                "and those beyond two a shard were unmapped on the memory worker: " + result);
        assertEquals(0, allocator.freesByThreadsNamed(RECLAIMING_WRITER), "none by the writer: " + result);
    }

    private static final String MEMORY_WORKER = "panamap-memory-worker";
    private static final String RECLAIMING_WRITER = "reclaiming-writer";

    /** What a reclamation test did: arrays retired while readers ran, and what the allocator saw. */
    private record Reclamation(RecordingAllocator allocator, long retired, long reads, int rounds) {
    }

    /**
     * Rounds of: readers get keys at random while the writer inserts, finishing every growth at once (so an old
     * array is retired every few hundred inserts), then clears the map (retiring the current arrays too) and
     * inserts again. Every read must be missing or the key's value; a key published as inserted (and not since
     * cleared) must be found.
     */
    private static Reclamation readWhileArraysAreRetired(final boolean backgroundMemoryWork)
            throws InterruptedException {
        return readWhileArraysAreRetired(backgroundMemoryWork, new RecordingAllocator("reclamation"), -1);
    }

    /** With {@code keptPerShard} at -1, the map's default number of kept retired mappings. */
    private static Reclamation readWhileArraysAreRetired(final boolean backgroundMemoryWork,
                                                         final RecordingAllocator allocator, final int keptPerShard)
            throws InterruptedException {
        final Deadline deadline = new Deadline(RUN);
        final int readers = 4;
        long retired = 0;
        final LongAdder reads = new LongAdder();
        int rounds = 0;
        do {
            try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(2).allocator(allocator)
                    .backgroundMemoryWork(backgroundMemoryWork).missingValue(MISSING)
                    .retiredMappingsPerShard(keptPerShard).build()) {
                final AtomicLong published = new AtomicLong();
                final AtomicLong clears = new AtomicLong();
                final Crew crew = new Crew();
                final AtomicInteger writing = new AtomicInteger(1);
                crew.start(RECLAIMING_WRITER, () -> {
                    try {
                        insertFinishingEveryGrowth(map, published, 0, RECLAIM_KEYS);
                        published.set(0); // before the clear: a reader that sees the clear sees this first
                        clears.incrementAndGet();
                        map.clear();
                        insertFinishingEveryGrowth(map, published, 0, RECLAIM_KEYS / 4);
                    } finally {
                        writing.decrementAndGet();
                    }
                });
                for (int r = 0; r < readers; r++) {
                    crew.start("reclamation-reader-" + r,
                            () -> readPublishedKeys(map, crew, writing, published, clears, reads));
                }
                crew.join(RUN.plus(GRACE));
                for (long key = 0; key < RECLAIM_KEYS; key++) {
                    assertEquals(key < RECLAIM_KEYS / 4 ? valueOf(key) : MISSING, map.get(key), "key " + key);
                }
                final ShardedStats stats = map.stats();
                for (final MapStats shard : stats.shards()) {
                    retired += shard.growthsFinished();
                }
                assertEquals(0, stats.shardsGrowing());
            }
            rounds++;
        } while (!deadline.passed());
        assertTrue(MemoryWorker.awaitIdle(30, TimeUnit.SECONDS));
        assertEquals(0, allocator.live(), "every array mapped was unmapped: " + allocator);
        assertTrue(retired >= (long) rounds * MANY_DOUBLINGS, "arrays retired while the readers ran: " + retired);
        assertTrue(reads.sum() > 0);
        return new Reclamation(allocator, retired, reads.sum(), rounds);
    }

    private static void insertFinishingEveryGrowth(final ConcurrentLongLongMap map, final AtomicLong published,
                                                   final long from, final long to) {
        for (long key = from; key < to; key++) {
            map.put(key, valueOf(key));
            published.set(key + 1);
            if (key % FINISH_EVERY == FINISH_EVERY - 1) {
                map.finishGrowth();
            }
        }
        map.finishGrowth();
    }

    private static void readPublishedKeys(final ConcurrentLongLongMap map, final Crew crew, final AtomicInteger writing,
                                          final AtomicLong published, final AtomicLong clears, final LongAdder reads) {
        final SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
        long count = 0;
        while (writing.get() > 0 && !crew.failed()) {
            final long clearsBefore = clears.get();
            final long inserted = published.get();
            final long key = random.nextLong(RECLAIM_KEYS);
            final long value = map.get(key);
            if (value == MISSING) {
                if (key < inserted && clears.get() == clearsBefore) {
                    throw new AssertionError("key " + key + " was inserted (" + inserted + " published) and not"
                            + " cleared since, but read as missing");
                }
            } else if (value != valueOf(key)) {
                throw new AssertionError("key " + key + " read as " + value + ", never stored");
            }
            count++;
        }
        reads.add(count);
    }

    // ------------------------------------------------------------------ iteration under writes

    /** Keys inserted before the walks and never removed. */
    private static final int WALK_STABLE = 20_000;
    /** Keys inserted and removed before the walks, never again. */
    private static final int WALK_REMOVED = 5_000;
    private static final long WALK_REMOVED_BASE = 1L << 41;
    /** Keys each writer inserts (and removes some of) while the walks run: the map grows well past its start. */
    private static final int WALK_FRESH = 80_000;
    private static final long WALK_FRESH_BASE = 1L << 42;

    @Test
    void aWalkUnderConcurrentWritesShouldProduceTheKeysPresentThroughoutOnceAndNoKeyRemovedBeforeIt() {
        final int writers = 2;
        final Deadline deadline = new Deadline(RUN);
        final LongAdder walks = new LongAdder();
        final LongAdder walksThroughGrowth = new LongAdder();
        do {
            try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).missingValue(MISSING)
                    .backgroundEvacuation(EVACUATOR_WORK, EVACUATOR_PERIOD).build()) {
                for (int s = 0; s < WALK_STABLE; s++) {
                    map.put(STABLE_BASE + s, valueOf(STABLE_BASE + s));
                }
                for (int r = 0; r < WALK_REMOVED; r++) {
                    map.put(WALK_REMOVED_BASE + r, valueOf(WALK_REMOVED_BASE + r));
                }
                for (int r = 0; r < WALK_REMOVED; r++) {
                    map.remove(WALK_REMOVED_BASE + r);
                }
                final Crew crew = new Crew();
                final AtomicInteger writing = new AtomicInteger(writers);
                for (int w = 0; w < writers; w++) {
                    final long base = WALK_FRESH_BASE * (w + 1);
                    crew.start("walk-writer-" + w, () -> {
                        try {
                            writeDuringWalks(map, crew, base);
                        } finally {
                            writing.decrementAndGet();
                        }
                    });
                }
                crew.start("cursor-walker", () -> {
                    do {
                        walkAndCheck(map, true, walks, walksThroughGrowth);
                    } while (writing.get() > 0 && !crew.failed());
                });
                crew.start("forEach-walker", () -> {
                    do {
                        walkAndCheck(map, false, walks, walksThroughGrowth);
                    } while (writing.get() > 0 && !crew.failed());
                });
                crew.join(RUN.plus(GRACE));
            }
        } while (!deadline.passed());
        assertTrue(walksThroughGrowth.sum() > 0,
                "some of the " + walks.sum() + " walks should have run through growths");
    }

    /** Inserts fresh keys (removing some), and rewrites stable keys with their one value. */
    private static void writeDuringWalks(final ConcurrentLongLongMap map, final Crew crew, final long base) {
        final SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
        int inserted = 0;
        while (inserted < WALK_FRESH && !crew.failed()) {
            final int choice = random.nextInt(10);
            if (choice < 6) {
                final long key = base + inserted++;
                map.put(key, valueOf(key));
            } else if (choice < 8) {
                if (inserted > 0) {
                    map.remove(base + random.nextInt(inserted));
                }
            } else {
                final long stable = STABLE_BASE + random.nextInt(WALK_STABLE);
                final long previous = choice == 8
                        ? map.put(stable, valueOf(stable))
                        : map.replace(stable, valueOf(stable));
                check(previous == valueOf(stable), "a rewrite of stable key ", stable, previous, valueOf(stable));
            }
        }
    }

    private static void walkAndCheck(final ConcurrentLongLongMap map, final boolean byCursor, final LongAdder walks,
                                     final LongAdder walksThroughGrowth) {
        final int[] seen = new int[WALK_STABLE];
        final long growthsBefore = growths(map.stats());
        final LongLongConsumer check = (key, value) -> {
            if (value != valueOf(key)) {
                throw new AssertionError("the walk produced key " + key + " with " + value + ", never stored");
            }
            if (key >= STABLE_BASE && key < STABLE_BASE + WALK_STABLE) {
                if (++seen[(int) (key - STABLE_BASE)] > 1) {
                    throw new AssertionError("the walk produced key " + key + ", present throughout, twice");
                }
            } else if (key >= WALK_REMOVED_BASE && key < WALK_REMOVED_BASE + WALK_REMOVED) {
                throw new AssertionError("the walk produced key " + key + ", removed before it started");
            } else if (key < WALK_FRESH_BASE) {
                throw new AssertionError("the walk produced key " + key + ", never stored");
            }
        };
        if (byCursor) {
            try (ConcurrentLongLongCursor cursor = map.cursor()) {
                while (cursor.next()) {
                    check.accept(cursor.key(), cursor.value());
                }
            }
        } else {
            map.forEach(check);
        }
        for (int s = 0; s < WALK_STABLE; s++) {
            if (seen[s] != 1) {
                throw new AssertionError("the walk did not produce key " + (STABLE_BASE + s) + ", present throughout");
            }
        }
        walks.increment();
        if (growths(map.stats()) != growthsBefore) {
            walksThroughGrowth.increment();
        }
    }

    private static long growths(final ShardedStats stats) {
        long growths = 0;
        for (final MapStats shard : stats.shards()) {
            growths += shard.doublings() + shard.sameSizeGrowths();
        }
        return growths;
    }

    // ------------------------------------------------------------------ the typed map

    /** Stable keys of the typed tests: few, so that readers keep meeting the rewrites of the first writer. */
    private static final int TYPED_STABLE = 64;
    /** Keys each typed writer owns. */
    private static final int TYPED_OWNED = 1 << 11;
    private static final int TYPED_OPS_PER_WRITER = 60_000;
    /** Longest value {@link #typedValue} makes: past the 64 KiB above which a value gets a mapping of its own. */
    private static final int TYPED_MAX_LENGTH = 70_000;

    /**
     * The value stored for key number {@code id} at {@code version}: its length and every byte follow from both,
     * and its first eight bytes say which (the version, then the id), so a reader can check any value it gets
     * in full. Lengths vary from 8 bytes to past 64 KiB, so rewrites move between size classes, and now and then
     * get or free a dedicated mapping.
     */
    static byte[] typedValue(final long id, final int version) {
        final long mix = valueOf(id * 1_000_003 + version);
        final int length = typedLength(mix);
        final byte[] value = new byte[length];
        final MemorySegment segment = MemorySegment.ofArray(value);
        segment.set(ValueLayout.JAVA_INT_UNALIGNED, 0, version);
        segment.set(ValueLayout.JAVA_INT_UNALIGNED, 4, (int) id);
        for (int i = 8; i < length; i++) {
            value[i] = typedByte(mix, i);
        }
        return value;
    }

    private static int typedLength(final long mix) {
        final int bucket = (int) ((mix >>> 8) & 255);
        if (bucket == 0) {
            return TYPED_MAX_LENGTH - (int) ((mix >>> 20) & 1023);
        }
        return 8 + (int) ((mix >>> 20) % (bucket < 8 ? 5_000 : 200));
    }

    private static byte typedByte(final long mix, final int index) {
        return (byte) ((mix >>> ((index & 7) << 3)) ^ index);
    }

    /** Checks that the first {@code length} bytes of {@code bytes} are a whole {@link #typedValue} of {@code id}. */
    static void checkTyped(final long id, final MemorySegment bytes, final long length, final String how) {
        if (length < 8) {
            throw new AssertionError(how + " of key " + id + ": " + length + " bytes, too short for any value");
        }
        final int version = bytes.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
        final int storedId = bytes.get(ValueLayout.JAVA_INT_UNALIGNED, 4);
        if (storedId != (int) id) {
            throw new AssertionError(how + " of key " + id + " returned a value of key " + storedId);
        }
        final long mix = valueOf(id * 1_000_003 + version);
        if (length != typedLength(mix)) {
            throw new AssertionError(how + " of key " + id + ": version " + version + " is " + typedLength(mix)
                    + " bytes long, not " + length);
        }
        for (int i = 8; i < length; i++) {
            if (bytes.get(ValueLayout.JAVA_BYTE, i) != typedByte(mix, i)) {
                throw new AssertionError(how + " of key " + id + ": byte " + i + " of version " + version + " is torn");
            }
        }
    }

    private static void checkTyped(final long id, final byte[] value, final String how) {
        checkTyped(id, MemorySegment.ofArray(value), value.length, how);
    }

    private static String typedKey(final long id) {
        return "key-" + id;
    }

    private static long typedOwnedId(final int writer, final int writers, final int index) {
        return (long) TYPED_STABLE + (long) index * writers + writer;
    }

    private static ConcurrentOffHeapMap<CharSequence, byte[]> typedMap(final boolean backgroundMemoryWork,
                                                                       final RecordingAllocator allocator) {
        final ConcurrentOffHeapMap.Builder<CharSequence, byte[]> builder =
                ConcurrentOffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).shards(4)
                        .backgroundMemoryWork(backgroundMemoryWork)
                        .backgroundEvacuation(EVACUATOR_WORK, EVACUATOR_PERIOD);
        return (allocator == null ? builder : builder.allocator(allocator)).build();
    }

    @Test
    void typedReadersShouldSeeNothingButAWholeValueOfTheirKeyWhileWritersRewriteGrowAndShrinkTheMap() {
        final int writers = 2;
        final int readers = 2;
        final Deadline deadline = new Deadline(TYPED_RUN);
        final LongAdder reads = new LongAdder();
        do {
            try (ConcurrentOffHeapMap<CharSequence, byte[]> map = typedMap(true, null)) {
                final int[] stableVersions = new int[TYPED_STABLE];
                for (int s = 0; s < TYPED_STABLE; s++) {
                    map.set(typedKey(s), typedValue(s, 0));
                }
                final int[][] versions = new int[writers][TYPED_OWNED]; // 0: absent
                final Crew crew = new Crew();
                final AtomicInteger writing = new AtomicInteger(writers);
                for (int w = 0; w < writers; w++) {
                    final int writer = w;
                    crew.start("typed-owner-" + w, () -> {
                        try {
                            writeOwnTypedKeys(map, crew, writer, writers, versions[writer],
                                    writer == 0 ? stableVersions : null);
                        } finally {
                            writing.decrementAndGet();
                        }
                    });
                }
                for (int r = 0; r < readers; r++) {
                    crew.start("typed-reader-" + r, () -> readTypedValues(map, crew, writing, writers, reads));
                }
                crew.join(TYPED_RUN.plus(GRACE));

                long expectedSize = TYPED_STABLE;
                for (int s = 0; s < TYPED_STABLE; s++) {
                    assertTrue(Arrays.equals(typedValue(s, stableVersions[s]), map.get(typedKey(s))),
                            "stable key " + s);
                }
                for (int w = 0; w < writers; w++) {
                    for (int j = 0; j < TYPED_OWNED; j++) {
                        final long id = typedOwnedId(w, writers, j);
                        final byte[] value = map.get(typedKey(id));
                        if (versions[w][j] == 0) {
                            assertNull(value, "key " + id);
                        } else {
                            assertTrue(Arrays.equals(typedValue(id, versions[w][j]), value), "key " + id);
                            expectedSize++;
                        }
                    }
                }
                assertEquals(expectedSize, map.size());
                assertTrue(growths(map.stats()) > 0);
            }
        } while (!deadline.passed());
        assertTrue(reads.sum() > 0, "the readers ran alongside the writers");
    }

    /**
     * One typed writer's round over its own keys, knowing each key's version (0: absent) and so exactly what
     * every write must return; the first writer also rewrites the stable keys with new versions.
     */
    private static void writeOwnTypedKeys(final ConcurrentOffHeapMap<CharSequence, byte[]> map, final Crew crew,
                                          final int writer, final int writers, final int[] versions,
                                          final int[] stableVersions) {
        final SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
        int nextVersion = 1;
        for (int op = 0; op < TYPED_OPS_PER_WRITER && !crew.failed(); op++) {
            final boolean growing = op < TYPED_OPS_PER_WRITER * 6 / 10;
            final int choice = random.nextInt(20);
            final int index = random.nextInt(TYPED_OWNED);
            final long id = typedOwnedId(writer, writers, index);
            final String key = typedKey(id);
            final int was = versions[index];
            if (choice < (growing ? 12 : 6)) {
                final int version = nextVersion++;
                final byte[] value = typedValue(id, version);
                switch (choice % 6) {
                    case 0 -> {
                        final byte[] previous = map.put(key, value);
                        if (was == 0 ? previous != null : !Arrays.equals(typedValue(id, was), previous)) {
                            throw new AssertionError("put of key " + id + " returned the wrong previous value");
                        }
                        versions[index] = version;
                    }
                    case 1 -> {
                        if (map.set(key, value) != (was == 0)) {
                            throw new AssertionError("set of key " + id + " misjudged whether it was new");
                        }
                        versions[index] = version;
                    }
                    case 2 -> {
                        if (map.setIfAbsent(key, value) != (was == 0)) {
                            throw new AssertionError("setIfAbsent of key " + id + " misjudged whether it was absent");
                        }
                        if (was == 0) {
                            versions[index] = version;
                        }
                    }
                    case 3 -> {
                        final byte[] present = map.putIfAbsent(key, value);
                        if (was == 0 ? present != null : !Arrays.equals(typedValue(id, was), present)) {
                            throw new AssertionError("putIfAbsent of key " + id + " returned the wrong value");
                        }
                        if (was == 0) {
                            versions[index] = version;
                        }
                    }
                    case 4 -> {
                        final byte[] previous = map.replace(key, value);
                        if (was == 0 ? previous != null : !Arrays.equals(typedValue(id, was), previous)) {
                            throw new AssertionError("replace of key " + id + " returned the wrong previous value");
                        }
                        if (was != 0) {
                            versions[index] = version;
                        }
                    }
                    default -> {
                        final byte[] result = map.computeIfAbsent(key, k -> value);
                        if (!Arrays.equals(typedValue(id, was == 0 ? version : was), result)) {
                            throw new AssertionError("computeIfAbsent of key " + id + " returned the wrong value");
                        }
                        if (was == 0) {
                            versions[index] = version;
                        }
                    }
                }
            } else {
                if ((choice & 1) == 0) {
                    final byte[] previous = map.remove(key);
                    if (was == 0 ? previous != null : !Arrays.equals(typedValue(id, was), previous)) {
                        throw new AssertionError("remove of key " + id + " returned the wrong value");
                    }
                } else if (map.delete(key) != (was != 0)) {
                    throw new AssertionError("delete of key " + id + " misjudged whether it was there");
                }
                versions[index] = 0;
            }
            if (stableVersions != null) {
                final int stable = random.nextInt(TYPED_STABLE);
                final int version = nextVersion++;
                if (map.set(typedKey(stable), typedValue(stable, version))) {
                    throw new AssertionError("stable key " + stable + " was absent");
                }
                stableVersions[stable] = version;
            }
            if (op % 20_000 == 19_999) {
                map.finishGrowth();
            }
        }
    }

    private static void readTypedValues(final ConcurrentOffHeapMap<CharSequence, byte[]> map, final Crew crew,
                                        final AtomicInteger writing, final int writers, final LongAdder reads) {
        final SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
        final MemorySegment target = MemorySegment.ofArray(new byte[TYPED_MAX_LENGTH]);
        byte[] reuse = new byte[0];
        long count = 0;
        while (writing.get() > 0 && !crew.failed()) {
            final int stable = random.nextInt(TYPED_STABLE);
            final String stableKey = typedKey(stable);
            final byte[] stableValue = map.get(stableKey);
            if (stableValue == null) {
                throw new AssertionError("stable key " + stable + " read as absent");
            }
            checkTyped(stable, stableValue, "get");
            if (!map.containsKey(stableKey)) {
                throw new AssertionError("stable key " + stable + " reported absent");
            }
            final long stableLength = map.copyValue(stableKey, target, 0);
            if (stableLength < 0) {
                throw new AssertionError("stable key " + stable + " copied as absent");
            }
            checkTyped(stable, target, stableLength, "copyValue");
            final byte[] stableUsed = map.getUsing(stableKey, reuse);
            if (stableUsed == null) {
                throw new AssertionError("stable key " + stable + " decoded as absent");
            }
            checkTyped(stable, stableUsed, "getUsing");
            reuse = stableUsed;
            final long id = typedOwnedId(random.nextInt(writers), writers, random.nextInt(TYPED_OWNED));
            final String key = typedKey(id);
            final byte[] value = map.get(key);
            if (value != null) {
                checkTyped(id, value, "get");
            }
            final byte[] used = map.getUsing(key, reuse);
            if (used != null) {
                checkTyped(id, used, "getUsing");
                reuse = used; // the next value of the same length is decoded into it
            }
            final long length = map.copyValue(key, target, 0);
            if (length >= 0) {
                checkTyped(id, target, length, "copyValue");
            } else if (length != -1) {
                throw new AssertionError("copyValue of key " + id + " returned " + length);
            }
            count += 7;
        }
        reads.add(count);
    }

    @Test
    void typedReadersShouldNeverReadMemoryTheMemoryWorkerUnmapsUnderThem() throws InterruptedException {
        final RecordingAllocator allocator = readTypedWhileMemoryIsRetired(true);
        assertTrue(allocator.freesByThreadsNamed(MEMORY_WORKER) > 0,
                "retired arrays unmapped in the background: " + allocator);
    }

    @Test
    void typedReadersShouldNeverReadMemoryTheWriterUnmapsItselfUnderItsLock() throws InterruptedException {
        final RecordingAllocator allocator = readTypedWhileMemoryIsRetired(false);
        assertTrue(allocator.freesByThreadsNamed(RECLAIMING_WRITER) > 0, "unmapped by the writer: " + allocator);
        assertEquals(0, allocator.freesByThreadsNamed(MEMORY_WORKER), "none in the background: " + allocator);
    }

    /**
     * The typed version of {@link #readWhileArraysAreRetired}: the writer inserts (finishing every growth at once),
     * rewrites and removes values, some of them in mappings of their own, and clears the map, which unmaps the
     * storage's regions too; readers get, getUsing and copyValue throughout.
     */
    private static RecordingAllocator readTypedWhileMemoryIsRetired(final boolean backgroundMemoryWork)
            throws InterruptedException {
        final RecordingAllocator allocator = new RecordingAllocator("typed reclamation");
        final Deadline deadline = new Deadline(TYPED_RUN);
        final int keys = 4_096;
        final LongAdder reads = new LongAdder();
        do {
            try (ConcurrentOffHeapMap<CharSequence, byte[]> map = typedMap(backgroundMemoryWork, allocator)) {
                final Crew crew = new Crew();
                final AtomicInteger writing = new AtomicInteger(1);
                crew.start(RECLAIMING_WRITER, () -> {
                    try {
                        final SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
                        for (int cycle = 0; cycle < 3 && !crew.failed(); cycle++) {
                            for (int id = 0; id < keys; id++) {
                                map.set(typedKey(id), typedValue(id, random.nextInt(1 << 20)));
                                if (id % FINISH_EVERY == FINISH_EVERY - 1) {
                                    map.finishGrowth();
                                }
                                if (random.nextInt(4) == 0) {
                                    map.delete(typedKey(random.nextInt(id + 1)));
                                }
                            }
                            map.clear();
                        }
                    } finally {
                        writing.decrementAndGet();
                    }
                });
                for (int r = 0; r < 3; r++) {
                    crew.start("typed-reclamation-reader-" + r, () -> {
                        final SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
                        final MemorySegment target = MemorySegment.ofArray(new byte[TYPED_MAX_LENGTH]);
                        byte[] reuse = new byte[0];
                        long count = 0;
                        while (writing.get() > 0 && !crew.failed()) {
                            final int id = random.nextInt(keys);
                            final String key = typedKey(id);
                            final byte[] value = map.get(key);
                            if (value != null) {
                                checkTyped(id, value, "get");
                            }
                            final byte[] used = map.getUsing(key, reuse);
                            if (used != null) {
                                checkTyped(id, used, "getUsing");
                                reuse = used;
                            }
                            final long length = map.copyValue(key, target, 0);
                            if (length >= 0) {
                                checkTyped(id, target, length, "copyValue");
                            }
                            map.containsKey(key);
                            count += 4;
                        }
                        reads.add(count);
                    });
                }
                crew.join(TYPED_RUN.plus(GRACE));
                assertEquals(0, map.size());
            }
        } while (!deadline.passed());
        assertTrue(MemoryWorker.awaitIdle(30, TimeUnit.SECONDS));
        assertEquals(0, allocator.live(), "every mapping was unmapped: " + allocator);
        assertTrue(reads.sum() > 0);
        return allocator;
    }

    @Test
    void aTypedWalkUnderConcurrentWritesShouldProduceTheKeysPresentThroughoutOnceAndNoKeyRemovedBeforeIt() {
        final int stable = 4_000;
        final int removed = 1_000;
        final int fresh = 20_000;
        final Deadline deadline = new Deadline(TYPED_RUN);
        final LongAdder walks = new LongAdder();
        do {
            try (ConcurrentOffHeapMap<CharSequence, byte[]> map = typedMap(true, null)) {
                for (int id = 0; id < stable + removed; id++) {
                    map.set(typedKey(id), typedValue(id, 0));
                }
                for (int id = stable; id < stable + removed; id++) {
                    map.delete(typedKey(id));
                }
                final Crew crew = new Crew();
                final AtomicInteger writing = new AtomicInteger(1);
                crew.start("typed-walk-writer", () -> {
                    try {
                        final SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
                        for (int i = 0; i < fresh && !crew.failed(); i++) {
                            final long id = stable + removed + i;
                            map.set(typedKey(id), typedValue(id, 0));
                            if (random.nextInt(4) == 0) {
                                map.delete(typedKey(stable + removed + random.nextInt(i + 1)));
                            }
                            if (random.nextInt(4) == 0) {
                                final int rewritten = random.nextInt(stable);
                                map.set(typedKey(rewritten), typedValue(rewritten, 1 + random.nextInt(1 << 20)));
                            }
                        }
                    } finally {
                        writing.decrementAndGet();
                    }
                });
                crew.start("typed-walker", () -> {
                    do {
                        final int[] seen = new int[stable];
                        map.forEach((key, value) -> {
                            final long id = Long.parseLong(key.toString().substring("key-".length()));
                            checkTyped(id, value, "forEach");
                            if (id < stable) {
                                if (++seen[(int) id] > 1) {
                                    throw new AssertionError("the walk produced key " + id
                                            + ", present throughout, twice");
                                }
                            } else if (id < stable + removed) {
                                throw new AssertionError("the walk produced key " + id + ", removed before it started");
                            }
                        });
                        for (int id = 0; id < stable; id++) {
                            if (seen[id] != 1) {
                                throw new AssertionError("the walk did not produce key " + id + ", present throughout");
                            }
                        }
                        walks.increment();
                    } while (writing.get() > 0 && !crew.failed());
                });
                crew.join(TYPED_RUN.plus(GRACE));
                assertTrue(growths(map.stats()) > 0);
            }
        } while (!deadline.passed());
        assertTrue(walks.sum() > 0);
    }

    // ------------------------------------------------------------------ reads into the caller's memory

    /** What the caller's memory holds before each read: any byte of it that changes was written. */
    private static final byte UNTOUCHED = 0x55;
    /** Bytes of the target before the offset copyValue is given: it must write none of them. */
    private static final int TARGET_OFFSET = 16;

    /** A value of {@code length} bytes, each {@code fill}. */
    private static byte[] filled(final int length, final int fill) {
        final byte[] value = new byte[length];
        Arrays.fill(value, (byte) fill);
        return value;
    }

    /** What {@code target} must hold after copyValue returned {@code value}, or -1 when it is null. */
    private static MemorySegment afterCopy(final long targetSize, final byte[] value) {
        final MemorySegment expected = MemorySegment.ofArray(filled((int) targetSize, UNTOUCHED));
        if (value != null) {
            MemorySegment.copy(MemorySegment.ofArray(value), 0, expected, TARGET_OFFSET, value.length);
        }
        return expected;
    }

    /**
     * One key rewritten with values of four lengths and removed, over and over, on a map of one shard, so that
     * reads keep racing writes; one of the values is too long to stage, so that it is read under the lock.
     * Whatever a read returns, the caller's memory must hold exactly that: copyValue writes nothing of the target
     * but the value it returns, and nothing on -1; getUsing decodes into {@code reuse} only the value it returns.
     */
    @Test
    void copyValueAndGetUsingShouldWriteTheCallersMemoryWithNothingButTheValueTheyReturn() {
        final byte[][] values = {filled(1000, 0xAA), filled(10, 0xBB), filled(100, 0xCC),
            filled((int) SlotCodec.MAX_STAGED_READ + 1000, 0xDD)};
        final long targetSize = TARGET_OFFSET + values[3].length + TARGET_OFFSET;
        final MemorySegment[] expected = new MemorySegment[values.length];
        for (int v = 0; v < values.length; v++) {
            expected[v] = afterCopy(targetSize, values[v]);
        }
        final MemorySegment untouched = afterCopy(targetSize, null);
        final long[] copied = new long[values.length + 1]; // by value, then absent
        try (ConcurrentOffHeapMap<CharSequence, byte[]> map =
                     ConcurrentOffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).shards(1).build()) {
            final Crew crew = new Crew();
            final AtomicInteger writing = new AtomicInteger(1);
            crew.start("rewriter", () -> {
                try {
                    final Deadline deadline = new Deadline(RUN);
                    for (int round = 0; !deadline.passed() && !crew.failed(); round++) {
                        map.put("k", values[0]);
                        map.put("k", values[1]);
                        map.delete("k");
                        map.put("other", values[2]); // may take the block "k" had: another key's bytes
                        map.put("k", values[(round & 15) == 0 ? 3 : 2]);
                        map.delete("other");
                    }
                } finally {
                    writing.decrementAndGet();
                }
            });
            crew.start("reader", () -> {
                final MemorySegment target = MemorySegment.ofArray(filled((int) targetSize, UNTOUCHED));
                final byte[] reuse = filled(values[0].length, UNTOUCHED);
                final byte[] reuseUntouched = reuse.clone();
                while (writing.get() > 0 && !crew.failed()) {
                    final long length = map.copyValue("k", target, TARGET_OFFSET);
                    final MemorySegment mustHold = length < 0 ? untouched : expected[lengthIndex(values, length)];
                    final long wrong = target.mismatch(mustHold);
                    if (wrong >= 0) {
                        throw new AssertionError("copyValue returned " + length + ", yet byte " + wrong
                                + " of the target is " + target.get(ValueLayout.JAVA_BYTE, wrong));
                    }
                    copied[length < 0 ? values.length : lengthIndex(values, length)]++;
                    MemorySegment.copy(untouched, 0, target, 0, targetSize);

                    final byte[] used = map.getUsing("k", reuse);
                    if (used != null && !Arrays.equals(values[lengthIndex(values, used.length)], used)) {
                        throw new AssertionError("getUsing returned a torn value of " + used.length + " bytes");
                    }
                    if (used != reuse && !Arrays.equals(reuseUntouched, reuse)) {
                        throw new AssertionError("getUsing returned " + (used == null ? "null" : used.length
                                + " bytes") + ", yet decoded into reuse");
                    }
                    Arrays.fill(reuse, UNTOUCHED);
                }
            });
            crew.join(RUN.plus(GRACE));
        }
        assertTrue(Arrays.stream(copied).allMatch(count -> count > 0),
                "copies of every value, staged or under the lock, and of none: " + Arrays.toString(copied));
    }

    /** Which of {@code values} is {@code length} bytes long; an AssertionError if none is. */
    private static int lengthIndex(final byte[][] values, final long length) {
        for (int v = 0; v < values.length; v++) {
            if (values[v].length == length) {
                return v;
            }
        }
        throw new AssertionError("a read returned " + length + " bytes: no value is that long");
    }

    // ------------------------------------------------------------------ threads

    /** When a test's time is up. */
    private static final class Deadline {
        private final long end;

        Deadline(final Duration run) {
            this.end = System.nanoTime() + run.toNanos();
        }

        boolean passed() {
            return System.nanoTime() - end >= 0;
        }
    }
}
