package io.panamap.bench.workload;

import io.panamap.bench.contender.BenchMap;
import io.panamap.bench.contender.Contender;
import io.panamap.bench.result.GcDelta;
import io.panamap.bench.result.GrowResult;
import io.panamap.bench.result.LatencySummary;
import io.panamap.bench.result.MemoryUse;
import io.panamap.bench.result.NoiseFloor;
import org.HdrHistogram.Histogram;

/**
 * {@code grow}: put N random keys into an empty map, timing every put.
 *
 * <p>Phases, all in one JVM (MEASURING.md explains why the warm-up must touch as much memory as the measured
 * pass):
 * <ol>
 *   <li>generate the keys (untimed);</li>
 *   <li>warm-up: JIT priming (both loops called {@link RunSpec#primingCalls()} times on a few keys and small
 *       throw-away maps, so they are compiled as whole methods, see {@link RunSpec#DEFAULT_PRIMING_CALLS});
 *       the timed pass once at full N on a throw-away map, which is then closed (native maps unmap their
 *       memory; on-heap maps are dropped), which compiles the map's code for every size and leaves as much
 *       memory "recently used" as the measured pass will touch; JIT priming again; {@code System.gc()};</li>
 *   <li>the noise floor: as many empty timing windows as there are puts, and at least ~2 s of them;</li>
 *   <li>the timed pass on a fresh map: {@code System.nanoTime()} around every single put, recorded into
 *       preallocated histograms (the whole pass and one per interval); the worst put and the size at which it
 *       happened are kept exactly; then, with the map still alive, a full GC and the memory it occupies
 *       ({@link MemoryUse});</li>
 *   <li>the build pass on another fresh map: the same puts with no per-put timing, timed as a whole, so the
 *       build time does not include 2N clock reads.</li>
 * </ol>
 * Neither timed loop allocates (HashMap's boxing aside: that is the contender, not the harness).
 */
final class GrowWorkload implements Workload {

    @Override
    public String name() {
        return "grow";
    }

    @Override
    public String description() {
        return "put N random 64-bit keys into an empty map; every put timed with System.nanoTime()"
                + " (build time: a second pass without per-put timing, on a fresh map)";
    }

    @Override
    public GrowResult run(final Contender contender, final RunSpec spec) {
        GcMeter.prepare();
        final int n = spec.n();
        final long[] keys = Keys.random(n, spec.seed());
        final WorstPut worst = new WorstPut();

        spec.progress().accept("warm-up: JIT priming, a timed pass at full N on a throw-away map, JIT priming");
        final long[] primingKeys = RunSpec.primingKeys(keys);
        final IntervalRecorder scratch = IntervalRecorder.forPriming();
        prime(contender, primingKeys, spec.primingCalls(), scratch, worst);
        final long warmUpStart = System.nanoTime();
        try (BenchMap map = contender.create(n)) {
            timedPuts(map, keys, scratch, worst);
        }
        final long warmUpPassNanos = System.nanoTime() - warmUpStart;
        prime(contender, primingKeys, spec.primingCalls(), scratch, worst);
        final IntervalRecorder putLatency = new IntervalRecorder(warmUpPassNanos);
        System.gc();
        Quiesce.backgroundWork(contender);

        spec.progress().accept("noise floor: empty timing windows");
        final Histogram noiseWindows = LatencyHistograms.create();
        // Machine stalls come per unit of time, not per operation: watch empty windows for as long as the
        // timed pass takes (its warm-up twin's duration), so both are exposed to the machine alike (capped:
        // RunSpec.NOISE_FLOOR_MAX_NANOS).
        final NoiseFloor noise = NoiseFloorMeter.measure(noiseWindows, n,
                spec.noiseFloorNanosFor(warmUpPassNanos));

        final MemoryMeter memoryBefore = MemoryMeter.snapshot();
        spec.progress().accept("measuring: timed pass");
        final GcDelta timedGc;
        final long timedNanos;
        final long timedEnd;
        final long size;
        final String stats;
        final MemoryUse memory;
        try (BenchMap map = contender.create(n)) {
            final GcMeter gc = GcMeter.start();
            final long timedStart = System.nanoTime();
            timedPuts(map, keys, putLatency, worst);
            timedEnd = System.nanoTime();
            timedNanos = timedEnd - timedStart;
            timedGc = gc.stop();
            size = map.size();
            stats = map.stats();
            spec.progress().accept("memory: full GC with the map alive");
            memory = memoryBefore.since(size);
        }
        System.gc();
        Quiesce.backgroundWork(contender);

        spec.progress().accept("measuring: build pass without per-put timing");
        final long buildNanos;
        final GcDelta buildGc;
        try (BenchMap map = contender.create(n)) {
            final GcMeter gc = GcMeter.start();
            buildNanos = untimedPuts(map, keys);
            buildGc = gc.stop();
        }

        spec.recordings().intervals("put", putLatency, timedEnd);
        spec.recordings().histogram("noise", noiseWindows);
        return new GrowResult(n, size, buildNanos, buildGc, LatencySummary.of(putLatency.total()), timedNanos,
                worst.nanos, worst.atSize, timedGc, noise, memory, stats);
    }

    /** Calls both loops {@code calls} times on {@code keys}, each on a new map: {@link RunSpec#DEFAULT_PRIMING_CALLS}. */
    private static void prime(final Contender contender, final long[] keys, final int calls,
                              final IntervalRecorder scratch, final WorstPut worst) {
        for (int call = 0; call < calls; call++) {
            try (BenchMap map = contender.create(keys.length)) {
                timedPuts(map, keys, scratch, worst);
            }
            try (BenchMap map = contender.create(keys.length)) {
                untimedPuts(map, keys);
            }
        }
    }

    /** Puts every key, recording each put's latency; keeps the slowest put in {@code worst}. */
    private static void timedPuts(final BenchMap map, final long[] keys, final IntervalRecorder latency,
                                  final WorstPut worst) {
        long worstNanos = -1;
        int worstAt = -1;
        latency.startNow();
        for (int i = 0; i < keys.length; i++) {
            final long key = keys[i];
            final long value = Keys.valueFor(key);
            final long start = System.nanoTime();
            map.put(key, value);
            final long end = System.nanoTime();
            final long elapsed = end - start;
            latency.record(elapsed, end);
            if (elapsed > worstNanos) {
                worstNanos = elapsed;
                worstAt = i;
            }
        }
        worst.nanos = worstNanos;
        worst.atSize = worstAt;
    }

    /** Puts every key; returns the wall time of the whole loop. */
    private static long untimedPuts(final BenchMap map, final long[] keys) {
        final long start = System.nanoTime();
        for (final long key : keys) {
            map.put(key, Keys.valueFor(key));
        }
        return System.nanoTime() - start;
    }

    /** The slowest put of a pass and how many keys had been put before it. */
    private static final class WorstPut {
        long nanos;
        long atSize;
    }
}
