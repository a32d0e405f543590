package io.panamap.bench.workload;

import io.panamap.bench.result.MemoryUse;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Snapshots of the heap and of the process's resident memory, from which {@link MemoryUse} is computed. Each
 * snapshot runs {@code System.gc()} first, so it is taken outside any measured phase. Also used by the
 * {@code memory} probe.
 */
public final class MemoryMeter {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final Path STATUS = Path.of("/proc/self/status");

    private final long heapUsed;
    private final long heapCommitted;
    private final long resident;

    /** A snapshot of these figures; {@code resident} is -1 where it is not known. */
    MemoryMeter(final long heapUsed, final long heapCommitted, final long resident) {
        this.heapUsed = heapUsed;
        this.heapCommitted = heapCommitted;
        this.resident = resident;
    }

    /** A snapshot now (after a full GC). */
    public static MemoryMeter snapshot() {
        System.gc();
        final MemoryUsage heap = MEMORY.getHeapMemoryUsage();
        return new MemoryMeter(heap.getUsed(), heap.getCommitted(), residentBytes());
    }

    /** What grew between this snapshot and now, for a map holding {@code entries} entries. */
    public MemoryUse since(final long entries) {
        final MemoryMeter now = snapshot();
        return between(entries, this, now, this, now);
    }

    /**
     * What a map of {@code entries} entries occupies, with the heap and the native side each measured over its
     * own pair of snapshots: live heap growth from {@code heapFrom} to {@code heapTo}, resident growth outside
     * the heap from {@code nativeFrom} to {@code nativeTo}. {@code heapTo} holds the heap in use at the end.
     */
    static MemoryUse between(final long entries, final MemoryMeter heapFrom, final MemoryMeter heapTo,
                             final MemoryMeter nativeFrom, final MemoryMeter nativeTo) {
        // An on-heap map makes the heap commit more than the process touches: the difference goes negative,
        // which means "no native growth", not a saving.
        final long nativeGrowth = nativeFrom.resident < 0 || nativeTo.resident < 0 ? 0
                : Math.max(0, (nativeTo.resident - nativeFrom.resident)
                        - (nativeTo.heapCommitted - nativeFrom.heapCommitted));
        return new MemoryUse(entries, heapTo.heapUsed - heapFrom.heapUsed, nativeGrowth, heapTo.heapUsed);
    }

    /** VmRSS from /proc/self/status in bytes, or -1 where there is no such file (not Linux). */
    static long residentBytes() {
        try {
            for (final String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    final String[] parts = line.substring("VmRSS:".length()).strip().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024L;
                }
            }
            return -1;
        } catch (final IOException | RuntimeException e) {
            return -1;
        }
    }
}
