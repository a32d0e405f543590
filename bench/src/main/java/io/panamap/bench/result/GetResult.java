package io.panamap.bench.result;

import java.util.Arrays;

/**
 * The {@code get} workload: rounds of gets of present keys, in shuffled order, on a map built with N keys.
 *
 * @param n            keys in the map
 * @param getsPerRound gets per timed round
 * @param roundNanos   wall time of each timed round (the warm-up round is not included)
 * @param checksum     sum of the values one round returned (a blackhole the JIT cannot remove; every round
 *                     returned the same sum, the one the keys imply)
 * @param get          latency of the gets timed one by one after the rounds (the first ones of one more round)
 * @param gc           GC during the timed rounds, the latency round included
 * @param noise        the noise floor of the same JVM
 * @param mapStats     the map's stats after the timed rounds ("" if it has none)
 */
public record GetResult(long n, long getsPerRound, long[] roundNanos, long checksum, LatencySummary get, GcDelta gc,
                        NoiseFloor noise, String mapStats) implements WorkloadResult {

    /** The result type's name in a result line. */
    public static final String KIND = "get";

    public GetResult {
        if (roundNanos.length == 0) {
            throw new IllegalArgumentException("no timed rounds");
        }
        roundNanos = roundNanos.clone();
    }

    /** Wall time of each round, in order. */
    @Override
    public long[] roundNanos() {
        return roundNanos.clone();
    }

    /** Gets per second in the median round. */
    public double getsPerSecond() {
        return 1e9 / medianNsPerGet();
    }

    /** Nanoseconds per get in the fastest round. */
    public double bestNsPerGet() {
        return (double) Arrays.stream(roundNanos).min().orElseThrow() / getsPerRound;
    }

    /** Nanoseconds per get in the median round (for an even count, the mean of the two middle rounds). */
    public double medianNsPerGet() {
        final long[] sorted = roundNanos.clone();
        Arrays.sort(sorted);
        final int middle = sorted.length / 2;
        final double median = sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
        return median / getsPerRound;
    }

    @Override
    public void writeTo(final Fields fields) {
        fields.put("n", n).put("getsPerRound", getsPerRound).put("roundNanos", roundNanos)
                .put("checksum", checksum);
        get.writeTo(fields, "get");
        gc.writeTo(fields, "gc");
        noise.writeTo(fields, "noise");
        fields.put("mapStats", mapStats);
    }

    static GetResult readFrom(final Fields fields) {
        return new GetResult(fields.longValue("n"), fields.longValue("getsPerRound"), fields.longs("roundNanos"),
                fields.longValue("checksum"), LatencySummary.readFrom(fields, "get"), GcDelta.readFrom(fields, "gc"), NoiseFloor.readFrom(fields, "noise"),
                fields.string("mapStats"));
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof GetResult other && n == other.n && getsPerRound == other.getsPerRound
                && Arrays.equals(roundNanos, other.roundNanos) && checksum == other.checksum
                && get.equals(other.get) && gc.equals(other.gc) && noise.equals(other.noise) && mapStats.equals(other.mapStats);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(roundNanos) + Long.hashCode(checksum);
    }

    @Override
    public String toString() {
        return "GetResult[n=" + n + ", getsPerRound=" + getsPerRound + ", roundNanos=" + Arrays.toString(roundNanos)
                + ", checksum=" + checksum + ", get=" + get + ", gc=" + gc + ", noise=" + noise + ", mapStats=" + mapStats + "]";
    }
}
