package io.panamap;

import io.panamap.codec.Codecs;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The typed map's garbage-free paths allocate nothing on the heap once warm: lookups by String,
 * StringBuilder and encoded bytes, getUsing into a reused object, copyValue, and set / delete.
 */
class TypedAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int KEYS = 20_000;

    @Test
    void lookupsAndWritesShouldNotAllocate() {
        final String[] keys = new String[KEYS];
        final StringBuilder[] builders = new StringBuilder[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "order/" + i + "/ü";
            builders[i] = new StringBuilder(keys[i]);
        }
        try (OffHeapMap<CharSequence, CharSequence> map = OffHeapMap.builder(Codecs.utf8(), Codecs.utf8())
                .expectedSize(2 * KEYS).build()) {
            for (int i = 0; i < KEYS; i++) {
                map.put(keys[i], "value-" + i);
            }
            final StringBuilder reuse = new StringBuilder(64);
            final MemorySegment target = MemorySegment.ofArray(new byte[64]);
            for (int round = 0; round < 5; round++) {
                runAll(map, keys, builders, reuse, target);
            }
            final long before = allocated();
            final long checksum = runAll(map, keys, builders, reuse, target);
            final long bytes = allocated() - before;
            assertTrue(bytes < 4096, "allocated " + bytes + " bytes over " + 8L * KEYS + " operations (checksum "
                    + checksum + ")");
        }
    }

    private static long runAll(final OffHeapMap<CharSequence, CharSequence> map, final String[] keys,
                               final StringBuilder[] builders, final StringBuilder reuse, final MemorySegment target) {
        long checksum = 0;
        for (int i = 0; i < KEYS; i++) {
            checksum += map.containsKey(keys[i]) ? 1 : 0;
            checksum += map.getUsing(builders[i], reuse).length();
            checksum += map.copyValue(keys[i], target, 0);
            map.set(keys[i], builders[(i + 1) % KEYS]);    // a replacement of about the same length: in place
            checksum += map.setIfPresent(builders[i], keys[i]) ? 1 : 0;
            checksum += map.delete(builders[i]) ? 1 : 0;
            checksum += map.set(keys[i], keys[i]) ? 1 : 0; // reinsert
        }
        return checksum;
    }

    private static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }
}
