package io.panamap.bench.workload;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * Records latencies into a whole-pass histogram and, at the same time, into one histogram per time interval, so
 * that a run can be saved as an HdrHistogram interval log (when during the pass did the slow operations happen?).
 *
 * <p>Every interval histogram is allocated up front: recording, and moving on to the next interval, never
 * allocates, so the harness adds no garbage of its own to a measured pass. When a pass outlives the intervals
 * allocated for it, the last interval absorbs the rest (its end time says so).
 */
public final class IntervalRecorder {

    /** Interval length unless a pass is so long that more intervals would be needed than {@link #MAX_INTERVALS}. */
    public static final long DEFAULT_INTERVAL_NANOS = 1_000_000_000L;
    /** Each interval histogram holds ~220 KB of counts; 64 of them stay well below the heap any child has. */
    public static final int MAX_INTERVALS = 64;

    private final Histogram total = LatencyHistograms.create();
    private final Histogram[] intervals;
    private final long intervalNanos;
    private long startNanos;
    private long startEpochMillis;
    private long intervalEndNanos;
    private int current;

    /**
     * A recorder for a pass expected to last about {@code expectedNanos}: intervals of 1 s, or longer so that
     * twice the expected duration fits into {@link #MAX_INTERVALS} intervals.
     */
    public IntervalRecorder(final long expectedNanos) {
        this(intervalFor(expectedNanos), countFor(expectedNanos));
    }

    private IntervalRecorder(final long intervalNanos, final int count) {
        this.intervalNanos = intervalNanos;
        this.intervals = new Histogram[count];
        for (int i = 0; i < count; i++) {
            intervals[i] = LatencyHistograms.create();
        }
    }

    /** Interval of a {@link #forPriming()} recorder: a priming call of a few hundred operations crosses it. */
    static final long PRIMING_INTERVAL_NANOS = 10_000L;

    /**
     * A recorder for JIT priming, whose intervals are so short that every priming call moves on to the next one.
     * Otherwise the measured loop is compiled with the move to a next interval never taken (a full-size pass
     * of the warm-up can stay within one second), and the first interval boundary of the measured pass
     * deoptimizes it: a stall of the harness, hundreds of microseconds, charged to whichever map is measured
     * (seen with {@code -Xlog:deoptimization=debug} one second into the open-loop stream).
     */
    public static IntervalRecorder forPriming() {
        return new IntervalRecorder(PRIMING_INTERVAL_NANOS, 2);
    }

    private static long intervalFor(final long expectedNanos) {
        final long needed = Math.max(1, 2 * Math.max(0, expectedNanos));
        return Math.max(DEFAULT_INTERVAL_NANOS, (needed + MAX_INTERVALS - 1) / MAX_INTERVALS);
    }

    private static int countFor(final long expectedNanos) {
        final long needed = Math.max(1, 2 * Math.max(0, expectedNanos));
        return (int) Math.min(MAX_INTERVALS, needed / intervalFor(expectedNanos) + 2);
    }

    /**
     * One recorder holding the sum of {@code parts}: its whole pass and each of its intervals the sums of theirs.
     * The parts must have been made for the same expected duration and started at the same time (as the
     * recorders of threads that start together are), so that their intervals cover the same spans.
     *
     * @throws IllegalArgumentException if they were not
     */
    public static IntervalRecorder merge(final List<IntervalRecorder> parts) {
        final IntervalRecorder first = parts.getFirst();
        final IntervalRecorder merged = new IntervalRecorder(first.intervalNanos, first.intervals.length);
        merged.startNanos = first.startNanos;
        merged.startEpochMillis = first.startEpochMillis;
        merged.intervalEndNanos = first.startNanos + first.intervalNanos;
        for (final IntervalRecorder part : parts) {
            if (part.intervalNanos != first.intervalNanos || part.intervals.length != first.intervals.length
                    || part.startNanos != first.startNanos) {
                throw new IllegalArgumentException("recorders of different shapes or start times cannot be merged");
            }
            merged.total.add(part.total);
            for (int i = 0; i <= part.current; i++) {
                merged.intervals[i].add(part.intervals[i]);
            }
            while (merged.current < part.current) {
                merged.current++;
                merged.intervalEndNanos += merged.intervalNanos;
            }
        }
        return merged;
    }

    /** Clears everything and starts the first interval at {@code nowNanos}: for threads that share one start. */
    public void start(final long nowNanos) {
        clear();
        begin(nowNanos);
    }

    /**
     * Clears everything, then starts the first interval now and returns that instant ({@link System#nanoTime()}):
     * how every single-threaded pass starts. Clearing the histograms takes hundreds of microseconds (a 3 s
     * open-loop stream's seven histograms hold 1.5 MB of counts). Read the clock before it, and the first
     * operation of an open-loop stream was charged with it, and every operation queued behind that one too; a
     * closed loop's first interval would be that much shorter than the others.
     */
    public long startNow() {
        clear();
        final long now = System.nanoTime();
        begin(now);
        return now;
    }

    private void clear() {
        total.reset();
        for (final Histogram interval : intervals) {
            interval.reset();
        }
    }

    private void begin(final long nowNanos) {
        startNanos = nowNanos;
        startEpochMillis = System.currentTimeMillis();
        intervalEndNanos = nowNanos + intervalNanos;
        current = 0;
    }

    /** Records one latency that ended at {@code nowNanos}. */
    public void record(final long latencyNanos, final long nowNanos) {
        while (nowNanos >= intervalEndNanos && current < intervals.length - 1) {
            current++;
            intervalEndNanos += intervalNanos;
        }
        LatencyHistograms.record(total, latencyNanos);
        LatencyHistograms.record(intervals[current], latencyNanos);
    }

    /** The whole pass so far. */
    public Histogram total() {
        return total;
    }

    /** The length of one interval. */
    public long intervalNanos() {
        return intervalNanos;
    }

    /**
     * The intervals up to the current one, each with its start and end time stamps (epoch milliseconds) set, as
     * {@link org.HdrHistogram.HistogramLogWriter} expects them. Call after the pass, with the time it ended.
     */
    public List<Histogram> intervals(final long endNanos) {
        final List<Histogram> out = new ArrayList<>(current + 1);
        for (int i = 0; i <= current; i++) {
            final Histogram interval = intervals[i];
            final long from = startEpochMillis + (i * intervalNanos) / 1_000_000L;
            final long to = i == current ? startEpochMillis + (endNanos - startNanos) / 1_000_000L
                    : from + intervalNanos / 1_000_000L;
            interval.setStartTimeStamp(from);
            interval.setEndTimeStamp(Math.max(from, to));
            out.add(interval);
        }
        return out;
    }
}
