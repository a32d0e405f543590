package io.panamap.numa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NumaThreadsTest {

    @Test
    void pinningShouldRestrictTheThreadToTheNodesCpusAndClosingShouldRestoreItsMask() throws Exception {
        onFreshThread(() -> {
            final long[] before = NumaSyscalls.affinity();
            final int cpu = NumaTopology.detect().node(0).cpus().getFirst();
            try (NumaThreads.Pinning _ = NumaThreads.pin(List.of(cpu))) {
                final long[] pinned = NumaSyscalls.affinity();
                assertEquals(1L << (cpu % 64), pinned[cpu / 64]);
                assertEquals(1, java.util.Arrays.stream(pinned).map(Long::bitCount).sum());
            }
            assertArrayEquals(before, NumaSyscalls.affinity());
        });
    }

    /**
     * sched_setaffinity sets the CPUs of the thread that calls it: a pinning closed on another thread would give that
     * thread the pinned one's old CPUs and leave the pinned one where it was. It is refused and changes nothing. The
     * other thread starts from the pinned thread, so it inherits the one CPU, and a wrong restore would show.
     */
    @Test
    void aPinningShouldBeUndoneOnlyOnTheThreadItPinned() throws Exception {
        onFreshThread(() -> {
            final long[] before = NumaSyscalls.affinity();
            final int cpu = NumaTopology.detect().node(0).cpus().getFirst();
            final NumaThreads.Pinning pinning = NumaThreads.pin(List.of(cpu));
            final long[] pinned = NumaSyscalls.affinity();
            try {
                onFreshThread(() -> {
                    final IllegalStateException e = assertThrows(IllegalStateException.class, pinning::close);
                    assertTrue(e.getMessage().contains("the thread it pinned"), e.getMessage());
                    assertArrayEquals(pinned, NumaSyscalls.affinity(), "the other thread keeps its CPUs");
                });
            } catch (final InterruptedException e) {
                throw new AssertionError(e);
            }
            assertArrayEquals(pinned, NumaSyscalls.affinity(), "the pinned thread is still pinned");
            pinning.close();
            assertArrayEquals(before, NumaSyscalls.affinity());
        });
    }

    /**
     * A virtual thread runs on a carrier thread it does not own, and may move to another: pinning it would pin the
     * carrier, for every virtual thread that carrier runs, and closing it could restore the wrong carrier's CPUs.
     */
    @Test
    void aVirtualThreadShouldNotBePinned() throws Exception {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread.ofVirtual().start(() -> failure.set(catchThrowable(() -> NumaThreads.pinCurrentThread(0)))).join();
        assertTrue(failure.get() instanceof IllegalStateException e && e.getMessage().contains("virtual thread"),
                String.valueOf(failure.get()));
    }

    private static Throwable catchThrowable(final Runnable action) {
        try {
            action.run();
            return null;
        } catch (final Throwable t) {
            return t;
        }
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

    /**
     * Pinning to a node keeps the thread on that node's CPUs. Here node 0 holds every CPU, so pinning to it would
     * change nothing; a described machine gives node 1 the thread's last CPU alone.
     */
    @Test
    void pinningToANodeShouldKeepTheThreadOnThatNodesCpus(@TempDir final Path sysfs) throws Exception {
        final List<Integer> cpus = cpusOf(NumaSyscalls.affinity());
        Files.createDirectories(sysfs.resolve("node0"));
        Files.writeString(sysfs.resolve("node0").resolve("cpulist"), cpus.getFirst() + "\n");
        Files.createDirectories(sysfs.resolve("node1"));
        Files.writeString(sysfs.resolve("node1").resolve("cpulist"), cpus.getLast() + "\n");
        final NumaTopology split = NumaTopology.read(sysfs);
        onFreshThread(() -> {
            final long[] before = NumaSyscalls.affinity();
            try (NumaThreads.Pinning _ = NumaThreads.pinCurrentThread(1, split)) {
                assertEquals(List.of(cpus.getLast()), cpusOf(NumaSyscalls.affinity()));
            }
            assertArrayEquals(before, NumaSyscalls.affinity(), "closing the pinning gives the thread its CPUs back");
        });
    }

    /**
     * A node of memory alone (CXL, HBM), or one whose CPUs are offline, lists no CPU: the message says so, not only
     * that a list is empty.
     */
    @Test
    void pinningToANodeWithoutCpusShouldBeRefusedNamingTheNodesWithCpus(@TempDir final Path sysfs) throws Exception {
        NumaAllocatorTest.fakeNodes(sysfs, 0);
        Files.createDirectories(sysfs.resolve("node1"));
        Files.writeString(sysfs.resolve("node1").resolve("cpulist"), "\n");
        final NumaTopology memoryOnly = NumaTopology.read(sysfs);
        onFreshThread(() -> {
            final long[] before = NumaSyscalls.affinity();
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NumaThreads.pinCurrentThread(1, memoryOnly));
            assertEquals("NUMA node 1 has no online CPUs to pin to (a node of memory only, or its CPUs are offline);"
                    + " node(s) with CPUs: [0]", e.getMessage());
            assertArrayEquals(before, NumaSyscalls.affinity());
        });
    }

    /**
     * runOn keeps the thread on the node's CPUs while the task runs, and only then. The thread is first narrowed to
     * one CPU of node 0, so that the task's CPUs (all of node 0's the thread may use) differ from the thread's own.
     */
    @Test
    void runOnShouldKeepTheTaskOnTheNodesCpusAndNothingAfterIt() throws Exception {
        final List<Integer> usable = cpusOf(NumaSyscalls.affinity());
        final List<Integer> node0 = NumaTopology.detect().node(0).cpus().stream().filter(usable::contains).toList();
        assumeTrue(node0.size() >= 2, "node 0 has one usable CPU: " + node0);
        onFreshThread(() -> {
            try (NumaThreads.Pinning _ = NumaThreads.pin(List.of(node0.getFirst()))) {
                final List<List<Integer>> during = new ArrayList<>();
                NumaThreads.runOn(0, () -> during.add(cpusOf(NumaSyscalls.affinity())));
                assertEquals(List.of(node0), during, "the task ran on node 0's CPUs");
                assertEquals(List.of(node0.getFirst()), cpusOf(NumaSyscalls.affinity()), "and the thread's came back");
            }
        });
    }

    /** The CPUs of a kernel CPU mask, in order. */
    private static List<Integer> cpusOf(final long[] mask) {
        final List<Integer> cpus = new ArrayList<>();
        for (int cpu = 0; cpu < mask.length * Long.SIZE; cpu++) {
            if ((mask[cpu / Long.SIZE] & 1L << cpu % Long.SIZE) != 0) {
                cpus.add(cpu);
            }
        }
        return cpus;
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
            try (NumaThreads.Pinning _ = NumaThreads.pinCurrentThread(0, none)) {
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
            assertTrue(e.getMessage().contains("none of them is online and allowed"), e.getMessage());
            assertArrayEquals(before, NumaSyscalls.affinity(), "a refused pinning changes nothing");
            // With a real CPU next to it, the kernel keeps the one it has.
            try (NumaThreads.Pinning _ = NumaThreads.pin(List.of(cpu, 4000))) {
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
