package io.panamap.numa;

import java.util.List;

/**
 * Keeps a thread on one node's CPUs, so that a table and the thread that writes it live on the same node
 * (with {@link NumaAllocator#local()} or {@link NumaAllocator#bind}).
 */
public final class NumaThreads {

    private NumaThreads() {
    }

    /** A pinning that {@link #close()} undoes, restoring the thread's previous CPUs. */
    public static final class Pinning implements AutoCloseable {
        private final long[] previous;

        private Pinning(final long[] previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            NumaSyscalls.setAffinity(previous);
        }
    }

    /**
     * Restricts the calling thread to the CPUs of {@code node} until the returned pinning is closed.
     *
     * @throws IllegalArgumentException naming the nodes that exist if {@code node} does not
     * @throws IllegalStateException    with the errno if the kernel refuses
     */
    public static Pinning pinCurrentThread(final int node) {
        return pin(NumaTopology.detect().node(node).cpus());
    }

    /** Runs {@code task} on the calling thread, pinned to {@code node}'s CPUs, then restores its CPUs. */
    public static void runOn(final int node, final Runnable task) {
        try (Pinning ignored = pinCurrentThread(node)) {
            task.run();
        }
    }

    static Pinning pin(final List<Integer> cpus) {
        if (cpus.isEmpty()) {
            throw new IllegalArgumentException("no CPUs to pin to");
        }
        final long[] previous = NumaSyscalls.affinity();
        final long[] mask = new long[NumaSyscalls.CPU_MASK_BYTES / 8];
        for (final int cpu : cpus) {
            mask[cpu / 64] |= 1L << (cpu % 64);
        }
        final int errno = NumaSyscalls.setAffinity(mask);
        if (errno != 0) {
            throw new IllegalStateException("sched_setaffinity to CPUs " + cpus + " failed: errno " + errno);
        }
        return new Pinning(previous);
    }
}
