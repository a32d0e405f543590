package io.panamap.bench.workload;

import io.panamap.bench.contender.Contender;
import io.panamap.bench.contender.StringBenchMap;
import io.panamap.bench.result.GcDelta;
import io.panamap.bench.result.LatencySummary;
import io.panamap.bench.result.NoiseFloor;
import io.panamap.bench.result.OpenLoopResult;
import org.HdrHistogram.Histogram;

/**
 * {@code open-loop-str}: {@link OpenLoopWorkload}'s fixed-rate stream (every {@value OpenLoopWorkload#PUT_EVERY}th
 * operation a put of a new key, the others gets of present keys chosen at random, each operation's latency
 * measured from its intended start) on a map of string ids to 64-byte records. Same phases.
 *
 * <p>A put fills one reused 64-byte array with the new key's record and puts it (both inside the operation's
 * time; filling is a few ns); a get reads the record into the adapter's array ({@link StringBenchMap#get}) and
 * is checked against the key's record. Gets use {@link StringKeys#lookups} copies of the keys, made before the
 * stream; a copy's hash code is cached once a {@code HashMap} get has computed it, as for any reused
 * {@code String}.
 */
final class StringOpenLoopWorkload implements Workload {

    static final String NAME = KeyType.STRING.workload(OpenLoopWorkload.NAME);

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
        return "a fixed-rate stream of 90% gets of present string ids and 10% puts of new ids with 64-byte records"
                + " into a map that starts empty; every operation's latency measured from its intended start time";
    }

    @Override
    public OpenLoopResult run(final Contender contender, final RunSpec spec) {
        GcMeter.prepare();
        final long operations = spec.openLoopOperations();
        final long puts = (operations + OpenLoopWorkload.PUT_EVERY - 1) / OpenLoopWorkload.PUT_EVERY;
        if (puts > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("open-loop stream too long: " + operations + " operations");
        }
        final String[] keys = StringKeys.ids((int) puts, spec.seed());
        final String[] lookups = StringKeys.lookups(keys, identity(keys.length));
        final double nanosPerOperation = 1e9 / spec.openLoopRate();
        final Stream stream = new Stream();

        spec.progress().accept("warm-up: JIT priming, the whole stream unthrottled on a throw-away map");
        final IntervalRecorder scratch = IntervalRecorder.forPriming();
        // As in open-loop: priming at the real rate compiles the pacing loop with its wait taken.
        final int primingOperations = Math.min(RunSpec.PRIMING_KEYS, (int) operations);
        // As in open-loop: unthrottled calls ten times longer, so that gets meet a growth that outlasts a write.
        final int unthrottledPrimingOperations = Math.min(10 * RunSpec.PRIMING_KEYS, (int) operations);
        for (int call = 0; call < spec.primingCalls(); call++) {
            try (StringBenchMap map = contender.createStringMap(keys.length)) {
                stream.run(map, keys, lookups, primingOperations, nanosPerOperation, scratch, spec.seed());
                stream.run(map, keys, lookups, unthrottledPrimingOperations, 0, scratch, spec.seed());
            }
        }
        try (StringBenchMap map = contender.createStringMap(keys.length)) {
            stream.run(map, keys, lookups, operations, 0, scratch, spec.seed());
        }
        final IntervalRecorder latency = new IntervalRecorder(spec.openLoopNanos());
        System.gc();
        Quiesce.backgroundWork(contender);

        spec.progress().accept("noise floor: empty timing windows");
        final Histogram noiseWindows = LatencyHistograms.create();
        final NoiseFloor noise = NoiseFloorMeter.measure(noiseWindows, 0, spec.noiseFloorMinNanos());

        spec.progress().accept("measuring: " + operations + " operations at " + spec.openLoopRate() + "/s");
        try (StringBenchMap map = contender.createStringMap(keys.length)) {
            final GcMeter gc = GcMeter.start();
            final long elapsed = stream.run(map, keys, lookups, operations, nanosPerOperation, latency, spec.seed());
            final long end = System.nanoTime();
            final GcDelta gcDelta = gc.stop();
            spec.recordings().histogram("noise", noiseWindows);
            spec.recordings().intervals("response", latency, end);
            return new OpenLoopResult(operations, spec.openLoopRate(), elapsed, map.size(),
                    LatencySummary.of(latency.total()), stream.worstNanos, stream.worstAtSize, gcDelta, noise,
                    map.stats());
        }
    }

    private static int[] identity(final int n) {
        final int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    /** The stream loop and what it keeps of its slowest operation. */
    private static final class Stream {
        final byte[] record = new byte[StringBenchMap.VALUE_SIZE];
        long worstNanos;
        long worstAtSize;

        /**
         * Runs {@code operations} operations, one every {@code nanosPerOperation} (0: as fast as possible), and
         * records each one's latency from its intended start. Returns the wall time of the whole stream.
         */
        long run(final StringBenchMap map, final String[] keys, final String[] lookups, final long operations,
                 final double nanosPerOperation, final IntervalRecorder latency, final long seed) {
            long random = seed | 1;
            int stored = 0;
            long worst = -1;
            long worstAt = -1;
            final long start = latency.startNow(); // after clearing the recorder, not before
            for (long i = 0; i < operations; i++) {
                final long intended = start + (long) (i * nanosPerOperation);
                while (System.nanoTime() < intended) {
                    Thread.onSpinWait();
                }
                if (i % OpenLoopWorkload.PUT_EVERY == 0) {
                    StringKeys.fillRecord(stored, record);
                    map.put(keys[stored], record);
                    stored++;
                } else {
                    // xorshift64: a present key chosen without allocating or touching shared state.
                    random ^= random << 13;
                    random ^= random >>> 7;
                    random ^= random << 17;
                    final int index = (int) ((random >>> 1) % stored);
                    if (map.get(lookups[index]) != StringKeys.expectedGet(index)) {
                        throw new IllegalStateException("the map returned a wrong record for key " + keys[index]);
                    }
                }
                final long end = System.nanoTime();
                final long elapsed = end - intended;
                latency.record(elapsed, end);
                if (elapsed > worst) {
                    worst = elapsed;
                    worstAt = stored;
                }
            }
            worstNanos = worst;
            worstAtSize = worstAt;
            return System.nanoTime() - start;
        }
    }
}
