package io.panamap.bench.report;

import io.panamap.bench.contender.Contenders;
import io.panamap.bench.result.WorkloadResult;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** The baseline contender's runs in one workload, for the ratio columns ("build/fastutil" and the like). */
final class Baseline<R extends WorkloadResult> {

    /** The baseline's runs, or null if it did not run or every run failed. */
    private final Runs<R> runs;

    Baseline(final List<Runs<R>> all) {
        this.runs = all.stream().filter(r -> r.contender().equals(Contenders.BASELINE) && r.any())
                .findFirst().orElse(null);
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
                ? "No " + Contenders.BASELINE + " result in this run, so there are no ratios."
                : "x/" + Contenders.BASELINE + " columns: the contender's median divided by " + Contenders.BASELINE
                + "'s median (above 1 is slower).";
    }
}
