package io.panamap.bench.workload;

import io.panamap.bench.contender.Contender;
import io.panamap.bench.result.GcDelta;
import io.panamap.bench.result.GetResult;
import io.panamap.bench.result.LatencySummary;
import io.panamap.bench.result.NoiseFloor;
import org.HdrHistogram.Histogram;

/**
 * The measured phases of a get workload, whatever its key type, on a map already built: {@code System.gc()};
 * the noise floor; warm-up: JIT priming (the round loop called {@link RunSpec#primingCalls()} times on a few
 * keys, see {@link RunSpec#DEFAULT_PRIMING_CALLS}), one untimed full round, JIT priming again; then, at once,
 * up to {@link RunSpec#timedGetRounds()} timed rounds (throughput; fewer for a map whose round takes seconds,
 * {@link RunSpec#timedGetRoundsAfter}), then the first {@link RunSpec#latencySampleGets()} gets of one more
 * round with {@code System.nanoTime()} around each (latency percentiles; the clock reads are inside each
 * figure). Every round's sum of returned values is checked against the sum the keys imply: it is the
 * blackhole that keeps the JIT from removing the loop, and it catches a map that returns wrong values.
 */
final class GetRounds {

    /**
     * A key type's loops over its shuffled lookups of one built map. Each get workload has its own, and a child
     * JVM runs one workload, so the JIT sees one implementation and compiles each loop for its key type.
     */
    interface Loops {
        /** How many lookups a full round makes (every key once). */
        int roundSize();

        /** One round: gets the first {@code count} lookups; returns the sum of what they returned. */
        long getAll(int count);

        /** Like {@link #getAll}, with {@code System.nanoTime()} around every get, each recorded in {@code latency}. */
        long timedGets(int count, IntervalRecorder latency);

        /** The sum the first {@code count} lookups must return. */
        long checksum(int count);

        /** The map's own description of its state, for the report. */
        String mapStats();
    }

    private GetRounds() {
    }

    static GetResult measure(final Contender contender, final RunSpec spec, final Loops loops) {
        final int n = loops.roundSize();
        final long expectedChecksum = loops.checksum(n);
        System.gc();
        Quiesce.backgroundWork(contender);

        // Before the warm-up, so that the timed rounds follow a full round at once: on this machine, a pass
        // over data left alone for two seconds (spinning, sleeping or touching other memory) was ~60% slower
        // than the passes after it (fastutil, N = 1M), probably because others used the shared L3 meanwhile.
        spec.progress().accept("noise floor: empty timing windows");
        final Histogram noiseWindows = LatencyHistograms.create();
        final NoiseFloor noise = NoiseFloorMeter.measure(noiseWindows,
                (long) n * spec.timedGetRounds(), spec.noiseFloorMinNanos());

        spec.progress().accept("warm-up: JIT priming, one full untimed round, JIT priming");
        final int primingKeys = Math.min(RunSpec.PRIMING_KEYS, n);
        final long primingChecksum = loops.checksum(primingKeys);
        prime(loops, primingKeys, primingChecksum, spec.primingCalls());
        final long warmUpStart = System.nanoTime();
        check(loops.getAll(n), expectedChecksum);
        final long warmUpRoundNanos = System.nanoTime() - warmUpStart;
        prime(loops, primingKeys, primingChecksum, spec.primingCalls());
        // Allocated and primed before the measured phase, so the harness adds no garbage to it.
        final long[] roundNanos = new long[spec.timedGetRoundsAfter(warmUpRoundNanos)];
        final int latencyGets = spec.latencySampleGets();
        final long latencyChecksum = loops.checksum(latencyGets);
        final IntervalRecorder latency = new IntervalRecorder(3 * warmUpRoundNanos);
        final IntervalRecorder priming = IntervalRecorder.forPriming();
        for (int call = 0; call < spec.primingCalls(); call++) {
            priming.startNow();
            check(loops.timedGets(primingKeys, priming), primingChecksum);
        }

        spec.progress().accept("measuring: timed rounds");
        final GcMeter gc = GcMeter.start();
        for (int round = 0; round < roundNanos.length; round++) {
            final long start = System.nanoTime();
            final long checksum = loops.getAll(n);
            roundNanos[round] = System.nanoTime() - start;
            check(checksum, expectedChecksum);
        }

        spec.progress().accept("measuring: " + latencyGets + " gets, each timed");
        latency.startNow();
        check(loops.timedGets(latencyGets, latency), latencyChecksum);
        final long latencyEnd = System.nanoTime();
        final GcDelta gcDelta = gc.stop();

        spec.recordings().histogram("noise", noiseWindows);
        spec.recordings().intervals("get", latency, latencyEnd);
        return new GetResult(n, n, roundNanos, expectedChecksum, LatencySummary.of(latency.total()), gcDelta,
                noise, loops.mapStats());
    }

    /** Calls the round loop {@code calls} times on a few keys (see {@link RunSpec#DEFAULT_PRIMING_CALLS}). */
    private static void prime(final Loops loops, final int keys, final long checksum, final int calls) {
        for (int call = 0; call < calls; call++) {
            check(loops.getAll(keys), checksum);
        }
    }

    private static void check(final long checksum, final long expected) {
        if (checksum != expected) {
            throw new IllegalStateException("the map returned wrong values: the gets summed to " + checksum
                    + ", the keys imply " + expected);
        }
    }
}
