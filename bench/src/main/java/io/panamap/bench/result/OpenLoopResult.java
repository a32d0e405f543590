package io.panamap.bench.result;

/**
 * The {@code open-loop} workload: a fixed-rate stream of gets and puts, each operation's latency measured from
 * its intended start time.
 *
 * @param operations   operations in the measured stream
 * @param rate         intended operations per second
 * @param elapsedNanos wall time of the stream (more than operations / rate when the map fell behind)
 * @param size         entries at the end
 * @param response     latency of every operation from its intended start (queueing included)
 * @param worstNanos   the slowest operation, exact
 * @param worstAtSize  entries in the map when it ended
 * @param gc           GC during the stream
 * @param noise        the noise floor of the same JVM
 * @param mapStats     the map's stats at the end ("" if it has none)
 */
public record OpenLoopResult(long operations, long rate, long elapsedNanos, long size, LatencySummary response,
                             long worstNanos, long worstAtSize, GcDelta gc, NoiseFloor noise, String mapStats)
        implements WorkloadResult {

    /** The result type's name in a result line. */
    public static final String KIND = "open-loop";

    /** Entries at the end: the open loop's N. */
    @Override
    public long n() {
        return size;
    }

    /**
     * Operations per second actually achieved: over the longer of the stream's wall time and its schedule
     * ({@code operations / rate}). The wall time ends with the last operation, which is scheduled at
     * {@code (operations - 1) / rate}, so over it alone a short stream that kept up reads above its rate.
     */
    public double achievedPerSecond() {
        final double scheduleNanos = rate == 0 ? 0 : operations * 1e9 / rate;
        final double span = Math.max(elapsedNanos, scheduleNanos);
        return span == 0 ? 0 : operations * 1e9 / span;
    }

    @Override
    public void writeTo(final Fields fields) {
        fields.put("operations", operations).put("rate", rate).put("elapsedNanos", elapsedNanos).put("size", size);
        response.writeTo(fields, "response");
        fields.put("worstNanos", worstNanos).put("worstAtSize", worstAtSize);
        gc.writeTo(fields, "gc");
        noise.writeTo(fields, "noise");
        fields.put("mapStats", mapStats);
    }

    static OpenLoopResult readFrom(final Fields fields) {
        return new OpenLoopResult(fields.longValue("operations"), fields.longValue("rate"),
                fields.longValue("elapsedNanos"), fields.longValue("size"), LatencySummary.readFrom(fields, "response"),
                fields.longValue("worstNanos"), fields.longValue("worstAtSize"), GcDelta.readFrom(fields, "gc"),
                NoiseFloor.readFrom(fields, "noise"), fields.string("mapStats"));
    }
}
