package io.panamap;

import io.panamap.codec.Codecs;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The concurrent maps' reads, writes and compute-style updates allocate nothing on the heap once warm:
 * the locks are stamps (longs), and the operations passed around inside are shared, non-capturing instances.
 */
class ConcurrentAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int KEYS = 50_000;

    @Test
    void longOperationsShouldNotAllocate() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(8).expectedSize(2 * KEYS).build()) {
            for (int round = 0; round < 5; round++) {
                runLong(map);
            }
            final long before = allocated();
            final long checksum = runLong(map);
            final long bytes = allocated() - before;
            assertTrue(bytes < 4096, "allocated " + bytes + " bytes over " + 16L * KEYS + " operations (checksum "
                    + checksum + ")");
        }
    }

    private static long runLong(final ConcurrentLongLongMap map) {
        long checksum = 0;
        for (long key = 0; key < KEYS; key++) {
            checksum += map.addTo(key, 1);
            checksum += map.merge(key, key, Math::max);
            checksum += map.putIfAbsent(key, 7);
            checksum += map.replace(key, key + 1);
            checksum += map.replace(key, key + 1, key + 1) ? 1 : 0;
            checksum += map.get(key);
            checksum += map.containsKey(key + KEYS) ? 1 : 0;
            checksum += map.put(key + KEYS, key);
            checksum += map.removeIfValue(key + KEYS, key) ? 1 : 0;
            checksum += map.put(key + KEYS, key);
            checksum += map.remove(key + KEYS);
            checksum += map.put(key + KEYS, key, -1);
            checksum += map.remove(key + KEYS, -1);
            checksum += map.computeIfAbsent(key + KEYS, absent -> absent * 3); // absent: stored, under the lock
            checksum += map.computeIfAbsent(key, absent -> absent * 3); // present: an optimistic read
            checksum += map.remove(key + KEYS);
        }
        return checksum;
    }

    /** A periodic scan resets one cursor rather than making a new one, whose shards' cursors would be new too. */
    @Test
    void aCursorResetForEachWalkShouldNotAllocateOnceWarm() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(64).expectedSize(KEYS).build()) {
            for (long key = 0; key < KEYS; key++) {
                map.put(key, key);
            }
            final ConcurrentLongLongCursor cursor = map.cursor();
            for (int walk = 0; walk < 5; walk++) {
                cursor.reset();
                while (cursor.next()) {
                    map.containsKey(cursor.key());
                }
            }
            final long before = allocated();
            long sum = 0;
            for (int walk = 0; walk < 10; walk++) {
                cursor.reset();
                while (cursor.next()) {
                    sum += cursor.value();
                }
            }
            final long bytes = allocated() - before;
            assertEquals(10 * ((long) KEYS * (KEYS - 1) / 2), sum, "every walk sees every entry once");
            assertTrue(bytes < 1024, "allocated " + bytes + " bytes over 10 walks of 64 shards");
        }
    }

    @Test
    void typedReadsAndWritesShouldNotAllocate() {
        final String[] keys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "instrument/" + i;
        }
        try (ConcurrentOffHeapMap<CharSequence, CharSequence> map = ConcurrentOffHeapMap
                .builder(Codecs.utf8(), Codecs.utf8()).shards(8).expectedSize(2 * KEYS).build()) {
            final StringBuilder reuse = new StringBuilder(64);
            final MemorySegment target = MemorySegment.ofArray(new byte[64]);
            for (int round = 0; round < 5; round++) {
                runTyped(map, keys, reuse, target);
            }
            final long before = allocated();
            final long checksum = runTyped(map, keys, reuse, target);
            final long bytes = allocated() - before;
            assertTrue(bytes < 4096, "allocated " + bytes + " bytes over " + 9L * KEYS + " operations (checksum "
                    + checksum + ")");
        }
    }

    private static long runTyped(final ConcurrentOffHeapMap<CharSequence, CharSequence> map, final String[] keys,
                                 final StringBuilder reuse, final MemorySegment target) {
        long checksum = 0;
        for (final String key : keys) {
            checksum += map.set(key, key) ? 1 : 0;
            checksum += map.setIfPresent(key, key) ? 1 : 0;
            checksum += map.replace(key, key, key) ? 1 : 0;
            checksum += map.remove(key, key) ? 1 : 0;
            checksum += map.set(key, key) ? 1 : 0;
            checksum += map.containsKey(key) ? 1 : 0;
            checksum += map.getUsing(key, reuse).length();
            checksum += map.copyValue(key, target, 0);
            checksum += map.delete(key) ? 1 : 0;
        }
        return checksum;
    }

    /** The reads of values too long to stage, made under the shard's read lock instead, allocate nothing either. */
    @Test
    void readsOfValuesTooLongToStageShouldNotAllocate() {
        final int keys = 1_000;
        final byte[] value = new byte[(int) SlotCodec.MAX_STAGED_READ + 1];
        try (ConcurrentOffHeapMap<CharSequence, byte[]> map = ConcurrentOffHeapMap
                .builder(Codecs.utf8(), Codecs.bytes()).shards(8).expectedSize(keys).build()) {
            final String[] names = new String[keys];
            for (int i = 0; i < keys; i++) {
                names[i] = "instrument/" + i;
                map.set(names[i], value);
            }
            final byte[] reuse = new byte[value.length];
            final MemorySegment target = MemorySegment.ofArray(new byte[value.length]);
            for (int round = 0; round < 5; round++) {
                readLong(map, names, reuse, target);
            }
            final long before = allocated();
            final long checksum = readLong(map, names, reuse, target);
            final long bytes = allocated() - before;
            assertTrue(bytes < 4096, "allocated " + bytes + " bytes over " + 2L * keys + " reads (checksum "
                    + checksum + ")");
        }
    }

    private static long readLong(final ConcurrentOffHeapMap<CharSequence, byte[]> map, final String[] keys,
                                 final byte[] reuse, final MemorySegment target) {
        long checksum = 0;
        for (final String key : keys) {
            checksum += map.getUsing(key, reuse) == reuse ? 1 : 0;
            checksum += map.copyValue(key, target, 0);
        }
        return checksum;
    }

    private static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }
}
