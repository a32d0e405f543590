package io.panamap.bench.jmh;

import io.panamap.LongLongMap;
import io.panamap.MapStats;
import io.panamap.bench.workload.Keys;
import io.panamap.memory.MemoryWorker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The puts a growing panamap table makes only a few times per doubling, timed one at a time (single-shot
 * mode): the one that starts a growth, the one that asks the memory worker for the next array, the one that
 * ends a growth, and, for comparison, an ordinary put at the same size.
 *
 * <h2>Why single shots</h2>
 * These puts run code that a table reaches a few dozen times in its life: too rarely for the JIT to compile,
 * so in an application they run interpreted, and an average over millions of puts hides them. Here each
 * iteration builds a fresh {@code LongLongMap} to just before the put in question (untimed, with every
 * ordinary put compiled after the first iterations), lets the memory worker finish what it was asked, and
 * times that one put. The rare paths themselves run once per iteration, as in a real table, so they stay cold:
 * the score is what an application sees. Each iteration's tear-down checks that the put did what its name
 * says (a growth started or ended, a next array was asked for), and fails the run otherwise.
 *
 * <h2>Reading the result</h2>
 * JMH prints the mean and the percentiles of the {@value #SHOTS} shots per fork. One shot includes JMH's
 * own timer reads (well under a microsecond). Single puts on this kind of machine also catch its stalls;
 * compare the {@code ordinary} put's high percentiles before reading much into another one's.
 *
 * <pre>
 * ./panamap jmh RarePutBenchmark
 * ./panamap jmh RarePutBenchmark -p put=startsGrowth -p logBuckets=18
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = RarePutBenchmark.SHOTS)
@Fork(MapBenchmark.FORKS)
public class RarePutBenchmark {

    /**
     * Smallest B: the first table that asks the memory worker for its next array (2^15 buckets; smaller
     * tables map their own, the worker could not have them ready in time).
     */
    static final int MIN_LOG_BUCKETS = 14;
    /** Largest B: its keys (6.5 * 2^B of them) must fit one Java array. */
    static final int MAX_LOG_BUCKETS = 27;

    /** Timed puts per fork. */
    public static final int SHOTS = 40;

    /** The put timed: see the class comment. */
    @Param({"startsGrowth", "asksForNextArray", "endsGrowth", "ordinary"})
    public String put;

    /**
     * {@code B} of the table at that put: it holds 2^B buckets (for {@code startsGrowth}, the doubling goes to
     * 2^(B+1); for {@code endsGrowth}, the doubling into 2^B ends).
     */
    @Param({"14", "16", "18"})
    public int logBuckets;

    private RarePut kind;
    private long[] keys;
    private LongLongMap map;
    private int nextKey;

    /** Draws enough keys for a table of 2^{@code logBuckets} buckets at its load factor (untimed). */
    @Setup(Level.Trial)
    public void drawKeys() {
        if (logBuckets < MIN_LOG_BUCKETS || logBuckets > MAX_LOG_BUCKETS) {
            throw new IllegalArgumentException("logBuckets must be between " + MIN_LOG_BUCKETS + " and "
                    + MAX_LOG_BUCKETS + " (a table of 2^B buckets), not " + logBuckets);
        }
        kind = RarePut.valueOf(put);
        keys = Keys.random(growthThreshold(logBuckets) + 2, MapBenchmark.SEED);
    }

    /** A fresh table, filled to just before the put, with the memory worker's work done (untimed). */
    @Setup(Level.Iteration)
    public void fillToJustBefore() throws InterruptedException {
        map = new LongLongMap();
        nextKey = 0;
        kind.fill(this);
        awaitWorker();
        kind.checkBefore(map.stats(), logBuckets);
    }

    /** The one timed put. */
    @Benchmark
    public long rarePut() {
        final long key = keys[nextKey++];
        return map.put(key, Keys.valueFor(key));
    }

    /** Checks that the timed put was the one its name says, then frees the table (untimed). */
    @TearDown(Level.Iteration)
    public void checkAndClose() throws InterruptedException {
        try {
            awaitWorker();
            kind.checkAfter(map.stats(), logBuckets);
        } finally {
            map.close();
        }
        awaitWorker();
    }

    void putUntilSize(final long size) {
        while (map.size() < size) {
            final long key = keys[nextKey++];
            map.put(key, Keys.valueFor(key));
        }
    }

    void putWhileMoreThanOneChainLeft() {
        MapStats stats = map.stats();
        while (stats.growing() && stats.oldBuckets() - stats.evacuatedOldBuckets() > 1) {
            final long key = keys[nextKey++];
            map.put(key, Keys.valueFor(key));
            stats = map.stats();
        }
    }

    /** Go's schedule: a table of 2^B buckets starts to double at the insert after 6.5 * 2^B entries. */
    static int growthThreshold(final int logBuckets) {
        return 13 << (logBuckets - 1);
    }

    private static void awaitWorker() throws InterruptedException {
        if (!MemoryWorker.awaitIdle(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("panamap's memory worker did not go idle within 60 s");
        }
    }

    /** How each kind of put is set up and checked. */
    enum RarePut {
        startsGrowth {
            @Override
            void fill(final RarePutBenchmark b) {
                b.putUntilSize(growthThreshold(b.logBuckets));
            }

            @Override
            void checkBefore(final MapStats stats, final int logBuckets) {
                require(!stats.growing() && stats.logBuckets() == logBuckets, "a full table of 2^" + logBuckets, stats);
            }

            @Override
            void checkAfter(final MapStats stats, final int logBuckets) {
                require(stats.growing() && stats.logBuckets() == logBuckets + 1, "a doubling started", stats);
            }
        },
        asksForNextArray {
            @Override
            void fill(final RarePutBenchmark b) {
                b.putUntilSize(preparationSize(b.logBuckets) - 1);
            }

            @Override
            void checkBefore(final MapStats stats, final int logBuckets) {
                require(!stats.growing() && stats.logBuckets() == logBuckets && !stats.nextArrayPrepared(),
                        "no next array yet", stats);
            }

            @Override
            void checkAfter(final MapStats stats, final int logBuckets) {
                require(stats.nextArrayPrepared(), "the next array asked for and prepared", stats);
            }
        },
        endsGrowth {
            @Override
            void fill(final RarePutBenchmark b) {
                b.putUntilSize(growthThreshold(b.logBuckets - 1) + 1);
                b.putWhileMoreThanOneChainLeft();
            }

            @Override
            void checkBefore(final MapStats stats, final int logBuckets) {
                require(stats.growing() && stats.logBuckets() == logBuckets
                        && stats.oldBuckets() - stats.evacuatedOldBuckets() == 1, "one old chain left", stats);
            }

            @Override
            void checkAfter(final MapStats stats, final int logBuckets) {
                require(!stats.growing() && stats.logBuckets() == logBuckets, "the doubling ended", stats);
            }
        },
        ordinary {
            @Override
            void fill(final RarePutBenchmark b) {
                b.putUntilSize(preparationSize(b.logBuckets));
            }

            @Override
            void checkBefore(final MapStats stats, final int logBuckets) {
                require(!stats.growing() && stats.logBuckets() == logBuckets && stats.nextArrayPrepared(),
                        "a table past its request, next array ready", stats);
            }

            @Override
            void checkAfter(final MapStats stats, final int logBuckets) {
                checkBefore(stats, logBuckets);
            }
        };

        abstract void fill(RarePutBenchmark benchmark);

        abstract void checkBefore(MapStats stats, int logBuckets);

        abstract void checkAfter(MapStats stats, int logBuckets);

        /**
         * The size at which a table of 2^B buckets asks for its next array: 5/8 of its growth threshold, as the
         * README says (rounded as the table rounds it; {@link #checkAfter} fails the run if that ever changes).
         */
        static long preparationSize(final int logBuckets) {
            final long threshold = growthThreshold(logBuckets);
            return threshold - threshold * 3 / 8;
        }

        static void require(final boolean condition, final String what, final MapStats stats) {
            if (!condition) {
                throw new IllegalStateException("RarePutBenchmark expected " + what + ": " + stats);
            }
        }
    }
}
