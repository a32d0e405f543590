package io.panamap.bench.workload;

import io.panamap.bench.contender.BenchMap;
import io.panamap.bench.contender.ConcurrentBenchMap;
import io.panamap.bench.contender.Contender;
import io.panamap.bench.contender.StringBenchMap;
import io.panamap.bench.result.GetResult;
import io.panamap.bench.result.GrowResult;
import io.panamap.bench.result.MixedResult;
import io.panamap.bench.result.OpenLoopResult;
import io.panamap.bench.result.ShardGrowth;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the workloads measure, on a stand-in map whose behaviour the test sets: it stores nothing (a get answers
 * the value its key implies), allocates nothing, and may sleep in one put. A sleep lasts at least as long as
 * asked whatever else the machine does, so every timing assertion here is a lower bound that stall sets, or
 * compares the stall with operations that do nothing: none depends on how fast the machine is.
 */
class WorkloadMeasurementTest {

    private static final int N = 2_000;
    /** How long the stalled put sleeps: far beyond any operation of a map that does nothing. */
    private static final long STALL_MILLIS = 200;
    private static final long STALL_NANOS = STALL_MILLIS * 1_000_000L;
    /** A stand-in map that never sleeps. */
    private static final int NEVER = 0;
    /** The open loop's rate: one operation every 100 us. */
    private static final long RATE = 10_000;

    /** A spec for {@link #N} keys, one priming call, no minimum noise floor; recordings land in {@code totals}. */
    private static RunSpec spec(final Map<String, Histogram> totals) {
        return new RunSpec(N, 42, 0, 3, 1, RATE, 300_000_000L, 2, line -> { }, new Recordings() {
            @Override
            public void histogram(final String name, final Histogram histogram) {
                totals.put(name, histogram.copy());
            }

            @Override
            public void intervals(final String name, final IntervalRecorder recorder, final long endNanos) {
                totals.put(name, recorder.total().copy());
            }
        });
    }

    private static RunSpec spec() {
        return spec(new HashMap<>());
    }

    /**
     * The stand-in as a contender, with a map of each kind: each map sleeps in its {@code stallAt}th put (counted
     * from 1; {@link #NEVER}: no put sleeps); a concurrent map only through the first accessor it hands out.
     */
    private static Contender standIn(final int stallAt) {
        return new Contender("stand-in", "stores nothing", true, List.of(), n -> new StandInMap(stallAt),
                new Contender.StringMaps("stores nothing", n -> new StandInStringMap(stallAt)))
                .withConcurrentMaps(new Contender.ConcurrentMaps("stores nothing",
                        n -> new StandInConcurrentMap(stallAt)));
    }

    private static void sleepIfStalled(final long put, final int stallAt) {
        if (put == stallAt) {
            try {
                Thread.sleep(STALL_MILLIS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void theWorstPutShouldBeTheStalledOneWithTheKeysPutBeforeIt() {
        // Priming calls put 200 keys per map: only the full passes reach put 1,000, the one with 999 keys before it.
        for (final String workload : List.of("grow", "grow-str")) {
            final Map<String, Histogram> recorded = new HashMap<>();
            final GrowResult result = (GrowResult) Workloads.byName(workload).run(standIn(1_000), spec(recorded));
            assertTrue(result.worstPutNanos() >= STALL_NANOS, workload + ": " + result);
            assertEquals(999, result.worstPutAtSize(), workload + ": " + result);
            assertEquals(1, recorded.get("put").getCountBetweenValues(STALL_NANOS / 2, LatencyHistograms.HIGHEST_NANOS),
                    workload + ": one put in the histogram as slow as the stall");
        }
    }

    @Test
    void anOpenLoopStallShouldBeChargedToEveryOperationQueuedBehindIt() {
        final Map<String, Histogram> recorded = new HashMap<>();
        final OpenLoopResult result = (OpenLoopResult) Workloads.byName("open-loop").run(standIn(100), spec(recorded));
        // Every 10th operation is a put: the 100th put is operation 990, due at 99 ms. It ends at least 200 ms
        // after it was due, and the 500 operations due in the 50 ms after it cannot start before that: with it,
        // 501 operations at least 150 ms late. Timed from when each actually started, only the stall would be.
        final Histogram response = recorded.get("response");
        assertEquals(result.operations(), response.getTotalCount());
        final long queued = response.getCountBetweenValues(STALL_NANOS / 2, LatencyHistograms.HIGHEST_NANOS);
        assertTrue(queued >= 501, "operations at least half a stall late: " + queued);
        assertTrue(result.worstNanos() >= STALL_NANOS, result::toString);
        // The nine gets queued right behind the stalled put saw the same 100 entries.
        assertEquals(100, result.worstAtSize(), result::toString);
    }

    @Test
    void anOpenLoopWhoseLastTenOperationsAreIncompleteShouldStillHaveAKeyForItsLastPut() {
        // 10,000 operations a second for 100.1 ms: 1,001 operations, the last of them the 101st put.
        final RunSpec spec = new RunSpec(N, 42, 0, 3, 1, RATE, 100_100_000L, 2, line -> { }, Recordings.discard());
        final OpenLoopResult result = (OpenLoopResult) Workloads.byName("open-loop").run(standIn(NEVER), spec);
        assertEquals(1_001, result.operations());
        assertEquals(101, result.size());
    }

    @Test
    void mixedMtShouldScaleItsWorstOperationsPutsByTheThreadsAndTimeEachThreadOnItsOwn() {
        // Two threads of 1,000 keys each; the thread that got the map's first accessor sleeps in its 500th put.
        final MixedResult result = (MixedResult) Workloads.byName("mixed-mt").run(standIn(500), spec());
        assertTrue(result.worstNanos() >= STALL_NANOS, result::toString);
        assertEquals(2 * 500, result.worstAtSize(), "its thread's 500 puts, times 2 threads: " + result);
        final long slower = Collections.max(result.threadNanos());
        final long faster = Collections.min(result.threadNanos());
        // Only the sleeper's time has a floor: on a loaded machine the other thread's thousand operations may be
        // descheduled for tens of milliseconds too. Timed from the pass instead, both would read the same.
        assertTrue(slower >= STALL_NANOS && faster < slower,
                "the thread that slept ran longer: " + result.threadNanos());
        assertEquals(slower, result.elapsedNanos(), "the pass ends with its last thread");
    }

    @Test
    void collectionsShouldBeCountedInTheMeasuredPhasesOnly() {
        // Each workload calls System.gc() before it measures (grow twice more, around its memory snapshot); the
        // stand-in map and the timed loops allocate nothing, so the measured phases hold no collection at all.
        final Contender quiet = standIn(NEVER);
        final GrowResult grow = (GrowResult) Workloads.byName("grow").run(quiet, spec());
        assertEquals(0, grow.timedGc().count(), grow::toString);
        assertEquals(0, grow.buildGc().count(), grow::toString);
        final GetResult get = (GetResult) Workloads.byName("get").run(quiet, spec());
        assertEquals(0, get.gc().count(), get::toString);
        final OpenLoopResult openLoop = (OpenLoopResult) Workloads.byName("open-loop").run(quiet, spec());
        assertEquals(0, openLoop.gc().count(), openLoop::toString);
    }

    /** A long map that stores nothing and sleeps in its {@code stallAt}th put. */
    private static final class StandInMap implements BenchMap {
        private final int stallAt;
        private long puts;

        StandInMap(final int stallAt) {
            this.stallAt = stallAt;
        }

        @Override
        public void put(final long key, final long value) {
            sleepIfStalled(++puts, stallAt);
        }

        @Override
        public long get(final long key) {
            return Keys.valueFor(key);
        }

        @Override
        public long remove(final long key) {
            return Keys.valueFor(key);
        }

        @Override
        public long sumEntries() {
            return 0;
        }

        @Override
        public long size() {
            return puts;
        }

        @Override
        public String stats() {
            return "";
        }

        @Override
        public void close() {
        }
    }

    /** A string map that stores nothing and sleeps in its {@code stallAt}th put (grow-str only puts). */
    private static final class StandInStringMap implements StringBenchMap {
        private final int stallAt;
        private long puts;

        StandInStringMap(final int stallAt) {
            this.stallAt = stallAt;
        }

        @Override
        public void put(final String key, final byte[] record) {
            sleepIfStalled(++puts, stallAt);
        }

        @Override
        public long get(final String key) {
            throw new UnsupportedOperationException("the stand-in string map only takes puts");
        }

        @Override
        public long size() {
            return puts;
        }

        @Override
        public String stats() {
            return "";
        }

        @Override
        public void close() {
        }
    }

    /** A map for many threads that stores nothing; the first accessor it hands out sleeps in its stalled put. */
    private static final class StandInConcurrentMap implements ConcurrentBenchMap {
        private final int stallAt;
        private final AtomicInteger accessors = new AtomicInteger();

        StandInConcurrentMap(final int stallAt) {
            this.stallAt = stallAt;
        }

        @Override
        public Accessor accessor() {
            final int stallsAt = accessors.getAndIncrement() == 0 ? stallAt : NEVER;
            return new Accessor() {
                private long puts;

                @Override
                public void put(final long key, final long value) {
                    sleepIfStalled(++puts, stallsAt);
                }

                @Override
                public long get(final long key) {
                    return Keys.valueFor(key);
                }
            };
        }

        @Override
        public long size() {
            return 0;
        }

        @Override
        public String stats() {
            return "";
        }

        @Override
        public ShardGrowth growth() {
            return null;
        }

        @Override
        public void close() {
        }
    }
}
