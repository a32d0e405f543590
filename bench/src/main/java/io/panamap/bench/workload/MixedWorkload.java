package io.panamap.bench.workload;

import io.panamap.bench.contender.ConcurrentBenchMap;
import io.panamap.bench.contender.Contender;
import io.panamap.bench.contender.Contenders;
import io.panamap.bench.result.GcDelta;
import io.panamap.bench.result.LatencySummary;
import io.panamap.bench.result.MixedResult;
import io.panamap.bench.result.NoiseFloor;
import io.panamap.bench.result.ShardGrowth;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code mixed-mt}: {@link RunSpec#threads()} threads at once on one map that starts empty, each a stream of
 * 80% gets of present keys and 20% puts of new keys, every operation timed.
 *
 * <h2>The streams</h2>
 * The N random keys are split into one contiguous share per thread. Thread t's stream is
 * {@value #PUT_EVERY} operations per key of its share: the first of every {@value #PUT_EVERY} a put of its next
 * new key, the other four gets of keys it has already put, chosen at random (xorshift64, seeded per thread). So
 * the map grows from 0 to N entries during the stream, and every get asks for a present key and is checked
 * against its value. A thread reads only keys it put itself (so that a get never races the put of its own key),
 * but keys are random, so every thread's keys are spread over all of a map's shards, segments or bins: threads
 * meet in the same shards all the time, a reader of one shard while another thread writes to it included.
 * Operations in all: 5 N.
 *
 * <h2>Timing</h2>
 * {@code System.nanoTime()} around every single operation, recorded into the thread's own preallocated
 * histograms ({@link IntervalRecorder}: the whole pass and one per interval), so recording neither allocates nor
 * touches anything another thread writes. After the pass the threads' recorders are merged into one (and each
 * thread's whole-pass histogram is saved as well). All threads start at one instant ({@link ThreadTeam}); the
 * pass's wall time runs from there to the end of the last thread, and each thread's throughput is over its own
 * time.
 *
 * <h2>Phases</h2>
 * Generate the keys; JIT priming (the stream loop called {@link RunSpec#primingCalls()} times on a few keys, on
 * small throw-away maps); the whole pass once with every thread, on a throw-away map that is then closed (it
 * compiles every size and touches as much memory as the measured pass will); JIT priming again;
 * {@code System.gc()}; the noise floor, measured by as many threads at once as the pass has, for at least as long
 * as the warm-up pass took; the measured pass on a fresh map. Then, for panamap's sharded map, its shards'
 * growth state ({@link ShardGrowth}: how many are still growing, how long they have held two arrays) at once,
 * and again after {@value #IDLE_PAUSE_NANOS} ns with no operation at all: without writes, only a background
 * evacuator finishes a growth.
 */
final class MixedWorkload implements Workload {

    static final String NAME = "mixed-mt";
    /** One operation in this many is a put of a new key; the others are gets of present keys (80% / 20%). */
    static final int PUT_EVERY = 5;
    /** How long the map is left alone after the pass before its growth state is read again. */
    static final long IDLE_PAUSE_NANOS = 300_000_000L;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "several threads at once on one map that starts empty, each a stream of 80% gets of keys it has put"
                + " and 20% puts of new keys (5 N operations in all); every operation timed with System.nanoTime(),"
                + " the threads' histograms merged";
    }

    @Override
    public boolean isSupportedBy(final Contender contender) {
        return contender.hasConcurrentMaps();
    }

    @Override
    public String needs() {
        return "many threads at once (" + NAME + ")";
    }

    @Override
    public String describe(final Contender contender) {
        return contender.hasConcurrentMaps() ? contender.concurrent().description() : contender.description();
    }

    @Override
    public String baseline() {
        return Contenders.CONCURRENT_BASELINE;
    }

    /** Only when named: it compares a different set of maps, and on more than one thread. */
    @Override
    public boolean runsByDefault() {
        return false;
    }

    @Override
    public MixedResult run(final Contender contender, final RunSpec spec) {
        GcMeter.prepare();
        final int n = spec.n();
        final int threads = spec.threads();
        if (threads > n) {
            throw new IllegalArgumentException(threads + " threads need at least as many keys, not " + n);
        }
        final long[] keys = Keys.random(n, spec.seed());
        final int[] from = new int[threads + 1];
        for (int t = 0; t <= threads; t++) {
            from[t] = (int) ((long) n * t / threads);
        }
        final Stream[] streams = new Stream[threads];
        for (int t = 0; t < threads; t++) {
            streams[t] = new Stream(keys, from[t], from[t + 1], spec.seed() + 0x9E3779B97F4A7C15L * (t + 1));
        }

        spec.progress().accept("warm-up: JIT priming, the whole pass with " + threads + " threads on a throw-away"
                + " map, JIT priming");
        final IntervalRecorder scratch = IntervalRecorder.forPriming();
        prime(contender, keys, spec, scratch);
        final IntervalRecorder[] scratches = new IntervalRecorder[threads];
        for (int t = 0; t < threads; t++) {
            scratches[t] = IntervalRecorder.forPriming();
        }
        final long warmUpNanos;
        try (ConcurrentBenchMap map = contender.createConcurrentMap(n)) {
            warmUpNanos = pass(map, streams, scratches).elapsedNanos();
        }
        prime(contender, keys, spec, scratch);
        // Allocated before the measured pass, all for the same expected duration, so that they merge.
        final IntervalRecorder[] latency = new IntervalRecorder[threads];
        for (int t = 0; t < threads; t++) {
            latency[t] = new IntervalRecorder(warmUpNanos);
        }
        System.gc();
        Quiesce.backgroundWork(contender);

        spec.progress().accept("noise floor: empty timing windows on " + threads + " threads at once");
        final Histogram noiseWindows = LatencyHistograms.create();
        final NoiseFloor noise = noiseFloor(noiseWindows, threads, (long) n * PUT_EVERY / threads,
                Math.max(spec.noiseFloorMinNanos(), warmUpNanos));

        spec.progress().accept("measuring: " + (long) n * PUT_EVERY + " operations on " + threads + " threads, the"
                + " map growing to " + n + " keys");
        try (ConcurrentBenchMap map = contender.createConcurrentMap(n)) {
            final GcMeter gc = GcMeter.start();
            final ThreadTeam.Timing timing = pass(map, streams, latency);
            final GcDelta gcDelta = gc.stop();
            final ShardGrowth atEnd = map.growth();
            final long size = map.size();
            spec.progress().accept("idle: " + IDLE_PAUSE_NANOS / 1_000_000 + " ms without operations");
            final long idleStart = System.nanoTime();
            sleep(IDLE_PAUSE_NANOS);
            final ShardGrowth afterIdle = map.growth();
            final long idleNanos = System.nanoTime() - idleStart;
            final String stats = map.stats();

            final List<Long> threadOperations = new ArrayList<>();
            final List<Long> threadNanos = new ArrayList<>();
            long worstNanos = -1;
            long worstAtSize = -1;
            for (int t = 0; t < threads; t++) {
                threadOperations.add(streams[t].operations());
                threadNanos.add(timing.endNanos()[t] - timing.startNanos());
                if (streams[t].worstNanos > worstNanos) {
                    worstNanos = streams[t].worstNanos;
                    worstAtSize = streams[t].worstAtPuts * threads;
                }
            }
            final IntervalRecorder merged = IntervalRecorder.merge(Arrays.asList(latency));
            spec.recordings().histogram("noise", noiseWindows);
            spec.recordings().intervals("op", merged, timing.lastEndNanos());
            for (int t = 0; t < threads; t++) {
                spec.recordings().histogram("op-thread" + (t + 1), latency[t].total());
            }
            return new MixedResult(n, threads, (long) n * PUT_EVERY, timing.elapsedNanos(), size, threadOperations,
                    threadNanos, LatencySummary.of(merged.total()), worstNanos, worstAtSize, gcDelta, noise, atEnd,
                    afterIdle, idleNanos, stats);
        }
    }

    /** Every thread runs its stream on {@code map} at once, recording into its own recorder. */
    private static ThreadTeam.Timing pass(final ConcurrentBenchMap map, final Stream[] streams,
                                          final IntervalRecorder[] recorders) {
        final ConcurrentBenchMap.Accessor[] accessors = new ConcurrentBenchMap.Accessor[streams.length];
        return ThreadTeam.run(NAME, streams.length, new ThreadTeam.Member() {
            @Override
            public void prepare(final int thread, final long startNanos) {
                accessors[thread] = map.accessor();
                recorders[thread].start(startNanos);
            }

            @Override
            public long run(final int thread, final long startNanos) {
                return streams[thread].run(accessors[thread], recorders[thread]);
            }
        });
    }

    /**
     * Calls the stream loop {@link RunSpec#primingCalls()} times on this thread, each on a new small map, so that
     * the JIT compiles it as a whole method (see {@link RunSpec#DEFAULT_PRIMING_CALLS}).
     */
    private static void prime(final Contender contender, final long[] keys, final RunSpec spec,
                              final IntervalRecorder scratch) {
        final int count = Math.min(RunSpec.PRIMING_KEYS, keys.length);
        final Stream stream = new Stream(keys, 0, count, spec.seed());
        for (int call = 0; call < spec.primingCalls(); call++) {
            try (ConcurrentBenchMap map = contender.createConcurrentMap(count)) {
                scratch.startNow();
                stream.run(map.accessor(), scratch);
            }
        }
    }

    /**
     * The noise floor as {@code threads} threads see it at once: each records empty timing windows into a
     * histogram of its own (at least {@code minWindows}, for at least {@code minNanos}); merged into
     * {@code merged}.
     */
    private static NoiseFloor noiseFloor(final Histogram merged, final int threads, final long minWindows,
                                         final long minNanos) {
        final Histogram[] windows = new Histogram[threads];
        for (int t = 0; t < threads; t++) {
            windows[t] = LatencyHistograms.create();
        }
        final ThreadTeam.Timing timing = ThreadTeam.run("noise", threads, new ThreadTeam.Member() {
            @Override
            public void prepare(final int thread, final long startNanos) {
            }

            @Override
            public long run(final int thread, final long startNanos) {
                NoiseFloorMeter.measure(windows[thread], minWindows, minNanos);
                return System.nanoTime();
            }
        });
        for (final Histogram histogram : windows) {
            merged.add(histogram);
        }
        return new NoiseFloor(LatencySummary.of(merged), timing.elapsedNanos());
    }

    private static void sleep(final long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the idle pause", e);
        }
    }

    /** One thread's stream: its share of the keys, its random choices, and what it keeps of its slowest operation. */
    private static final class Stream {
        private final long[] keys;
        private final int from;
        private final int to;
        private final long seed;
        long worstNanos;
        long worstAtPuts;

        Stream(final long[] keys, final int from, final int to, final long seed) {
            this.keys = keys;
            this.from = from;
            this.to = to;
            this.seed = seed;
        }

        long operations() {
            return (long) (to - from) * PUT_EVERY;
        }

        /**
         * Runs the stream once on {@code map}, recording each operation's latency into {@code latency} (already
         * started); returns when it ended ({@link System#nanoTime()}).
         */
        long run(final ConcurrentBenchMap.Accessor map, final IntervalRecorder latency) {
            final long[] keys = this.keys;
            final int from = this.from;
            final long operations = operations();
            long random = seed | 1;
            int stored = from;
            long worst = -1;
            long worstAt = -1;
            long end = System.nanoTime();
            for (long i = 0; i < operations; i++) {
                final long start = System.nanoTime();
                final long key;
                final long value;
                if (i % PUT_EVERY == 0) {
                    key = keys[stored++];
                    map.put(key, Keys.valueFor(key));
                    value = Keys.valueFor(key);
                } else {
                    // xorshift64: a key this thread has put, chosen without allocating or touching shared state.
                    random ^= random << 13;
                    random ^= random >>> 7;
                    random ^= random << 17;
                    key = keys[from + (int) ((random >>> 1) % (stored - from))];
                    value = map.get(key);
                }
                end = System.nanoTime();
                if (value != Keys.valueFor(key)) {
                    throw new IllegalStateException("the map returned a wrong value for key " + key + ": " + value);
                }
                final long elapsed = end - start;
                latency.record(elapsed, end);
                if (elapsed > worst) {
                    worst = elapsed;
                    worstAt = stored - from;
                }
            }
            worstNanos = worst;
            worstAtPuts = worstAt;
            return end;
        }
    }
}
