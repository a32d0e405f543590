package io.panamap.bench.workload;

import io.panamap.bench.result.MemoryUse;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How two snapshots become a map's memory: live heap growth, and resident growth that is not the heap's. */
class MemoryMeterTest {

    private static final long MIB = 1L << 20;

    @Test
    void aNativeMapShouldBeChargedItsResidentGrowth() {
        final MemoryMeter before = new MemoryMeter(50 * MIB, 200 * MIB, 300 * MIB);
        final MemoryMeter after = new MemoryMeter(51 * MIB, 200 * MIB, 420 * MIB);
        assertEquals(new MemoryUse(1_000_000, MIB, 120 * MIB, 51 * MIB),
                MemoryMeter.between(1_000_000, before, after, before, after));
    }

    @Test
    void heapTheGcCommittedShouldNotPassForNativeMemory() {
        // An on-heap map: the heap committed 400 MiB more, of which the process has touched 380 so far.
        final MemoryMeter before = new MemoryMeter(50 * MIB, 200 * MIB, 300 * MIB);
        final MemoryMeter after = new MemoryMeter(390 * MIB, 600 * MIB, 680 * MIB);
        final MemoryUse onHeap = MemoryMeter.between(1_000_000, before, after, before, after);
        assertEquals(340 * MIB, onHeap.liveHeapBytes());
        assertEquals(0, onHeap.nativeBytes(), "a negative difference means no native growth, not a saving");

        // The same heap growth beside 30 MiB of native memory.
        final MemoryMeter mixed = new MemoryMeter(390 * MIB, 600 * MIB, 730 * MIB);
        assertEquals(30 * MIB, MemoryMeter.between(1_000_000, before, mixed, before, mixed).nativeBytes());
    }

    @Test
    void withoutAResidentFigureThereShouldBeNoNativeGrowth() {
        final MemoryMeter before = new MemoryMeter(50 * MIB, 200 * MIB, -1);
        final MemoryMeter after = new MemoryMeter(60 * MIB, 200 * MIB, -1);
        assertEquals(0, MemoryMeter.between(10, before, after, before, after).nativeBytes());
    }

    /** grow-str measures the heap and the native side over different pairs of snapshots (see StringGrowWorkload). */
    @Test
    void theHeapAndTheNativeSideShouldEachUseTheirOwnPair() {
        final MemoryMeter heapFrom = new MemoryMeter(50 * MIB, 200 * MIB, 300 * MIB);
        final MemoryMeter nativeFrom = new MemoryMeter(90 * MIB, 200 * MIB, 340 * MIB);  // the keys made
        final MemoryMeter nativeTo = new MemoryMeter(95 * MIB, 200 * MIB, 470 * MIB);    // and the map
        final MemoryMeter heapTo = new MemoryMeter(55 * MIB, 200 * MIB, 470 * MIB);      // the keys dropped
        final MemoryUse memory = MemoryMeter.between(1_000_000, heapFrom, heapTo, nativeFrom, nativeTo);
        assertEquals(new MemoryUse(1_000_000, 5 * MIB, 130 * MIB, 55 * MIB), memory);
    }

    @Test
    void aSnapshotShouldSeeTheHeapInUse() {
        final MemoryUse now = MemoryMeter.snapshot().since(1);
        assertTrue(now.heapUsedBytes() > 0, now::toString);
        assertTrue(now.nativeBytes() >= 0, now::toString);
    }
}
