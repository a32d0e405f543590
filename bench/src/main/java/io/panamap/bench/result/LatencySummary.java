package io.panamap.bench.result;

import org.HdrHistogram.Histogram;

/**
 * The percentiles the project reports for a latency histogram (values in nanoseconds). Percentiles carry
 * HdrHistogram's precision (3 significant digits); {@code max} is the histogram's highest equivalent value.
 */
public record LatencySummary(long count, long p50, long p90, long p99, long p999, long p9999, long p99999,
                             long max) {

    /** The summary of {@code histogram}. */
    public static LatencySummary of(final Histogram histogram) {
        return new LatencySummary(histogram.getTotalCount(),
                histogram.getValueAtPercentile(50.0),
                histogram.getValueAtPercentile(90.0),
                histogram.getValueAtPercentile(99.0),
                histogram.getValueAtPercentile(99.9),
                histogram.getValueAtPercentile(99.99),
                histogram.getValueAtPercentile(99.999),
                histogram.getMaxValue());
    }

    void writeTo(final Fields fields, final String prefix) {
        fields.put(prefix + ".count", count)
                .put(prefix + ".p50", p50)
                .put(prefix + ".p90", p90)
                .put(prefix + ".p99", p99)
                .put(prefix + ".p99_9", p999)
                .put(prefix + ".p99_99", p9999)
                .put(prefix + ".p99_999", p99999)
                .put(prefix + ".max", max);
    }

    static LatencySummary readFrom(final Fields fields, final String prefix) {
        return new LatencySummary(fields.longValue(prefix + ".count"),
                fields.longValue(prefix + ".p50"),
                fields.longValue(prefix + ".p90"),
                fields.longValue(prefix + ".p99"),
                fields.longValue(prefix + ".p99_9"),
                fields.longValue(prefix + ".p99_99"),
                fields.longValue(prefix + ".p99_999"),
                fields.longValue(prefix + ".max"));
    }
}
