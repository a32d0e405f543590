package io.panamap.bench.result;

/**
 * The {@code grow} workload: N puts of distinct random keys into an empty map.
 *
 * @param n               keys inserted
 * @param size            the map's size afterwards (N unless the random keys collided)
 * @param buildNanos      wall time of a pass without per-put timing, on a fresh map
 * @param buildGc         GC during that pass
 * @param put             latency of every put of the timed pass (includes ~2 x System.nanoTime())
 * @param worstPutNanos   the slowest single put of the timed pass, exact
 * @param worstPutAtSize  how many keys had been put before the slowest put
 * @param timedGc         GC during the timed pass
 * @param noise           the noise floor of the same JVM
 * @param mapStats        the map's stats after the timed pass ("" if it has none)
 */
public record GrowResult(long n, long size, long buildNanos, GcDelta buildGc, LatencySummary put,
                         long worstPutNanos, long worstPutAtSize, GcDelta timedGc, NoiseFloor noise,
                         String mapStats) implements WorkloadResult {

    /** The result type's name in a result line. */
    public static final String KIND = "grow";

    @Override
    public void writeTo(final Fields fields) {
        fields.put("n", n).put("size", size).put("buildNanos", buildNanos);
        buildGc.writeTo(fields, "buildGc");
        put.writeTo(fields, "put");
        fields.put("worstPutNanos", worstPutNanos).put("worstPutAtSize", worstPutAtSize);
        timedGc.writeTo(fields, "timedGc");
        noise.writeTo(fields, "noise");
        fields.put("mapStats", mapStats);
    }

    static GrowResult readFrom(final Fields fields) {
        return new GrowResult(fields.longValue("n"), fields.longValue("size"), fields.longValue("buildNanos"),
                GcDelta.readFrom(fields, "buildGc"), LatencySummary.readFrom(fields, "put"),
                fields.longValue("worstPutNanos"), fields.longValue("worstPutAtSize"),
                GcDelta.readFrom(fields, "timedGc"), NoiseFloor.readFrom(fields, "noise"), fields.string("mapStats"));
    }
}
