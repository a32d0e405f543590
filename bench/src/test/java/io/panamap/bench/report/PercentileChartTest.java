package io.panamap.bench.report;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.SequencedMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PercentileChartTest {

    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;
    /** HdrHistogram's promise at 3 significant digits: a reported value is at most 0.1% above the true one. */
    private static final double PRECISION = 1.001;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /** One sample at each of 1 µs, 2 µs, ..., 1000 µs: the latency at percentile p is ceil(10 p) µs. */
    private static Histogram oneToOneThousandMicros() {
        final Histogram histogram = new Histogram(3);
        for (long micros = 1; micros <= 1_000; micros++) {
            histogram.recordValue(micros * US);
        }
        return histogram;
    }

    /** A histogram of {@code count} samples of {@code nanos}. */
    private static Histogram flat(final long nanos, final long count) {
        final Histogram histogram = new Histogram(3);
        histogram.recordValueWithCount(nanos, count);
        return histogram;
    }

    /** The series of {@code chart}, in legend order. */
    private static List<String> seriesNames(final XYChart chart) {
        return chart.getSeriesCollection().stream().map(XYSeries::getName).toList();
    }

    @Test
    void theLineShouldWalkThePercentilesToTheMaximumWithTheRecordedLatencies() {
        final Histogram histogram = oneToOneThousandMicros();
        final List<PercentileChart.Point> points = PercentileChart.points(histogram);

        assertEquals(0.0, points.getFirst().percentile());
        assertEquals(1.0, points.getFirst().x());
        for (final PercentileChart.Point point : points.subList(0, points.size() - 1)) {
            assertTrue(point.percentile() < 100.0, point::toString);
            assertEquals(1.0 / (1.0 - point.percentile() / 100.0), point.x(), 1e-9, point::toString);
            final long expectedMicros = Math.max(1, (long) Math.ceil(point.percentile() * 10 - 1e-9));
            assertTrue(point.nanos() >= expectedMicros * US && point.nanos() <= expectedMicros * US * PRECISION,
                    () -> point + " should be about " + expectedMicros + " us");
        }
        for (int i = 1; i < points.size() - 1; i++) {
            assertTrue(points.get(i).x() > points.get(i - 1).x(), "x should grow at point " + i);
        }
        for (int i = 1; i < points.size(); i++) {
            assertTrue(points.get(i).nanos() >= points.get(i - 1).nanos(), "latency should not fall at point " + i);
        }
    }

    @Test
    void theLineShouldPassNinetyNinetyNineAndNinetyNinePointNinePercent() {
        final List<PercentileChart.Point> points = PercentileChart.points(oneToOneThousandMicros());

        assertTrue(points.stream().anyMatch(p -> p.percentile() == 90.0 && Math.abs(p.x() - 10.0) < 1e-9),
                "a point at 90%, x = 10");
        assertTrue(points.stream().anyMatch(p -> p.percentile() >= 99.0 && p.percentile() < 99.1),
                "a point just past 99%");
        // 1,000 samples say nothing beyond 1 - 1/1000; the walk stops at its first level past that.
        assertTrue(points.stream().anyMatch(p -> p.percentile() >= 99.9 && p.percentile() < 100.0 && p.x() >= 1_000),
                "a point past 99.9%, x >= 1000");
    }

    @Test
    void theLineShouldEndAtTheMaximumAtOneHundredPercentDrawnAtTheLastFiniteX() {
        final Histogram histogram = oneToOneThousandMicros();
        final List<PercentileChart.Point> points = PercentileChart.points(histogram);
        final PercentileChart.Point last = points.getLast();
        final PercentileChart.Point beforeLast = points.get(points.size() - 2);

        assertEquals(100.0, last.percentile());
        assertEquals(histogram.getMaxValue(), last.nanos());
        assertEquals(beforeLast.x(), last.x());
        assertTrue(Double.isFinite(last.x()));
        assertEquals(1, points.stream().filter(p -> p.percentile() == 100.0).count(), "one point at 100%");
    }

    @Test
    void aZeroLatencyShouldBeDrawnAtTheLowestDiscernibleValue() {
        final Histogram histogram = new Histogram(3);
        histogram.recordValueWithCount(0, 10);
        histogram.recordValue(5);
        final List<PercentileChart.Point> points = PercentileChart.points(histogram);

        assertEquals(1, points.getFirst().nanos());
        assertTrue(points.stream().allMatch(p -> p.nanos() >= 1), points::toString);
        assertEquals(5, points.getLast().nanos());
    }

    @Test
    void anEmptyHistogramShouldHaveNoPoints() {
        assertTrue(PercentileChart.points(new Histogram(3)).isEmpty());
    }

    @Test
    void aContenderWithoutSamplesShouldBeLeftOutOfTheChart() {
        final SequencedMap<String, Histogram> byContender = new LinkedHashMap<>();
        byContender.put("failed", new Histogram(3));
        byContender.put("panamap", oneToOneThousandMicros());

        final XYChart chart = PercentileChart.chart("get", byContender);

        assertEquals(List.of("panamap"), seriesNames(chart));
    }

    @Test
    void aChartWithoutAnySampleShouldBeRefusedAndNoFileWritten(@TempDir final Path dir) {
        final SequencedMap<String, Histogram> byContender = new LinkedHashMap<>();
        byContender.put("failed", new Histogram(3));
        final Path png = dir.resolve("get.png");

        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PercentileChart.write(png, "get", byContender));
        assertTrue(e.getMessage().contains("failed"), e.getMessage());
        assertFalse(Files.exists(png));
        assertThrows(IllegalArgumentException.class,
                () -> PercentileChart.write(png, "get", new LinkedHashMap<String, Histogram>()));
    }

    @Test
    void everyContenderShouldGetALineWithoutMarkersInTheMapsOrder() {
        final SequencedMap<String, Histogram> byContender = new LinkedHashMap<>();
        byContender.put("panamap", oneToOneThousandMicros());
        byContender.put("fastutil", flat(300, 1_000));
        byContender.put("agrona", flat(2 * MS, 10));

        final XYChart chart = PercentileChart.chart("get", byContender);

        assertEquals(List.of("panamap", "fastutil", "agrona"), seriesNames(chart));
        for (final XYSeries series : chart.getSeriesCollection()) {
            assertEquals(Optional.of(XYSeriesRenderStyle.Line), series.getXYSeriesRenderStyle());
            assertSame(SeriesMarkers.NONE, series.getMarker());
        }
        final List<PercentileChart.Point> panamap = PercentileChart.points(byContender.get("panamap"));
        final XYSeries series = chart.getSeries("panamap");
        assertArrayEquals(panamap.stream().mapToDouble(PercentileChart.Point::x).toArray(), series.getXData());
        assertArrayEquals(panamap.stream().mapToDouble(p -> p.nanos() / 1_000.0).toArray(), series.getYData(),
                "latencies are drawn in microseconds");
    }

    @Test
    void bothAxesShouldBeLogarithmicAndEndOnWholeDecades() {
        final SequencedMap<String, Histogram> byContender = new LinkedHashMap<>();
        byContender.put("panamap", oneToOneThousandMicros());

        final XYChart chart = PercentileChart.chart("get", byContender);

        assertTrue(chart.getStyler().isXAxisLogarithmic());
        assertTrue(chart.getStyler().isYAxisLogarithmic());
        assertEquals(1.0, chart.getStyler().getXAxisMin());
        assertEquals(100_000.0, chart.getStyler().getXAxisMax(), "at least up to 99.999%");
        assertEquals(1.0, chart.getStyler().getYAxisMin(), "1 us, the smallest sample");
        assertEquals(10_000.0, chart.getStyler().getYAxisMax(), "10 ms, the decade above the 1 ms maximum");
    }

    @Test
    void theXAxisShouldGrowByADecadeWhenTheDataGoPastNinetyNinePointNineNineNinePercent() {
        final Histogram histogram = flat(US, 10_000_000);
        histogram.recordValue(MS);
        final SequencedMap<String, Histogram> byContender = new LinkedHashMap<>();
        byContender.put("panamap", histogram);

        final XYChart chart = PercentileChart.chart("get", byContender);

        final double lastX = PercentileChart.points(histogram).getLast().x();
        assertTrue(lastX > 1_000_000, "ten million samples reach past 99.9999%: " + lastX);
        assertEquals(Math.pow(10, Math.ceil(Math.log10(lastX))), chart.getStyler().getXAxisMax());
    }

    @Test
    void aFlatLineOnADecadeShouldStillGetAYAxisOfOneDecade() {
        final SequencedMap<String, Histogram> byContender = new LinkedHashMap<>();
        byContender.put("flat", flat(1_000, 100));

        final XYChart chart = PercentileChart.chart("get", byContender);

        assertEquals(1.0, chart.getStyler().getYAxisMin());
        assertEquals(10.0, chart.getStyler().getYAxisMax());
    }

    @Test
    void theAxesShouldBeTitledAndTheirTicksLabelledAsPercentilesAndLatencies() {
        final SequencedMap<String, Histogram> byContender = new LinkedHashMap<>();
        byContender.put("panamap", oneToOneThousandMicros());

        final XYChart chart = PercentileChart.chart("get", byContender);

        assertEquals("percentile", chart.getXAxisTitle());
        assertEquals("latency", chart.getYAxisTitle());
        // Ticks sit at x = 1 / (1 - p) and at latencies in microseconds; read raw, they would say 1000 and 0.1.
        assertEquals("99.9%", chart.getStyler().getXAxisTickLabelsFormattingFunction().apply(1_000.0));
        assertEquals("100 ns", chart.getStyler().getYAxisTickLabelsFormattingFunction().apply(0.1));
    }

    @Test
    void twelveLinesShouldEachBeDrawnInAColourOfTheirOwn() {
        // A run with --numa draws up to eleven contenders and the noise floor; a colour used twice would make two
        // of them one line to the reader.
        final SequencedMap<String, Histogram> byContender = new LinkedHashMap<>();
        for (int line = 1; line <= 12; line++) {
            byContender.put("line" + line, flat(line * US, 100));
        }
        final XYChart chart = PercentileChart.chart("grow", byContender);

        BitmapEncoder.getBufferedImage(chart); // XChart gives each series its colour when it paints the chart

        final List<Color> colours = chart.getSeriesCollection().stream().map(XYSeries::getLineColor).toList();
        assertEquals(12, colours.size());
        assertEquals(12, new HashSet<>(colours).size(), colours::toString);
    }

    @Test
    void percentileLabelsShouldShowAsManyNinesAsTheDecade() {
        final double[] xs = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};
        final List<String> labels = new ArrayList<>();
        for (final double x : xs) {
            labels.add(PercentileChart.percentileLabel(x));
        }
        assertEquals(List.of("0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"), labels);
    }

    @Test
    void latencyLabelsShouldPickTheUnitThatKeepsTheNumberSmall() {
        // XChart computes ticks as 10^d * k, so 1 µs arrives as 0.1 * 10: it must not read "1000 ns".
        final double[] micros = {0.001, 0.1, 0.1 * 10, 2.5, 100, 1_000, 100_000, 1_000_000, 12_345_678};
        final List<String> labels = Arrays.stream(micros).mapToObj(PercentileChart::latencyLabel).toList();
        assertEquals(List.of("1 ns", "100 ns", "1 µs", "2.5 µs", "100 µs", "1 ms", "100 ms", "1 s", "12.3 s"),
                labels);
    }

    @Test
    void theChartShouldBeWrittenAsAPngOfTheAdvertisedSize(@TempDir final Path dir) throws IOException {
        final SequencedMap<String, Histogram> byContender = new LinkedHashMap<>();
        byContender.put("panamap", oneToOneThousandMicros());
        byContender.put("fastutil", flat(300, 1_000));
        final Path png = dir.resolve("charts").resolve("get.png");

        PercentileChart.write(png, "get: latency by percentile", byContender);

        final byte[] bytes = Files.readAllBytes(png);
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, PNG_SIGNATURE.length));
        final BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "ImageIO should decode the file");
        assertEquals(PercentileChart.WIDTH, image.getWidth());
        assertEquals(PercentileChart.HEIGHT, image.getHeight());
        assertEquals(0xFFFFFFFF, image.getRGB(0, 0), "white background");
    }

    @Test
    void theFileShouldLandAtExactlyTheGivenPathEvenWithoutAPngExtension(@TempDir final Path dir)
            throws IOException {
        final SequencedMap<String, Histogram> byContender = new LinkedHashMap<>();
        byContender.put("panamap", oneToOneThousandMicros());
        final Path file = dir.resolve("get-latency");

        PercentileChart.write(file, "get", byContender);

        assertNotNull(ImageIO.read(file.toFile()));
        assertFalse(Files.exists(dir.resolve("get-latency.png")));
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(file), listing.toList());
        }
    }
}
