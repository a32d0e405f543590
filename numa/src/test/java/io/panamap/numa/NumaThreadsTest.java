package io.panamap.numa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NumaThreadsTest {

    @Test
    void pinningShouldRestrictTheThreadToTheNodesCpusAndClosingShouldRestoreItsMask() throws Exception {
        onFreshThread(() -> {
            final long[] before = NumaSyscalls.affinity();
            final int cpu = NumaTopology.detect().node(0).cpus().getFirst();
            try (NumaThreads.Pinning ignored = NumaThreads.pin(List.of(cpu))) {
                final long[] pinned = NumaSyscalls.affinity();
                assertEquals(1L << (cpu % 64), pinned[cpu / 64]);
                assertEquals(1, java.util.Arrays.stream(pinned).map(Long::bitCount).sum());
            }
            assertArrayEquals(before, NumaSyscalls.affinity());
        });
    }

    /**
     * Runs {@code test} on a new platform thread, so pinning leaves the test runner's thread alone, and rethrows
     * what it throws (a failed assertion on another thread would otherwise only be printed).
     */
    private static void onFreshThread(final Runnable test) throws InterruptedException {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread thread = Thread.ofPlatform().start(() -> {
            try {
                test.run();
            } catch (final Throwable t) {
                failure.set(t);
            }
        });
        thread.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    @Test
    void runOnShouldRunTheTaskOnTheNodeAndRefuseUnknownNodes() {
        final AtomicBoolean ran = new AtomicBoolean();
        NumaThreads.runOn(0, () -> ran.set(true));
        assertTrue(ran.get());
        final int missing = NumaTopology.detect().nodeIds().getLast() + 1;
        assertThrows(IllegalArgumentException.class, () -> NumaThreads.runOn(missing, () -> { }));
    }

    /** A CPU number past glibc's 1024-CPU cpu_set_t still gets a mask that holds it, and the kernel decides. */
    @Test
    void onAKernelWithoutNumaNodeZeroShouldKeepTheThreadsCpusAndOtherNodesBeRefused(@TempDir final Path empty)
            throws Exception {
        final NumaTopology none = NumaTopology.read(empty);
        onFreshThread(() -> {
            final long[] before = NumaSyscalls.affinity();
            try (NumaThreads.Pinning ignored = NumaThreads.pinCurrentThread(0, none)) {
                assertArrayEquals(before, NumaSyscalls.affinity(), "node 0 holds every CPU");
            }
            assertThrows(IllegalArgumentException.class, () -> NumaThreads.pinCurrentThread(1, none));
            assertArrayEquals(before, NumaSyscalls.affinity());
        });
    }

    @Test
    void cpusPastAThousandAndTwentyFourShouldReachTheKernelAndNegativeOnesBeRefused() throws Exception {
        onFreshThread(() -> {
            final long[] before = NumaSyscalls.affinity();
            final int cpu = NumaTopology.detect().node(0).cpus().getFirst();
            // No such CPU: the kernel refuses an affinity with no usable CPU.
            final IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> NumaThreads.pin(List.of(4000)));
            assertTrue(e.getMessage().contains("[4000]") && e.getMessage().contains("EINVAL"), e.getMessage());
            assertArrayEquals(before, NumaSyscalls.affinity(), "a refused pinning changes nothing");
            // With a real CPU next to it, the kernel keeps the one it has.
            try (NumaThreads.Pinning ignored = NumaThreads.pin(List.of(cpu, 4000))) {
                final long[] pinned = NumaSyscalls.affinity();
                assertEquals(1L << (cpu % 64), pinned[cpu / 64]);
                assertEquals(1, java.util.Arrays.stream(pinned).map(Long::bitCount).sum());
            }
            assertArrayEquals(before, NumaSyscalls.affinity());
            final IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                    () -> NumaThreads.pin(List.of(cpu, -1)));
            assertTrue(negative.getMessage().contains("-1"), negative.getMessage());
            final IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                    () -> NumaThreads.pin(List.of(Integer.MAX_VALUE)));
            assertTrue(huge.getMessage().endsWith("from 0 to " + (NumaSyscalls.MAX_CPU_MASK_BYTES * 8 - 1)),
                    huge.getMessage());
            assertArrayEquals(before, NumaSyscalls.affinity());
        });
    }
}
