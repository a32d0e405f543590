package io.panamap.numa;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NumaThreadsTest {

    @Test
    void pinningShouldRestrictTheThreadToTheNodesCpusAndClosingShouldRestoreItsMask() throws Exception {
        final Thread thread = Thread.ofPlatform().start(() -> {
            final long[] before = NumaSyscalls.affinity();
            final int cpu = NumaTopology.detect().node(0).cpus().getFirst();
            try (NumaThreads.Pinning ignored = NumaThreads.pin(List.of(cpu))) {
                final long[] pinned = NumaSyscalls.affinity();
                assertEquals(1L << (cpu % 64), pinned[cpu / 64]);
                assertEquals(1, java.util.Arrays.stream(pinned).map(Long::bitCount).sum());
            }
            assertArrayEquals(before, NumaSyscalls.affinity());
        });
        thread.join();
    }

    @Test
    void runOnShouldRunTheTaskOnTheNodeAndRefuseUnknownNodes() {
        final AtomicBoolean ran = new AtomicBoolean();
        NumaThreads.runOn(0, () -> ran.set(true));
        assertTrue(ran.get());
        final int missing = NumaTopology.detect().nodeIds().getLast() + 1;
        assertThrows(IllegalArgumentException.class, () -> NumaThreads.runOn(missing, () -> { }));
    }
}
