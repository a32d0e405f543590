package io.panamap.bench.result;

/**
 * The {@code grow} workload: N puts of distinct random keys into an empty map.
 *
 * @param n               keys inserted
 * @param size            the map's size afterwards (N unless the random keys collided)
 * @param buildNanos      wall time of a pass without per-put timing, on a fresh map
 * @param buildGc         GC during that pass
 * @param put             latency of every put of the timed pass (includes ~2 x System.nanoTime())
 * @param timedNanos      wall time of the timed pass (its throughput: n / timedNanos)
 * @param worstPutNanos   the slowest single put of the timed pass, exact
 * @param worstPutAtSize  how many keys had been put before the slowest put
 * @param timedGc         GC during the timed pass
 * @param noise           the noise floor of the same JVM
 * @param memory          what the map of the timed pass occupied at its end
 * @param mapStats        the map's stats after the timed pass ("" if it has none)
 */
public record GrowResult(long n, long size, long buildNanos, GcDelta buildGc, LatencySummary put,
                         long timedNanos, long worstPutNanos, long worstPutAtSize, GcDelta timedGc, NoiseFloor noise,
                         MemoryUse memory, String mapStats) implements WorkloadResult {

    /** The result type's name in a result line. */
    public static final String KIND = "grow";

    /** Puts per second of the timed pass (clock reads included). */
    public double putsPerSecond() {
        return timedNanos == 0 ? 0 : n * 1e9 / timedNanos;
    }

    @Override
    public void writeTo(final Fields fields) {
        fields.put("n", n).put("size", size).put("buildNanos", buildNanos);
        buildGc.writeTo(fields, "buildGc");
        put.writeTo(fields, "put");
        fields.put("timedNanos", timedNanos).put("worstPutNanos", worstPutNanos).put("worstPutAtSize", worstPutAtSize);
        timedGc.writeTo(fields, "timedGc");
        noise.writeTo(fields, "noise");
        memory.writeTo(fields, "memory");
        fields.put("mapStats", mapStats);
    }

    static GrowResult readFrom(final Fields fields) {
        return new GrowResult(fields.longValue("n"), fields.longValue("size"), fields.longValue("buildNanos"),
                GcDelta.readFrom(fields, "buildGc"), LatencySummary.readFrom(fields, "put"),
                fields.longValue("timedNanos"), fields.longValue("worstPutNanos"), fields.longValue("worstPutAtSize"),
                GcDelta.readFrom(fields, "timedGc"), NoiseFloor.readFrom(fields, "noise"),
                MemoryUse.readFrom(fields, "memory"), fields.string("mapStats"));
    }
}
