package io.panamap.bench.fork;

import io.panamap.bench.contender.Contenders;
import io.panamap.bench.result.HistogramFiles;
import io.panamap.bench.result.Outcome;
import io.panamap.bench.result.ResultLine;
import io.panamap.bench.workload.IntervalRecorder;
import io.panamap.bench.workload.Recordings;
import io.panamap.bench.workload.RunSpec;
import io.panamap.bench.workload.Workloads;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;

/**
 * The child side: runs one workload against one contender, prints progress on stderr and exactly one
 * {@link ResultLine} on stdout, even when the run fails (an {@code OutOfMemoryError} included: by the time it
 * reaches here, the map that caused it is garbage).
 */
public final class ChildMain {

    private ChildMain() {
    }

    /** Runs the child described by {@code args}; returns the process exit code (0 ok, 1 failed). */
    public static int main(final List<String> args) {
        final ChildArgs child = ChildArgs.parse(args);
        final long start = System.nanoTime();
        final RunSpec spec = RunSpec.standard(child.n(), child.seed(), child.quick(), child.rate(),
                child.openLoopNanos(), child.threads(), line -> System.err.printf(Locale.ROOT, "%s %6.1f s  %s%n", child.stem(),
                        (System.nanoTime() - start) / 1e9, line), recordingSaver(child));
        final Outcome outcome = run(child, spec);
        System.out.println(ResultLine.encode(outcome));
        System.out.flush();
        return outcome.ok() ? 0 : 1;
    }

    /** Runs one workload in this JVM and turns any failure into a failed {@link Outcome}. */
    public static Outcome run(final ChildArgs child, final RunSpec spec) {
        try {
            return Outcome.succeeded(child.workload(), child.contender(), child.run(),
                    Workloads.byName(child.workload()).run(Contenders.byName(child.contender()), spec));
        } catch (final Throwable failure) { // Throwable: an OutOfMemoryError is a result too
            final StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            spec.progress().accept("failed: " + trace);
            return Outcome.failed(child.workload(), child.contender(), child.run(), failure.toString());
        }
    }

    /** Saves every recording as {@code <stem>-<name>.hgrm} and as an interval log, {@code .hlog}. */
    private static Recordings recordingSaver(final ChildArgs child) {
        if (child.histogramDir() == null) {
            return Recordings.discard();
        }
        return new Recordings() {
            @Override
            public void histogram(final String name, final Histogram histogram) {
                save(name, () -> HistogramFiles.write(child.histogramDir(), child.stem() + "-" + name, histogram));
                // Also as a one-interval log, which (unlike .hgrm) reads back as a histogram, for the charts.
                save(name, () -> HistogramFiles.writeLog(child.histogramDir(), child.stem() + "-" + name,
                        List.of(histogram)));
            }

            @Override
            public void intervals(final String name, final IntervalRecorder recorder, final long endNanos) {
                histogram(name, recorder.total());
                save(name, () -> HistogramFiles.writeLog(child.histogramDir(), child.stem() + "-" + name,
                        recorder.intervals(endNanos)));
            }

            private void save(final String name, final FileWrite write) {
                try {
                    write.run();
                } catch (final IOException e) {
                    // The numbers still reach the report; only the raw file is lost.
                    System.err.println(child.stem() + ": could not save " + name + ": " + e);
                }
            }
        };
    }

    private interface FileWrite {
        void run() throws IOException;
    }
}
