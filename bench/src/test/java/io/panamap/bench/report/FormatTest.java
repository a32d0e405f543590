package io.panamap.bench.report;

import io.panamap.bench.result.LatencySummary;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How numbers read in the report: nanoseconds recorded, shown in the unit that keeps three digits. */
class FormatTest {

    @Test
    void aDurationShouldBeShownInTheUnitThatKeepsItsThreeDigits() {
        assertEquals("412 ns", Format.nanos(412));
        assertEquals("1.00 us", Format.nanos(1_000));
        assertEquals("7.31 us", Format.nanos(7_310));
        assertEquals("12.3 us", Format.nanos(12_345));
        assertEquals("262 ms", Format.nanos(262_000_000));
        assertEquals("1.23 s", Format.nanos(1_234_567_890));
    }

    @Test
    void aDurationThatRoundsUpToTheNextUnitShouldBeShownInIt() {
        assertEquals("999 ns", Format.nanos(999));
        assertEquals("999 us", Format.nanos(999_499));
        assertEquals("1.00 ms", Format.nanos(999_600), "not 1000 us");
        assertEquals("1.00 s", Format.nanos(999_999_999), "not 1000 ms");
    }

    @Test
    void aByteCountThatRoundsUpToTheNextUnitShouldBeShownInIt() {
        assertEquals("1023 B", Format.bytes(1_023));
        assertEquals("1.00 KiB", Format.bytes(1_024));
        assertEquals("1023 KiB", Format.bytes(1_048_000));
        assertEquals("1.00 MiB", Format.bytes(1_048_100), "not 1024 KiB");
        assertEquals("306 MiB", Format.bytes(306L << 20));
        assertEquals("1.00 GiB", Format.bytes((1L << 30) - 1_000), "not 1024 MiB");
    }

    @Test
    void percentilesShouldLineUpWithTheirHeaders() {
        final List<String> cells = Format.percentiles(new LatencySummary(9, 100, 200, 300, 400, 500, 600, 700));
        assertEquals(List.of("p50", "p90", "p99", "p99.9", "p99.99", "p99.999", "max"), Format.PERCENTILE_HEADERS);
        assertEquals(List.of("100 ns", "200 ns", "300 ns", "400 ns", "500 ns", "600 ns", "700 ns"), cells);
    }

    @Test
    void aRatioShouldKeepTwoSignificantDigitsBelowATenth() {
        assertEquals("1.50x", Format.ratio(1.5));
        assertEquals("0.10x", Format.ratio(0.1));
        assertEquals("0.0076x", Format.ratio(2.0 / 262.0));
    }

    @Test
    void aRateThatRoundsUpToTheNextUnitShouldBeShownInIt() {
        assertEquals("812k/s", Format.perSecond(812_000));
        assertEquals("4.31M/s", Format.perSecond(4_310_000));
        assertEquals("999k/s", Format.perSecond(999_400));
        assertEquals("1.00M/s", Format.perSecond(999_970), "not 1000k/s");
        assertEquals("999/s", Format.perSecond(999.4));
        assertEquals("1.00k/s", Format.perSecond(999.6), "not 1000/s");
    }

    /** A heap that shrank while the map grew reads as a negative growth, with as many digits as a positive one. */
    @Test
    void aNegativeByteCountShouldKeepThreeSignificantDigits() {
        assertEquals("-512 B", Format.bytes(-512));
        assertEquals("-500 KiB", Format.bytes(-512_000));
        assertEquals("-12.3 KiB", Format.bytes(-12_595));
        assertEquals("-306 MiB", Format.bytes(-(306L << 20)));
        assertEquals("-1.21 GiB", Format.bytes(-1_299_227_607L));
    }
}
