package io.panamap.bench.report;

import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.ChartEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * Draws "latency by percentile" charts as PNG files: one chart per workload, one line per contender, read the
 * way HdrHistogram's own plotter (hdrhistogram.github.io/HdrHistogram/plotFiles.html) draws {@code .hgrm} files.
 *
 * <h2>What the axes mean</h2>
 *
 * <p>The x axis is the percentile, stretched so that every extra "9" gets the same width: a percentile
 * {@code p} (0..100) sits at {@code x = 1 / (1 - p/100)} on a logarithmic axis. So 0% is at x = 1, 90% at 10,
 * 99% at 100, 99.9% at 1,000, and so on; the labels are written as percentiles. The axis always runs to
 * 99.999% (x = 100,000) so that charts of different workloads line up, and one decade further for every
 * decade the data reach beyond that. The tail, where hash maps pay for growth and GC, gets most of the width.
 *
 * <p>The y axis is the latency, logarithmic too, because one chart holds a 100 ns median and a 100 ms
 * growth spike. Values are plotted in microseconds; tick labels carry their unit ({@code 100 ns},
 * {@code 1 µs}, {@code 10 ms}) so nobody has to count zeros.
 *
 * <h2>Where the points come from</h2>
 *
 * <p>{@link #points} walks {@link AbstractHistogram#percentiles(int)} with 5
 * ticks per half distance, exactly the walk behind {@link AbstractHistogram#outputPercentileDistribution}, so a
 * chart and the {@code .hgrm} file written next to it show the same numbers. Each point's latency is the
 * highest value equivalent to the level reached, in nanoseconds as recorded. The walk ends at 100%, where
 * {@code 1 / (1 - p)} is infinite; that last point (the maximum) is drawn at the previous point's x, which
 * makes the line end in a vertical stroke up to the maximum, like the plotter's.
 *
 * <p>A logarithmic axis has no place for 0: a latency that reads as 0 is drawn at the histogram's lowest
 * discernible value instead (1 ns for a default histogram).
 *
 * <p>A contender whose histogram is empty (no samples, e.g. its run failed) has no line and no legend entry;
 * a chart with nothing to draw is refused rather than written blank.
 */
public final class PercentileChart {

    static {
        // CI machines have no display. AWT reads this setting once, when its native library loads (creating a
        // java.awt.Color is enough), so this block comes before every other static initializer here.
        // Only a default: whoever starts the JVM with -Djava.awt.headless=false keeps their choice.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Image width in pixels. */
    public static final int WIDTH = 1000;

    /** Image height in pixels. */
    public static final int HEIGHT = 600;

    /** Percentile steps per halving of the distance to 100%; HdrHistogram's own default for .hgrm output. */
    static final int TICKS_PER_HALF_DISTANCE = 5;

    /** The x axis reaches at least 99.999% whatever the data, so charts of several workloads line up. */
    static final double MIN_X_AXIS_MAX = 100_000.0;

    /** The ImageIO format name {@link ChartEncoder} writes. */
    private static final String PNG = "png";
    private static final double NANOS_PER_MICRO = 1_000.0;
    private static final float LINE_WIDTH = 2.0f;
    /** Light enough that the minor (2..9) lines of every decade read as log paper, not as clutter. */
    private static final Color GRID = new Color(0xE8, 0xE8, 0xE8);
    /**
     * Twelve colours that stay apart from each other and from the white plot (a reordered Tableau 20). XChart's
     * default also has twelve, but three of them (light grey, yellow, cyan) barely show on white, and a full run
     * with {@code --numa} draws eleven contenders and the noise floor. A thirteenth line repeats the first colour.
     */
    private static final Color[] SERIES_COLORS = {
            new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C), new Color(0xD62728),
            new Color(0x9467BD), new Color(0x8C564B), new Color(0xE377C2), new Color(0x7F7F7F),
            new Color(0xBCBD22), new Color(0x17BECF), new Color(0x000080), new Color(0x800000)};
    private static final MathContext THREE_DIGITS = new MathContext(3);
    /** Latency units, each 1,000 times the one before. */
    private static final String[] UNITS = {"ns", "µs", "ms", "s"};

    private PercentileChart() {
    }

    /**
     * One point of a contender's line.
     *
     * @param percentile the percentile level reached, 0..100 (100 only for the last point)
     * @param x          where the point is drawn: {@code 1 / (1 - percentile/100)}, or for the 100% point the
     *                   previous point's x, so it is always finite
     * @param nanos      the latency at that level in nanoseconds; a 0 is replaced by the histogram's lowest
     *                   discernible value so that it fits a logarithmic axis
     */
    public record Point(double percentile, double x, long nanos) {
    }

    /**
     * The line of one histogram (values in nanoseconds): x increasing except for the last point, which repeats
     * the previous x at 100% with the maximum; latency non-decreasing. Empty if the histogram has no samples.
     */
    public static List<Point> points(final AbstractHistogram histogram) {
        Objects.requireNonNull(histogram, "histogram");
        final long floor = histogram.getLowestDiscernibleValue();
        final List<Point> points = new ArrayList<>();
        double lastFiniteX = 1.0;
        for (final HistogramIterationValue value : histogram.percentiles(TICKS_PER_HALF_DISTANCE)) {
            final double percentile = value.getPercentileLevelIteratedTo();
            // Only 0 needs moving: a coarser histogram's zero bucket already reads as a positive value.
            final long nanos = value.getValueIteratedTo() > 0 ? value.getValueIteratedTo() : floor;
            if (percentile < 100.0) {
                lastFiniteX = 1.0 / (1.0 - percentile / 100.0);
            }
            points.add(new Point(percentile, lastFiniteX, nanos));
        }
        return points;
    }

    /**
     * Writes the chart of {@code byContender} (contender name to its latencies in nanoseconds; the legend keeps
     * the map's order) to exactly {@code png}, creating its folder if needed and replacing any file there.
     *
     * @throws IllegalArgumentException if no histogram has a sample, so there is nothing to draw
     * @throws IOException              if the file cannot be written
     */
    public static void write(final Path png, final String title,
                             final SequencedMap<String, ? extends AbstractHistogram> byContender) throws IOException {
        Objects.requireNonNull(png, "png");
        final XYChart chart = chart(title, byContender);
        final Path folder = png.toAbsolutePath().getParent();
        if (folder != null) {
            Files.createDirectories(folder);
        }
        // ChartEncoder, because XChart 4.0.3 deprecates BitmapEncoder's single-chart methods in its favour; its
        // stream overload, because the file-name overload appends ".png" to a name that lacks it.
        try (OutputStream out = Files.newOutputStream(png)) {
            ChartEncoder.saveChart(chart, out, PNG);
        }
    }

    /** The chart {@link #write} draws: one line series per contender that has samples, in the map's order. */
    static XYChart chart(final String title, final SequencedMap<String, ? extends AbstractHistogram> byContender) {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(byContender, "byContender");
        final XYChart chart = new XYChart(WIDTH, HEIGHT);
        chart.setTitle(title);
        chart.setXAxisTitle("percentile");
        chart.setYAxisTitle("latency");

        double maxX = 1.0;
        double minMicros = Double.POSITIVE_INFINITY;
        double maxMicros = 0.0;
        for (final Map.Entry<String, ? extends AbstractHistogram> contender : byContender.entrySet()) {
            final List<Point> points = points(contender.getValue());
            if (points.isEmpty()) {
                continue;
            }
            final double[] xs = new double[points.size()];
            final double[] micros = new double[points.size()];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = points.get(i).x();
                micros[i] = points.get(i).nanos() / NANOS_PER_MICRO;
            }
            final XYSeries series = chart.addSeries(contender.getKey(), xs, micros);
            series.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
            series.setMarker(SeriesMarkers.NONE);
            series.setLineWidth(LINE_WIDTH);
            // Points are in walk order: x and latency never decrease, so the ends are the extremes.
            maxX = Math.max(maxX, xs[xs.length - 1]);
            minMicros = Math.min(minMicros, micros[0]);
            maxMicros = Math.max(maxMicros, micros[micros.length - 1]);
        }
        if (chart.getSeriesCollection().isEmpty()) {
            throw new IllegalArgumentException("nothing to plot for '" + title + "': "
                    + (byContender.isEmpty() ? "no contenders" : "no samples in " + byContender.keySet()));
        }
        style(chart.getStyler(), maxX, minMicros, maxMicros);
        return chart;
    }

    private static void style(final XYStyler styler, final double maxX, final double minMicros,
                              final double maxMicros) {
        styler.setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Line);
        styler.setSeriesColors(SERIES_COLORS);
        styler.setAntiAlias(true);
        styler.setTextAntiAlias(true);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderColor(Color.GRAY);
        styler.setPlotGridLinesColor(GRID);
        // XChart draws a grid line at every log tick, labelled or not; its default dashes turn them into noise.
        styler.setPlotGridLinesStroke(new BasicStroke(1.0f));
        styler.setLegendPosition(LegendPosition.InsideNW);
        styler.setLegendBorderColor(Color.GRAY);

        // Axis ends on whole decades: the log tick calculator labels only decades inside the range, and a
        // range that starts mid-decade would lose the 0% or the lowest latency label.
        styler.setXAxisLogarithmic(true);
        styler.setXAxisLogarithmicDecadeOnly(true);
        styler.setXAxisMin(1.0);
        styler.setXAxisMax(Math.max(MIN_X_AXIS_MAX, decadeAtOrAbove(maxX)));
        styler.setXAxisTickLabelsFormattingFunction(PercentileChart::percentileLabel);

        styler.setYAxisLogarithmic(true);
        styler.setYAxisLogarithmicDecadeOnly(true);
        final double yMin = decadeAtOrBelow(minMicros);
        // A flat line exactly on a decade would give a zero-height axis; show the decade above as well.
        styler.setYAxisMin(yMin);
        styler.setYAxisMax(Math.max(yMin * 10.0, decadeAtOrAbove(maxMicros)));
        styler.setYAxisTickLabelsFormattingFunction(PercentileChart::latencyLabel);
    }

    /**
     * The label of x (= {@code 1 / (1 - p)}) as a percentile with as many decimals as it has nines:
     * 1 is {@code 0%}, 10 is {@code 90%}, 1,000 is {@code 99.9%}.
     */
    static String percentileLabel(final double x) {
        final double percent = 100.0 * (1.0 - 1.0 / x);
        final int decimals = Math.max(0, (int) Math.round(Math.log10(x)) - 2);
        return BigDecimal.valueOf(percent).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString() + "%";
    }

    /** A latency given in microseconds, in the unit that keeps it at 1..999, to three significant digits. */
    static String latencyLabel(final double micros) {
        // Rounded before the unit is chosen: a tick XChart computes as 0.1 * 10 must read 1 µs, not 1000 ns.
        final BigDecimal nanos = new BigDecimal(micros * NANOS_PER_MICRO).round(THREE_DIGITS);
        int unit = 0;
        while (unit < UNITS.length - 1 && nanos.compareTo(BigDecimal.TEN.pow(3 * (unit + 1))) >= 0) {
            unit++;
        }
        return nanos.movePointLeft(3 * unit).stripTrailingZeros().toPlainString() + " " + UNITS[unit];
    }

    private static double decadeAtOrAbove(final double value) {
        return Math.pow(10.0, Math.ceil(Math.log10(value)));
    }

    private static double decadeAtOrBelow(final double value) {
        return Math.pow(10.0, Math.floor(Math.log10(value)));
    }
}
