package io.panamap;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Zero heap allocation per get / put / remove / cursor step, measured with the JVM's per-thread
 * allocation counter. (Allocation is a property, not a timing: this is a test, not a benchmark.)
 */
class AllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void hotPathsShouldNotAllocate() {
        final int n = 300_000;
        final long[] keys = new SplittableRandom(3).longs(n).toArray();
        try (LongLongMap map = LongLongMap.withExpectedSize(n)) {
            // Warm up so that what is measured is the compiled steady state.
            for (int round = 0; round < 3; round++) {
                runAll(map, keys);
            }
            final long before = allocated();
            final long sum = runAll(map, keys);
            final long bytes = allocated() - before;
            final long operations = 6L * n;
            assertTrue(bytes < 4096, "hot paths allocated " + bytes + " bytes over " + operations
                    + " operations (checksum " + sum + ")");
        }
    }

    /**
     * Measured insert by insert: only a bounded few inserts may allocate, each a small task for the
     * memory worker or an array descriptor: per growth, the one that asks for the next array to be
     * prepared, the one that starts the growth and the one that finishes it; and once per chunk of
     * {@link HashTable#OVERFLOW_PREFAULT_CHUNK} overflow buckets, the one that asks for the next chunk to
     * be pre-faulted. (Every array is smaller than the last one, so all of them together handed out at
     * most twice the final array's overflow buckets.)
     */
    @Test
    void growingShouldAllocateOnlyWhenAGrowthStartsOrEnds() {
        final int n = 1_000_000;
        final long[] keys = new SplittableRandom(4).longs(n).toArray();
        for (int round = 0; round < 3; round++) {
            try (LongLongMap warm = new LongLongMap()) {
                insertTimingAllocations(warm, keys);
            }
        }
        try (LongLongMap map = new LongLongMap()) {
            final long[] result = insertTimingAllocations(map, keys);
            final long allocatingInserts = result[0];
            final long largest = result[1];
            final long growths = map.stats().doublings() + map.stats().sameSizeGrowths();
            // One request per array when its overflow first passes the spares, plus one per chunk after.
            final long overflowChunks = 2 * map.stats().overflowBuckets() / HashTable.OVERFLOW_PREFAULT_CHUNK
                    + growths + 1;
            assertTrue(allocatingInserts <= 3 * growths + overflowChunks + 4, allocatingInserts + " of " + n
                    + " inserts allocated, with " + growths + " growths");
            assertTrue(largest < 4096, "one insert allocated " + largest + " bytes");
        }
    }

    /** Returns {inserts that allocated, most bytes one insert allocated}. */
    private static long[] insertTimingAllocations(final LongLongMap map, final long[] keys) {
        long allocating = 0;
        long largest = 0;
        for (final long key : keys) {
            final long before = allocated();
            map.put(key, key);
            final long bytes = allocated() - before;
            if (bytes > 0) {
                allocating++;
                largest = Math.max(largest, bytes);
            }
        }
        return new long[] {allocating, largest};
    }

    private static long runAll(final LongLongMap map, final long[] keys) {
        long sum = 0;
        for (final long key : keys) {
            map.put(key, key);
        }
        for (final long key : keys) {
            sum += map.get(key);
        }
        for (final long key : keys) {
            sum += map.put(key, key + 1);
        }
        for (final long key : keys) {
            sum += map.computeIfAbsent(key, absent -> absent * 3); // present: the function is not called
        }
        final LongLongCursor cursor = map.cursor();
        for (int i = 0; i < keys.length && cursor.next(); i++) {
            sum += cursor.value();
        }
        cursor.close();
        for (final long key : keys) {
            sum += map.remove(key);
        }
        return sum;
    }

    private static long allocated() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().threadId());
    }
}
