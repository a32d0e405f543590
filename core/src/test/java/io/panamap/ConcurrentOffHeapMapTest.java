package io.panamap;

import io.panamap.codec.Codecs;
import io.panamap.memory.MemoryBudgetExceededException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public operations of {@link ConcurrentOffHeapMap}, on one thread; {@link ConcurrentStressTest} has threads. */
class ConcurrentOffHeapMapTest {

    private static ConcurrentOffHeapMap<CharSequence, byte[]> stringsToBytes(final int shards) {
        return ConcurrentOffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).shards(shards).build();
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aKeyCodecOfNoBytesShouldBeRefusedByNameAsOnTheSingleWriterMap() {
        final IllegalArgumentException concurrent = assertThrows(IllegalArgumentException.class,
                () -> ConcurrentOffHeapMap.builder(Codecs.fixedBytes(0), Codecs.longs()).shards(2).build());
        final IllegalArgumentException single = assertThrows(IllegalArgumentException.class,
                () -> OffHeapMap.builder(Codecs.fixedBytes(0), Codecs.longs()).build());
        assertTrue(concurrent.getMessage().contains("has size 0: keys need bytes"), concurrent.getMessage());
        assertEquals(single.getMessage(), concurrent.getMessage());
    }

    @Test
    void readsAndWritesShouldBehaveAsAMapAcrossShards() {
        try (ConcurrentOffHeapMap<CharSequence, byte[]> map = stringsToBytes(4)) {
            assertEquals(4, map.shardCount());
            assertNull(map.get("a"));
            assertArrayEquals(bytes("fallback"), map.getOrDefault("a", bytes("fallback")));
            assertFalse(map.containsKey("a"));

            assertNull(map.put("a", bytes("one")), "an insert returns null");
            assertArrayEquals(bytes("one"), map.put("a", bytes("two")), "an update returns the previous value");
            assertTrue(map.set("b", bytes("bee")), "set says the key was new");
            assertFalse(map.set("b", bytes("bees")), "and that it was not");
            assertFalse(map.setIfAbsent("b", bytes("wasp")), "setIfAbsent keeps what is there");
            assertArrayEquals(bytes("bees"), map.get("b"));
            assertTrue(map.setIfAbsent("c", bytes("sea")));
            assertEquals(3, map.size());
            assertFalse(map.setIfPresent("z", bytes("zed")), "setIfPresent inserts nothing");
            assertFalse(map.containsKey("z"));
            assertTrue(map.setIfPresent("c", bytes("see")), "and replaces what is there");
            assertArrayEquals(bytes("see"), map.get("c"));
            assertTrue(map.setIfPresent("c", bytes("sea")));
            assertEquals(3, map.size());

            final byte[] reuse = new byte[3];
            assertSame(reuse, map.getUsing("c", reuse), "a value of the reused array's length is decoded into it");
            assertArrayEquals(bytes("sea"), reuse);
            assertNull(map.getUsing("d", reuse));

            final MemorySegment target = MemorySegment.ofArray(new byte[16]);
            assertEquals(3, map.copyValue("a", target, 2));
            assertArrayEquals(bytes("two"), target.asSlice(2, 3).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(-1, map.copyValue("d", target, 0));

            assertArrayEquals(bytes("two"), map.remove("a"));
            assertNull(map.remove("a"));
            assertTrue(map.delete("b"));
            assertFalse(map.delete("b"));
            assertEquals(1, map.size());
            map.clear();
            assertEquals(0, map.size());
            assertFalse(map.containsKey("c"));
        }
    }

    @Test
    void putIfAbsentReplaceAndIsEmptyShouldAnswerAsConcurrentMapsDo() {
        try (ConcurrentOffHeapMap<CharSequence, byte[]> map = stringsToBytes(4)) {
            assertTrue(map.isEmpty());
            assertNull(map.putIfAbsent("a", bytes("one")), "inserted: null");
            assertFalse(map.isEmpty());
            assertArrayEquals(bytes("one"), map.putIfAbsent("a", bytes("two")), "present: what is there");
            assertArrayEquals(bytes("one"), map.get("a"), "left as it was");
            assertNull(map.replace("b", bytes("bee")), "absent: nothing replaced");
            assertFalse(map.containsKey("b"), "nor inserted");
            assertArrayEquals(bytes("one"), map.replace("a", bytes("three")));
            assertArrayEquals(bytes("three"), map.get("a"));
            assertEquals(1, map.size());
            assertTrue(map.delete("a"));
            assertTrue(map.isEmpty());
        }
    }

    @Test
    void computeIfAbsentShouldStoreWhatTheFunctionReturnsOnlyForAnAbsentKey() {
        try (ConcurrentOffHeapMap<CharSequence, byte[]> map = stringsToBytes(4)) {
            final AtomicInteger calls = new AtomicInteger();
            assertArrayEquals(bytes("value of a"), map.computeIfAbsent("a", key -> {
                calls.incrementAndGet();
                return bytes("value of " + key);
            }));
            assertArrayEquals(bytes("value of a"), map.computeIfAbsent("a", key -> {
                calls.incrementAndGet();
                return bytes("another");
            }), "present: the stored value, the function not called");
            assertEquals(1, calls.get());
            assertArrayEquals(bytes("value of a"), map.get("a"));

            assertNull(map.computeIfAbsent("b", key -> null), "null: nothing stored");
            final IllegalArgumentException thrown = new IllegalArgumentException("no value for c");
            assertSame(thrown, assertThrows(IllegalArgumentException.class, () -> map.computeIfAbsent("c", key -> {
                throw thrown;
            })));
            assertEquals(1, map.size(), "neither b nor c stored");
            assertNull(map.put("c", bytes("sea")), "and c's shard unlocked");

            // Keys go through this thread's one key buffer, which the function may use for another map: what it
            // returns must still be stored under the key asked for.
            try (OffHeapMap<CharSequence, byte[]> other = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).build()) {
                other.put("a key much longer than the one asked for", bytes("x"));
                assertArrayEquals(bytes("x"), map.computeIfAbsent("d", key ->
                        other.get("a key much longer than the one asked for")));
            }
            assertArrayEquals(bytes("x"), map.get("d"));
            assertEquals(3, map.size());
        }
    }

    /** As on the single-writer map: a value codec that uses another map while measuring does not change the key. */
    @Test
    void aValueCodecThatUsesAnotherMapWhileMeasuringShouldNotChangeTheKeyStored() {
        try (OffHeapMap<CharSequence, byte[]> symbols = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).build()) {
            final LookingUpBytes interning = new LookingUpBytes(symbols, "a symbol looked up while measuring");
            try (ConcurrentOffHeapMap<CharSequence, byte[]> map = ConcurrentOffHeapMap
                    .builder(Codecs.utf8(), interning).shards(4).build()) {
                assertNull(map.put("a", bytes("one")));
                assertTrue(map.set("b", bytes("bee")));
                assertNull(map.putIfAbsent("c", bytes("sea")));
                assertArrayEquals(bytes("one"), map.replace("a", bytes("won")));
                assertArrayEquals(bytes("dee"), map.computeIfAbsent("d", key -> bytes("dee")));
                assertArrayEquals(bytes("won"), map.get("a"));
                assertArrayEquals(bytes("bee"), map.get("b"));
                assertArrayEquals(bytes("sea"), map.get("c"));
                assertArrayEquals(bytes("dee"), map.get("d"));
                assertFalse(map.containsKey("a symbol looked up while measuring"));
                assertEquals(4, map.size());
            }
        }
    }

    /**
     * replace(key, expected, new) compares encodings and is a compare-and-set: counters incremented by
     * read-then-replace loops from four threads lose no increment; remove(key, expected) removes only that value.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void replaceAndRemoveGivenTheExpectedValueShouldBeCompareAndSets() {
        final int counters = 4;
        final int threads = 4;
        final int increments = 20_000;
        try (ConcurrentOffHeapMap<CharSequence, byte[]> map = stringsToBytes(2)) {
            assertFalse(map.replace("absent", bytes("0"), bytes("1")), "absent: nothing to replace");
            assertFalse(map.containsKey("absent"), "nor inserted");
            for (int counter = 0; counter < counters; counter++) {
                map.put("counter-" + counter, bytes("0"));
            }
            final Crew crew = new Crew();
            for (int t = 0; t < threads; t++) {
                crew.start("incrementer-" + t, () -> {
                    for (int i = 0; i < increments; i++) {
                        final String counter = "counter-" + i % counters;
                        byte[] seen;
                        do {
                            seen = map.get(counter); // a new array: equal by content to what is stored, not the same
                        } while (!map.replace(counter, seen, bytes(String.valueOf(Long.parseLong(text(seen)) + 1))));
                    }
                });
            }
            crew.join(Duration.ofSeconds(60));
            final String each = String.valueOf(threads * increments / counters);
            for (int counter = 0; counter < counters; counter++) {
                assertEquals(each, text(map.get("counter-" + counter)), "counter " + counter);
            }
            assertTrue(assertThrows(NullPointerException.class, () -> map.replace("counter-0", null, bytes("1")))
                    .getMessage().contains("expectedValue"), "a null expected value is not 'whatever it is'");
            assertTrue(assertThrows(NullPointerException.class, () -> map.remove("counter-0", (byte[]) null))
                    .getMessage().contains("expectedValue"));
            assertFalse(map.remove("counter-0", bytes("1")), "another value: kept");
            assertTrue(map.containsKey("counter-0"));
            assertTrue(map.remove("counter-0", bytes(each)));
            assertFalse(map.containsKey("counter-0"));
        }
    }

    private static String text(final byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** For a key that stays absent, one thread's function runs; every thread gets the value it returned. */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void computeIfAbsentShouldRunTheFunctionOnceForAKeyHoweverManyThreadsAskAtOnce() {
        final int keys = 2_000;
        final int threads = 4;
        try (ConcurrentOffHeapMap<Long, byte[]> map = ConcurrentOffHeapMap.builder(Codecs.longs(), Codecs.bytes())
                .shards(8).build()) {
            final AtomicInteger[] calls = new AtomicInteger[keys];
            Arrays.setAll(calls, key -> new AtomicInteger());
            final byte[][][] seen = new byte[threads][keys][];
            final Crew crew = new Crew();
            for (int t = 0; t < threads; t++) {
                final int thread = t;
                crew.start("computer-" + t, () -> {
                    for (int i = 0; i < keys; i++) {
                        final int key = thread % 2 == 0 ? i : keys - 1 - i; // half of them from the other end
                        seen[thread][key] = map.computeIfAbsent((long) key, k -> {
                            calls[key].incrementAndGet();
                            return bytes("thread " + thread + " key " + k);
                        });
                    }
                });
            }
            crew.join(Duration.ofSeconds(60));
            assertEquals(keys, map.size());
            for (int key = 0; key < keys; key++) {
                assertEquals(1, calls[key].get(), "calls of the function for key " + key);
                final byte[] stored = map.get((long) key);
                for (int t = 0; t < threads; t++) {
                    assertArrayEquals(stored, seen[t][key], "what thread " + t + " got for key " + key);
                }
            }
        }
    }

    /**
     * The race computeIfAbsent is atomic against: a thread reads the key as absent, and before it takes the shard's
     * lock another thread stores it. It must then return that value, not run its own function and store over it.
     * The first thread is paused there by its key codec: at its second encoding of the key, the one between the
     * lock-free read and the lock.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void computeIfAbsentShouldNotRunTheFunctionForAKeyStoredBetweenItsReadAndItsLock() throws InterruptedException {
        final PausingKeys keys = new PausingKeys();
        try (ConcurrentOffHeapMap<byte[], byte[]> map = ConcurrentOffHeapMap.builder(keys, Codecs.bytes())
                .shards(2).build()) {
            final byte[] key = bytes("contested");
            final AtomicInteger lateCalls = new AtomicInteger();
            final byte[][] lateResult = new byte[1][];
            final Throwable[] lateFailure = new Throwable[1];
            final Thread late = Thread.ofPlatform().name(PausingKeys.PAUSED_THREAD).start(() -> {
                try {
                    lateResult[0] = map.computeIfAbsent(key, k -> {
                        lateCalls.incrementAndGet();
                        return bytes("late");
                    });
                } catch (final Throwable t) {
                    lateFailure[0] = t;
                }
            });
            assertTrue(keys.paused.await(30, TimeUnit.SECONDS), "the late thread read the key as absent");
            assertArrayEquals(bytes("early"), map.computeIfAbsent(key, k -> bytes("early")));
            keys.resume.countDown();
            late.join();
            assertNull(lateFailure[0], () -> "the late thread failed: " + lateFailure[0]);
            assertEquals(0, lateCalls.get(), "the late thread's function ran for a key stored before its lock");
            assertArrayEquals(bytes("early"), lateResult[0], "the late thread gets the value stored first");
            assertArrayEquals(bytes("early"), map.get(key));
        }
    }

    /** Byte-array keys whose encoding pauses the thread named {@link #PAUSED_THREAD} the second time it encodes. */
    private static final class PausingKeys extends ForwardingBytesCodec {
        static final String PAUSED_THREAD = "paused-after-its-read";
        private final CountDownLatch paused = new CountDownLatch(1);
        private final CountDownLatch resume = new CountDownLatch(1);
        private int encodings; // only the paused thread counts

        PausingKeys() {
            super("pausing keys");
        }

        @Override
        public void encode(final byte[] value, final MemorySegment target, final long offset) {
            if (Thread.currentThread().getName().equals(PAUSED_THREAD) && ++encodings == 2) {
                paused.countDown();
                try {
                    if (!resume.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never resumed");
                    }
                } catch (final InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            super.encode(value, target, offset);
        }
    }

    /**
     * A function run under its shard's write lock that calls into that shard would wait for its own thread for
     * ever (a StampedLock is not reentrant). It gets an exception instead, whatever the call, and the map is left
     * as it was and usable: nothing stored for the key, the shard unlocked, the map open.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFunctionCallingIntoItsOwnShardShouldGetAnExceptionRatherThanWaitForItself() {
        try (ConcurrentOffHeapMap<CharSequence, byte[]> map = stringsToBytes(1)) {
            map.put("there", bytes("before"));
            final Map<String, Consumer<ConcurrentOffHeapMap<CharSequence, byte[]>>> calls = new LinkedHashMap<>();
            calls.put("get", m -> m.get("there"));
            calls.put("containsKey", m -> m.containsKey("there"));
            calls.put("copyValue", m -> m.copyValue("there", MemorySegment.ofArray(new byte[16]), 0));
            calls.put("put", m -> m.put("other", bytes("x")));
            calls.put("delete", m -> m.delete("there"));
            calls.put("computeIfAbsent", m -> m.computeIfAbsent("other", key -> bytes("y")));
            calls.put("size", ConcurrentOffHeapMap::size);
            calls.put("forEach", m -> m.forEach((key, value) -> { }));
            calls.put("stats", ConcurrentOffHeapMap::stats);
            calls.put("clear", ConcurrentOffHeapMap::clear);
            calls.put("close", ConcurrentOffHeapMap::close);
            calls.forEach((name, call) -> {
                final IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> map.computeIfAbsent("asked", key -> {
                            call.accept(map);
                            return bytes("never stored");
                        }), name);
                assertTrue(e.getMessage().contains("shard 0") && e.getMessage().contains("wait for itself"),
                        name + ": " + e.getMessage());
                assertFalse(map.isClosed(), name + " left the map open");
                assertFalse(map.containsKey("asked"), name + ": nothing stored");
                assertArrayEquals(bytes("before"), map.put("there", bytes("before")), name + ": the shard unlocked");
            });
            assertEquals(1, map.size());
        }
    }

    /**
     * What turns a call into the function's own shard into an exception is marked on that shard, not on the map or
     * on shard 0: a function may use the map's other shards, and only a call into its own is refused, naming it.
     * (The one-shard test above cannot tell these apart.)
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // unmarked, its own shard waits for ever
    void aFunctionShouldBeRefusedOnlyTheShardWhoseLockItRunsUnder() {
        try (ConcurrentOffHeapMap<CharSequence, byte[]> map = stringsToBytes(4)) {
            final int[] shards = new int[256]; // the shards a random seed gives: each gets some of them
            for (int key = 0; key < shards.length; key++) {
                shards[key] = shardOf(map, "key-" + key);
            }
            // A key outside shard 0, another key of its shard, and a key of shard 0.
            final int asked = IntStream.range(0, shards.length).filter(key -> shards[key] != 0).findFirst()
                    .orElseThrow();
            final int sameShard = IntStream.range(asked + 1, shards.length).filter(key -> shards[key] == shards[asked])
                    .findFirst().orElseThrow();
            final int otherShard = IntStream.range(0, shards.length).filter(key -> shards[key] == 0).findFirst()
                    .orElseThrow();
            map.put("key-" + sameShard, bytes("same"));
            map.put("key-" + otherShard, bytes("other"));

            assertArrayEquals(bytes("other, then another"), map.computeIfAbsent("key-" + asked, key -> {
                final byte[] read = map.get("key-" + otherShard);
                map.put("key-" + otherShard, bytes("another"));
                return bytes(new String(read, StandardCharsets.UTF_8) + ", then another");
            }), "a function reads and writes another shard");
            assertArrayEquals(bytes("another"), map.get("key-" + otherShard));
            map.delete("key-" + asked);

            final IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> map.computeIfAbsent("key-" + asked, key -> map.get("key-" + sameShard)));
            assertTrue(e.getMessage().contains(" shard " + shards[asked] + "'s write lock"), e.getMessage());
            assertFalse(map.containsKey("key-" + asked));
        }
    }

    /** The shard {@code key} (absent) falls in: the one whose size its put alone changes. */
    private static int shardOf(final ConcurrentOffHeapMap<CharSequence, byte[]> map, final String key) {
        final List<MapStats> before = map.stats().shards();
        map.put(key, bytes("x"));
        final List<MapStats> after = map.stats().shards();
        map.delete(key);
        return IntStream.range(0, after.size()).filter(shard -> after.get(shard).size() > before.get(shard).size())
                .findFirst().orElseThrow();
    }

    /** A value of no bytes is a value: every read finds it, as on the single-writer map, and none calls it absent. */
    @Test
    void anEmptyValueShouldReadAsAValueNotAsAMissingOne() {
        try (ConcurrentOffHeapMap<CharSequence, byte[]> map = stringsToBytes(2)) {
            assertTrue(map.set("empty", new byte[0]));
            assertArrayEquals(new byte[0], map.get("empty"));
            assertArrayEquals(new byte[0], map.getOrDefault("empty", bytes("fallback")));
            final byte[] reuse = new byte[0];
            assertSame(reuse, map.getUsing("empty", reuse));
            assertEquals(0, map.copyValue("empty", MemorySegment.ofArray(new byte[8]), 0), "no bytes, not -1");
            assertTrue(map.containsKey("empty"));
            assertArrayEquals(new byte[0], map.remove("empty"));
            assertNull(map.get("empty"));
        }
    }

    @Test
    void everyKeyShouldBeFoundAndWalkedOnceThroughManyGrowths() {
        try (ConcurrentOffHeapMap<CharSequence, byte[]> map = stringsToBytes(8)) {
            final Map<String, String> expected = new HashMap<>();
            for (int i = 0; i < 20_000; i++) {
                expected.put("key-" + i, "value-" + i * 7);
                map.set("key-" + i, bytes("value-" + i * 7));
            }
            for (final Map.Entry<String, String> entry : expected.entrySet()) {
                assertArrayEquals(bytes(entry.getValue()), map.get(entry.getKey()), entry.getKey());
            }
            final Map<String, String> walked = new HashMap<>();
            map.forEach((key, value) -> assertNull(walked.put(key.toString(), new String(value, StandardCharsets.UTF_8)),
                    "produced twice: " + key));
            assertEquals(expected, walked);
            for (final MapStats shard : map.stats().shards()) {
                assertTrue(shard.doublings() > 5, "every shard grew: " + shard);
            }
            assertTrue(map.storageStats().blocks() > 0, "keys and values are stored out of line");
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void evacuateShouldFinishTheGrowthsNoWriteFinishesHoweverSmallItsBudget() {
        try (ConcurrentOffHeapMap<Long, Long> map = ConcurrentOffHeapMap.builder(Codecs.longs(), Codecs.longs())
                .shards(2).backgroundMemoryWork(false).build()) {
            long key = 0;
            while (map.stats().shardsGrowing() == 0 || key < 20_000) {
                map.set(key, ~key);
                key++;
            }
            int calls = 1;
            while (!map.evacuate(Duration.ofNanos(1))) {
                calls++;
            }
            assertTrue(calls > 1, "one clock check's worth of chains per call");
            assertEquals(0, map.stats().shardsGrowing());
            assertTrue(map.evacuate(Duration.ZERO), "nothing left to do");
            for (long k = 0; k < key; k++) {
                assertEquals(~k, map.get(k));
            }
        }
    }

    /**
     * {@link Codecs#bytes()}, whose {@code encode}, once armed, waits until released. A write has it encode the new
     * value under its shard's write lock (its size is asked before the lock), so the write then holds the shard for
     * as long as a test needs.
     */
    private static final class HoldingBytes extends ForwardingBytesCodec {
        private final AtomicBoolean armed = new AtomicBoolean();
        private final CountDownLatch inside = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        HoldingBytes() {
            super("holding bytes");
        }

        @Override
        public void encode(final byte[] value, final MemorySegment target, final long offset) {
            if (armed.compareAndSet(true, false)) {
                inside.countDown();
                try {
                    release.await();
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.encode(value, target, offset);
        }
    }

    /** The value of key {@code key} in the held-write test: 16 bytes of it, or more than a read stages for key 3. */
    private static byte[] heldValue(final long key) {
        final byte[] value = new byte[key == 3 ? (int) SlotCodec.MAX_STAGED_READ + 1 : 16];
        Arrays.fill(value, (byte) key);
        return value;
    }

    /**
     * As on the long map: while a write holds a shard (here its value codec waits), every operation on that shard
     * waits for it. A read whose optimistic attempts all fail, or whose value is too long to stage, reads under the
     * read lock; reporting "absent" instead, or reading without the lock, would answer from the middle of the write.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyOperationOnAShardAWriteHoldsShouldWaitForTheWrite() throws InterruptedException {
        final Map<String, Function<ConcurrentOffHeapMap<Long, byte[]>, Executable>> operations = new LinkedHashMap<>();
        operations.put("get", map -> () -> assertArrayEquals(heldValue(2), map.get(2L)));
        operations.put("get of a value too long to stage", map -> () -> assertArrayEquals(heldValue(3), map.get(3L)));
        operations.put("getUsing", map -> () -> assertArrayEquals(heldValue(2), map.getUsing(2L, new byte[16])));
        operations.put("copyValue", map -> () ->
                assertEquals(16, map.copyValue(2L, MemorySegment.ofArray(new byte[16]), 0)));
        operations.put("copyValue too long to stage", map -> () -> assertEquals(heldValue(3).length,
                map.copyValue(3L, MemorySegment.ofArray(new byte[heldValue(3).length]), 0)));
        operations.put("containsKey", map -> () -> assertTrue(map.containsKey(2L)));
        operations.put("set", map -> () -> assertFalse(map.set(2L, heldValue(2))));
        operations.put("putIfAbsent", map -> () -> assertArrayEquals(heldValue(2), map.putIfAbsent(2L, heldValue(9))));
        operations.put("replace", map -> () -> assertArrayEquals(heldValue(2), map.replace(2L, heldValue(2))));
        operations.put("replace given the expected value", map -> () ->
                assertTrue(map.replace(2L, heldValue(2), heldValue(2))));
        operations.put("remove given the expected value", map -> () -> assertTrue(map.remove(2L, heldValue(2))));
        operations.put("setIfPresent", map -> () -> assertTrue(map.setIfPresent(2L, heldValue(2))));
        operations.put("computeIfAbsent of a present key", map -> () ->
                assertArrayEquals(heldValue(2), map.computeIfAbsent(2L, key -> heldValue(9))));
        operations.put("computeIfAbsent of an absent key", map -> () ->
                assertArrayEquals(heldValue(7), map.computeIfAbsent(7L, key -> heldValue(7))));
        operations.put("isEmpty", map -> () -> assertFalse(map.isEmpty()));
        operations.put("delete", map -> () -> assertTrue(map.delete(2L)));
        operations.put("forEach", map -> () -> map.forEach((key, value) ->
                assertArrayEquals(heldValue(key), value, "key " + key)));
        operations.put("size", map -> () -> assertEquals(4, map.size()));
        operations.put("stats", map -> () -> assertEquals(4, map.stats().size()));
        operations.put("storageStats", map -> () -> assertTrue(map.storageStats().blocks() > 0));
        operations.put("clear", map -> map::clear);
        operations.put("close", map -> map::close);
        for (final Map.Entry<String, Function<ConcurrentOffHeapMap<Long, byte[]>, Executable>> operation
                : operations.entrySet()) {
            final String name = operation.getKey();
            final HoldingBytes codec = new HoldingBytes();
            try (ConcurrentOffHeapMap<Long, byte[]> map = ConcurrentOffHeapMap.builder(Codecs.longs(), codec)
                    .shards(1).backgroundMemoryWork(false).build()) {
                for (long key = 0; key < 4; key++) {
                    map.set(key, heldValue(key));
                }
                final Executable use = operation.getValue().apply(map);
                final Throwable[] failures = new Throwable[2];
                codec.armed.set(true);
                final Thread writer = Thread.ofPlatform().name("held-write").start(() -> {
                    try {
                        assertFalse(map.set(0L, heldValue(0)), "key 0 was there");
                    } catch (final Throwable t) {
                        failures[0] = t;
                    }
                });
                assertTrue(codec.inside.await(30, TimeUnit.SECONDS), "the write began");
                final Thread user = Thread.ofPlatform().name(name).start(() -> {
                    try {
                        use.execute();
                    } catch (final Throwable t) {
                        failures[1] = t;
                    }
                });
                final Thread.State state = ConcurrentLongLongMapTest.awaitParkedOrDone(user);
                codec.release.countDown();
                writer.join();
                user.join();
                assertEquals(Thread.State.WAITING, state, () -> name + " waits for the write"
                        + (failures[1] == null ? "" : ", but met it halfway: " + failures[1]));
                if (failures[0] != null || failures[1] != null) {
                    throw new AssertionError(name + ": the held write failed with " + failures[0]
                            + ", the operation after it with " + failures[1]);
                }
            }
        }
    }

    @Test
    void closeShouldBeIdempotentAndEveryLaterUseShouldThrowIllegalStateException() {
        final RecordingAllocator recorder = new RecordingAllocator("closing");
        final ConcurrentOffHeapMap<CharSequence, byte[]> map = ConcurrentOffHeapMap.builder(Codecs.utf8(), Codecs.bytes())
                .shards(4).allocator(recorder).backgroundMemoryWork(false).build();
        for (int i = 0; i < 1_000; i++) {
            map.set("key-" + i, bytes("value-" + i));
        }
        map.close();
        assertTrue(map.isClosed());
        assertEquals("ConcurrentOffHeapMap<utf8, bytes>[closed]", map.toString());
        assertEquals(0, recorder.live(), "close unmaps every array and every storage region: " + recorder);
        map.close();

        final Map<String, Executable> uses = new LinkedHashMap<>();
        uses.put("get", () -> map.get("key-1"));
        uses.put("getOrDefault", () -> map.getOrDefault("key-1", null));
        uses.put("getUsing", () -> map.getUsing("key-1", null));
        uses.put("containsKey", () -> map.containsKey("key-1"));
        uses.put("copyValue", () -> map.copyValue("key-1", MemorySegment.ofArray(new byte[64]), 0));
        uses.put("put", () -> map.put("key-1", bytes("x")));
        uses.put("set", () -> map.set("key-1", bytes("x")));
        uses.put("setIfAbsent", () -> map.setIfAbsent("key-1", bytes("x")));
        uses.put("setIfPresent", () -> map.setIfPresent("key-1", bytes("x")));
        uses.put("putIfAbsent", () -> map.putIfAbsent("key-1", bytes("x")));
        uses.put("replace", () -> map.replace("key-1", bytes("x")));
        uses.put("replace given the expected value", () -> map.replace("key-1", bytes("x"), bytes("y")));
        uses.put("remove given the expected value", () -> map.remove("key-1", bytes("x")));
        uses.put("computeIfAbsent", () -> map.computeIfAbsent("key-1", key -> bytes("x")));
        uses.put("isEmpty", map::isEmpty);
        uses.put("remove", () -> map.remove("key-1"));
        uses.put("delete", () -> map.delete("key-1"));
        uses.put("clear", map::clear);
        uses.put("size", map::size);
        uses.put("forEach", () -> map.forEach((key, value) -> { }));
        uses.put("stats", map::stats);
        uses.put("storageStats", map::storageStats);
        uses.put("finishGrowth", map::finishGrowth);
        uses.put("releaseSpareMemory", map::releaseSpareMemory);
        uses.put("trimToSize", map::trimToSize);
        uses.put("trimToSize(expectedSize)", () -> map.trimToSize(1_000));
        uses.put("evacuate", () -> map.evacuate(Duration.ofMillis(1)));
        // Each names the map, the optimistic reads too, rather than the JDK's "Already closed" of its memory.
        uses.forEach((name, use) -> {
            final String message = assertThrows(IllegalStateException.class, use, name + " after close").getMessage();
            assertTrue(message.startsWith("ConcurrentOffHeapMap") && message.endsWith(" is closed"),
                    name + ": " + message);
            // The whole map was closed, not one shard: a message naming a shard would send the reader looking
            // for what happened to that shard alone.
            assertFalse(message.contains(" shard "), name + ": " + message);
        });
    }

    /**
     * Each shard refuses past its share of the map's budget, out-of-line storage included, which takes the share
     * by the page: short values fit in a share far smaller than a slab, and a value larger than the share is
     * refused with a message that says the budget is a share of the map's, and what gives each shard more.
     */
    @Test
    void aShardRefusingOutOfLineStorageShouldSayItsBudgetIsAShareOfTheMaps() {
        try (ConcurrentOffHeapMap<CharSequence, byte[]> map = ConcurrentOffHeapMap.builder(Codecs.utf8(),
                Codecs.bytes()).shards(8).memoryBudget(8 * 100_000).build()) {
            for (int i = 0; i < 1000; i++) { // 32 bytes of keys and values each: a few pages per shard
                map.set("key " + i, bytes("value " + i));
            }
            final MemoryBudgetExceededException e = assertThrows(MemoryBudgetExceededException.class,
                    () -> map.set("large", new byte[100_000]));
            assertTrue(e.getMessage().contains("an out-of-line block of 100000 bytes"), e.getMessage());
            // The shard is named after its map, codecs included, as the events and messages of a shard are.
            assertTrue(e.getMessage().matches("(?s).* of ConcurrentOffHeapMap<utf8, bytes> shard [0-7], .*"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("whose budget is 1/8 of the map's 800000 bytes (fewer shards, or a"
                    + " larger budget, give each more)"), e.getMessage());
            assertEquals(100_000, e.budgetBytes());
            assertEquals(1000, map.size());
            for (int i = 0; i < 1000; i++) {
                assertArrayEquals(bytes("value " + i), map.get("key " + i));
            }
        }
    }

    /** The map's storage figures are its shards' added up: the bytes of every encoding, wherever it landed. */
    @Test
    void storageStatsShouldAddUpEveryShardsBlocksAndBytes() {
        try (ConcurrentOffHeapMap<CharSequence, byte[]> map = ConcurrentOffHeapMap.builder(Codecs.utf8(),
                Codecs.bytes()).shards(4).backgroundMemoryWork(false).build()) {
            long encodings = 0;
            for (int i = 0; i < 200; i++) {
                final String key = "key-" + i;
                final byte[] value = new byte[1 + i % 37];
                map.put(key, value);
                encodings += key.length() + value.length;
            }
            final StorageStats stats = map.storageStats();
            assertEquals(400, stats.blocks(), "a key and a value out of line per entry");
            assertEquals(encodings, stats.requestedBytes(), "exactly the encodings' bytes, before rounding");
            assertTrue(stats.allocatedBytes() > stats.requestedBytes(), "blocks are rounded up to size classes");
            assertTrue(stats.committedBytes() >= stats.allocatedBytes(), stats.toString());
            // Without background work no region is mapped ahead: each shard holds its first region, whole.
            assertEquals(map.shardCount() * OutOfLineStore.FIRST_REGION_BYTES, stats.reservedBytes(), stats.toString());
            assertEquals(1 - (double) encodings / stats.committedBytes(), stats.fragmentation(), 1e-12);
        }
    }
}
