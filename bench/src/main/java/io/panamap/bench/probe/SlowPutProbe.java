package io.panamap.bench.probe;

import io.panamap.LongLongMap;
import io.panamap.memory.MemoryWorker;
import io.panamap.bench.workload.Quiesce;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How often something outside the table stops a timed put: builds of {@code keys} keys, growing
 * ({@code new LongLongMap()}) and presized, alternating, every put timed. Per build: the puts over 15 µs,
 * p99.99, and how far apart in time the slow puts were (quartiles, and how many gaps fall in each quarter
 * millisecond up to 8 ms). On this VM they come about 330 times a second, at fractions of the kernel's
 * 4 ms tick, whichever table runs: docs/PERFORMANCE.md, "Reading the tables". The puts over 250 µs are also
 * listed, each with the table's size, whether the memory worker had a task queued or running right after it
 * (beside the share of the build's puts during which it had one), and, on Linux, what the writing thread's own
 * kernel counters say of it ({@link ThreadKernelCounters}): how long it waited for a CPU, how many times it was
 * put back on one, and how many page faults it took between the last sample before the put and right after it.
 * A stall that shows none of them happened outside what they count: in interrupt handling, or with the virtual
 * CPU stopped by the host.
 */
final class SlowPutProbe {

    private static final long SLOW_NANOS = 15_000;
    /** A put this slow is listed on its own, with the table's size and what the memory worker was doing. */
    private static final long STALL_NANOS = 250_000;
    /** The worker's state is sampled every this many puts, for the share of a build it was busy. */
    private static final int BUSY_SAMPLE_EVERY = 256;
    /** The writing thread's kernel counters are read every this many puts (a few µs), outside the timed puts. */
    private static final int KERNEL_SAMPLE_EVERY = 4096;
    /** At most this many of a build's puts over 250 µs are kept and listed. */
    private static final int MAX_STALLS_LISTED = 1_000;
    private static final long BIN_NANOS = 250_000;
    private static final int BINS = 32;

    private SlowPutProbe() {
    }

    static void main(final String[] args) {
        final int keys = Probes.intArg(args, 0, 10_000_000);
        final int builds = Probes.intArg(args, 1, 3);
        final long[] keySet = new SplittableRandom(7).longs(keys).toArray();
        try (LongLongMap warm = new LongLongMap()) {
            for (int i = 0; i < Math.min(keys, 1_000_000); i++) {
                warm.put(keySet[i], i);
            }
        }
        System.out.printf("slow-puts: %,d keys per build, every put timed; slow = over 15 µs%n", keys);
        final long[] nanos = new long[keys];
        final long[] slowAt = new long[keys];
        final int[] stallAt = new int[MAX_STALLS_LISTED];
        final boolean[] stallBusy = new boolean[MAX_STALLS_LISTED];
        final long[][] stallKernel = new long[MAX_STALLS_LISTED][3];
        // Null where the kernel does not offer the counters; try-with-resources accepts that.
        try (ThreadKernelCounters kernel = ThreadKernelCounters.openForCallingThread()) {
            for (int b = 0; b < builds; b++) {
                for (final boolean presized : new boolean[] {false, true}) {
                    Quiesce.memoryWorker();
                    if (kernel != null) {
                        kernel.sample(); // the baseline of the build's first stall
                    }
                    final long start = System.nanoTime();
                    int slow = 0;
                    int busySamples = 0;
                    int stallCount = 0;
                    try (LongLongMap map = presized ? LongLongMap.withExpectedSize(keys) : new LongLongMap()) {
                        for (int i = 0; i < keys; i++) {
                            final long t = System.nanoTime();
                            map.put(keySet[i], i);
                            final long end = System.nanoTime();
                            nanos[i] = end - t;
                            if (nanos[i] > SLOW_NANOS) {
                                slowAt[slow++] = t - start;
                                if (nanos[i] > STALL_NANOS && stallCount < MAX_STALLS_LISTED) {
                                    // Right after the put: the worker's state then, close to what it was during it.
                                    // Kept in arrays made before the build, and printed after it.
                                    stallBusy[stallCount] = MemoryWorker.busy();
                                    recordKernelDelta(kernel, stallKernel[stallCount]);
                                    stallAt[stallCount++] = i;
                                }
                            }
                            if (i % BUSY_SAMPLE_EVERY == 0 && MemoryWorker.busy()) {
                                busySamples++;
                            }
                            if (kernel != null && i % KERNEL_SAMPLE_EVERY == 0) {
                                kernel.sample();
                            }
                        }
                    }
                    final long elapsed = System.nanoTime() - start;
                    System.out.println(summary(presized ? "presized" : "growing ", nanos, slowAt, slow, elapsed));
                    reportStalls(nanos, stallAt, stallBusy, kernel == null ? null : stallKernel, stallCount,
                            100.0 * busySamples / ((keys + BUSY_SAMPLE_EVERY - 1) / BUSY_SAMPLE_EVERY));
                }
            }
        }
    }

    /**
     * Reads the writing thread's kernel counters right after a stall, into {@code delta}: the CPU wait, times
     * scheduled and minor faults since the sample before it (at most {@link #KERNEL_SAMPLE_EVERY} puts earlier).
     */
    private static void recordKernelDelta(final ThreadKernelCounters kernel, final long[] delta) {
        if (kernel == null) {
            return;
        }
        final long runDelay = kernel.runDelayNanos();
        final long scheduled = kernel.timesScheduled();
        final long faults = kernel.minorFaults();
        kernel.sample();
        delta[0] = kernel.runDelayNanos() - runDelay;
        delta[1] = kernel.timesScheduled() - scheduled;
        delta[2] = kernel.minorFaults() - faults;
    }

    /**
     * The puts over 250 µs of one build: how many came with the worker busy, how many waited for a CPU for at
     * least half their time or took a page fault ({@code kernel} null where that is not known), and each one.
     */
    private static void reportStalls(final long[] nanos, final int[] stallAt, final boolean[] stallBusy,
                                     final long[][] kernel, final int stalls, final double busyPercent) {
        final StringBuilder line = new StringBuilder();
        int whileBusy = 0;
        int waitedForCpu = 0;
        int faulted = 0;
        for (int k = 0; k < stalls; k++) {
            whileBusy += stallBusy[k] ? 1 : 0;
            final long stall = nanos[stallAt[k]];
            final StringBuilder what = new StringBuilder(stallBusy[k] ? "worker busy" : "");
            if (kernel != null) {
                waitedForCpu += 2 * kernel[k][0] >= stall ? 1 : 0;
                faulted += kernel[k][2] > 0 ? 1 : 0;
                what.append(what.isEmpty() ? "" : "; ").append(String.format("waited %s for a CPU, %d switch%s, %d fault%s",
                        Probes.micros(kernel[k][0]), kernel[k][1], kernel[k][1] == 1 ? "" : "es",
                        kernel[k][2], kernel[k][2] == 1 ? "" : "s"));
            }
            line.append(String.format(" %s at %,d%s;", Probes.micros(stall), stallAt[k] + 1,
                    what.isEmpty() ? "" : " (" + what + ")"));
        }
        System.out.printf("  over 250 µs: %d%s, %d of them with the worker busy%s; the worker was busy at %.1f%% of"
                + " the sampled puts;%s%n", stalls, stalls == MAX_STALLS_LISTED ? " or more" : "", whileBusy,
                kernel == null ? "" : String.format(", %d waiting for a CPU at least half the time, %d with a page fault",
                        waitedForCpu, faulted),
                busyPercent, line);
    }

    /**
     * One build's line: its puts, the slow ones and how many a second, p99.99 of {@code nanos} (every put's time),
     * and, for more than four slow puts, the quartiles of the gaps between their start times {@code slowAt} and
     * how many gaps fall in each quarter millisecond.
     */
    static String summary(final String table, final long[] nanos, final long[] slowAt, final int slow,
                          final long elapsedNanos) {
        final long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        final StringBuilder line = new StringBuilder(String.format("%s build: %,d puts in %.2f s, %,d slow (%.0f a second), p99.99 %s",
                table, nanos.length, elapsedNanos / 1e9, slow, slow / (elapsedNanos / 1e9),
                Probes.micros(Probes.quantile(sorted, 0.9999))));
        if (slow > 4) {
            final long[] gaps = new long[slow - 1];
            final int[] bins = new int[BINS + 1];
            for (int i = 1; i < slow; i++) {
                gaps[i - 1] = slowAt[i] - slowAt[i - 1];
                bins[(int) Math.min(BINS, gaps[i - 1] / BIN_NANOS)]++;
            }
            Arrays.sort(gaps);
            line.append(String.format("; gaps p25 %.2f p50 %.2f p75 %.2f ms; per 0.25 ms up to 8 ms (last: longer): %s",
                    Probes.quantile(gaps, 0.25) / 1e6, Probes.quantile(gaps, 0.5) / 1e6, Probes.quantile(gaps, 0.75) / 1e6,
                    Arrays.toString(bins)));
        }
        return line.toString();
    }
}
