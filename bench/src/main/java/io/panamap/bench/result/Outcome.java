package io.panamap.bench.result;

import java.util.Objects;

/**
 * What became of one child JVM: one workload, one contender, one run, and either its result or why it failed.
 *
 * @param workload  the workload's name
 * @param contender the contender's name
 * @param run       1-based run number
 * @param result    the measurement, or null if the run failed
 * @param failure   why the run failed (one line), or null if it succeeded
 */
public record Outcome(String workload, String contender, int run, WorkloadResult result, String failure) {

    public Outcome {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(contender, "contender");
        if ((result == null) == (failure == null)) {
            throw new IllegalArgumentException("an outcome has either a result or a failure");
        }
    }

    public static Outcome succeeded(final String workload, final String contender, final int run,
                                    final WorkloadResult result) {
        return new Outcome(workload, contender, run, Objects.requireNonNull(result, "result"), null);
    }

    public static Outcome failed(final String workload, final String contender, final int run, final String why) {
        return new Outcome(workload, contender, run, null, Objects.requireNonNull(why, "why"));
    }

    /** Whether the run produced a result. */
    public boolean ok() {
        return failure == null;
    }
}
