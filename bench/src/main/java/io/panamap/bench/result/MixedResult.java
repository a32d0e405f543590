package io.panamap.bench.result;

import java.util.Arrays;
import java.util.List;

/**
 * The {@code mixed-mt} workload: several threads at once, each a stream of gets of present keys and puts of new
 * keys into one map that starts empty, every operation timed; the threads' histograms merged.
 *
 * @param n                keys put in all (the map's final size, unless random keys collided)
 * @param threads          worker threads
 * @param operations       operations of all threads
 * @param elapsedNanos     wall time from the common start to the end of the last thread
 * @param size             entries at the end
 * @param threadOperations each thread's operations, by thread
 * @param threadNanos      each thread's wall time from the common start to its own end, by thread
 * @param op               latency of every operation of every thread (merged; includes ~2 x System.nanoTime())
 * @param worstNanos       the slowest single operation, exact
 * @param worstAtSize      about how many entries the map held then: the puts its thread had done, times the
 *                         number of threads (the threads advance at about the same pace; no shared counter is
 *                         kept, as it would be one more contended cache line)
 * @param gc               GC during the measured phase
 * @param noise            the noise floor of the same JVM, measured by as many threads at once
 * @param growthAtEnd      panamap's shards when the last thread ended, or null for other maps
 * @param growthAfterIdle  the same after {@code idleNanos} with no operations, or null
 * @param idleNanos        how long the map was left alone before {@code growthAfterIdle} was read
 * @param mapStats         the map's stats after the idle pause ("" if it has none)
 */
public record MixedResult(long n, int threads, long operations, long elapsedNanos, long size,
                          List<Long> threadOperations, List<Long> threadNanos, LatencySummary op, long worstNanos,
                          long worstAtSize, GcDelta gc, NoiseFloor noise, ShardGrowth growthAtEnd,
                          ShardGrowth growthAfterIdle, long idleNanos, String mapStats) implements WorkloadResult {

    /** The result type's name in a result line. */
    public static final String KIND = "mixed";

    public MixedResult {
        threadOperations = List.copyOf(threadOperations);
        threadNanos = List.copyOf(threadNanos);
        if (threadOperations.size() != threads || threadNanos.size() != threads) {
            throw new IllegalArgumentException("one operation count and one duration per thread: " + threads
                    + " threads, " + threadOperations + ", " + threadNanos);
        }
    }

    /** Operations per second of all threads together. */
    public double operationsPerSecond() {
        return elapsedNanos == 0 ? 0 : operations * 1e9 / elapsedNanos;
    }

    /** Operations per second of thread {@code thread} (0-based), over its own wall time. */
    public double threadPerSecond(final int thread) {
        final long nanos = threadNanos.get(thread);
        return nanos == 0 ? 0 : threadOperations.get(thread) * 1e9 / nanos;
    }

    /** The slowest thread's operations per second. */
    public double slowestThreadPerSecond() {
        double slowest = Double.MAX_VALUE;
        for (int t = 0; t < threads; t++) {
            slowest = Math.min(slowest, threadPerSecond(t));
        }
        return slowest;
    }

    /** The fastest thread's operations per second. */
    public double fastestThreadPerSecond() {
        double fastest = 0;
        for (int t = 0; t < threads; t++) {
            fastest = Math.max(fastest, threadPerSecond(t));
        }
        return fastest;
    }

    @Override
    public void writeTo(final Fields fields) {
        fields.put("n", n).put("threads", threads).put("operations", operations).put("elapsedNanos", elapsedNanos)
                .put("size", size).put("threadOperations", toArray(threadOperations))
                .put("threadNanos", toArray(threadNanos));
        op.writeTo(fields, "op");
        fields.put("worstNanos", worstNanos).put("worstAtSize", worstAtSize);
        gc.writeTo(fields, "gc");
        noise.writeTo(fields, "noise");
        if (growthAtEnd != null) {
            growthAtEnd.writeTo(fields, "growthAtEnd");
        }
        if (growthAfterIdle != null) {
            growthAfterIdle.writeTo(fields, "growthAfterIdle");
        }
        fields.put("idleNanos", idleNanos).put("mapStats", mapStats);
    }

    static MixedResult readFrom(final Fields fields) {
        return new MixedResult(fields.longValue("n"), Math.toIntExact(fields.longValue("threads")),
                fields.longValue("operations"), fields.longValue("elapsedNanos"), fields.longValue("size"),
                toList(fields.longs("threadOperations")), toList(fields.longs("threadNanos")),
                LatencySummary.readFrom(fields, "op"), fields.longValue("worstNanos"), fields.longValue("worstAtSize"),
                GcDelta.readFrom(fields, "gc"), NoiseFloor.readFrom(fields, "noise"),
                ShardGrowth.readFrom(fields, "growthAtEnd"), ShardGrowth.readFrom(fields, "growthAfterIdle"),
                fields.longValue("idleNanos"), fields.string("mapStats"));
    }

    private static long[] toArray(final List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static List<Long> toList(final long[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}
