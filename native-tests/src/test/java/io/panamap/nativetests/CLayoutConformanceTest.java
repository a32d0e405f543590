package io.panamap.nativetests;

import io.panamap.LongLongMap;
import io.panamap.NativeView;
import io.panamap.OffHeapMap;
import io.panamap.codec.Codecs;
import io.panamap.layout.BucketLayout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A C program that knows nothing of panamap but Go's {@code struct bmap} ({@code src/test/c/bmap_walk.c})
 * walks live tables from their raw addresses and must find exactly the entries Java put there: a
 * {@code map[int64]int64} ({@link LongLongMap}), and a {@code map[string]int64} ({@link OffHeapMap} with
 * {@link Codecs#utf8()} keys) whose key slots C reads as Go string headers and follows into panamap's storage.
 */
class CLayoutConformanceTest {

    private static final StructLayout WALK_RESULT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("count"), ValueLayout.JAVA_LONG.withName("keySum"),
            ValueLayout.JAVA_LONG.withName("keyXor"), ValueLayout.JAVA_LONG.withName("valueSum"),
            ValueLayout.JAVA_LONG.withName("valueXor"));
    private static final StructLayout STRING_WALK_RESULT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("count"), ValueLayout.JAVA_LONG.withName("keyLengthSum"),
            ValueLayout.JAVA_LONG.withName("keyHashXor"), ValueLayout.JAVA_LONG.withName("keyHashSum"),
            ValueLayout.JAVA_LONG.withName("valueSum"), ValueLayout.JAVA_LONG.withName("valueXor"),
            ValueLayout.JAVA_LONG.withName("badHeaders"));
    private static final StructLayout GROWTH_MARKS_RESULT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("evacuatedChains"), ValueLayout.JAVA_LONG.withName("unmovedChains"),
            ValueLayout.JAVA_LONG.withName("movedX"), ValueLayout.JAVA_LONG.withName("movedY"),
            ValueLayout.JAVA_LONG.withName("movedEmpty"), ValueLayout.JAVA_LONG.withName("misplaced"),
            ValueLayout.JAVA_LONG.withName("badMarks"));
    private static final StructLayout LOOKUP_WALK_RESULT = MemoryLayout.structLayout(
            WALK_RESULT.withName("found"), ValueLayout.JAVA_LONG.withName("emptyOne"),
            ValueLayout.JAVA_LONG.withName("uncompacted"));
    /** All walkers: (current array, its B, old array or null, its B, result) → buckets visited. */
    private static final FunctionDescriptor WALK = FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    /** Both layout functions: (long[5] out) → sizeof, then the offsets of tophash, keys, values, overflow. */
    private static final FunctionDescriptor LAYOUT = FunctionDescriptor.ofVoid(ValueLayout.ADDRESS);
    /** The growth check: (current array, its B, old array, its B, result). */
    private static final FunctionDescriptor CHECK = FunctionDescriptor.ofVoid(
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS);

    private static Arena libraryArena;
    private static MethodHandle bmapWalk;
    private static MethodHandle bmapLayout;
    private static MethodHandle growthMarks;
    private static MethodHandle lookupWalk;
    private static MethodHandle stringWalk;
    private static MethodHandle stringLayout;

    @BeforeAll
    static void loadTheWalker() throws Exception {
        final Path library = NativeTools.compileSharedLibrary("bmap_walk");
        libraryArena = Arena.ofShared();
        final SymbolLookup symbols = SymbolLookup.libraryLookup(library, libraryArena);
        final Linker linker = Linker.nativeLinker();
        bmapWalk = linker.downcallHandle(symbols.find("bmap_walk").orElseThrow(), WALK);
        bmapLayout = linker.downcallHandle(symbols.find("bmap_layout").orElseThrow(), LAYOUT);
        growthMarks = linker.downcallHandle(symbols.find("bmap_check_growth_marks").orElseThrow(), CHECK);
        lookupWalk = linker.downcallHandle(symbols.find("bmap_lookup_walk").orElseThrow(), WALK);
        stringWalk = linker.downcallHandle(symbols.find("bmap_string_int64_walk").orElseThrow(), WALK);
        stringLayout = linker.downcallHandle(symbols.find("bmap_string_int64_layout").orElseThrow(), LAYOUT);
    }

    /** Asserts that the C struct a layout function describes has {@code layout}'s size and offsets. */
    private static void assertCStructHas(final BucketLayout layout, final MethodHandle layoutFunction,
                                         final String struct) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG, 5);
            layoutFunction.invokeExact(out);
            assertEquals(layout.bucketSize(), out.getAtIndex(ValueLayout.JAVA_LONG, 0), "sizeof(" + struct + ")");
            assertEquals(BucketLayout.TOPHASH_OFFSET, out.getAtIndex(ValueLayout.JAVA_LONG, 1), "tophash");
            assertEquals(layout.keyOffset(0), out.getAtIndex(ValueLayout.JAVA_LONG, 2), "keys");
            assertEquals(layout.valueOffset(0), out.getAtIndex(ValueLayout.JAVA_LONG, 3), "values");
            assertEquals(layout.overflowOffset(), out.getAtIndex(ValueLayout.JAVA_LONG, 4), "overflow");
        }
    }

    @Test
    void theCCompilersGoBucketShouldHavePanamapsSizeAndOffsets() throws Throwable {
        assertCStructHas(BucketLayout.LONG_LONG, bmapLayout, "struct bmap");
    }

    /** What a walk sums up: entries, and sums and xors of keys and values (wrapping, as in C's unsigned math). */
    private record Totals(long count, long keySum, long keyXor, long valueSum, long valueXor) {

        static Totals of(final Map<Long, Long> entries) {
            long keySum = 0;
            long keyXor = 0;
            long valueSum = 0;
            long valueXor = 0;
            for (final Map.Entry<Long, Long> entry : entries.entrySet()) {
                keySum += entry.getKey();
                keyXor ^= entry.getKey();
                valueSum += entry.getValue();
                valueXor ^= entry.getValue();
            }
            return new Totals(entries.size(), keySum, keyXor, valueSum, valueXor);
        }
    }

    private static Totals walkFromC(final LongLongMap map) throws Throwable {
        final NativeView view = map.nativeView();
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment out = arena.allocate(WALK_RESULT);
            final long visited = (long) bmapWalk.invokeExact(MemorySegment.ofAddress(view.address()),
                    view.logBuckets(), MemorySegment.ofAddress(view.oldAddress()), view.oldLogBuckets(), out);
            assertEquals((1L << view.logBuckets()) + (view.growing() ? 1L << view.oldLogBuckets() : 0), visited);
            return new Totals(out.get(ValueLayout.JAVA_LONG, 0), out.get(ValueLayout.JAVA_LONG, 8),
                    out.get(ValueLayout.JAVA_LONG, 16), out.get(ValueLayout.JAVA_LONG, 24),
                    out.get(ValueLayout.JAVA_LONG, 32));
        }
    }

    /**
     * What Go's evacuation marks say about a doubling in progress, checked by C against where the entries are
     * ({@code bmap_check_growth_marks}): old chains evacuated and not, slots marked evacuatedX / evacuatedY /
     * evacuatedEmpty, the marked entries not found with their value in new chain i (X) or i + 2^oldB (Y), and
     * slots in a state Go never leaves there (an unmarked slot in an evacuated chain, a mark anywhere else).
     */
    private record GrowthMarks(long evacuatedChains, long unmovedChains, long movedX, long movedY, long movedEmpty,
                               long misplaced, long badMarks) {
    }

    private static GrowthMarks growthMarksFromC(final LongLongMap map) throws Throwable {
        final NativeView view = map.nativeView();
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment out = arena.allocate(GROWTH_MARKS_RESULT);
            growthMarks.invokeExact(MemorySegment.ofAddress(view.address()), view.logBuckets(),
                    MemorySegment.ofAddress(view.oldAddress()), view.oldLogBuckets(), out);
            return new GrowthMarks(out.getAtIndex(ValueLayout.JAVA_LONG, 0), out.getAtIndex(ValueLayout.JAVA_LONG, 1),
                    out.getAtIndex(ValueLayout.JAVA_LONG, 2), out.getAtIndex(ValueLayout.JAVA_LONG, 3),
                    out.getAtIndex(ValueLayout.JAVA_LONG, 4), out.getAtIndex(ValueLayout.JAVA_LONG, 5),
                    out.getAtIndex(ValueLayout.JAVA_LONG, 6));
        }
    }

    /**
     * A walk as Go's lookups make it, each chain ending at its first emptyRest ({@code bmap_lookup_walk}): what
     * it found, the emptyOne slots it passed, and those of them Go's delete would have turned into emptyRest.
     */
    private record LookupWalk(Totals found, long emptyOne, long uncompacted) {
    }

    private static LookupWalk lookupWalkFromC(final LongLongMap map) throws Throwable {
        final NativeView view = map.nativeView();
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment out = arena.allocate(LOOKUP_WALK_RESULT);
            final long visited = (long) lookupWalk.invokeExact(MemorySegment.ofAddress(view.address()),
                    view.logBuckets(), MemorySegment.ofAddress(view.oldAddress()), view.oldLogBuckets(), out);
            assertEquals((1L << view.logBuckets()) + (view.growing() ? 1L << view.oldLogBuckets() : 0), visited);
            return new LookupWalk(new Totals(out.getAtIndex(ValueLayout.JAVA_LONG, 0),
                    out.getAtIndex(ValueLayout.JAVA_LONG, 1), out.getAtIndex(ValueLayout.JAVA_LONG, 2),
                    out.getAtIndex(ValueLayout.JAVA_LONG, 3), out.getAtIndex(ValueLayout.JAVA_LONG, 4)),
                    out.getAtIndex(ValueLayout.JAVA_LONG, 5), out.getAtIndex(ValueLayout.JAVA_LONG, 6));
        }
    }

    @Test
    void cShouldFindEveryEntryOfAQuietTableThroughGosStruct() throws Throwable {
        final Map<Long, Long> expected = new HashMap<>();
        try (LongLongMap map = LongLongMap.builder().build()) {
            for (long i = 0; i < 200_000; i++) {
                final long key = NoGcBuildMain.mix(i);
                map.put(key, key * 31 + 7);
                expected.put(key, key * 31 + 7);
            }
            map.finishGrowth();
            assertEquals(Totals.of(expected), walkFromC(map));
        }
    }

    @Test
    void cShouldFindEveryEntryInTheMiddleOfAGrowthAcrossOldAndNewArrays() throws Throwable {
        final Map<Long, Long> expected = new HashMap<>();
        try (LongLongMap map = LongLongMap.builder().build()) {
            long i = 0;
            // Into a doubling of a sizeable table, and stop while part of the old array is still unmoved.
            while (map.size() < 50_000 || !map.stats().growing() || map.stats().evacuationProgress() < 0.2) {
                final long key = NoGcBuildMain.mix(i++);
                map.put(key, ~key);
                expected.put(key, ~key);
            }
            assertTrue(map.nativeView().growing() && map.stats().evacuationProgress() < 1.0, map.stats()::toString);
            assertEquals(Totals.of(expected), walkFromC(map));
        }
    }

    @Test
    void cShouldFindGosEvacuationMarksInTheMiddleOfADoublingEachMovedEntryInItsXOrYChain() throws Throwable {
        try (LongLongMap map = LongLongMap.builder().build()) {
            long i = 0;
            while (map.size() < 50_000 || !map.stats().growing() || map.stats().evacuationProgress() < 0.2) {
                final long key = NoGcBuildMain.mix(i++);
                map.put(key, ~key);
            }
            final NativeView view = map.nativeView();
            assertTrue(view.growing() && view.logBuckets() == view.oldLogBuckets() + 1, view::toString);
            final GrowthMarks marks = growthMarksFromC(map);
            assertEquals(0, marks.badMarks(), () -> "slots in a state Go never leaves there: " + marks);
            assertEquals(0, marks.misplaced(), () -> "marked entries not in their X or Y chain: " + marks);
            assertTrue(marks.evacuatedChains() >= view.evacuatedOldBuckets() && marks.unmovedChains() > 0,
                    () -> marks + " for " + view);
            assertTrue(marks.movedX() > 0 && marks.movedY() > 0 && marks.movedEmpty() > 0, marks::toString);
        }
    }

    @Test
    void cShouldSeeRemovalsAsGoDoesEmptySlotsAndNothingRemoved() throws Throwable {
        final Map<Long, Long> expected = new HashMap<>();
        try (LongLongMap map = LongLongMap.builder().build()) {
            for (long i = 0; i < 100_000; i++) {
                final long key = NoGcBuildMain.mix(i);
                map.put(key, i);
                expected.put(key, i);
                if (i % 3 == 0) {
                    final long gone = NoGcBuildMain.mix(i / 2);
                    map.remove(gone);
                    expected.remove(gone);
                }
            }
            assertEquals(Totals.of(expected), walkFromC(map));
            // Go's lookups stop at emptyRest: they too must find everything, and Go's delete leaves no emptyOne
            // directly before emptyRest or a chain's end.
            final LookupWalk lookup = lookupWalkFromC(map);
            assertEquals(Totals.of(expected), lookup.found(), "walked as Go's lookups walk, to emptyRest");
            assertTrue(lookup.emptyOne() > 0, "removals left emptyOne slots between entries");
            assertEquals(0, lookup.uncompacted(), "emptyOne slots Go's delete would have made emptyRest");
        }
    }

    // ------------------------------------------------------------------ map[string]int64

    /** A string-keyed table as Go's {@code map[string]int64}: key slots are string headers, values int64. */
    private static OffHeapMap<CharSequence, Long> stringMap() {
        return OffHeapMap.builder(Codecs.utf8(), Codecs.longs()).build();
    }

    /**
     * The {@code i}th distinct key: the empty string first, then by turns ASCII, two-byte (Cyrillic),
     * three-byte (CJK) and four-byte (emoji, surrogate pairs in Java) UTF-8, and keys of over 100 bytes (up to 312).
     */
    private static String keyFor(final long i) {
        if (i == 0) {
            return "";
        }
        return switch ((int) (i % 5)) {
            case 0 -> "order-" + i;
            case 1 -> "ключ-" + i;
            case 2 -> "键" + i + "值";
            case 3 -> "\uD83D\uDD11" + i + "\uD83D\uDDDD";
            default -> "long-" + i + "-" + "é".repeat(50 + (int) (i % 101));
        };
    }

    /**
     * What a walk of string keys sums up, as {@code bmap_walk.c}'s {@code struct string_walk_result}: key
     * lengths and FNV-1a hashes of key bytes, values, and the headers C found malformed (never, from Java).
     */
    private record StringTotals(long count, long keyLengthSum, long keyHashXor, long keyHashSum, long valueSum,
                                long valueXor, long badHeaders) {

        private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
        private static final long FNV_PRIME = 0x100000001b3L;

        static StringTotals of(final Map<String, Long> entries) {
            long keyLengthSum = 0;
            long keyHashXor = 0;
            long keyHashSum = 0;
            long valueSum = 0;
            long valueXor = 0;
            for (final Map.Entry<String, Long> entry : entries.entrySet()) {
                final byte[] key = entry.getKey().getBytes(StandardCharsets.UTF_8);
                final long hash = fnv1a(key);
                keyLengthSum += key.length;
                keyHashXor ^= hash;
                keyHashSum += hash;
                valueSum += entry.getValue();
                valueXor ^= entry.getValue();
            }
            return new StringTotals(entries.size(), keyLengthSum, keyHashXor, keyHashSum, valueSum, valueXor, 0);
        }

        private static long fnv1a(final byte[] bytes) {
            long hash = FNV_OFFSET_BASIS;
            for (final byte b : bytes) {
                hash = (hash ^ (b & 0xFF)) * FNV_PRIME;
            }
            return hash;
        }
    }

    private static StringTotals walkFromC(final OffHeapMap<CharSequence, Long> map) throws Throwable {
        final NativeView view = map.nativeView();
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment out = arena.allocate(STRING_WALK_RESULT);
            final long visited = (long) stringWalk.invokeExact(MemorySegment.ofAddress(view.address()),
                    view.logBuckets(), MemorySegment.ofAddress(view.oldAddress()), view.oldLogBuckets(), out);
            assertEquals((1L << view.logBuckets()) + (view.growing() ? 1L << view.oldLogBuckets() : 0), visited);
            return new StringTotals(out.getAtIndex(ValueLayout.JAVA_LONG, 0), out.getAtIndex(ValueLayout.JAVA_LONG, 1),
                    out.getAtIndex(ValueLayout.JAVA_LONG, 2), out.getAtIndex(ValueLayout.JAVA_LONG, 3),
                    out.getAtIndex(ValueLayout.JAVA_LONG, 4), out.getAtIndex(ValueLayout.JAVA_LONG, 5),
                    out.getAtIndex(ValueLayout.JAVA_LONG, 6));
        }
    }

    @Test
    void theCCompilersGoStringBucketShouldHaveTheStringMapsSizeAndOffsets() throws Throwable {
        try (OffHeapMap<CharSequence, Long> map = stringMap()) {
            assertEquals(208, map.layout().bucketSize(), "Go's map[string]int64 bucket");
            assertCStructHas(map.layout(), stringLayout, "struct bmap_string_int64");
        }
    }

    @Test
    void cShouldFollowEveryStringHeaderOfAQuietTableToItsKeysBytes() throws Throwable {
        final Map<String, Long> expected = new HashMap<>();
        try (OffHeapMap<CharSequence, Long> map = stringMap()) {
            for (long i = 0; i < 50_000; i++) {
                final String key = keyFor(i);
                map.put(key, NoGcBuildMain.mix(i));
                expected.put(key, NoGcBuildMain.mix(i));
            }
            map.finishGrowth();
            assertEquals(50_000, expected.size(), "keys are distinct");
            assertTrue(map.containsKey(""), "the empty string, whose header is {NULL, 0}, is among the keys");
            assertEquals(StringTotals.of(expected), walkFromC(map));
        }
    }

    @Test
    void cShouldFollowStringHeadersInTheMiddleOfAGrowthAcrossOldAndNewArrays() throws Throwable {
        final Map<String, Long> expected = new HashMap<>();
        try (OffHeapMap<CharSequence, Long> map = stringMap()) {
            long i = 0;
            // Into a doubling of a sizeable table, and stop while part of the old array is still unmoved.
            while (map.size() < 50_000 || !map.stats().growing() || map.stats().evacuationProgress() < 0.2) {
                final String key = keyFor(i);
                map.put(key, ~NoGcBuildMain.mix(i));
                expected.put(key, ~NoGcBuildMain.mix(i));
                i++;
            }
            assertTrue(map.nativeView().growing() && map.stats().evacuationProgress() < 1.0, map.stats()::toString);
            assertEquals(StringTotals.of(expected), walkFromC(map));
        }
    }

    @Test
    void cShouldFollowStringHeadersAfterRemovalsAndReplacedValues() throws Throwable {
        final Map<String, Long> expected = new HashMap<>();
        try (OffHeapMap<CharSequence, Long> map = stringMap()) {
            for (long i = 0; i < 100_000; i++) {
                final String key = keyFor(i);
                map.put(key, i);
                expected.put(key, i);
                if (i % 3 == 0) {
                    final String gone = keyFor(i / 2 + 1); // never the empty string, keyFor(0)
                    map.remove(gone);
                    expected.remove(gone);
                }
                if (i % 4 == 0 && expected.containsKey(keyFor(i / 3))) {
                    final String replaced = keyFor(i / 3);
                    map.put(replaced, -i - 1);
                    expected.put(replaced, -i - 1);
                }
            }
            assertTrue(expected.size() < 100_000, "some keys were removed");
            assertTrue(expected.values().stream().anyMatch(v -> v < 0), "some values were replaced");
            assertTrue(map.containsKey(""), "the empty string is among the keys");
            assertEquals(StringTotals.of(expected), walkFromC(map));
        }
    }
}
