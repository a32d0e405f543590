package io.panamap.bench.result;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Saves raw histograms as HdrHistogram percentile distributions ({@code .hgrm}, values in nanoseconds), which
 * anyone can re-plot, e.g. with HdrHistogram's plotter.
 */
public final class HistogramFiles {

    private HistogramFiles() {
    }

    /** Writes {@code histogram} to {@code folder/stem.hgrm}, creating the folder if needed; returns the file. */
    public static Path write(final Path folder, final String stem, final Histogram histogram) throws IOException {
        Files.createDirectories(folder);
        final Path file = folder.resolve(stem + ".hgrm");
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            histogram.outputPercentileDistribution(out, 1.0);
        }
        return file;
    }
}
