package io.panamap.nativetests;

import io.panamap.LongLongMap;
import io.panamap.NativeView;
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
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A C program that knows nothing of panamap but Go's {@code struct bmap} ({@code src/test/c/bmap_walk.c})
 * walks live tables from their raw addresses and must find exactly the entries Java put there.
 */
class CLayoutConformanceTest {

    private static final StructLayout WALK_RESULT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("count"), ValueLayout.JAVA_LONG.withName("keySum"),
            ValueLayout.JAVA_LONG.withName("keyXor"), ValueLayout.JAVA_LONG.withName("valueSum"),
            ValueLayout.JAVA_LONG.withName("valueXor"));

    private static Arena libraryArena;
    private static MethodHandle bmapWalk;
    private static MethodHandle bmapLayout;

    @BeforeAll
    static void loadTheWalker() throws Exception {
        final Path library = NativeTools.compileSharedLibrary("bmap_walk");
        libraryArena = Arena.ofShared();
        final MemorySegment symbol = SymbolLookup.libraryLookup(library, libraryArena).find("bmap_walk")
                .orElseThrow();
        bmapWalk = Linker.nativeLinker().downcallHandle(symbol, FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS));
        bmapLayout = Linker.nativeLinker().downcallHandle(
                SymbolLookup.libraryLookup(library, libraryArena).find("bmap_layout").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    }

    @Test
    void theCCompilersGoBucketShouldHavePanamapsSizeAndOffsets() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG, 5);
            bmapLayout.invokeExact(out);
            final BucketLayout layout = BucketLayout.LONG_LONG;
            assertEquals(layout.bucketSize(), out.getAtIndex(ValueLayout.JAVA_LONG, 0), "sizeof(struct bmap)");
            assertEquals(BucketLayout.TOPHASH_OFFSET, out.getAtIndex(ValueLayout.JAVA_LONG, 1), "tophash");
            assertEquals(layout.keyOffset(0), out.getAtIndex(ValueLayout.JAVA_LONG, 2), "keys");
            assertEquals(layout.valueOffset(0), out.getAtIndex(ValueLayout.JAVA_LONG, 3), "values");
            assertEquals(layout.overflowOffset(), out.getAtIndex(ValueLayout.JAVA_LONG, 4), "overflow");
        }
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
        }
    }
}
