package io.panamap.bench.workload;

import io.panamap.bench.contender.Contender;
import io.panamap.bench.contender.StringBenchMap;
import io.panamap.bench.result.GcDelta;
import io.panamap.bench.result.GrowResult;
import io.panamap.bench.result.LatencySummary;
import io.panamap.bench.result.MemoryUse;
import io.panamap.bench.result.NoiseFloor;
import org.HdrHistogram.Histogram;

import java.util.Arrays;

/**
 * {@code grow-str}: put N string ids with their 64-byte records ({@link StringKeys}) into an empty map, timing
 * every put. The phases are {@link GrowWorkload}'s (JIT priming, a timed pass at full N on a throw-away map,
 * priming again, the noise floor, the timed pass, the memory, the build pass); this class differs in what it
 * puts and in when the keys exist.
 *
 * <p>Each put first fills one reused 64-byte array with the key's record (outside the timed window), then
 * times {@link StringBenchMap#put} of the key and that array; the map copies the record
 * ({@link StringBenchMap} says how each does).
 *
 * <p>Memory: {@code HashMap} keeps the very {@code String}s it is given, which the native maps copy as UTF-8
 * and let go. So that each map is charged for what it keeps, the heap and the native side are measured over
 * different snapshots (each after a full GC):
 * <ol>
 *   <li>heap before: the timed pass's keys do not exist yet;</li>
 *   <li>native before: the keys exist (right before the timed pass);</li>
 *   <li>native after: the keys and the map exist;</li>
 *   <li>heap after: the harness has dropped its keys; only the map may hold them.</li>
 * </ol>
 * Live heap growth is 4 minus 1: a map that kept the keys pays for them, one that copied them does not.
 * Native growth is 3 minus 2, with the keys alive in both, so the heap pages they were made in do not pass
 * for native memory (they would: G1 keeps pages it has committed and touched, and resident-memory growth
 * minus committed-heap growth would count them). In {@code grow} the keys are a {@code long[]} alive in both
 * of its two snapshots, and no map keeps it. The keys are made three times, always outside the timed passes:
 * for the warm-up, for the timed pass and for the build pass.
 */
final class StringGrowWorkload implements Workload {

    static final String NAME = KeyType.STRING.workload("grow");

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
        return "put N string ids (16-26 ASCII characters) with 64-byte records into an empty map; every put timed"
                + " with System.nanoTime() (build time: a second pass without per-put timing, on a fresh map);"
                + " memory counts the key Strings a map keeps";
    }

    @Override
    public GrowResult run(final Contender contender, final RunSpec spec) {
        GcMeter.prepare();
        final int n = spec.n();
        String[] keys = StringKeys.ids(n, spec.seed());
        final byte[] record = new byte[StringBenchMap.VALUE_SIZE];
        final WorstPut worst = new WorstPut();

        spec.progress().accept("warm-up: JIT priming, a timed pass at full N on a throw-away map, JIT priming");
        final String[] primingKeys = Arrays.copyOf(keys, Math.min(RunSpec.PRIMING_KEYS, n));
        final IntervalRecorder scratch = IntervalRecorder.forPriming();
        prime(contender, primingKeys, record, spec.primingCalls(), scratch, worst);
        final long warmUpStart = System.nanoTime();
        try (StringBenchMap map = contender.createStringMap(n)) {
            timedPuts(map, keys, record, scratch, worst);
        }
        final long warmUpPassNanos = System.nanoTime() - warmUpStart;
        prime(contender, primingKeys, record, spec.primingCalls(), scratch, worst);
        final IntervalRecorder putLatency = new IntervalRecorder(warmUpPassNanos);
        keys = null; // made again after the memory snapshot below
        System.gc();
        Quiesce.backgroundWork(contender);

        spec.progress().accept("noise floor: empty timing windows");
        final Histogram noiseWindows = LatencyHistograms.create();
        final NoiseFloor noise = NoiseFloorMeter.measure(noiseWindows, n,
                spec.noiseFloorNanosFor(warmUpPassNanos));

        final MemoryMeter heapBefore = MemoryMeter.snapshot();
        spec.progress().accept("keys for the timed pass (untimed)");
        keys = StringKeys.ids(n, spec.seed());
        final MemoryMeter nativeBefore = MemoryMeter.snapshot();
        spec.progress().accept("measuring: timed pass");
        final GcDelta timedGc;
        final long timedNanos;
        final long timedEnd;
        final long size;
        final String stats;
        final MemoryUse memory;
        try (StringBenchMap map = contender.createStringMap(n)) {
            final GcMeter gc = GcMeter.start();
            final long timedStart = System.nanoTime();
            timedPuts(map, keys, record, putLatency, worst);
            timedEnd = System.nanoTime();
            timedNanos = timedEnd - timedStart;
            timedGc = gc.stop();
            size = map.size();
            stats = map.stats();
            spec.progress().accept("memory: full GCs with the map alive, before and after the harness drops its keys");
            final MemoryMeter nativeAfter = MemoryMeter.snapshot();
            keys = null; // only the map may keep them now
            memory = MemoryMeter.between(size, heapBefore, MemoryMeter.snapshot(), nativeBefore, nativeAfter);
        }
        System.gc();
        Quiesce.backgroundWork(contender);

        spec.progress().accept("measuring: build pass without per-put timing");
        keys = StringKeys.ids(n, spec.seed());
        final long buildNanos;
        final GcDelta buildGc;
        try (StringBenchMap map = contender.createStringMap(n)) {
            final GcMeter gc = GcMeter.start();
            buildNanos = untimedPuts(map, keys, record);
            buildGc = gc.stop();
        }

        spec.recordings().intervals("put", putLatency, timedEnd);
        spec.recordings().histogram("noise", noiseWindows);
        return new GrowResult(n, size, buildNanos, buildGc, LatencySummary.of(putLatency.total()), timedNanos,
                worst.nanos, worst.atSize, timedGc, noise, memory, stats);
    }

    /** Calls both loops {@code calls} times on {@code keys}, each on a new map (see {@link RunSpec#primingCalls()}). */
    private static void prime(final Contender contender, final String[] keys, final byte[] record, final int calls,
                              final IntervalRecorder scratch, final WorstPut worst) {
        for (int call = 0; call < calls; call++) {
            try (StringBenchMap map = contender.createStringMap(keys.length)) {
                timedPuts(map, keys, record, scratch, worst);
            }
            try (StringBenchMap map = contender.createStringMap(keys.length)) {
                untimedPuts(map, keys, record);
            }
        }
    }

    /**
     * Puts every key with its record, recording each put's latency (the record is filled before the clock is
     * read); keeps the slowest put in {@code worst}.
     */
    private static void timedPuts(final StringBenchMap map, final String[] keys, final byte[] record,
                                  final IntervalRecorder latency, final WorstPut worst) {
        long worstNanos = -1;
        int worstAt = -1;
        latency.startNow();
        for (int i = 0; i < keys.length; i++) {
            StringKeys.fillRecord(i, record);
            final String key = keys[i];
            final long start = System.nanoTime();
            map.put(key, record);
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

    /** Puts every key with its record; returns the wall time of the whole loop, record filling included. */
    private static long untimedPuts(final StringBenchMap map, final String[] keys, final byte[] record) {
        final long start = System.nanoTime();
        for (int i = 0; i < keys.length; i++) {
            StringKeys.fillRecord(i, record);
            map.put(keys[i], record);
        }
        return System.nanoTime() - start;
    }

    /** The slowest put of a pass and how many keys had been put before it. */
    private static final class WorstPut {
        long nanos;
        long atSize;
    }
}
