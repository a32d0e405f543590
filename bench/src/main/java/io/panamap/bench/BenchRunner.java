package io.panamap.bench;

import io.panamap.bench.contender.Contender;
import io.panamap.bench.contender.Contenders;
import io.panamap.bench.fork.ChildArgs;
import io.panamap.bench.fork.ChildLauncher;
import io.panamap.bench.report.Format;
import io.panamap.bench.report.MachineInfo;
import io.panamap.bench.report.MarkdownRenderer;
import io.panamap.bench.report.PortablePaths;
import io.panamap.bench.report.Report;
import io.panamap.bench.report.ReportBuilder;
import io.panamap.bench.report.RunInfo;
import io.panamap.bench.report.TextRenderer;
import io.panamap.bench.result.Outcome;
import io.panamap.bench.result.ResultLine;
import io.panamap.bench.workload.Workloads;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The parent side of a benchmark run: one child JVM per workload, contender and run, then the report on the
 * console and in {@code results/<timestamp>/REPORT.md} (with {@code results.txt}, the children's result lines).
 *
 * <p>Runs are interleaved (run 1 of every workload and contender, then run 2, ...), so that a slow spell of
 * this shared machine lands on one run of every contender rather than on all runs of one.
 */
final class BenchRunner {

    private static final String INDENT = "        ";
    /** File in the results folder holding one {@link ResultLine} per child, in run order. */
    static final String RESULT_LINES = "results.txt";
    /** Written instead of the report into the folder of a run that stopped before its end (a signal, an error). */
    static final String INCOMPLETE = "INCOMPLETE.txt";

    private final BenchOptions options;
    private final List<String> args;
    /**
     * Whether the results folder holds its report or the note that it never will: whichever of the two is written
     * first, under {@link #settling}, is the only one, so a report half-written when a signal came is finished
     * rather than joined by the note, and a note is not joined by a report of children stopped mid-run.
     */
    private boolean settled;
    private final Object settling = new Object();
    /** Children that have ended, ok or not; read by the shutdown hook. */
    private volatile int childrenEnded;

    BenchRunner(final BenchOptions options, final List<String> args) {
        this.options = options;
        this.args = List.copyOf(args);
    }

    /**
     * Runs everything; returns the exit code: 0 if every run succeeded, 1 if any failed, 2 if the results folder
     * cannot be made (before any child runs, rather than after all of them).
     */
    int run() throws IOException {
        final long start = System.nanoTime();
        final String startedAt = LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
        final Path dir;
        try {
            dir = newFolder(options.resultsDir(), startedAt.replace(':', '-'));
        } catch (final UsageException e) {
            System.err.println("panamap bench: " + e.getMessage());
            return 2;
        }
        final ChildLauncher launcher = ChildLauncher.ofThisJvm();
        int pairs = 0;
        for (final String workload : options.workloads()) {
            pairs += Workloads.contendersFor(workload, options.contenders()).size();
        }
        final int total = options.runs() * pairs;
        // Until the report is written, stopping this JVM (Ctrl-C, kill, an exception) leaves a note beside the
        // histograms of the children that ended, so that the folder is not taken for a run's results.
        final Thread noteIfStopped = new Thread(() -> noteIncomplete(dir, total), "note-incomplete-run");
        Runtime.getRuntime().addShutdownHook(noteIfStopped);
        System.err.printf("panamap bench: %d workload(s), %d contender(s) (each on the workloads it has a map for),"
                        + " %d run(s) = %d child JVMs, N = %s; results in %s%n", options.workloads().size(),
                options.contenders().size(), options.runs(), total, Format.count(options.n()), dir);

        final List<Outcome> outcomes = new ArrayList<>();
        int done = 0;
        for (int run = 1; run <= options.runs(); run++) {
            for (final String workload : options.workloads()) {
                for (final String contenderName : Workloads.contendersFor(workload, options.contenders())) {
                    final Contender contender = Contenders.byName(contenderName);
                    final ChildArgs child = childArgs(workload, contenderName, run, dir);
                    System.err.printf("[%d/%d] run %d/%d  %s  %s%n", ++done, total, run, options.runs(), workload,
                            contenderName);
                    final long childStart = System.nanoTime();
                    final Outcome outcome = launcher.run(child, contender, line -> System.err.println(INDENT + line));
                    final String took = Format.nanos(System.nanoTime() - childStart);
                    System.err.println(INDENT + (outcome.ok() ? "done in " + took
                            : "FAILED after " + took + ": " + outcome.failure()));
                    outcomes.add(outcome);
                    childrenEnded = outcomes.size();
                }
            }
        }

        final String sampleWorkload = options.workloads().getFirst();
        final Contender sample = Contenders.byName(
                Workloads.contendersFor(sampleWorkload, options.contenders()).getFirst());
        final ChildArgs sampleChild = childArgs(sampleWorkload, sample.name(), 1, dir);
        final PortablePaths paths = PortablePaths.ofThisJvm(); // the report is read on other machines
        final RunInfo info = new RunInfo(startedAt,
                ShellWords.join(prepend("./panamap", "bench", args)),
                paths.apply(ProcessHandle.current().info().commandLine().orElse(null)),
                paths.apply(ShellWords.join(launcher.command(sampleChild, sample))),
                options.n(), options.runs(), options.seed(), options.rate(), options.openLoopNanos(),
                options.threads(), options.workloads(), options.contenders(),
                MachineInfo.detect(), paths.apply(dir.toString()), System.nanoTime() - start);
        final Report report = ReportBuilder.build(info, outcomes).withCharts(charts(dir));
        System.out.println();
        System.out.print(TextRenderer.render(report));
        final Path markdown = dir.resolve("REPORT.md");
        synchronized (settling) {
            if (settled) { // stopping: the note is written
                return 1;
            }
            Files.writeString(markdown, MarkdownRenderer.render(report));
            // The children's result lines, so that a later tool can re-render or compare runs without re-running.
            Files.write(dir.resolve(RESULT_LINES), outcomes.stream().map(ResultLine::encode).toList());
            settled = true;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(noteIfStopped);
        } catch (final IllegalStateException e) {
            // this JVM is stopping: the hook runs, and finds the report written
        }
        System.out.println();
        System.out.println("Report written to " + markdown);

        final long failed = outcomes.stream().filter(o -> !o.ok()).count();
        if (failed > 0) {
            System.out.println(failed + " of " + outcomes.size() + " runs failed; see the rows marked FAILED.");
            return 1;
        }
        return 0;
    }

    /** Writes {@link #INCOMPLETE} into {@code dir}, unless the report is written there. */
    private void noteIncomplete(final Path dir, final int total) {
        synchronized (settling) {
            if (settled) {
                return;
            }
            settled = true;
            final String ended = childrenEnded + " of " + total + " child JVMs";
            try {
                Files.writeString(dir.resolve(INCOMPLETE), "This run stopped after " + ended + " had ended, before"
                        + " its report was written: REPORT.md and " + RESULT_LINES + " are missing, and the"
                        + " histograms here are those of the children that ended.\n");
            } catch (final IOException e) {
                // stopping: the message below is all that is left to give
            }
            System.err.println("panamap bench: stopped after " + ended + ", without a report; " + dir
                    + " holds the histograms of those that ended (" + INCOMPLETE + ")");
        }
    }

    /** The charts of this run; a chart that cannot be drawn costs only itself (the report says why). */
    private List<Report.Chart> charts(final Path dir) {
        try {
            return ResultCharts.write(dir, options.workloads(), options.contenders());
        } catch (final IOException | RuntimeException e) {
            System.err.println("could not draw the charts: " + e);
            return List.of();
        }
    }

    private ChildArgs childArgs(final String workload, final String contender, final int run, final Path dir) {
        return new ChildArgs(workload, contender, run, options.n(), options.seed(), options.rate(),
                options.openLoopNanos(), options.threads(), options.quick(), dir);
    }

    /**
     * Makes and returns {@code parent/name}, or {@code parent/name-2} and so on if that exists already (made
     * atomically, so that two runs started in the same second get a folder each).
     *
     * @throws UsageException if no folder can be made under {@code parent}: a file, say, or not writable
     */
    static Path newFolder(final Path parent, final String name) throws UsageException {
        if (Files.exists(parent) && !Files.isDirectory(parent)) {
            throw new UsageException("--results: " + parent + " is a file, not a folder");
        }
        try {
            Files.createDirectories(parent);
            for (int i = 1; ; i++) {
                final Path candidate = parent.resolve(i == 1 ? name : name + "-" + i);
                try {
                    return Files.createDirectory(candidate);
                } catch (final FileAlreadyExistsException e) {
                    // taken by an earlier run: try the next name
                }
            }
        } catch (final IOException e) {
            throw new UsageException("--results: cannot make a folder under " + parent + ": " + e.getMessage()
                    + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static List<String> prepend(final String first, final String second, final List<String> rest) {
        final List<String> all = new ArrayList<>(List.of(first, second));
        all.addAll(rest);
        return all;
    }
}
