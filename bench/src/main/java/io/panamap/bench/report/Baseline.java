package io.panamap.bench.report;

import io.panamap.bench.result.WorkloadResult;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The baseline contender's runs in one workload, for the ratio columns ("build/fastutil" and the like): the
 * workload names it ({@link io.panamap.bench.workload.Workload#baseline()}).
 */
final class Baseline<R extends WorkloadResult> {

    private final String name;
    /** The baseline's runs, or null if it did not run or every run failed. */
    private final Runs<R> runs;

    Baseline(final String name, final List<Runs<R>> all) {
        this.name = name;
        this.runs = all.stream().filter(r -> r.contender().equals(name) && r.any()).findFirst().orElse(null);
    }

    /** The baseline contender's name. */
    String name() {
        return name;
    }

    /** A ratio column's header: {@code what/baseline}. */
    String header(final String what) {
        return what + "/" + name;
    }

    /** {@code contender}'s median of {@code value} divided by the baseline's, or "-" without a baseline. */
    String ratio(final Runs<R> contender, final ToDoubleFunction<R> value) {
        if (runs == null) {
            return "-";
        }
        return Format.ratio(contender.medianDouble(value) / runs.medianDouble(value));
    }

    /** A sentence explaining the ratio columns. */
    String note() {
        return runs == null
                ? "No " + name + " result in this run, so there are no ratios."
                : "x/" + name + " columns: the contender's median divided by " + name
                + "'s median (above 1 is slower).";
    }
}
