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
        private final Thread thread = Thread.currentThread();

        private Pinning(final long[] previous) {
            this.previous = previous;
        }

        /**
         * Gives the pinned thread its previous CPUs back.
         *
         * @throws IllegalStateException on any other thread, changing nothing: the kernel call sets the CPUs of the
         *                               thread that makes it
         */
        @Override
        public void close() {
            if (Thread.currentThread() != thread) {
                throw new IllegalStateException("a pinning is undone on the thread it pinned, " + thread
                        + ", not on " + Thread.currentThread());
            }
            NumaSyscalls.setAffinity(previous);
        }
    }

    /**
     * Puts the calling thread on the CPUs of {@code node} until the returned pinning is closed: all of them that its
     * cpuset allows, whatever CPUs it had before, so a thread a taskset kept on fewer gets the whole node. On a
     * kernel without NUMA, node 0 (the implicit node {@link NumaAllocator} accepts there too) holds every CPU, so
     * the thread keeps the CPUs it has. Close the pinning on the same thread.
     *
     * @throws IllegalArgumentException naming the nodes that exist if {@code node} does not, or those with CPUs if
     *                                  it has none
     * @throws IllegalStateException    with the errno if the kernel refuses (none of the node's CPUs is online and
     *                                  in this process's cpuset), or on a virtual thread (its carrier,
     *                                  shared with other virtual threads, would be pinned instead)
     */
    public static Pinning pinCurrentThread(final int node) {
        return pinCurrentThread(node, NumaTopology.detect());
    }

    static Pinning pinCurrentThread(final int node, final NumaTopology topology) {
        refuseVirtualThread();
        if (!topology.supported() && node == 0) {
            return new Pinning(NumaSyscalls.affinity());
        }
        final List<Integer> cpus = topology.node(node).cpus();
        if (cpus.isEmpty()) {
            // sysfs lists a node's online CPUs: none on a node of memory alone (CXL or HBM memory), nor on a node
            // whose CPUs have all been taken offline. Either way there is nowhere to run.
            throw new IllegalArgumentException("NUMA node " + node + " has no online CPUs to pin to (a node of"
                    + " memory only, or its CPUs are offline); node(s) with CPUs: " + topology.nodes().stream()
                    .filter(n -> !n.cpus().isEmpty()).map(NumaNode::id).toList());
        }
        return pin(cpus);
    }

    /** Runs {@code task} on the calling thread, pinned to {@code node}'s CPUs, then restores its CPUs. */
    public static void runOn(final int node, final Runnable task) {
        try (Pinning _ = pinCurrentThread(node)) {
            task.run();
        }
    }

    static Pinning pin(final List<Integer> cpus) {
        refuseVirtualThread();
        final long[] mask = cpuMask(cpus);
        final long[] previous = NumaSyscalls.affinity();
        final int errno = NumaSyscalls.setAffinity(mask);
        if (errno != 0) {
            // EINVAL is the kernel's answer when not one of the CPUs is both online and in the process's cpuset.
            throw new IllegalStateException("sched_setaffinity to CPUs " + cpus + " failed: "
                    + NumaSyscalls.errnoName(errno) + (errno == NumaSyscalls.EINVAL
                    ? " (none of them is online and allowed to this process: offline, missing, or outside the"
                    + " cpuset of its container)" : ""));
        }
        return new Pinning(previous);
    }

    /**
     * A virtual thread runs on a carrier it does not own and may move to another: sched_setaffinity would pin the
     * carrier, for every virtual thread it runs, and a later close could restore another carrier's CPUs.
     */
    private static void refuseVirtualThread() {
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("a virtual thread cannot be pinned to a node: its carrier thread would be"
                    + " (" + Thread.currentThread() + "); pin a platform thread");
        }
    }

    /**
     * The kernel's CPU mask of {@code cpus}: bit n for CPU n, in as many words as the highest CPU needs (glibc's
     * fixed cpu_set_t stops at 1024 CPUs; Linux goes past it). A CPU the kernel does not have is its to refuse.
     *
     * @throws IllegalArgumentException if {@code cpus} is empty, or holds a negative number or one past
     *                                  {@link NumaSyscalls#MAX_CPU_MASK_BYTES}' worth of CPUs
     */
    static long[] cpuMask(final List<Integer> cpus) {
        if (cpus.isEmpty()) {
            throw new IllegalArgumentException("no CPUs to pin to");
        }
        int highest = 0;
        for (final int cpu : cpus) {
            if (cpu < 0 || cpu >= NumaSyscalls.MAX_CPU_MASK_BYTES * 8) {
                throw new IllegalArgumentException("CPU " + cpu + " (in " + cpus + ") is not a CPU number: they run"
                        + " from 0 to " + (NumaSyscalls.MAX_CPU_MASK_BYTES * 8 - 1));
            }
            highest = Math.max(highest, cpu);
        }
        final long[] mask = new long[Math.max(NumaSyscalls.CPU_MASK_BYTES / 8, highest / 64 + 1)];
        for (final int cpu : cpus) {
            mask[cpu / 64] |= 1L << (cpu % 64);
        }
        return mask;
    }
}
