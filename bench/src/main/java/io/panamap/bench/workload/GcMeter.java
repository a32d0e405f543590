package io.panamap.bench.workload;

import io.panamap.bench.result.GcDelta;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/** Counts garbage collections from {@link #start()} to {@link #stop()}, summed over all collectors. */
public final class GcMeter {

    private static final List<GarbageCollectorMXBean> COLLECTORS = ManagementFactory.getGarbageCollectorMXBeans();

    private final long countAtStart;
    private final long millisAtStart;

    private GcMeter() {
        countAtStart = totalCount();
        millisAtStart = totalMillis();
    }

    /**
     * Loads the management classes and runs their code once. The first use loads and compiles dozens of
     * classes, which must not happen right before a measured phase; workloads call this first.
     */
    public static void prepare() {
        start().stop();
    }

    /** Starts counting. */
    public static GcMeter start() {
        return new GcMeter();
    }

    /** Collections and collection time since {@link #start()}. */
    public GcDelta stop() {
        return new GcDelta(totalCount() - countAtStart, totalMillis() - millisAtStart);
    }

    /** The collectors' names, e.g. "G1 Young Generation, G1 Concurrent GC, G1 Old Generation". */
    public static String collectorNames() {
        return String.join(", ", COLLECTORS.stream().map(GarbageCollectorMXBean::getName).toList());
    }

    // Plain loops, not streams: the first lambda use spins classes and queues JIT work, which must not
    // happen right before a measured phase. A collector reports -1 when it does not know; that counts as 0.

    private static long totalCount() {
        long total = 0;
        for (final GarbageCollectorMXBean collector : COLLECTORS) {
            total += Math.max(0, collector.getCollectionCount());
        }
        return total;
    }

    private static long totalMillis() {
        long total = 0;
        for (final GarbageCollectorMXBean collector : COLLECTORS) {
            total += Math.max(0, collector.getCollectionTime());
        }
        return total;
    }
}
