package io.panamap.bench.workload;

import org.HdrHistogram.Histogram;

/** The one histogram shape the project records latencies in (MEASURING.md: ns, 3 digits, at least 10 s). */
public final class LatencyHistograms {

    /** Highest trackable value: 60 s, so that even a full-GC pause of an on-heap map is recorded. */
    public static final long HIGHEST_NANOS = 60_000_000_000L;
    private static final int SIGNIFICANT_DIGITS = 3;

    private LatencyHistograms() {
    }

    /** A new, empty histogram; its counts array is allocated now, so recording never allocates. */
    public static Histogram create() {
        return new Histogram(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
    }

    /** Records {@code nanos}, clamped to the trackable range (workloads keep the exact maximum separately). */
    public static void record(final Histogram histogram, final long nanos) {
        histogram.recordValue(Math.min(nanos, HIGHEST_NANOS));
    }
}
