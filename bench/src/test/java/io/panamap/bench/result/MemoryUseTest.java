package io.panamap.bench.result;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Bytes per entry: what the grow workload's memory table divides, and what it leaves out. */
class MemoryUseTest {

    @Test
    void bytesPerEntryShouldBeHeapAndNativeGrowthOverTheEntries() {
        final MemoryUse memory = new MemoryUse(1_000_000, 40_000_000, 24_000_000, 90_000_000);
        assertEquals(40.0, memory.heapBytesPerEntry(), 1e-9);
        assertEquals(24.0, memory.nativeBytesPerEntry(), 1e-9);
        assertEquals(64.0, memory.bytesPerEntry(), 1e-9);
    }

    @Test
    void aHeapThatShrankShouldCountAsNoGrowthNotAsASaving() {
        // A native map measured while the GC gave back some unrelated heap: it is charged its native bytes only.
        final MemoryUse memory = new MemoryUse(1_000_000, -5_000_000, 24_000_000, 30_000_000);
        assertEquals(0.0, memory.heapBytesPerEntry(), 1e-9);
        assertEquals(24.0, memory.bytesPerEntry(), 1e-9);
    }

    @Test
    void anEmptyMapShouldHaveNoBytesPerEntry() {
        assertEquals(0.0, new MemoryUse(0, 1_000, 1_000, 1_000).bytesPerEntry(), 1e-9);
    }
}
