package io.panamap.bench.workload;

import io.panamap.bench.contender.BenchMap;
import io.panamap.bench.contender.Contender;
import io.panamap.bench.result.GcDelta;
import io.panamap.bench.result.GetResult;
import io.panamap.bench.result.LatencySummary;
import io.panamap.bench.result.NoiseFloor;
import org.HdrHistogram.Histogram;

/**
 * {@code get}: on a map built with N keys (the contender's usual way, untimed), look every key up once per
 * round, in a shuffled order, and time each round as a whole.
 *
 * <p>Phases: generate and shuffle the keys; build the map; {@code System.gc()}; the noise floor; warm-up: JIT
 * priming (the round loop called {@link RunSpec#primingCalls()} times on a few keys, see
 * {@link RunSpec#DEFAULT_PRIMING_CALLS}), one untimed full round, JIT priming again; then, at once,
 * up to {@link RunSpec#timedGetRounds()} timed rounds (throughput; fewer for a map whose round takes seconds,
 * {@link RunSpec#timedGetRoundsAfter}), then the first {@link RunSpec#latencySampleGets()} gets of one more
 * round with {@code System.nanoTime()} around each (latency percentiles; the clock reads are inside each
 * figure). Every round's sum of returned values is checked against the sum the keys imply: it is the
 * blackhole that keeps the JIT from removing the loop, and it catches a map that returns wrong values.
 */
final class GetWorkload implements Workload {

    @Override
    public String name() {
        return "get";
    }

    @Override
    public String description() {
        return "on a map built with N random keys, get every key once per round in shuffled order;"
                + " each round timed as a whole (best and median of the timed rounds)";
    }

    @Override
    public GetResult run(final Contender contender, final RunSpec spec) {
        GcMeter.prepare();
        final int n = spec.n();
        final long[] keys = Keys.random(n, spec.seed());
        final long[] lookups = Keys.shuffled(keys, spec.seed() + 1);
        final long expectedChecksum = Keys.checksum(lookups);

        try (BenchMap map = contender.create(n)) {
            spec.progress().accept("building the map (untimed)");
            for (final long key : keys) {
                map.put(key, Keys.valueFor(key));
            }
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
            final long primingChecksum = Keys.checksum(lookups, primingKeys);
            prime(map, lookups, primingKeys, primingChecksum, spec.primingCalls());
            final long warmUpStart = System.nanoTime();
            check(getAll(map, lookups, n), expectedChecksum);
            final long warmUpRoundNanos = System.nanoTime() - warmUpStart;
            prime(map, lookups, primingKeys, primingChecksum, spec.primingCalls());
            // Allocated and primed before the measured phase, so the harness adds no garbage to it.
            final long[] roundNanos = new long[spec.timedGetRoundsAfter(warmUpRoundNanos)];
            final int latencyGets = spec.latencySampleGets();
            final long latencyChecksum = Keys.checksum(lookups, latencyGets);
            final IntervalRecorder latency = new IntervalRecorder(3 * warmUpRoundNanos);
            final IntervalRecorder priming = IntervalRecorder.forPriming();
            for (int call = 0; call < spec.primingCalls(); call++) {
                priming.start(System.nanoTime());
                check(timedGets(map, lookups, primingKeys, priming), primingChecksum);
            }

            spec.progress().accept("measuring: timed rounds");
            final GcMeter gc = GcMeter.start();
            for (int round = 0; round < roundNanos.length; round++) {
                final long start = System.nanoTime();
                final long checksum = getAll(map, lookups, n);
                roundNanos[round] = System.nanoTime() - start;
                check(checksum, expectedChecksum);
            }

            spec.progress().accept("measuring: " + latencyGets + " gets, each timed");
            latency.start(System.nanoTime());
            check(timedGets(map, lookups, latencyGets, latency), latencyChecksum);
            final long latencyEnd = System.nanoTime();
            final GcDelta gcDelta = gc.stop();

            spec.recordings().histogram("noise", noiseWindows);
            spec.recordings().intervals("get", latency, latencyEnd);
            return new GetResult(n, lookups.length, roundNanos, expectedChecksum,
                    LatencySummary.of(latency.total()), gcDelta, noise, map.stats());
        }
    }

    /** Calls the round loop {@code calls} times on a few keys (see {@link RunSpec#DEFAULT_PRIMING_CALLS}). */
    private static void prime(final BenchMap map, final long[] lookups, final int keys, final long checksum,
                              final int calls) {
        for (int call = 0; call < calls; call++) {
            check(getAll(map, lookups, keys), checksum);
        }
    }

    /** One round: gets the first {@code count} keys of {@code lookups}; returns the sum of the values (blackhole). */
    private static long getAll(final BenchMap map, final long[] lookups, final int count) {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += map.get(lookups[i]);
        }
        return sum;
    }

    /** Like {@link #getAll}, with {@code System.nanoTime()} around every get. */
    private static long timedGets(final BenchMap map, final long[] lookups, final int count,
                                  final IntervalRecorder latency) {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            final long key = lookups[i];
            final long start = System.nanoTime();
            sum += map.get(key);
            final long end = System.nanoTime();
            latency.record(end - start, end);
        }
        return sum;
    }

    private static void check(final long checksum, final long expected) {
        if (checksum != expected) {
            throw new IllegalStateException("the map returned wrong values: the gets summed to " + checksum
                    + ", the keys imply " + expected);
        }
    }
}
