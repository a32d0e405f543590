package io.panamap.bench.workload;

import io.panamap.bench.result.LatencySummary;
import io.panamap.bench.result.NoiseFloor;
import org.HdrHistogram.Histogram;

/**
 * Measures the machine's noise floor: empty timing windows, timed exactly like an operation (two back-to-back
 * {@code System.nanoTime()} calls, then a record), so that their worst case is directly comparable with the
 * worst operation measured in the same JVM.
 */
public final class NoiseFloorMeter {

    /** Windows between two looks at the clock, so that the deadline check does not change the loop's shape. */
    private static final int BATCH = 4096;

    private NoiseFloorMeter() {
    }

    /**
     * Records empty windows into {@code histogram} until there are at least {@code minWindows} of them and at
     * least {@code minNanos} have passed.
     */
    public static NoiseFloor measure(final Histogram histogram, final long minWindows, final long minNanos) {
        final long start = System.nanoTime();
        long windows = 0;
        long elapsed;
        do {
            for (int i = 0; i < BATCH; i++) {
                final long t0 = System.nanoTime();
                final long t1 = System.nanoTime();
                LatencyHistograms.record(histogram, t1 - t0);
            }
            windows += BATCH;
            elapsed = System.nanoTime() - start;
        } while (windows < minWindows || elapsed < minNanos);
        return new NoiseFloor(LatencySummary.of(histogram), elapsed);
    }
}
