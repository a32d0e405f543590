package io.panamap.nativetests;

import io.panamap.LongLongMap;
import io.panamap.OffHeapMap;
import io.panamap.codec.Codecs;
import io.panamap.memory.MemoryWorker;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Closing a table gives every byte back: the process's mappings and resident memory return to baseline. */
class LeakTest {

    private static final int CYCLES = 1_000;
    private static final int ENTRIES = 20_000;
    private static final int TYPED_CYCLES = 300;
    /**
     * Resident memory may move a little for reasons that are not the table's: the JIT's code cache, the
     * heap's own pages, the C library's arenas. 32 MiB is still twenty times less than what leaking one
     * table of 20,000 entries (its arrays: ~0.7 MiB) per cycle would leave after a thousand cycles.
     */
    private static final long RSS_SLACK_BYTES = 32L << 20;
    /**
     * A JVM thread starting or ending in the background (a JIT compiler thread, say) maps or unmaps its stack,
     * guard page and perhaps a malloc arena: a few lines each. A leaked array per cycle would add a thousand.
     */
    private static final long MAPPINGS_SLACK = 50;

    @Test
    void aThousandCreateGrowCloseCyclesShouldLeaveNoMappingAndNoResidentMemoryBehind() throws Exception {
        cycles(50); // warm-up: JIT, the memory worker's thread, the allocator's first arena
        final long mappingsBefore = mappings();
        final long rssBefore = residentBytes();

        cycles(CYCLES);

        final long mappingsAfter = mappings();
        final long rssAfter = residentBytes();
        System.out.printf("leak test: %d cycles of %d entries; mappings %d -> %d; VmRSS %d -> %d KiB%n", CYCLES,
                ENTRIES, mappingsBefore, mappingsAfter, rssBefore >> 10, rssAfter >> 10);
        assertTrue(mappingsAfter <= mappingsBefore + MAPPINGS_SLACK,
                () -> "mappings grew from " + mappingsBefore + " to " + mappingsAfter);
        assertTrue(rssAfter <= rssBefore + RSS_SLACK_BYTES,
                () -> "resident memory grew from " + rssBefore + " to " + rssAfter + " bytes");
    }

    @Test
    void typedTablesWithOutOfLineKeysAndValuesShouldLeaveNothingBehindEither() throws Exception {
        typedCycles(20);
        final long mappingsBefore = mappings();
        final long rssBefore = residentBytes();

        typedCycles(TYPED_CYCLES);

        final long mappingsAfter = mappings();
        final long rssAfter = residentBytes();
        System.out.printf("leak test (typed): %d cycles of %d entries; mappings %d -> %d; VmRSS %d -> %d KiB%n",
                TYPED_CYCLES, ENTRIES, mappingsBefore, mappingsAfter, rssBefore >> 10, rssAfter >> 10);
        assertTrue(mappingsAfter <= mappingsBefore + MAPPINGS_SLACK,
                () -> "mappings grew from " + mappingsBefore + " to " + mappingsAfter);
        assertTrue(rssAfter <= rssBefore + RSS_SLACK_BYTES,
                () -> "resident memory grew from " + rssBefore + " to " + rssAfter + " bytes");
    }

    /**
     * Removing entries gives their out-of-line storage back to the system without closing the table: a slab
     * whose last block is freed is discarded (MADV_DONTNEED). Measured on the storage's own mappings (found
     * through the addresses of value views), not the whole process, whose heap comes and goes with the GC.
     */
    @Test
    void removingEveryEntryShouldGiveTheStoragesResidentMemoryBack() throws Exception {
        final int entries = 200_000;
        final byte[] value = new byte[500];
        final String[] keys = keys(entries);
        try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes())
                .expectedSize(entries).build()) {
            final long[] valueAddresses = new long[entries];
            for (int i = 0; i < entries; i++) {
                map.set(keys[i], value);
                valueAddresses[i] = map.getView(keys[i]).address();
            }
            final long storage = map.storageStats().committedBytes();
            final long full = residentBytesOfMappingsHolding(valueAddresses);
            for (int i = 0; i < entries; i++) {
                map.delete(keys[i]);
            }
            final long drained = residentBytesOfMappingsHolding(valueAddresses);
            System.out.printf("storage: %d MiB committed; its mappings resident: %d MiB full, %d MiB after removing"
                    + " every entry%n", storage >> 20, full >> 20, drained >> 20);
            assertTrue(storage > 100L << 20, "500-byte values for 200,000 keys take over 100 MiB: " + storage);
            assertEquals(0, map.storageStats().committedBytes(), map.storageStats().toString());
            assertTrue(full >= storage * 3 / 4, () -> "only " + (full >> 20) + " MiB resident of " + (storage >> 20));
            assertTrue(drained < full / 20, () -> (drained >> 20) + " MiB still resident of " + (full >> 20));
        }
    }

    /** Sum of the resident bytes of the mappings (from /proc/self/smaps) that contain any of {@code addresses}. */
    private static long residentBytesOfMappingsHolding(final long[] addresses) throws IOException {
        final long[] sorted = addresses.clone();
        java.util.Arrays.sort(sorted);
        long total = 0;
        boolean counting = false;
        for (final String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            final int dash = line.indexOf('-');
            final int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
                final long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                final long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                final int at = java.util.Arrays.binarySearch(sorted, start);
                final int next = at >= 0 ? at : -at - 1;
                counting = next < sorted.length && sorted[next] < end;
            } else if (counting && line.startsWith("Rss:")) {
                total += Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return total;
    }

    private static String[] keys(final int count) {
        final String[] keys = new String[count];
        for (int i = 0; i < count; i++) {
            keys[i] = "key-" + i;
        }
        return keys;
    }

    /** Fills, half empties and closes {@code count} string-keyed tables, some values in dedicated mappings. */
    private static void typedCycles(final int count) throws InterruptedException {
        final byte[] small = new byte[40];
        final byte[] large = new byte[100_000];
        // The keys are made once: the cycles themselves then allocate next to nothing on the heap, whose
        // growth would otherwise show in the process's resident memory.
        final String[] keys = keys(ENTRIES);
        for (int cycle = 0; cycle < count; cycle++) {
            try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).build()) {
                for (int i = 0; i < ENTRIES; i++) {
                    map.set(keys[i], i % 5000 == 0 ? large : small);
                }
                for (int i = 0; i < ENTRIES; i += 2) {
                    map.delete(keys[i]);
                }
            }
        }
        assertTrue(MemoryWorker.awaitIdle(60, TimeUnit.SECONDS), "the memory worker did not go idle");
        System.gc();
    }

    /** Creates, grows through several doublings and closes {@code count} tables, then lets freeing finish. */
    private static void cycles(final int count) throws InterruptedException {
        for (int cycle = 0; cycle < count; cycle++) {
            try (LongLongMap map = LongLongMap.builder().build()) {
                for (long key = 0; key < ENTRIES; key++) {
                    map.put(NoGcBuildMain.mix(key + (long) cycle * ENTRIES), key);
                }
            }
        }
        // Arrays are unmapped on the background memory worker; wait until it has nothing left to do.
        assertTrue(MemoryWorker.awaitIdle(60, TimeUnit.SECONDS), "the memory worker did not go idle");
        System.gc();
    }

    private static long mappings() throws IOException {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.count();
        }
    }

    private static long residentBytes() throws IOException {
        for (final String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
