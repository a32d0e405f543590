package io.panamap.nativetests;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The table gives the garbage collector nothing to do, whatever its size. */
class NoGcTest {

    private static final long ENTRIES = 50_000_000L;

    @Test
    void aTableOfFiftyMillionEntriesShouldGrowFromEmptyInA64MiBHeapWithoutOneCollection() throws Exception {
        final ForkedJvm.Result result = ForkedJvm.run(NoGcBuildMain.class, List.of("-Xmx64m", "-Xms64m"),
                List.of(Long.toString(ENTRIES)), 300);
        System.out.println(result.output().strip());
        assertEquals(0, result.exitCode(), result.output());
        assertEquals(ENTRIES, result.value("BUILD", "size"));
        // 50M entries hold 800 MB of keys and values alone: they can only be off the 64 MiB heap.
        assertTrue(result.value("BUILD", "maxHeap") <= 64L << 20, result.output());
        assertEquals(0, result.value("BUILD", "gc"), "collections during the build: " + result.output());
    }
}
