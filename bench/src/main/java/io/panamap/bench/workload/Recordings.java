package io.panamap.bench.workload;

import org.HdrHistogram.Histogram;

/**
 * Where a workload hands its raw recordings once its measured phase is over (the child saves them as files
 * next to the report; tests collect or ignore them).
 */
public interface Recordings {

    /** A whole-phase histogram, e.g. the noise floor's empty windows. */
    void histogram(String name, Histogram histogram);

    /** A measured pass recorded per interval; {@code endNanos} is when it ended ({@link System#nanoTime()}). */
    void intervals(String name, IntervalRecorder recorder, long endNanos);

    /** Recordings that are dropped. */
    static Recordings discard() {
        return new Recordings() {
            @Override
            public void histogram(final String name, final Histogram histogram) {
            }

            @Override
            public void intervals(final String name, final IntervalRecorder recorder, final long endNanos) {
            }
        };
    }
}
