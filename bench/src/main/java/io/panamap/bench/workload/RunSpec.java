package io.panamap.bench.workload;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How to run a workload once.
 *
 * @param n                  keys (the workload's N)
 * @param seed               seed of the {@link java.util.SplittableRandom} that draws the keys
 * @param noiseFloorMinNanos the noise floor collects empty windows for at least this long (and at least as
 *                           many as the measured phase has operations)
 * @param timedGetRounds     at most this many timed rounds of the {@code get} workload (see
 *                           {@link #timedGetRoundsAfter(long)})
 * @param primingCalls       short calls of each timed loop before the full-size warm-up (see
 *                           {@link #DEFAULT_PRIMING_CALLS})
 * @param openLoopRate       operations per second the {@code open-loop} workload sends
 * @param openLoopNanos      how long the {@code open-loop} workload's measured stream lasts
 * @param threads            worker threads of the multi-threaded workload ({@code mixed-mt})
 * @param progress           receives a line whenever a phase starts (the child prints them on stderr)
 * @param recordings         receives each raw recording by name ({@code put}, {@code noise}), e.g. to save it
 */
public record RunSpec(int n, long seed, long noiseFloorMinNanos, int timedGetRounds, int primingCalls,
                      long openLoopRate, long openLoopNanos, int threads, Consumer<String> progress,
                      Recordings recordings) {

    /** The seed used unless the command line gives another. */
    public static final long DEFAULT_SEED = 0x5EED_CAFE_F00DL;
    /** About 2 s of empty windows: long enough to meet the machine's rarer stalls at least a few times. */
    public static final long DEFAULT_NOISE_FLOOR_NANOS = 2_000_000_000L;
    /**
     * A growing pass's noise floor watches empty windows for as long as the pass takes, but no longer than
     * this: only the boxed maps take longer at the default N (7-9 s here), and their worst puts, hundreds of
     * ms, stand far above any window; panamap's pass (2-2.5 s) is watched whole.
     */
    public static final long NOISE_FLOOR_MAX_NANOS = 4_000_000_000L;
    /** Shorter noise floor of a {@code --quick} smoke run. */
    public static final long QUICK_NOISE_FLOOR_NANOS = 300_000_000L;
    /**
     * Operations per second of the open-loop stream: one every microsecond. Every contender sustains this on
     * average at the default N (Chronicle Map, the slowest, needs ~0.3 us per get), so what the stream shows
     * is how each map handles its stalls, not a rate it cannot keep up with.
     */
    public static final long DEFAULT_OPEN_LOOP_RATE = 1_000_000L;
    /** Length of the open-loop stream. */
    public static final long DEFAULT_OPEN_LOOP_NANOS = 3_000_000_000L;
    /** Rounds of gets, at most; the report quotes the best and the median. */
    public static final int DEFAULT_TIMED_GET_ROUNDS = 3;
    /**
     * The timed rounds of the {@code get} workload stop at about this much time: a map whose round takes
     * seconds (Chronicle Map's takes 4-5 s at N = 10M, 8x fastutil's) gets fewer rounds, which cost the
     * default run 9 s a round while its throughput figure moves by a few per cent between rounds.
     */
    public static final long TIMED_GET_ROUNDS_BUDGET_NANOS = 6_000_000_000L;
    /**
     * Gets timed one by one for the single-get latency percentiles: the first this many of one more round.
     * A full round of 10M clock-read pairs took 3-7 s per contender (30 s of the default run); 2M samples
     * still leave 20 above p99.999.
     */
    public static final int LATENCY_SAMPLE_GETS = 2_000_000;
    /**
     * A loop that runs once for a long time is compiled on-stack (OSR) with a profile that has never seen the
     * loop end, so the compiled code is thrown away when it does end, and the next long call starts
     * interpreted again. Calling each timed loop this many times on a few keys, before and again after the
     * full-size warm-up, gets it compiled by C2 as a whole method whose profile has seen the loop end and
     * every path of the full-size run. (C2 takes a method with a loop after about 600 calls once C1 has
     * profiled it: Tier4MinInvocationThreshold; this leaves room for that.)
     */
    public static final int DEFAULT_PRIMING_CALLS = 1_000;
    /**
     * Keys per priming call: enough to run the loop and grow a small map a few times, few enough that priming
     * (a new map per call) takes a fraction of a second.
     */
    public static final int PRIMING_KEYS = 200;
    /** Worker threads of {@code mixed-mt} unless the command line says otherwise: as many as this machine has CPUs. */
    public static final int DEFAULT_THREADS = 2;

    public RunSpec {
        if (n <= 0) {
            throw new IllegalArgumentException("n must be positive: " + n);
        }
        if (noiseFloorMinNanos < 0 || timedGetRounds <= 0 || primingCalls < 0) {
            throw new IllegalArgumentException("bad noise floor duration, round count or priming call count");
        }
        if (openLoopRate <= 0 || openLoopNanos <= 0) {
            throw new IllegalArgumentException("open-loop rate and duration must be positive: " + openLoopRate
                    + " ops/s for " + openLoopNanos + " ns");
        }
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be positive: " + threads);
        }
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(recordings, "recordings");
    }

    /** The keys a priming call uses: the first {@link #PRIMING_KEYS} of {@code keys}. */
    static long[] primingKeys(final long[] keys) {
        return Arrays.copyOf(keys, Math.min(PRIMING_KEYS, keys.length));
    }

    /**
     * How long the noise floor of a pass that takes {@code passNanos} watches empty windows: as long as the
     * pass, at most {@link #NOISE_FLOOR_MAX_NANOS}, at least {@link #noiseFloorMinNanos()}.
     */
    public long noiseFloorNanosFor(final long passNanos) {
        return Math.max(noiseFloorMinNanos, Math.min(passNanos, NOISE_FLOOR_MAX_NANOS));
    }

    /**
     * How many timed rounds the {@code get} workload runs after a warm-up round that took {@code
     * warmUpRoundNanos}: as many as fit in {@link #TIMED_GET_ROUNDS_BUDGET_NANOS}, at least one, at most
     * {@link #timedGetRounds()}.
     */
    public int timedGetRoundsAfter(final long warmUpRoundNanos) {
        final long fit = TIMED_GET_ROUNDS_BUDGET_NANOS / Math.max(1, warmUpRoundNanos);
        return (int) Math.max(1, Math.min(timedGetRounds, fit));
    }

    /** Gets timed one by one in the {@code get} workload: {@link #LATENCY_SAMPLE_GETS}, or all N if fewer. */
    public int latencySampleGets() {
        return Math.min(n, LATENCY_SAMPLE_GETS);
    }

    /** Operations in the open-loop stream: its rate times its duration. */
    public long openLoopOperations() {
        return Math.max(1, (long) ((double) openLoopRate * openLoopNanos / 1e9));
    }

    /** The settings of a real benchmark run; {@code quick} shortens the noise floor for a smoke run. */
    public static RunSpec standard(final int n, final long seed, final boolean quick, final long openLoopRate,
                                   final long openLoopNanos, final int threads, final Consumer<String> progress,
                                   final Recordings recordings) {
        return new RunSpec(n, seed, quick ? QUICK_NOISE_FLOOR_NANOS : DEFAULT_NOISE_FLOOR_NANOS,
                DEFAULT_TIMED_GET_ROUNDS, DEFAULT_PRIMING_CALLS, openLoopRate, openLoopNanos, threads, progress,
                recordings);
    }
}
