package io.panamap.bench.result;

/**
 * The machine's noise floor as one JVM saw it: a histogram of empty timing windows (two back-to-back
 * {@code System.nanoTime()} calls, the same shape as a timed operation without the operation).
 * A map stall shorter than {@link LatencySummary#max() windows.max} cannot be told from a machine hiccup.
 *
 * @param windows        the empty windows, in nanoseconds
 * @param durationNanos  wall time spent collecting them
 */
public record NoiseFloor(LatencySummary windows, long durationNanos) {

    void writeTo(final Fields fields, final String prefix) {
        windows.writeTo(fields, prefix);
        fields.put(prefix + ".durationNanos", durationNanos);
    }

    static NoiseFloor readFrom(final Fields fields, final String prefix) {
        return new NoiseFloor(LatencySummary.readFrom(fields, prefix), fields.longValue(prefix + ".durationNanos"));
    }
}
