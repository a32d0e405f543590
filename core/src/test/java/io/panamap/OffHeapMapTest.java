package io.panamap;

import io.panamap.codec.Codec;
import io.panamap.codec.Codecs;
import io.panamap.hash.BytesHash;
import io.panamap.layout.BucketLayout;
import io.panamap.layout.TopHash;
import io.panamap.memory.MemoryBudgetExceededException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OffHeapMapTest {

    /** A fixed-width record for keys or values, described by a layout with padding. */
    record Quote(long price, int quantity, short venue, byte side, boolean firm) {
    }

    static final MemoryLayout QUOTE_LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("price"),
            ValueLayout.JAVA_INT.withName("quantity"),
            ValueLayout.JAVA_SHORT.withName("venue"),
            ValueLayout.JAVA_BYTE.withName("side"),
            ValueLayout.JAVA_BOOLEAN.withName("firm"));

    // ------------------------------------------------------------------ Go's bucket sizes

    @Test
    void bucketsShouldHaveGosSizesForStringAndSmallTypes() {
        assertEquals(208, layoutOf(Codecs.utf8(), Codecs.longs()).bucketSize(), "map[string]int64");
        assertEquals(272, layoutOf(Codecs.utf8(), Codecs.utf8()).bucketSize(), "map[string]string");
        assertEquals(88, layoutOf(Codecs.longs(), Codecs.fixedBytes(1)).bucketSize(), "map[int64]int8");
        assertEquals(144, layoutOf(Codecs.longs(), Codecs.longs()).bucketSize(), "map[int64]int64");
        assertEquals(BucketLayout.LONG_LONG, layoutOf(Codecs.longs(), Codecs.longs()));
    }

    @Test
    void aValueOfExactly128BytesShouldStayInlineAndOneMoreShouldGoOutOfLine() {
        final BucketLayout inline = layoutOf(Codecs.longs(), Codecs.fixedBytes(128));
        assertFalse(inline.valueIndirect());
        assertEquals(8 + 8 * 8 + 8 * 128 + 8, inline.bucketSize());
        final BucketLayout indirect = layoutOf(Codecs.longs(), Codecs.fixedBytes(129));
        assertTrue(indirect.valueIndirect());
        assertEquals(8 + 8 * 8 + 8 * 8 + 8, indirect.bucketSize());
        assertTrue(layoutOf(Codecs.fixedBytes(200), Codecs.longs()).keyIndirect());
    }

    private static BucketLayout layoutOf(final Codec<?> keys, final Codec<?> values) {
        try (OffHeapMap<?, ?> map = OffHeapMap.builder(keys, values).build()) {
            return map.layout();
        }
    }

    // ------------------------------------------------------------------ behaviour per kind of key and value

    @Test
    void stringKeysShouldMapToByteArraysThroughGrowth() {
        try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).build()) {
            for (int i = 0; i < 20_000; i++) {
                assertNull(map.put("key-" + i, payload(i)));
            }
            assertEquals(20_000, map.size());
            for (int i = 0; i < 20_000; i++) {
                assertArrayEquals(payload(i), map.get("key-" + i), "key-" + i);
            }
            assertNull(map.get("key-20000"));
            TableInvariants.check(map);
        }
    }

    @Test
    void aStringBuilderAndTheUtf8BytesShouldFindAnEntryStoredFromAString() {
        try (OffHeapMap<CharSequence, Long> map = OffHeapMap.builder(Codecs.utf8(), Codecs.longs()).build();
             Arena arena = Arena.ofConfined()) {
            map.put("Zürich ✓ 𝄞", 7L);
            final StringBuilder probe = new StringBuilder("Zürich ✓ 𝄞");
            assertEquals(7L, map.get(probe));
            final byte[] utf8 = "Zürich ✓ 𝄞".getBytes(StandardCharsets.UTF_8);
            final MemorySegment nativeKey = arena.allocate(utf8.length);
            nativeKey.copyFrom(MemorySegment.ofArray(utf8));
            assertTrue(map.containsEncodedKey(nativeKey));
            assertEquals(7L, map.getViewByEncodedKey(nativeKey).get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
            assertFalse(map.containsEncodedKey(nativeKey.asSlice(0, utf8.length - 1)));
            assertFalse(map.containsKey("Zurich ✓ 𝄞"));
        }
    }

    @Test
    void anUnpairedSurrogateShouldBeTheSameKeyAsAQuestionMarkAsInStringGetBytes() {
        try (OffHeapMap<CharSequence, Long> map = OffHeapMap.builder(Codecs.utf8(), Codecs.longs()).build()) {
            map.put("a\uD800b", 1L);
            assertEquals(1L, map.get("a?b"), "keys are their UTF-8 bytes, and UTF-8 has no unpaired surrogates");
            try (OffHeapCursor<CharSequence, Long> cursor = map.cursor()) {
                assertTrue(cursor.next());
                assertEquals("a?b", cursor.key().toString(), "what is stored is what String.getBytes gives");
            }
        }
    }

    @Test
    void emptyKeysAndValuesShouldBeStoredWithoutStorage() {
        try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).build()) {
            map.put("", new byte[0]);
            map.put("a", new byte[0]);
            assertArrayEquals(new byte[0], map.get(""));
            assertArrayEquals(new byte[0], map.get("a"));
            assertEquals(1, map.storageStats().blocks(), "only the one-byte key 'a' takes a block: " + map.storageStats());
            assertEquals(1, map.storageStats().requestedBytes());
        }
    }

    @Test
    void uuidKeysShouldMapToLongs() {
        try (OffHeapMap<UUID, Long> map = OffHeapMap.builder(Codecs.uuids(), Codecs.longs()).build()) {
            final UUID[] ids = new UUID[5000];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = new UUID(i * 31L, ~i);
                map.put(ids[i], (long) i);
            }
            for (int i = 0; i < ids.length; i++) {
                assertEquals(i, map.get(new UUID(ids[i].getMostSignificantBits(), ids[i].getLeastSignificantBits())));
            }
            assertEquals(4999L, map.remove(ids[4999]));
            assertNull(map.get(ids[4999]));
            assertEquals(0, map.storageStats().blocks(), "UUID and long are inline");
            TableInvariants.check(map);
        }
    }

    @Test
    void recordsShouldWorkAsKeysAndAsValues() {
        final Codec<Quote> quotes = Codecs.record(Quote.class, QUOTE_LAYOUT);
        try (OffHeapMap<Quote, Quote> map = OffHeapMap.builder(quotes, quotes).build()) {
            for (int i = 0; i < 3000; i++) {
                final Quote q = new Quote(i * 100L, i, (short) (i % 7), (byte) (i % 2), i % 3 == 0);
                map.put(q, new Quote(-i, i * 2, (short) 1, (byte) 0, false));
            }
            assertEquals(new Quote(-42, 84, (short) 1, (byte) 0, false),
                    map.get(new Quote(4200L, 42, (short) 0, (byte) 0, true)));
            TableInvariants.check(map);
        }
    }

    @Test
    void valuesOver128BytesShouldLiveOutOfLineAndSurviveGrowth() {
        try (OffHeapMap<Long, byte[]> map = OffHeapMap.builder(Codecs.longs(), Codecs.fixedBytes(300)).build()) {
            assertTrue(map.layout().valueIndirect());
            for (long i = 0; i < 10_000; i++) {
                map.put(i, filled(300, (int) i));
            }
            for (long i = 0; i < 10_000; i++) {
                assertArrayEquals(filled(300, (int) i), map.get(i));
            }
            assertEquals(10_000, map.storageStats().blocks());
            assertEquals(10_000L * 300, map.storageStats().requestedBytes());
            TableInvariants.check(map);
        }
    }

    @Test
    void largeValuesShouldRoundTrip() {
        try (OffHeapMap<Integer, byte[]> map = OffHeapMap.builder(Codecs.ints(), Codecs.bytes()).build()) {
            for (int i = 0; i < 20; i++) {
                map.put(i, filled(100_000 + i * 1000, i));
            }
            for (int i = 0; i < 20; i++) {
                assertArrayEquals(filled(100_000 + i * 1000, i), map.get(i));
            }
            for (int i = 0; i < 20; i++) {
                map.delete(i);
            }
            assertEquals(0, map.storageStats().committedBytes());
        }
    }

    @Test
    void doubleKeysShouldFollowDoubleEquals() {
        try (OffHeapMap<Double, Long> map = OffHeapMap.builder(Codecs.doubles(), Codecs.longs()).build()) {
            map.put(Double.NaN, 1L);
            map.put(0.0, 2L);
            map.put(-0.0, 3L);
            assertEquals(1L, map.get(Double.longBitsToDouble(0x7ff8_0000_0000_0001L)));
            assertEquals(2L, map.get(0.0));
            assertEquals(3L, map.get(-0.0));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {12, 45}) // compared word by word, and (over 32 bytes) by MemorySegment.mismatch
    void aKeyShouldNotMatchAStoredKeyWithTheSameTophashThatItOnlyPartlyEquals(final int length) {
        // One bucket (B = 0) and a fixed seed: the keys below share their bucket and their tophash, so only the
        // comparison of their bytes tells them apart.
        final byte[][] prefixPair = collidingKeys(length, true);
        final byte[][] lastBytePair = collidingKeys(length, false);
        for (final byte[][] pair : new byte[][][] {prefixPair, lastBytePair}) {
            try (OffHeapMap<byte[], Long> map = OffHeapMap.builder(Codecs.bytes(), Codecs.longs()).build()) {
                map.table().useFixedSeed(SEED);
                final byte[] stored = pair[0];
                final byte[] probe = pair[1];
                map.put(stored, 1L);
                assertFalse(map.containsKey(probe), "a " + probe.length + "-byte key found as a " + stored.length
                        + "-byte one");
                assertNull(map.get(probe));
                assertNull(map.put(probe, 2L), "a new key");
                assertEquals(2, map.size());
                assertEquals(1L, map.get(stored));
                assertEquals(2L, map.get(probe));
                assertEquals(1L, map.remove(stored));
                assertNull(map.get(stored));
                assertEquals(2L, map.get(probe));
                TableInvariants.check(map);
            }
        }
    }

    private static final long SEED = 20_260_101L;

    /**
     * Two keys with the same tophash under {@link #SEED}: a {@code length}-byte key and either its prefix one byte
     * shorter or the same bytes but the last. Searched for, deterministically.
     */
    private static byte[][] collidingKeys(final int length, final boolean prefix) {
        final byte[] stored = new byte[length];
        for (int counter = 0; ; counter++) {
            Arrays.fill(stored, (byte) 'k');
            for (int i = 0, c = counter; c != 0; i++, c >>>= 4) {
                stored[i] = (byte) ('a' + (c & 15));
            }
            final int top = TopHash.of(BytesHash.hash(stored, 0, length, SEED));
            if (prefix) {
                if (TopHash.of(BytesHash.hash(stored, 0, length - 1, SEED)) == top) {
                    return new byte[][] {stored.clone(), Arrays.copyOf(stored, length - 1)};
                }
                continue;
            }
            final byte[] probe = stored.clone();
            for (int last = 0; last < 256; last++) {
                probe[length - 1] = (byte) last;
                if (last != stored[length - 1] && TopHash.of(BytesHash.hash(probe, 0, length, SEED)) == top) {
                    return new byte[][] {stored.clone(), probe};
                }
            }
        }
    }

    // ------------------------------------------------------------------ replacing and the zero-garbage reads

    @Test
    void replacingAValueShouldKeepStorageAccountingExact() {
        try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).build()) {
            map.put("k", filled(100, 1));
            assertEquals(101, map.storageStats().requestedBytes());
            map.put("k", filled(105, 2));  // fits the block: rewritten in place
            assertEquals(106, map.storageStats().requestedBytes());
            map.put("k", filled(5000, 3)); // does not: a new block
            assertEquals(5001, map.storageStats().requestedBytes());
            map.put("k", filled(10, 4));   // far smaller: moved to a small block
            assertEquals(11, map.storageStats().requestedBytes());
            assertArrayEquals(filled(10, 4), map.get("k"));
            assertEquals(2, map.storageStats().blocks());
            TableInvariants.check(map);
        }
    }

    @Test
    void aValueReplacedByOneOfTheSameSizeClassShouldBeRewrittenInPlace() {
        try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).build()) {
            map.put("k", filled(100, 1)); // a 112-byte block
            final long small = map.getView("k").address();
            map.put("k", filled(110, 2));
            assertEquals(small, map.getView("k").address(), "100 and 110 bytes take the same class");
            assertArrayEquals(filled(110, 2), map.get("k"));
            map.put("k", filled(4000, 3)); // a 4096-byte block: another class, so another block
            final long large = map.getView("k").address();
            assertTrue(large != small);
            map.put("k", filled(4096, 4)); // the longest value rewritten in place
            assertEquals(large, map.getView("k").address(), "4000 and 4096 bytes take the same class");
            assertArrayEquals(filled(4096, 4), map.get("k"));
            assertEquals(2, map.storageStats().blocks());
            assertEquals(1 + 4096, map.storageStats().requestedBytes());
            TableInvariants.check(map);
        }
    }

    @Test
    void storageStatsShouldCountBlocksBytesClassesSlabsAndMappings() {
        final long page = OutOfLineStore.PAGE_BYTES;
        final long region = OutOfLineStore.FIRST_REGION_BYTES;
        final long dedicated = 25 * OutOfLineStore.PAGE_BYTES; // 100,000 bytes rounded up to pages
        // No background work: a region mapped ahead would count as reserved.
        try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes())
                .backgroundMemoryWork(false).build()) {
            // 3 bytes in a 16-byte block, 100 in a 112-byte one: two slabs, each charged the page of its block
            map.put("key", filled(100, 1));
            assertEquals(new StorageStats(2, 103, 16 + 112, 2 * page, region), map.storageStats());
            map.put("big", filled(100_000, 2)); // another 16-byte block (same page), and a mapping of its own
            assertEquals(new StorageStats(4, 100_106, 16 + 112 + 16 + dedicated, 2 * page + dedicated,
                    region + dedicated), map.storageStats());
            assertEquals(1 - 100_106.0 / (2 * page + dedicated), map.storageStats().fragmentation(), 1e-12);
            assertTrue(map.delete("big"));
            assertEquals(new StorageStats(2, 103, 16 + 112, 2 * page, region), map.storageStats());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {300, 5000}) // rewritten in place when replaced, and moved to a new block
    void fixedSizeKeysAndValuesOver128BytesShouldBeFreedWhenReplacedRemovedOrCleared(final int valueSize) {
        try (OffHeapMap<byte[], byte[]> map = OffHeapMap.builder(Codecs.fixedBytes(200), Codecs.fixedBytes(valueSize))
                .build()) {
            assertTrue(map.layout().keyIndirect() && map.layout().valueIndirect());
            final int n = 2000;
            for (int i = 0; i < n; i++) {
                map.put(filled(200, i), filled(valueSize, i));
            }
            for (int i = 0; i < n; i += 2) {
                map.put(filled(200, i), filled(valueSize, i + 7));
            }
            TableInvariants.check(map);
            assertEquals(2L * n, map.storageStats().blocks());
            for (int i = 0; i < n; i++) {
                assertArrayEquals(filled(valueSize, i % 2 == 0 ? i + 7 : i), map.remove(filled(200, i)));
            }
            TableInvariants.check(map);
            assertEquals(0, map.storageStats().blocks());
            assertEquals(0, map.storageStats().committedBytes());
            for (int i = 0; i < n; i++) {
                map.put(filled(200, i), filled(valueSize, i));
            }
            map.clear();
            assertEquals(0, map.storageStats().committedBytes());
        }
    }

    @Test
    void setAndDeleteShouldReportWhatTheyDidWithoutDecoding() {
        try (OffHeapMap<CharSequence, CharSequence> map = OffHeapMap.builder(Codecs.utf8(), Codecs.utf8()).build()) {
            assertTrue(map.set("a", "1"));
            assertFalse(map.set("a", "2"));
            assertFalse(map.setIfAbsent("a", "3"));
            assertEquals("2", map.get("a"));
            assertTrue(map.setIfAbsent("b", "4"));
            assertTrue(map.setIfPresent("b", "5"), "b has a value, replaced");
            assertEquals("5", map.get("b"));
            assertTrue(map.delete("a"));
            assertFalse(map.delete("a"));
            assertFalse(map.setIfPresent("a", "6"), "a removed stays removed");
            assertFalse(map.containsKey("a"));
            assertEquals(1, map.size());
        }
    }

    @Test
    void putIfAbsentAndReplaceShouldAnswerAsMapsDo() {
        try (OffHeapMap<CharSequence, CharSequence> map = OffHeapMap.builder(Codecs.utf8(), Codecs.utf8()).build()) {
            assertNull(map.putIfAbsent("a", "1"), "inserted: null");
            assertEquals("1", map.putIfAbsent("a", "2"), "present: what is there, left as it is");
            assertEquals("1", map.get("a"));
            assertNull(map.replace("b", "3"), "absent: nothing to replace");
            assertFalse(map.containsKey("b"), "and nothing inserted");
            assertEquals("1", map.replace("a", "4"));
            assertEquals("4", map.get("a"));
            assertEquals(1, map.size());
        }
    }

    /** Compared by their encodings: an equal value in another object matches, and a replaced block is freed. */
    @Test
    void replaceAndRemoveGivenTheExpectedValueShouldCompareEncodings() {
        try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).build()) {
            assertFalse(map.replace("k", filled(300, 1), filled(300, 2)), "absent: nothing replaced");
            assertFalse(map.containsKey("k"), "nor inserted");
            map.put("k", filled(300, 1));
            final long blocks = map.storageStats().blocks();
            assertFalse(map.replace("k", filled(300, 9), filled(5_000, 2)), "another value");
            assertFalse(map.replace("k", filled(299, 1), filled(5_000, 2)), "a prefix of it");
            assertArrayEquals(filled(300, 1), map.get("k"));
            assertTrue(map.replace("k", filled(300, 1), filled(5_000, 2)), "an equal copy matches");
            assertArrayEquals(filled(5_000, 2), map.get("k"));
            assertEquals(blocks, map.storageStats().blocks(), "the old block freed: " + map.storageStats());
            assertFalse(map.remove("k", filled(300, 1)));
            assertTrue(map.containsKey("k"));
            assertTrue(map.remove("k", filled(5_000, 2)));
            assertFalse(map.containsKey("k"));
            assertEquals(0, map.storageStats().blocks(), map.storageStats().toString());
        }
        try (OffHeapMap<CharSequence, Long> inline = OffHeapMap.builder(Codecs.utf8(), Codecs.longs()).build()) {
            inline.put("n", 5L);
            assertFalse(inline.replace("n", 6L, 7L));
            assertTrue(inline.replace("n", 5L, 7L));
            assertTrue(inline.remove("n", 7L));
            assertTrue(inline.isEmpty());
        }
    }

    /** A value replaced by one of another size class moves to a new block; the old one is freed, not leaked. */
    @Test
    void replaceShouldFreeTheBlockOfTheValueItReplaces() {
        try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).build()) {
            map.put("k", filled(300, 1));
            final long blocks = map.storageStats().blocks();
            assertArrayEquals(filled(300, 1), map.replace("k", filled(5_000, 2)));
            assertArrayEquals(filled(5_000, 2), map.get("k"));
            assertEquals(blocks, map.storageStats().blocks(), map.storageStats().toString());
            assertArrayEquals(filled(5_000, 2), map.replace("k", filled(40, 3)));
            assertArrayEquals(filled(40, 3), map.get("k"));
            assertEquals(blocks, map.storageStats().blocks(), map.storageStats().toString());
            TableInvariants.check(map);
        }
    }

    @Test
    void computeIfAbsentShouldCallTheFunctionOnlyForAnAbsentKeyAndStoreWhatItReturns() {
        try (OffHeapMap<CharSequence, CharSequence> map = OffHeapMap.builder(Codecs.utf8(), Codecs.utf8()).build()) {
            final int[] calls = {0};
            assertEquals("value of a", map.computeIfAbsent("a", key -> {
                calls[0]++;
                return "value of " + key;
            }));
            assertEquals("value of a", map.get("a"));
            assertEquals("value of a", map.computeIfAbsent("a", key -> {
                calls[0]++;
                return "another";
            }), "present: the stored value, the function not called");
            assertEquals(1, calls[0]);

            assertNull(map.computeIfAbsent("b", key -> null), "null: nothing stored");
            assertFalse(map.containsKey("b"));
            final IllegalArgumentException thrown = new IllegalArgumentException("no value for c");
            assertSame(thrown, assertThrows(IllegalArgumentException.class, () -> map.computeIfAbsent("c", key -> {
                throw thrown;
            })));
            assertFalse(map.containsKey("c"), "a function that throws stores nothing");
            assertEquals(1, map.size());
            assertThrows(NullPointerException.class, () -> map.computeIfAbsent("d", null));
        }
    }

    /**
     * The function may use the map, and every key goes through this thread's one key buffer: what it stores must
     * still land under the key asked for, and a value it stored for that key itself is kept.
     */
    @Test
    void computeIfAbsentShouldStoreUnderItsKeyWhateverTheFunctionDidWithTheMap() {
        try (OffHeapMap<CharSequence, CharSequence> map = OffHeapMap.builder(Codecs.utf8(), Codecs.utf8()).build()) {
            map.put("a much longer key than the one asked for", "x");
            assertEquals("derived from x", map.computeIfAbsent("key", key ->
                    "derived from " + map.get("a much longer key than the one asked for")));
            assertEquals("derived from x", map.get("key"));
            assertEquals(2, map.size());
            assertFalse(map.containsKey("a much longer key than the one asked fo"), "no key made of two");

            assertEquals("stored inside", map.computeIfAbsent("self", key -> {
                map.put(key, "stored inside");
                return "returned";
            }));
            assertEquals("stored inside", map.get("self"));
            TableInvariants.check(map);
        }
    }

    /**
     * Keys are encoded into this thread's one key buffer. A value codec that looks something up in another map
     * while it measures a value (Codec forbids it, but a Chronicle marshallable interning a symbol does it) must
     * not make the entry land under that other key: the value is measured before the key is encoded.
     */
    @Test
    void aValueCodecThatUsesAnotherMapWhileMeasuringShouldNotChangeTheKeyStored() {
        try (OffHeapMap<CharSequence, byte[]> symbols = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).build()) {
            final LookingUpBytes interning = new LookingUpBytes(symbols, "a symbol looked up while measuring");
            try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), interning).build()) {
                assertNull(map.put("a", filled(10, 1)));
                assertTrue(map.set("b", filled(10, 2)));
                assertNull(map.putIfAbsent("c", filled(10, 3)));
                assertArrayEquals(filled(10, 1), map.replace("a", filled(10, 4)));
                assertArrayEquals(filled(10, 5), map.computeIfAbsent("d", key -> filled(10, 5)));
                assertArrayEquals(filled(10, 4), map.get("a"));
                assertArrayEquals(filled(10, 2), map.get("b"));
                assertArrayEquals(filled(10, 3), map.get("c"));
                assertArrayEquals(filled(10, 5), map.get("d"));
                assertFalse(map.containsKey("a symbol looked up while measuring"));
                assertEquals(4, map.size());
            }
        }
    }

    @Test
    void getUsingShouldDecodeIntoTheCallersObject() {
        try (OffHeapMap<CharSequence, CharSequence> map = OffHeapMap.builder(Codecs.utf8(), Codecs.utf8()).build()) {
            map.put("greeting", "grüezi");
            final StringBuilder reuse = new StringBuilder("old contents");
            final CharSequence result = map.getUsing("greeting", reuse);
            assertTrue(result == reuse, "decoded into the caller's StringBuilder");
            assertEquals("grüezi", reuse.toString());
            assertNull(map.getUsing("missing", reuse));
        }
    }

    @Test
    void viewsShouldBeReadOnlyAndCopiesShouldCheckRoom() {
        try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).build()) {
            map.put("k", new byte[]{1, 2, 3});
            final MemorySegment view = map.getView("k");
            assertEquals(3, view.byteSize());
            assertTrue(view.isReadOnly());
            assertThrows(IllegalArgumentException.class, () -> view.set(ValueLayout.JAVA_BYTE, 0, (byte) 9));
            final MemorySegment target = MemorySegment.ofArray(new byte[4]);
            assertEquals(3, map.copyValue("k", target, 1));
            assertArrayEquals(new byte[]{0, 1, 2, 3}, target.toArray(ValueLayout.JAVA_BYTE));
            assertEquals(-1, map.copyValue("absent", target, 0));
            final IndexOutOfBoundsException tooSmall = assertThrows(IndexOutOfBoundsException.class,
                    () -> map.copyValue("k", target, 2));
            assertTrue(tooSmall.getMessage().contains("3 bytes"), tooSmall.getMessage());
            final IllegalArgumentException readOnly = assertThrows(IllegalArgumentException.class,
                    () -> map.copyValue("k", MemorySegment.ofArray(new byte[8]).asReadOnly(), 0));
            assertTrue(readOnly.getMessage().contains("read-only"), readOnly.getMessage());
            assertNull(map.getView("absent"));
        }
    }

    @Test
    void aViewShouldThrowAfterCloseInsteadOfReadingFreedMemory() {
        final OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).build();
        map.put("k", filled(50, 5));
        final MemorySegment view = map.getView("k");
        map.close();
        assertThrows(IllegalStateException.class, () -> view.get(ValueLayout.JAVA_BYTE, 0));
    }

    // ------------------------------------------------------------------ bad input and failures

    @Test
    void nullsShouldBeRefusedByName() {
        try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).build()) {
            assertTrue(assertThrows(NullPointerException.class, () -> map.put(null, new byte[1])).getMessage().contains("key"));
            assertTrue(assertThrows(NullPointerException.class, () -> map.put("k", null)).getMessage().contains("value"));
            assertThrows(NullPointerException.class, () -> map.get(null));
            assertEquals(0, map.size());
            map.put("k", new byte[1]);
            // A null expected value is refused by name, never taken for "whatever the value is".
            assertTrue(assertThrows(NullPointerException.class, () -> map.replace("k", null, new byte[2]))
                    .getMessage().contains("expectedValue"));
            assertTrue(assertThrows(NullPointerException.class, () -> map.remove("k", (byte[]) null))
                    .getMessage().contains("expectedValue"));
            assertArrayEquals(new byte[1], map.get("k"), "nothing replaced or removed");
        }
    }

    @Test
    void aWrongSizeEncodedKeyShouldBeRefusedClearly() {
        try (OffHeapMap<Long, Long> map = OffHeapMap.builder(Codecs.longs(), Codecs.longs()).build()) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> map.containsEncodedKey(MemorySegment.ofArray(new byte[4])));
            assertTrue(e.getMessage().contains("8 bytes, not 4"), e.getMessage());
        }
    }

    @Test
    void everyOperationOnAClosedMapShouldThrowIllegalState() {
        final OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).build();
        map.put("k", new byte[1]);
        final OffHeapCursor<CharSequence, byte[]> cursor = map.cursor();
        assertTrue(cursor.next());
        map.close();
        map.close();
        assertThrows(IllegalStateException.class, () -> map.get("k"));
        assertThrows(IllegalStateException.class, () -> map.put("k", new byte[1]));
        assertThrows(IllegalStateException.class, () -> map.delete("k"));
        assertThrows(IllegalStateException.class, () -> map.putIfAbsent("k", new byte[1]));
        assertThrows(IllegalStateException.class, () -> map.replace("k", new byte[1]));
        assertThrows(IllegalStateException.class, () -> map.computeIfAbsent("k", key -> new byte[1]));
        assertThrows(IllegalStateException.class, map::size);
        assertThrows(IllegalStateException.class, map::storageStats);
        assertThrows(IllegalStateException.class, map::releaseSpareMemory);
        assertThrows(IllegalStateException.class, map::trimToSize);
        assertThrows(IllegalStateException.class, cursor::value);
        assertThrows(IllegalStateException.class, cursor::next);
        assertTrue(map.toString().contains("closed"));
    }

    @Test
    void aWriteOverBudgetShouldFailClearlyAndLoseNothing() {
        try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes())
                .memoryBudget(2L << 20).build()) {
            MemoryBudgetExceededException failure = null;
            int stored = 0;
            for (int i = 0; i < 1_000_000 && failure == null; i++) {
                try {
                    map.put("key-" + i, payload(i));
                    stored++;
                } catch (final MemoryBudgetExceededException e) {
                    failure = e;
                }
            }
            assertTrue(failure != null, "a 2 MiB budget must run out");
            assertTrue(failure.getMessage().contains("OffHeapMap"), failure.getMessage());
            assertEquals(stored, map.size());
            assertTrue(map.stats().committedBytes() <= 2L << 20, map.stats().toString());
            for (int i = 0; i < stored; i++) {
                assertArrayEquals(payload(i), map.get("key-" + i));
            }
            TableInvariants.check(map);
        }
    }

    @Test
    void aCodecFailingHalfwayShouldLeaveTheEntryAndTheStorageAsTheyWere() {
        final Codec<byte[]> failsOnEmpty = new Codec<>() {
            @Override
            public int fixedSize() {
                return VARIABLE_SIZE;
            }

            @Override
            public long encodedSize(final byte[] value) {
                return Math.max(1, value.length);
            }

            @Override
            public void encode(final byte[] value, final MemorySegment target, final long offset) {
                target.set(ValueLayout.JAVA_BYTE, offset, (byte) 0x55); // writes, then fails
                if (value.length == 0) {
                    throw new IllegalArgumentException("empty values are not encodable");
                }
                MemorySegment.copy(value, 0, target, ValueLayout.JAVA_BYTE, offset, value.length);
            }

            @Override
            public byte[] decode(final MemorySegment source, final long offset, final long length) {
                return source.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
            }

            @Override
            public String name() {
                return "fails-on-empty";
            }
        };
        try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), failsOnEmpty).build()) {
            map.put("k", new byte[]{1, 2, 3});
            final StorageStats before = map.storageStats();
            assertThrows(IllegalArgumentException.class, () -> map.put("k", new byte[0]));   // replace in place
            assertThrows(IllegalArgumentException.class, () -> map.put("new", new byte[0])); // insert
            assertArrayEquals(new byte[]{1, 2, 3}, map.get("k"));
            assertFalse(map.containsKey("new"));
            assertEquals(before, map.storageStats());
            TableInvariants.check(map);
        }
    }

    // ------------------------------------------------------------------ memory

    @Test
    void storageShouldReturnToItsBaselineWhenEveryEntryIsRemoved() {
        // No background preparation: a next array published meanwhile would change the table's own bytes.
        try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes())
                .backgroundMemoryWork(false).build()) {
            for (int i = 0; i < 50_000; i++) {
                map.put("key-" + i, payload(i));
            }
            assertTrue(map.storageStats().committedBytes() > 0);
            final long bucketBytes = map.stats().committedBytes() - map.storageStats().committedBytes();
            for (int i = 0; i < 50_000; i++) {
                assertTrue(map.delete("key-" + i));
            }
            final StorageStats empty = map.storageStats();
            assertEquals(new StorageStats(0, 0, 0, 0, empty.reservedBytes()), empty);
            assertEquals(bucketBytes, map.stats().committedBytes(), "only the bucket array is left");
            for (int i = 0; i < 1000; i++) {
                map.put("again-" + i, payload(i));
            }
            map.clear();
            assertEquals(0, map.storageStats().committedBytes());
            assertEquals(0, map.storageStats().blocks());
        }
    }

    /**
     * A typed map's stats cover its out-of-line storage as well as its buckets: what it maps is the bucket
     * array's address space plus the storage's, as what it commits is (see the test above).
     */
    @Test
    void theStatsShouldCountTheOutOfLineStoragesAddressSpace() {
        // No background work: no next array or storage region is mapped ahead, no retired array kept.
        try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes())
                .backgroundMemoryWork(false).build()) {
            for (int i = 0; i < 50_000; i++) {
                map.put("key-" + i, payload(i));
            }
            map.finishGrowth();
            final StorageStats storage = map.storageStats();
            final MapStats stats = map.stats();
            assertTrue(storage.reservedBytes() > 0, storage.toString());
            assertEquals(map.table().buckets.block.byteSize() + storage.reservedBytes(), stats.reservedBytes(),
                    "the bucket array and the storage regions: " + stats + " / " + storage);
            assertEquals(map.table().buckets.committedBytes() + storage.committedBytes(), stats.committedBytes(),
                    stats + " / " + storage);
        }
    }

    /**
     * What removes queue while a cursor is open is freed by the first write after it closes; the calls made to give
     * memory back, trimToSize and releaseSpareMemory, free it too, rather than leave it to a write that may not come.
     */
    @Test
    void trimToSizeAndReleaseSpareMemoryShouldFreeWhatRemovesQueuedWhileACursorWasOpen() {
        for (final boolean trim : new boolean[] {true, false}) {
            try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).build()) {
                for (int i = 0; i < 1_000; i++) {
                    map.put("key-" + i, filled(40, i));
                }
                try (OffHeapCursor<CharSequence, byte[]> cursor = map.cursor()) {
                    assertTrue(cursor.next());
                    for (int i = 0; i < 1_000; i++) {
                        assertTrue(map.delete("key-" + i));
                    }
                }
                assertTrue(map.table().storage().hasDeferred(), "the removes were queued while the cursor was open");
                final long committed = map.storageStats().committedBytes();
                final long released = trim ? map.trimToSize() : map.releaseSpareMemory();
                final String call = trim ? "trimToSize" : "releaseSpareMemory";
                assertFalse(map.table().storage().hasDeferred(), call + " freed them");
                assertEquals(0, map.storageStats().blocks(), call + ": " + map.storageStats());
                assertTrue(released >= committed - map.storageStats().committedBytes(),
                        call + " counts what the storage gave back: " + released);
                TableInvariants.check(map);
            }
        }
    }

    @Test
    void removesDuringAnIterationShouldNotFreeKeysTheIteratorMayStillRead() {
        try (OffHeapMap<CharSequence, Long> map = OffHeapMap.builder(Codecs.utf8(), Codecs.longs())
                .backgroundMemoryWork(false).build()) {
            for (int i = 0; i < 52; i++) {
                map.put("key-number-" + i, (long) i); // 52 entries in 8 buckets: the next insert doubles
            }
            final java.util.Set<String> seen = new java.util.HashSet<>();
            final java.util.Set<String> deleted = new java.util.HashSet<>();
            try (OffHeapCursor<CharSequence, Long> cursor = map.cursor()) {
                int step = 0;
                while (cursor.next()) {
                    final String key = cursor.key().toString();
                    assertTrue(seen.add(key), "produced twice: " + key);
                    assertFalse(deleted.contains(key), "produced after its removal: " + key);
                    if (key.startsWith("key-number-")) {
                        assertEquals(Long.parseLong(key.substring("key-number-".length())), cursor.value());
                    }
                    if (step++ == 3) {
                        map.put("added-during-the-walk", -1L); // starts the doubling under the cursor
                    }
                    // Removes, and inserts under new keys, which would reuse the freed bytes if they were freed now.
                    final String victim = "key-number-" + (51 - step);
                    if (!seen.contains(victim) && map.delete(victim)) {
                        deleted.add(victim);
                    }
                    map.put("replacement-" + step, (long) step);
                }
            }
            for (int i = 0; i < 52; i++) {
                final String key = "key-number-" + i;
                assertTrue(seen.contains(key) || deleted.contains(key), "never produced: " + key);
            }
            assertTrue(map.table().storage().hasDeferred(), "removes during the walk were queued");
            map.put("after", 0L);
            // Once the cursor has let go, no iterator runs: the first write frees what was queued, and later
            // removes free at once.
            assertFalse(map.table().storage().hasDeferred(), "the first write after the walk frees what it queued");
            assertTrue(map.delete("after"));
            assertFalse(map.table().storage().hasDeferred(), "a remove with no iterator running frees at once");
            TableInvariants.check(map);
        }
    }

    static byte[] payload(final int i) {
        return filled(1 + (i * 7) % 90, i);
    }

    static byte[] filled(final int length, final int seed) {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) seed);
        if (length > 0) {
            bytes[0] = (byte) (seed >>> 8);
            bytes[length - 1] = (byte) (seed >>> 16);
        }
        return bytes;
    }
}
