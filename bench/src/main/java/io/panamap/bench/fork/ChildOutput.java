package io.panamap.bench.fork;

import io.panamap.bench.result.Outcome;
import io.panamap.bench.result.ResultLine;

import java.util.List;
import java.util.Optional;

/**
 * What a finished child JVM left behind, and the {@link Outcome} that follows from it: the child's result
 * line if it printed one, otherwise a failure saying why, taken from the end of its stderr.
 *
 * @param exitCode   the child's exit code
 * @param stdout     every line the child printed on stdout
 * @param stderrTail the last lines the child printed on stderr
 */
public record ChildOutput(int exitCode, List<String> stdout, List<String> stderrTail) {

    public ChildOutput {
        stdout = List.copyOf(stdout);
        stderrTail = List.copyOf(stderrTail);
    }

    /** The outcome of the child that was asked to run {@code args}. */
    public Outcome outcome(final ChildArgs args) {
        final Optional<String> line = ResultLine.find(stdout);
        if (line.isPresent()) {
            try {
                return ResultLine.decode(line.get());
            } catch (final IllegalArgumentException e) {
                return Outcome.failed(args.workload(), args.contender(), args.run(),
                        "unreadable result line: " + e.getMessage());
            }
        }
        return Outcome.failed(args.workload(), args.contender(), args.run(),
                "child JVM exited with code " + exitCode + " without a result: " + likelyCause());
    }

    /**
     * The java launcher's closing words when the JVM itself could not start; the reason (an unrecognized option,
     * say) is on the line before them.
     */
    private static final List<String> LAUNCHER_BOILERPLATE = List.of(
            "Error: Could not create the Java Virtual Machine.",
            "Error: A fatal exception has occurred. Program will exit.");

    /** The last stderr line that names an error or exception, else the last non-blank one. */
    private String likelyCause() {
        String lastNonBlank = null;
        for (int i = stderrTail.size() - 1; i >= 0; i--) {
            final String line = stderrTail.get(i).strip();
            if (line.isEmpty() || line.startsWith("at ") || line.startsWith("...")
                    || LAUNCHER_BOILERPLATE.contains(line)) {
                continue;
            }
            if (line.contains("Error") || line.contains("Exception")) {
                return line;
            }
            if (lastNonBlank == null) {
                lastNonBlank = line;
            }
        }
        return lastNonBlank == null ? "(nothing on stderr)" : lastNonBlank;
    }
}
