package io.panamap.bench;

import io.panamap.bench.result.GcDelta;
import io.panamap.bench.result.GetResult;
import io.panamap.bench.result.GrowResult;
import io.panamap.bench.result.LatencySummary;
import io.panamap.bench.result.MemoryUse;
import io.panamap.bench.result.MixedResult;
import io.panamap.bench.result.NoiseFloor;
import io.panamap.bench.result.OpenLoopResult;
import io.panamap.bench.result.Outcome;
import io.panamap.bench.result.ShardGrowth;
import io.panamap.bench.result.WorkloadResult;

import java.util.List;

/** Made-up results with round numbers, for tests of the result line and the report. */
final class SampleResults {

    private SampleResults() {
    }

    static NoiseFloor noise(final long p9999, final long max) {
        return new NoiseFloor(new LatencySummary(50_000_000, 30, 31, 35, 40, p9999, 20_000, max), 2_000_000_000L);
    }

    static GrowResult grow(final long buildNanos, final long worstNanos, final long worstAtSize,
                           final String stats) {
        return grow(buildNanos, worstNanos, worstAtSize, stats,
                new MemoryUse(10_000_000, 1_000_000, 320_000_000, 50_000_000));
    }

    static GrowResult grow(final long buildNanos, final long worstNanos, final long worstAtSize,
                           final String stats, final MemoryUse memory) {
        return grow(buildNanos, worstNanos, worstAtSize, stats, memory, 25_000);
    }

    /** A grow run whose noise floor measured a worst empty window of {@code noiseMaxNanos}. */
    static GrowResult grow(final long buildNanos, final long worstNanos, final long worstAtSize,
                           final String stats, final MemoryUse memory, final long noiseMaxNanos) {
        return new GrowResult(memory.entries(), memory.entries(), buildNanos, new GcDelta(1, 12),
                new LatencySummary(memory.entries(), 100, 150, 900, 3_000, 7_000, 50_000, worstNanos + 100),
                2 * buildNanos, worstNanos, worstAtSize, new GcDelta(2, 34), noise(45, noiseMaxNanos), memory, stats);
    }

    static GetResult get(final long... roundNanos) {
        return new GetResult(10_000_000, 10_000_000, roundNanos, 0x2a81d7f2acc51541L,
                new LatencySummary(10_000_000, 60, 80, 200, 400, 2_000, 9_000, 40_000), new GcDelta(0, 0),
                noise(40, 30_000), "");
    }

    /**
     * A get run of 10M gets per round whose single-get latency has a p99.99 of {@code latencyP9999}, with its own
     * GC and noise floor, so that a test can tell which run a figure came from.
     */
    static GetResult get(final long latencyP9999, final GcDelta gc, final NoiseFloor noise,
                         final long... roundNanos) {
        return new GetResult(10_000_000, 10_000_000, roundNanos, 0x2a81d7f2acc51541L,
                new LatencySummary(10_000_000, 60, 80, 200, 400, latencyP9999, 9_000, 40_000), gc, noise, "");
    }

    static OpenLoopResult openLoop(final long worstNanos, final long worstAtSize) {
        return new OpenLoopResult(5_000_000, 1_000_000, 5_000_000_000L, 500_000,
                new LatencySummary(5_000_000, 90, 120, 400, 2_000, Math.min(30_000, worstNanos),
                        Math.min(200_000, worstNanos), worstNanos), worstNanos,
                worstAtSize, new GcDelta(0, 0), noise(40, 30_000), "");
    }

    /**
     * A mixed-mt run of 2 threads at N = 1M (5M operations) that took {@code elapsedNanos}, the threads 10% apart,
     * with panamap's shard growth at the end and after the idle pause, or none ({@code atEnd} null).
     */
    static MixedResult mixed(final long elapsedNanos, final long worstNanos, final ShardGrowth atEnd,
                             final ShardGrowth afterIdle, final String stats) {
        return new MixedResult(1_000_000, 2, 5_000_000, elapsedNanos, 1_000_000, List.of(2_500_000L, 2_500_000L),
                List.of(elapsedNanos * 9 / 10, elapsedNanos), new LatencySummary(5_000_000, 150, 300, 900, 4_000,
                        Math.min(20_000, worstNanos), Math.min(300_000, worstNanos), worstNanos), worstNanos, 640_000,
                new GcDelta(3, 45), noise(60, 40_000), atEnd, afterIdle, 300_400_000L, stats);
    }

    static Outcome ok(final String workload, final String contender, final int run,
                      final WorkloadResult result) {
        return Outcome.succeeded(workload, contender, run, result);
    }
}
