package io.panamap.bench;

import io.panamap.bench.report.PercentileChart;
import io.panamap.bench.report.Report;
import io.panamap.bench.result.HistogramFiles;
import io.panamap.bench.workload.KeyType;
import io.panamap.bench.workload.Workload;
import io.panamap.bench.workload.Workloads;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One latency-by-percentile chart per workload, all contenders on one plot, drawn from the interval logs the
 * children left in the results folder ({@code <workload>-<contender>-run<r>-<recording>.hlog}; the runs of one
 * contender are merged), saved as {@code <workload>.png} ({@code grow.png}, {@code grow-str.png}). The
 * machine's noise floor, merged over every child of the workload, is drawn beside
 * them, so that a reader sees which tails are the map's and which are the machine's.
 */
final class ResultCharts {

    /** The recording each workload charts, by base name: what a caller of the map waits for. */
    private static final Map<String, String> RECORDING = Map.of("grow", "put", "get", "get", "open-loop", "response",
            "mixed-mt", "op");
    private static final Map<String, String> TITLE = Map.of(
            "grow", ": latency of every put while the map grows from empty",
            "get", ": latency of single gets of present keys",
            "open-loop", ": latency from intended start, fixed-rate stream",
            "mixed-mt", ": latency of every operation, all threads merged (80% get / 20% put, growing from empty)");
    /** What a title says of the keys, by key type. */
    private static final Map<KeyType, String> KEYS = Map.of(KeyType.LONG, "",
            KeyType.STRING, " (string ids, 64-byte records)");
    static final String NOISE_SERIES = "noise floor (empty windows)";

    private ResultCharts() {
    }

    /** Draws the chart of every workload in {@code workloads} that left logs in {@code dir}; returns them. */
    static List<Report.Chart> write(final Path dir, final List<String> workloads, final List<String> contenders)
            throws IOException {
        final List<Report.Chart> charts = new ArrayList<>();
        for (final String workload : workloads) {
            final Workload kind = Workloads.byName(workload);
            final LinkedHashMap<String, Histogram> series = series(dir, workload, contenders);
            if (series.isEmpty()) {
                continue;
            }
            final String file = workload + ".png";
            final String title = workload + TITLE.get(kind.baseName()) + KEYS.get(kind.keyType());
            PercentileChart.write(dir.resolve(file), title, series);
            charts.add(new Report.Chart(title, file));
        }
        return charts;
    }

    /**
     * The lines of {@code workload}'s chart: each contender's charted recording, its runs merged, then the noise
     * floor of all of them; none if no contender left a log of that recording.
     */
    static LinkedHashMap<String, Histogram> series(final Path dir, final String workload,
                                                   final List<String> contenders) throws IOException {
        final LinkedHashMap<String, Histogram> series = new LinkedHashMap<>();
        final String recording = RECORDING.get(Workloads.byName(workload).baseName());
        if (recording == null) {
            return series;
        }
        final Histogram noise = new Histogram(3);
        for (final String contender : contenders) {
            final Histogram merged = merge(dir, workload + "-" + contender + "-run", "-" + recording + ".hlog");
            if (merged.getTotalCount() > 0) {
                series.put(contender, merged);
            }
            noise.add(merge(dir, workload + "-" + contender + "-run", "-noise.hlog"));
        }
        if (!series.isEmpty() && noise.getTotalCount() > 0) {
            series.put(NOISE_SERIES, noise);
        }
        return series;
    }

    /** The sum of every log in {@code dir} whose name starts with {@code prefix} and ends with {@code suffix}. */
    private static Histogram merge(final Path dir, final String prefix, final String suffix) throws IOException {
        final Histogram total = new Histogram(3);
        if (!Files.isDirectory(dir)) {
            return total;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (final Path file : files.sorted().toList()) {
                final String name = file.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(suffix)) {
                    total.add(HistogramFiles.readLog(file));
                }
            }
        }
        return total;
    }
}
