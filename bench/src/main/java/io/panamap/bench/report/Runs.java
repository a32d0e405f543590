package io.panamap.bench.report;

import io.panamap.bench.result.Outcome;
import io.panamap.bench.result.WorkloadResult;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The runs of one contender in one workload, and their medians. A median here is the middle run, and for an
 * even number of runs the lower middle one, so that a figure and its context (the worst put and the size at
 * which it happened) always come from one real run.
 *
 * @param contender the contender
 * @param outcomes  its outcomes in this workload, in run order
 * @param results   the results of the runs that succeeded, in run order
 * @param <R>       the workload's result type
 */
record Runs<R extends WorkloadResult>(String contender, List<Outcome> outcomes, List<R> results) {

    /** The runs of {@code contender} in {@code workload}, whose results are of type {@code type}. */
    static <R extends WorkloadResult> Runs<R> of(final List<Outcome> all, final String workload,
                                                 final String contender, final Class<R> type) {
        final List<Outcome> mine = all.stream()
                .filter(o -> o.workload().equals(workload) && o.contender().equals(contender))
                .sorted(Comparator.comparingInt(Outcome::run)).toList();
        final List<R> results = new ArrayList<>();
        for (final Outcome outcome : mine) {
            if (outcome.ok()) {
                results.add(type.cast(outcome.result()));
            }
        }
        return new Runs<>(contender, mine, List.copyOf(results));
    }

    /**
     * The note that says what a table's figures are medians of: {@code runs} per contender, or, for a contender
     * some of whose runs failed, those that completed. {@code about} ends the first sentence (may be empty).
     */
    static String mediansNote(final int runs, final List<? extends Runs<?>> all, final String about) {
        final StringBuilder note = new StringBuilder("Figures are medians over " + runs
                + (runs == 1 ? " run" : " runs") + " (for an even count, the lower middle run), each run in its own"
                + " JVM" + about + ".");
        final List<String> partial = all.stream().filter(r -> r.any() && !r.failures().isEmpty())
                .map(Runs::contender).toList();
        if (!partial.isEmpty()) {
            note.append(" Some runs of ").append(String.join(", ", partial))
                    .append(" failed (below): their figures are medians over the runs that completed.");
        }
        return note.toString();
    }

    /** Whether at least one run produced a result. */
    boolean any() {
        return !results.isEmpty();
    }

    /** The failed runs. */
    List<Outcome> failures() {
        return outcomes.stream().filter(o -> !o.ok()).toList();
    }

    /** Why the contender has no result: its first failure, or "no result" if it never ran. */
    String failureText() {
        return outcomes.isEmpty() ? "no result" : "FAILED: " + outcomes.getFirst().failure();
    }

    /** The run whose {@code value} is the median. */
    R medianBy(final ToDoubleFunction<R> value) {
        final List<R> sorted = results.stream().sorted(Comparator.comparingDouble(value)).toList();
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** The median of {@code value} over the runs. */
    long median(final ToLongFunction<R> value) {
        return value.applyAsLong(medianBy(r -> value.applyAsLong(r)));
    }

    /** The median of {@code value} over the runs. */
    double medianDouble(final ToDoubleFunction<R> value) {
        return value.applyAsDouble(medianBy(value));
    }

    /** The run number of {@code result}. */
    int runOf(final R result) {
        return outcomes.stream().filter(o -> o.result() == result).findFirst().orElseThrow().run();
    }

    /** One note per failed run: "contender run N failed: why". */
    List<String> failureNotes() {
        return failures().stream().map(f -> contender + " run " + f.run() + " failed: " + f.failure()).toList();
    }

    /** Adds one row per run to {@code table}: "contender #N" and the run's cells, or its failure. */
    @SuppressWarnings("unchecked") // a run that succeeded holds this workload's result type (see of)
    void addRunRows(final Table.Builder table, final Function<R, List<String>> cells) {
        for (final Outcome outcome : outcomes) {
            final String name = contender + " #" + outcome.run();
            if (!outcome.ok()) {
                table.messageRow(name, "FAILED: " + outcome.failure());
                continue;
            }
            final List<String> row = new ArrayList<>();
            row.add(name);
            row.addAll(cells.apply((R) outcome.result()));
            table.row(row);
        }
    }
}
