package io.panamap.bench.workload;

import io.panamap.bench.contender.Contender;
import io.panamap.bench.contender.StringBenchMap;
import io.panamap.bench.result.GcDelta;
import io.panamap.bench.result.GetResult;
import io.panamap.bench.result.LatencySummary;
import io.panamap.bench.result.NoiseFloor;
import org.HdrHistogram.Histogram;

/**
 * {@code get-str}: on a map built with N string ids and their 64-byte records, look every key up once per
 * round, in a shuffled order, and time each round as a whole. The phases are {@link GetWorkload}'s (build,
 * {@code System.gc()}, noise floor, JIT priming, one untimed full round, priming, the timed rounds, the first
 * {@link RunSpec#latencySampleGets()} gets of one more round, each timed).
 *
 * <p>A get copies the key's record into the adapter's reused array and returns the sum of its first and last
 * words ({@link StringBenchMap#get}); every round's sum is checked against the one the keys imply. The lookup
 * keys are {@link StringKeys#lookups}: equal to the stored keys, separate instances, made before the build.
 */
final class StringGetWorkload implements Workload {

    static final String NAME = KeyType.STRING.workload("get");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public KeyType keyType() {
        return KeyType.STRING;
    }

    @Override
    public String description() {
        return "on a map built with N string ids and 64-byte records, get every key once per round in shuffled"
                + " order, copying its record into a reused array; each round timed as a whole (best and median of"
                + " the timed rounds)";
    }

    @Override
    public GetResult run(final Contender contender, final RunSpec spec) {
        GcMeter.prepare();
        final int n = spec.n();
        final String[] keys = StringKeys.ids(n, spec.seed());
        final int[] order = StringKeys.shuffledIndexes(n, spec.seed() + 1);
        final String[] lookups = StringKeys.lookups(keys, order);
        final long expectedChecksum = StringKeys.checksum(order);

        try (StringBenchMap map = contender.createStringMap(n)) {
            spec.progress().accept("building the map (untimed)");
            final byte[] record = new byte[StringBenchMap.VALUE_SIZE];
            for (int i = 0; i < n; i++) {
                StringKeys.fillRecord(i, record);
                map.put(keys[i], record);
            }
            System.gc();
            Quiesce.backgroundWork(contender);

            spec.progress().accept("noise floor: empty timing windows");
            final Histogram noiseWindows = LatencyHistograms.create();
            final NoiseFloor noise = NoiseFloorMeter.measure(noiseWindows,
                    (long) n * spec.timedGetRounds(), spec.noiseFloorMinNanos());

            spec.progress().accept("warm-up: JIT priming, one full untimed round, JIT priming");
            final int primingKeys = Math.min(RunSpec.PRIMING_KEYS, n);
            final long primingChecksum = StringKeys.checksum(order, primingKeys);
            prime(map, lookups, primingKeys, primingChecksum, spec.primingCalls());
            final long warmUpStart = System.nanoTime();
            check(getAll(map, lookups, n), expectedChecksum);
            final long warmUpRoundNanos = System.nanoTime() - warmUpStart;
            prime(map, lookups, primingKeys, primingChecksum, spec.primingCalls());
            final long[] roundNanos = new long[spec.timedGetRoundsAfter(warmUpRoundNanos)];
            final int latencyGets = spec.latencySampleGets();
            final long latencyChecksum = StringKeys.checksum(order, latencyGets);
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
    private static void prime(final StringBenchMap map, final String[] lookups, final int keys, final long checksum,
                              final int calls) {
        for (int call = 0; call < calls; call++) {
            check(getAll(map, lookups, keys), checksum);
        }
    }

    /** One round: gets the first {@code count} keys of {@code lookups}; returns the sum of the gets (blackhole). */
    private static long getAll(final StringBenchMap map, final String[] lookups, final int count) {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += map.get(lookups[i]);
        }
        return sum;
    }

    /** Like {@link #getAll}, with {@code System.nanoTime()} around every get. */
    private static long timedGets(final StringBenchMap map, final String[] lookups, final int count,
                                  final IntervalRecorder latency) {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            final String key = lookups[i];
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
