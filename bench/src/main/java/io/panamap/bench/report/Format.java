package io.panamap.bench.report;

import io.panamap.bench.result.GcDelta;
import io.panamap.bench.result.LatencySummary;

import java.util.List;
import java.util.Locale;

/** How numbers read in tables. ASCII only ("us", not "µs"), so any terminal shows them. */
public final class Format {

    private Format() {
    }

    /** A duration with three significant digits and a unit: {@code 412 ns}, {@code 7.31 us}, {@code 1.23 s}. */
    public static String nanos(final long nanos) {
        if (nanos < 1_000) {
            return nanos + " ns";
        }
        // A unit holds values up to 999.5 of it: three digits round anything above to 1000 ("1000 us"), which
        // reads as 1.00 of the next unit.
        if (nanos < 999_500) {
            return threeDigits(nanos / 1e3) + " us";
        }
        if (nanos < 999_500_000) {
            return threeDigits(nanos / 1e6) + " ms";
        }
        return threeDigits(nanos / 1e9) + " s";
    }

    /** A whole number with thousands separators: {@code 10,000,000}. */
    public static String count(final long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** A ratio against the baseline: {@code 1.23x}; below 0.1 with two significant digits: {@code 0.0024x}. */
    public static String ratio(final double ratio) {
        return String.format(Locale.ROOT, ratio < 0.1 ? "%.2gx" : "%.2fx", ratio);
    }

    /** Nanoseconds per operation with one decimal: {@code 40.1}. */
    public static String nsPerOp(final double nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos);
    }

    /** Collections and their time: {@code 3 / 45 ms}. */
    public static String gc(final GcDelta gc) {
        return gc.count() + " / " + gc.millis() + " ms";
    }

    /** A 64-bit checksum as 16 hex digits. */
    public static String hex(final long value) {
        return String.format(Locale.ROOT, "%016x", value);
    }

    /** A byte count in GiB with one decimal. */
    public static String gib(final long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    /** Operations per second with three significant digits: {@code 812k/s}, {@code 4.31M/s}. */
    public static String perSecond(final double rate) {
        // 999,970/s rounds to "1.00M/s", not "1000k/s".
        if (rate >= 999.5e3) {
            return threeDigits(rate / 1e6) + "M/s";
        }
        if (rate >= 999.5) {
            return threeDigits(rate / 1e3) + "k/s";
        }
        return threeDigits(rate) + "/s";
    }

    /** A byte count with a binary unit and three significant digits: {@code 306 MiB}, {@code 1.21 GiB}. */
    public static String bytes(final long bytes) {
        final long magnitude = Math.abs(bytes);
        if (magnitude < 1L << 10) {
            return bytes + " B";
        }
        // As in nanos(): up to 1023.5 of a unit, above which three digits would read "1024 KiB".
        if (magnitude < (1L << 20) - (1L << 9)) {
            return threeDigits(bytes / 1024.0) + " KiB";
        }
        if (magnitude < (1L << 30) - (1L << 19)) {
            return threeDigits(bytes / (double) (1L << 20)) + " MiB";
        }
        return threeDigits(bytes / (double) (1L << 30)) + " GiB";
    }

    /** Headers of the {@link #percentiles} cells. */
    public static final List<String> PERCENTILE_HEADERS =
            List.of("p50", "p90", "p99", "p99.9", "p99.99", "p99.999", "max");

    /** p50, p90, p99, p99.9, p99.99, p99.999 and max of {@code latency}, as durations. */
    public static List<String> percentiles(final LatencySummary latency) {
        return List.of(nanos(latency.p50()), nanos(latency.p90()), nanos(latency.p99()), nanos(latency.p999()),
                nanos(latency.p9999()), nanos(latency.p99999()), nanos(latency.max()));
    }

    private static String threeDigits(final double value) {
        // By magnitude: a negative growth (a heap that shrank) keeps three digits too, not "-500.00".
        final double magnitude = Math.abs(value);
        if (magnitude >= 99.95) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        return String.format(Locale.ROOT, magnitude >= 9.995 ? "%.1f" : "%.2f", value);
    }
}
