package io.panamap;

import io.panamap.codec.Codecs;
import io.panamap.memory.MemoryBudgetExceededException;
import io.panamap.memory.MemoryWorker;
import io.panamap.memory.NativeMemoryException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's promise for a write that cannot have its memory: it throws {@link NativeMemoryException} (or
 * {@link MemoryBudgetExceededException}), nothing already stored is lost, and the table stays readable,
 * updatable and removable. Random operations run against a {@link HashMap} while a {@link FaultyAllocator}
 * refuses mmaps at random points (now and then all of them, for a while): after every refused operation the
 * table must still equal the reference, key by key and by iteration, and keep its invariants; cursors stay open
 * across writes; after close() no mapping is left.
 *
 * <p>Each seed picks its own configuration (background memory work or not, a budget or none, how often the
 * allocator refuses). The tables' hash seeds are fixed, so a failing seed replays the same way; with background
 * work the memory worker's timing still varies. More seeds: {@code -Dpanamap.faultSeeds=200
 * -Dpanamap.faultFirstSeed=1000}.
 */
class FaultInjectionTest {

    private static final int SEEDS = Integer.getInteger("panamap.faultSeeds", 6);
    private static final int FIRST_SEED = Integer.getInteger("panamap.faultFirstSeed", 1);

    /** A cursor open across writes, and what the reference did meanwhile. */
    private static final class OpenCursor<K, V> {
        final AutoCloseable cursor;
        final Map<K, V> snapshot;
        final Set<K> removed = new HashSet<>();
        final Set<K> changed = new HashSet<>();
        final Set<K> yielded = new HashSet<>();

        OpenCursor(final AutoCloseable cursor, final Map<K, V> snapshot) {
            this.cursor = cursor;
            this.snapshot = snapshot;
        }

        /**
         * Go's rules for one entry a cursor yields: once, unless removed (and added again) meanwhile; one that
         * existed when the cursor started or was written since; with its value, if nothing changed it since.
         */
        void yielded(final K key, final V value) {
            assertTrue(yielded.add(key) || removed.contains(key), "a cursor yielded " + key + " twice");
            assertTrue(snapshot.containsKey(key) || changed.contains(key),
                    "a cursor yielded " + key + ", never stored");
            if (!changed.contains(key)) {
                assertTrue(Arrays.deepEquals(new Object[] {snapshot.get(key)}, new Object[] {value}),
                        "a cursor yielded another value of " + key);
            }
        }

        /** At its end, a cursor has yielded every entry present throughout. */
        void ended() {
            for (final K key : snapshot.keySet()) {
                assertTrue(removed.contains(key) || yielded.contains(key), "a cursor missed " + key);
            }
        }
    }

    private static <K, V> void wrote(final List<OpenCursor<K, V>> cursors, final K key, final boolean removed) {
        for (final OpenCursor<K, V> cursor : cursors) {
            cursor.changed.add(key);
            if (removed) {
                cursor.removed.add(key);
            }
        }
    }

    /** Now and then, for a stretch, the kernel refuses every mapping. */
    private static void outageOrNot(final FaultyAllocator allocator, final SplittableRandom random,
                                    final double probability, final int everyKth) {
        final boolean outage = random.nextInt(4) == 0;
        allocator.probability = outage ? 1 : probability;
        allocator.everyKth = outage ? 0 : everyKth;
    }

    private static void checkRefusal(final NativeMemoryException refusal) {
        if (refusal instanceof MemoryBudgetExceededException over) {
            assertTrue(over.budgetBytes() > 0 && over.requestedBytes() > 0
                    && over.usedBytes() + over.requestedBytes() > over.budgetBytes(), over.getMessage());
        }
    }

    /**
     * Emptied, trimmed and without spare memory, a table charges its one array and nothing else: no refused
     * operation left bytes charged (a budget that would refuse for good) or storage behind.
     */
    private static void drain(final HashTable table, final Runnable clear, final Runnable trim,
                              final Runnable release) {
        clear.run();
        trim.run();
        release.run();
        final long array = table.buckets.committedBytes();
        assertEquals(array, table.committedBytes(), "committed bytes of a drained table");
        assertEquals(array, table.chargedBytes(), "charged bytes of a drained table");
        if (table.storage() != null) {
            assertEquals(0, table.storage().committedBytes(), "storage of a drained table");
        }
    }

    private static void closedWithoutMappings(final FaultyAllocator allocator, final boolean background,
                                              final String config) throws InterruptedException {
        if (background) {
            assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
        }
        assertEquals(0, allocator.live(), config + ": mappings left after close(), " + allocator.describe());
    }

    // ------------------------------------------------------------------ LongLongMap

    @Test
    void aLongLongMapShouldLoseNothingToRefusedMappings() throws Exception {
        for (int seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
            longLongMap(seed, 15_000);
        }
    }

    private static void longLongMap(final long seed, final int operations) throws Exception {
        final SplittableRandom random = new SplittableRandom(seed);
        final boolean background = seed % 2 == 0;
        final double probability = random.nextInt(3) == 0 ? 0 : 0.05 + random.nextDouble() * 0.4;
        final int everyKth = probability == 0 ? 2 + random.nextInt(5) : 0;
        final FaultyAllocator allocator = new FaultyAllocator(seed, probability, everyKth, random.nextBoolean());
        allocator.writerOnly = true;
        allocator.hintRefusal = random.nextBoolean() ? 0 : 0.3;
        final long budget = random.nextBoolean() ? Long.MAX_VALUE : (1L << 20) + random.nextLong(4L << 20);
        final int keys = 1_000 + random.nextInt(60_000);
        final int clearsPerMille = random.nextInt(3);
        final String config = "seed " + seed + ": background " + background + ", refusing p=" + probability
                + " k=" + everyKth + ", budget " + budget + ", keys " + keys;
        allocator.armed = false;
        final LongLongMap map = LongLongMap.builder().allocator(allocator).memoryBudget(budget)
                .backgroundMemoryWork(background).expectedSize(random.nextInt(3) == 0 ? random.nextInt(5000) : 0)
                .build();
        map.table().useFixedSeed(seed);
        allocator.armed = true;
        final Map<Long, Long> reference = new HashMap<>();
        final List<OpenCursor<Long, Long>> cursors = new ArrayList<>();
        int refusals = 0;
        int writeShare = 0;
        String operation = "";
        try {
            for (int i = 0; i < operations; i++) {
                if (i % 1000 == 0) {
                    outageOrNot(allocator, random, probability, everyKth);
                    writeShare = 300 + random.nextInt(600);
                }
                final long key = random.nextInt(keys);
                final long value = random.nextLong();
                final Long previous = reference.get(key);
                final long before = previous == null ? 0 : previous;
                final int dice = random.nextInt(1000);
                try {
                    if (dice < writeShare) {
                        final int kind = random.nextInt(5);
                        operation = "write " + kind + " of " + key;
                        final Long now = switch (kind) { // null: the key stays absent
                            case 0 -> {
                                assertEquals(before, map.put(key, value));
                                yield value;
                            }
                            case 1 -> {
                                assertEquals(before, map.putIfAbsent(key, value));
                                yield previous == null ? value : before;
                            }
                            case 2 -> {
                                assertEquals(before, map.replace(key, value));
                                yield previous == null ? null : value;
                            }
                            case 3 -> {
                                assertEquals(before + (value >> 40), map.addTo(key, value >> 40));
                                yield before + (value >> 40);
                            }
                            default -> {
                                assertEquals(before + value, map.merge(key, value, Long::sum));
                                yield before + value;
                            }
                        };
                        if (now != null && !now.equals(previous)) {
                            reference.put(key, now);
                            wrote(cursors, key, false);
                        }
                    } else if (dice < 930) {
                        operation = "remove of " + key;
                        assertEquals(before, map.remove(key));
                        if (previous != null) {
                            reference.remove(key);
                            wrote(cursors, key, true);
                        }
                    } else if (dice < 930 + clearsPerMille) {
                        operation = "clear";
                        map.clear();
                        for (final Long gone : reference.keySet()) {
                            wrote(cursors, gone, true);
                        }
                        reference.clear();
                    } else if (dice < 965) {
                        operation = upkeep(dice, random, map::trimToSize, map::releaseSpareMemory, map::finishGrowth,
                                map::evacuate);
                    } else if (dice < 990) {
                        operation = "cursor";
                        stepLongLongCursor(map, random, reference, cursors);
                    } else {
                        operation = "get of " + key;
                        assertEquals(before, map.get(key));
                    }
                } catch (final NativeMemoryException refused) {
                    checkRefusal(refused);
                    // A refusal in a long outage is checked in full now and then: it is the same state again.
                    if (++refusals < 50 || refusals % 50 == 0) {
                        checkLongLongMap(map, reference, "after a refused " + operation + " (operation " + i + ")");
                    } else {
                        assertEquals(before, map.get(key));
                        assertEquals(reference.size(), map.size());
                    }
                }
            }
            checkLongLongMap(map, reference, "at the end");
            for (final OpenCursor<Long, Long> cursor : cursors) {
                cursor.cursor.close();
            }
            allocator.armed = false;
            drain(map.table(), map::clear, map::trimToSize, map::releaseSpareMemory);
        } catch (final Throwable t) {
            throw new AssertionError(config + ", after " + refusals + " refusals, at " + operation + ": " + t, t);
        } finally {
            map.close();
        }
        assertTrue(refusals > 0, config + ": nothing was refused");
        closedWithoutMappings(allocator, background, config);
    }

    private static void stepLongLongCursor(final LongLongMap map, final SplittableRandom random,
                                           final Map<Long, Long> reference,
                                           final List<OpenCursor<Long, Long>> cursors) throws Exception {
        if (cursors.size() < 3 && (cursors.isEmpty() || random.nextInt(3) == 0)) {
            cursors.add(new OpenCursor<>(map.cursor(), new HashMap<>(reference)));
            return;
        }
        final int which = random.nextInt(cursors.size());
        final OpenCursor<Long, Long> open = cursors.get(which);
        final LongLongCursor cursor = (LongLongCursor) open.cursor;
        for (int step = random.nextInt(200); step >= 0; step--) {
            if (!cursor.next()) {
                open.ended();
                cursor.close();
                cursors.remove(which);
                return;
            }
            open.yielded(cursor.key(), cursor.value());
        }
    }

    private static void checkLongLongMap(final LongLongMap map, final Map<Long, Long> reference, final String when) {
        try {
            assertEquals(reference.size(), map.size(), "size");
            for (final Map.Entry<Long, Long> entry : reference.entrySet()) {
                assertTrue(map.containsKey(entry.getKey()), "lost " + entry.getKey());
                assertEquals((long) entry.getValue(), map.get(entry.getKey()), "value of " + entry.getKey());
            }
            final Map<Long, Long> iterated = new HashMap<>();
            map.forEach((key, value) -> assertNull(iterated.put(key, value), "iterated twice: " + key));
            assertEquals(reference, iterated, "iteration");
            TableInvariants.check(map);
        } catch (final Throwable t) {
            throw new AssertionError(when + ": " + t.getMessage(), t);
        }
    }

    // ------------------------------------------------------------------ OffHeapMap

    @Test
    void anOffHeapMapShouldLoseNothingToRefusedMappings() throws Exception {
        for (int seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
            offHeapMap(seed, 3_000);
        }
    }

    /** From empty to 200 KiB: inline-sized, slab blocks of most classes, and dedicated mappings. */
    private static byte[] value(final SplittableRandom random) {
        final int kind = random.nextInt(100);
        final int length = kind < 40 ? random.nextInt(33)
                : kind < 70 ? 33 + random.nextInt(4064)
                : kind < 92 ? 4097 + random.nextInt(64 * 1024 - 4096)
                : 64 * 1024 + 1 + random.nextInt(136 * 1024);
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Mostly short keys, some long ones, a few in mappings of their own, and the empty key. */
    private static String key(final SplittableRandom random, final int keys) {
        final int n = random.nextInt(keys);
        if (n == 0) {
            return "";
        }
        if (n % 211 == 0) {
            return ("huge-key-" + n + "-").repeat(4000 + n % 5000);
        }
        return n % 17 == 0 ? ("long-key-" + n + "-").repeat(1 + n % 40) : "k" + n;
    }

    private static void offHeapMap(final long seed, final int operations) throws Exception {
        final SplittableRandom random = new SplittableRandom(seed);
        final boolean background = seed % 2 == 0;
        final double probability = random.nextInt(3) == 0 ? 0 : 0.02 + random.nextDouble() * 0.3;
        final int everyKth = probability == 0 ? 2 + random.nextInt(7) : 0;
        final FaultyAllocator allocator = new FaultyAllocator(seed, probability, everyKth, random.nextBoolean());
        allocator.writerOnly = true;
        allocator.hintRefusal = random.nextBoolean() ? 0 : 0.3;
        final long budget = random.nextBoolean() ? Long.MAX_VALUE : (1L << 20) + random.nextLong(48L << 20);
        final int keys = 50 + random.nextInt(2000);
        final int clearsPerMille = random.nextInt(4);
        final String config = "seed " + seed + ": background " + background + ", refusing p=" + probability
                + " k=" + everyKth + ", budget " + budget + ", keys " + keys;
        allocator.armed = false;
        final OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes())
                .allocator(allocator).memoryBudget(budget).backgroundMemoryWork(background)
                .expectedSize(random.nextInt(3) == 0 ? random.nextInt(2000) : 0).build();
        map.table().useFixedSeed(seed);
        allocator.armed = true;
        final Map<String, byte[]> reference = new HashMap<>();
        final List<OpenCursor<String, byte[]>> cursors = new ArrayList<>();
        int refusals = 0;
        int writeShare = 0;
        String operation = "";
        try {
            for (int i = 0; i < operations; i++) {
                if (i % 250 == 0) {
                    outageOrNot(allocator, random, probability, everyKth);
                    writeShare = 300 + random.nextInt(600);
                }
                final String key = key(random, keys);
                final byte[] previous = reference.get(key);
                final int dice = random.nextInt(1000);
                try {
                    if (dice < writeShare) {
                        final byte[] value = value(random);
                        final int kind = random.nextInt(3);
                        operation = "write " + kind + " of " + value.length + " bytes";
                        if (kind == 0) {
                            assertArrayEquals(previous, map.put(key, value));
                        } else if (kind == 1) {
                            assertEquals(previous == null, map.set(key, value));
                        } else {
                            assertEquals(previous == null, map.setIfAbsent(key, value));
                        }
                        if (kind != 2 || previous == null) {
                            reference.put(key, value);
                            wrote(cursors, key, false);
                        }
                    } else if (dice < 930) {
                        operation = "remove";
                        if (random.nextBoolean()) {
                            assertArrayEquals(previous, map.remove(key));
                        } else {
                            assertEquals(previous != null, map.delete(key));
                        }
                        if (previous != null) {
                            reference.remove(key);
                            wrote(cursors, key, true);
                        }
                    } else if (dice < 930 + clearsPerMille) {
                        operation = "clear";
                        map.clear();
                        for (final String gone : reference.keySet()) {
                            wrote(cursors, gone, true);
                        }
                        reference.clear();
                    } else if (dice < 965) {
                        operation = upkeep(dice, random, map::trimToSize, map::releaseSpareMemory, map::finishGrowth,
                                map::evacuate);
                    } else if (dice < 990) {
                        operation = "cursor";
                        stepOffHeapCursor(map, random, reference, cursors);
                    } else {
                        operation = "get";
                        assertArrayEquals(previous, map.get(key));
                    }
                } catch (final NativeMemoryException refused) {
                    checkRefusal(refused);
                    if (++refusals < 50 || refusals % 50 == 0) {
                        checkOffHeapMap(map, reference, "after a refused " + operation + " (operation " + i + ")");
                    } else {
                        assertArrayEquals(previous, map.get(key));
                        assertEquals(reference.size(), map.size());
                    }
                }
            }
            checkOffHeapMap(map, reference, "at the end");
            for (final OpenCursor<String, byte[]> cursor : cursors) {
                cursor.cursor.close();
            }
            allocator.armed = false;
            drain(map.table(), map::clear, map::trimToSize, map::releaseSpareMemory);
        } catch (final Throwable t) {
            throw new AssertionError(config + ", after " + refusals + " refusals, at " + operation + ": " + t, t);
        } finally {
            map.close();
        }
        assertTrue(refusals > 0, config + ": nothing was refused");
        closedWithoutMappings(allocator, background, config);
    }

    private static void stepOffHeapCursor(final OffHeapMap<CharSequence, byte[]> map, final SplittableRandom random,
                                          final Map<String, byte[]> reference,
                                          final List<OpenCursor<String, byte[]>> cursors) throws Exception {
        if (cursors.size() < 3 && (cursors.isEmpty() || random.nextInt(3) == 0)) {
            cursors.add(new OpenCursor<>(map.cursor(), new HashMap<>(reference)));
            return;
        }
        final int which = random.nextInt(cursors.size());
        final OpenCursor<String, byte[]> open = cursors.get(which);
        @SuppressWarnings("unchecked")
        final OffHeapCursor<CharSequence, byte[]> cursor = (OffHeapCursor<CharSequence, byte[]>) open.cursor;
        for (int step = random.nextInt(100); step >= 0; step--) {
            if (!cursor.next()) {
                open.ended();
                cursor.close();
                cursors.remove(which);
                return;
            }
            open.yielded(cursor.key().toString(), cursor.value());
        }
    }

    private static void checkOffHeapMap(final OffHeapMap<CharSequence, byte[]> map,
                                        final Map<String, byte[]> reference, final String when) {
        try {
            assertEquals(reference.size(), map.size(), "size");
            for (final Map.Entry<String, byte[]> entry : reference.entrySet()) {
                assertArrayEquals(entry.getValue(), map.get(entry.getKey()), "value of " + entry.getKey());
            }
            final Map<String, byte[]> iterated = new HashMap<>();
            map.forEach((key, value) -> assertNull(iterated.put(key.toString(), value), "iterated twice: " + key));
            assertEquals(reference.keySet(), iterated.keySet(), "iterated keys");
            for (final Map.Entry<String, byte[]> entry : reference.entrySet()) {
                assertArrayEquals(entry.getValue(), iterated.get(entry.getKey()),
                        "iterated value of " + entry.getKey());
            }
            TableInvariants.check(map); // also: the storage holds exactly the live entries' blocks and bytes
        } catch (final Throwable t) {
            throw new AssertionError(when + ": " + t.getMessage(), t);
        }
    }

    // ------------------------------------------------------------------ an outage

    /** A key whose value is stored in a slab block of at most 4 KiB, which a value of its length is rewritten in. */
    private static String smallValued(final Map<String, byte[]> reference) {
        return reference.entrySet().stream()
                .filter(entry -> entry.getValue().length > 16
                        && entry.getValue().length <= SlotCodec.MAX_STAGED_REWRITE)
                .map(Map.Entry::getKey).sorted().findFirst().orElseThrow();
    }

    /**
     * While the kernel refuses every mapping, a full table still reads, rewrites values in place, removes,
     * iterates and clears (in place); what needs a mapping is refused with the entries as they were; and it
     * takes writes again once mappings are to be had.
     */
    @Test
    void aTableShouldStayUsableWhileEveryMappingIsRefused() throws Exception {
        final FaultyAllocator allocator = new FaultyAllocator(7, 0, 0, true);
        final SplittableRandom random = new SplittableRandom(7);
        final Map<String, byte[]> reference = new HashMap<>();
        try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes())
                .allocator(allocator).backgroundMemoryWork(false).build()) {
            for (int i = 0; i < 3_000; i++) {
                final byte[] value = value(random);
                map.put("k" + i, value);
                reference.put("k" + i, value);
            }
            for (int i = 300; i < 3_000; i++) { // a trim would now map a smaller array
                map.delete("k" + i);
                reference.remove("k" + i);
            }
            final Set<String> yielded = new HashSet<>();
            try (OffHeapCursor<CharSequence, byte[]> cursor = map.cursor()) {
                assertTrue(cursor.next());
                yielded.add(cursor.key().toString());
                allocator.probability = 1;

                assertThrows(NativeMemoryException.class, map::trimToSize);
                assertThrows(NativeMemoryException.class, () -> map.put("new", new byte[100 * 1024]));
                final String small = smallValued(reference);
                final byte[] sameClass = new byte[reference.get(small).length];
                map.put(small, sameClass); // rewritten in its block: needs no mapping
                reference.put(small, sameClass);
                final String other = reference.keySet().stream().filter(k -> !k.equals(small)).findFirst()
                        .orElseThrow();
                map.put(other, new byte[0]); // nothing out of line
                reference.put(other, new byte[0]);
                final byte[] larger = new byte[200 * 1024];
                assertThrows(NativeMemoryException.class, () -> map.put(small, larger));
                for (int i = 100; i < 200; i++) {
                    assertArrayEquals(reference.remove("k" + i), map.remove("k" + i));
                }
                checkOffHeapMap(map, reference, "during the outage");
                while (cursor.next()) {
                    assertTrue(yielded.add(cursor.key().toString()), "yielded twice: " + cursor.key());
                }
            }
            assertTrue(yielded.containsAll(reference.keySet()), "the cursor missed entries present throughout");
            map.clear(); // no fresh array to be had: zeroed in place
            reference.clear();
            checkOffHeapMap(map, reference, "cleared during the outage");
            assertThrows(NativeMemoryException.class, () -> map.put("k0", new byte[100 * 1024]));
            checkOffHeapMap(map, reference, "cleared during the outage");

            allocator.probability = 0;
            for (int i = 0; i < 2_000; i++) {
                final byte[] value = value(random);
                map.put("k" + i, value);
                reference.put("k" + i, value);
            }
            checkOffHeapMap(map, reference, "after the outage");
            assertTrue(allocator.refused() >= 4);
        }
        assertEquals(0, allocator.live(), "mappings left after close(): " + allocator.describe());
    }

    /**
     * Pre-faulting is a hint an allocator should not fail, but the interface is open: a table whose constructor
     * meets an exception there frees the array it had mapped, rather than leaving it mapped by a table nobody holds.
     */
    @Test
    void aConstructorWhosePrefaultThrowsShouldLeaveNothingMapped() {
        final RecordingAllocator recording = new RecordingAllocator("prefault throws");
        final io.panamap.memory.NativeAllocator throwing = new io.panamap.memory.NativeAllocator() {
            @Override
            public io.panamap.memory.NativeBlock allocate(final long byteSize) {
                return recording.allocate(byteSize);
            }

            @Override
            public void prefault(final io.panamap.memory.NativeBlock block, final long byteOffset,
                                 final long byteLength) {
                throw new IllegalStateException("prefault refused");
            }

            @Override
            public String describe() {
                return "prefault throws";
            }
        };
        final IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LongLongMap.builder().expectedSize(100_000).allocator(throwing).build());
        assertEquals("prefault refused", e.getMessage());
        assertEquals(1, recording.allocations(), "the first array was mapped");
        assertEquals(0, recording.live(), "and unmapped again");
    }

    /** One of the upkeep steps both maps have, chosen by {@code dice} (930..964 beyond clears); returns its name. */
    private static String upkeep(final int dice, final SplittableRandom random, final LongConsumer trim,
                                 final Runnable releaseSpare, final Runnable finishGrowth,
                                 final Consumer<Duration> evacuate) {
        if (dice < 945) {
            trim.accept(random.nextBoolean() ? 0 : random.nextInt(3000));
            return "trim";
        } else if (dice < 950) {
            releaseSpare.run();
            return "releaseSpareMemory";
        } else if (dice < 955) {
            finishGrowth.run();
            return "finishGrowth";
        }
        evacuate.accept(Duration.ofNanos(random.nextInt(20_000)));
        return "evacuate";
    }
}
