package io.panamap.nativetests;

import io.panamap.LongLongMap;
import io.panamap.memory.MemoryWorker;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Closing a table gives every byte back: the process's mappings and resident memory return to baseline. */
class LeakTest {

    private static final int CYCLES = 1_000;
    private static final int ENTRIES = 20_000;
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
