package io.panamap.bench.workload;

import io.panamap.bench.contender.Contender;
import io.panamap.bench.result.GcDelta;
import io.panamap.bench.result.LatencySummary;
import io.panamap.bench.result.NoiseFloor;
import io.panamap.bench.result.OpenLoopResult;
import org.HdrHistogram.Histogram;

/**
 * An open-loop stream of one key type, and the phases that measure it: operations sent at a fixed rate
 * ({@link RunSpec#openLoopRate()} per second for {@link RunSpec#openLoopNanos()}), as requests reach a
 * service: every {@value #PUT_EVERY}th operation puts a new key (so the map, which starts empty, keeps
 * growing), the others get a present key chosen at random and check what came back.
 *
 * <p>Each operation's latency is measured from its <em>intended</em> start time ({@code start + i / rate}), not
 * from when the loop got round to it. A stall therefore counts against every operation that should have run
 * during it, as it would for a caller waiting in a queue: this is what coordinated omission leaves out of a
 * closed loop. Nothing is corrected afterwards (the histogram is recorded plainly), so the correction is
 * applied exactly once.
 *
 * <p>Phases: JIT priming (the stream loop on a few operations, at the real rate and then unthrottled, on small
 * throw-away maps); the whole stream once, unthrottled, on a throw-away map (compiles every size and touches
 * as much memory as the measured stream will); {@code System.gc()}; the noise floor; the measured stream on a
 * fresh map.
 *
 * <p>A key type's subclass holds the keys and the map the operations go to. Each open-loop workload has its
 * own, and a child JVM runs one workload, so the JIT sees one implementation and inlines its operations.
 */
abstract class OpenLoopStream {

    /** One operation in this many is a put of a new key; the rest are gets (90% gets, 10% puts). */
    static final int PUT_EVERY = 10;

    private long worstNanos;
    private long worstAtSize;

    /** How many keys a stream of {@code operations} puts: the keys a subclass must hold. */
    static int putsIn(final long operations) {
        final long puts = (operations + PUT_EVERY - 1) / PUT_EVERY;
        if (puts > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("open-loop stream too long: " + operations + " operations");
        }
        return (int) puts;
    }

    /** Makes a new empty map of {@code contender}, for {@code capacity} keys, for the operations to use. */
    abstract void openMap(Contender contender, int capacity);

    /** Closes the map {@link #openMap} made. */
    abstract void closeMap();

    /** Puts key {@code index}, a new one. */
    abstract void putNew(int index);

    /** Gets key {@code index}, a present one, and checks the value. */
    abstract void getPresent(int index);

    /** The map's entries. */
    abstract long mapSize();

    /** The map's own description of its state, for the report. */
    abstract String mapStats();

    final OpenLoopResult measure(final Contender contender, final RunSpec spec) {
        GcMeter.prepare();
        final long operations = spec.openLoopOperations();
        final int capacity = putsIn(operations);
        final double nanosPerOperation = 1e9 / spec.openLoopRate();

        spec.progress().accept("warm-up: JIT priming, the whole stream unthrottled on a throw-away map");
        final IntervalRecorder scratch = IntervalRecorder.forPriming();
        // Priming runs at the real rate, so the pacing loop is compiled with its wait taken: a first wait in the
        // measured stream would otherwise deoptimize the loop there, a stall of the harness, not of the map.
        final int primingOperations = Math.min(RunSpec.PRIMING_KEYS, (int) operations);
        // The unthrottled calls run ten times longer: long enough for a growth that outlasts one write while
        // gets go on (200 operations hold only 20 puts), so that the loop is never compiled without that path.
        final int unthrottledPrimingOperations = Math.min(10 * RunSpec.PRIMING_KEYS, (int) operations);
        for (int call = 0; call < spec.primingCalls(); call++) {
            openMap(contender, capacity);
            try {
                run(primingOperations, nanosPerOperation, scratch, spec.seed());
                run(unthrottledPrimingOperations, 0, scratch, spec.seed());
            } finally {
                closeMap();
            }
        }
        openMap(contender, capacity);
        try {
            run(operations, 0, scratch, spec.seed());
        } finally {
            closeMap();
        }
        final IntervalRecorder latency = new IntervalRecorder(spec.openLoopNanos());
        System.gc();
        Quiesce.backgroundWork(contender);

        spec.progress().accept("noise floor: empty timing windows");
        final Histogram noiseWindows = LatencyHistograms.create();
        final NoiseFloor noise = NoiseFloorMeter.measure(noiseWindows, 0, spec.noiseFloorMinNanos());

        spec.progress().accept("measuring: " + operations + " operations at " + spec.openLoopRate() + "/s");
        openMap(contender, capacity);
        try {
            final GcMeter gc = GcMeter.start();
            final long elapsed = run(operations, nanosPerOperation, latency, spec.seed());
            final long end = System.nanoTime();
            final GcDelta gcDelta = gc.stop();
            spec.recordings().histogram("noise", noiseWindows);
            spec.recordings().intervals("response", latency, end);
            return new OpenLoopResult(operations, spec.openLoopRate(), elapsed, mapSize(),
                    LatencySummary.of(latency.total()), worstNanos, worstAtSize, gcDelta, noise, mapStats());
        } finally {
            closeMap();
        }
    }

    /**
     * Runs {@code operations} operations, one every {@code nanosPerOperation} (0: as fast as possible), and
     * records each one's latency from its intended start. Returns the wall time of the whole stream.
     */
    private long run(final long operations, final double nanosPerOperation, final IntervalRecorder latency,
                     final long seed) {
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
            if (i % PUT_EVERY == 0) {
                putNew(stored++);
            } else {
                // xorshift64: a present key chosen without allocating or touching shared state.
                random ^= random << 13;
                random ^= random >>> 7;
                random ^= random << 17;
                getPresent((int) ((random >>> 1) % stored));
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
