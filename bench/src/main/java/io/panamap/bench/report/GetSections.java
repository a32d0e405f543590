package io.panamap.bench.report;

import io.panamap.bench.result.GetResult;
import io.panamap.bench.result.Outcome;
import io.panamap.bench.workload.RunSpec;
import io.panamap.bench.workload.Workloads;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The report's sections for the {@code get} workload: medians per contender, then every run. */
final class GetSections {

    static final String WORKLOAD = "get";
    private static final String PRIMING = Format.count(RunSpec.DEFAULT_PRIMING_CALLS) + " rounds of "
            + RunSpec.PRIMING_KEYS + " gets";

    private GetSections() {
    }

    /** The sections of {@code workload} ({@value #WORKLOAD} with any key type), its contenders in table order. */
    static List<Report.Section> build(final RunInfo info, final String workload, final String description,
                                      final List<Outcome> outcomes) {
        final List<Runs<GetResult>> all = Workloads.contendersFor(workload, info.contenders()).stream()
                .map(c -> Runs.of(outcomes, workload, c, GetResult.class)).toList();
        final Baseline<GetResult> baseline = new Baseline<>(Workloads.byName(workload).baseline(), all);
        return List.of(summary(info, workload, description, all, baseline), latency(workload, all),
                perRun(workload, all));
    }

    private static Report.Section summary(final RunInfo info, final String workload, final String description,
                                          final List<Runs<GetResult>> all, final Baseline<GetResult> baseline) {
        final Table.Builder table = new Table.Builder().text("contender").number("best ns/get")
                .number("median ns/get").number(baseline.header("median"))
                .number("GC n / time").number("noise p99.99").number("noise max");
        final List<String> notes = new ArrayList<>();
        for (final Runs<GetResult> runs : all) {
            if (!runs.any()) {
                table.messageRow(runs.contender(), runs.failureText());
                continue;
            }
            table.row(runs.contender(),
                    Format.nsPerOp(runs.medianDouble(GetResult::bestNsPerGet)),
                    Format.nsPerOp(runs.medianDouble(GetResult::medianNsPerGet)),
                    baseline.ratio(runs, GetResult::medianNsPerGet),
                    Format.gc(runs.medianBy(r -> r.gc().millis()).gc()),
                    Format.nanos(runs.median(r -> r.noise().windows().p9999())),
                    Format.nanos(runs.median(r -> r.noise().windows().max())));
            notes.addAll(runs.failureNotes());
        }
        notes.add("Each child built the map untimed (the contender's usual way: not presized unless its name says"
                + " so), called System.gc(), waited for panamap's background memory worker to be idle (native maps)"
                + " and measured the noise floor. Warm-up: " + PRIMING + ", one full"
                + " untimed round, " + PRIMING + " again (so that the JIT compiles the loop as a whole method)."
                + " Then, at once, the timed rounds of N gets, each round every key once in a shuffled order: "
                + RunSpec.DEFAULT_TIMED_GET_ROUNDS + ", or as many as fit in "
                + RunSpec.TIMED_GET_ROUNDS_BUDGET_NANOS / 1_000_000_000 + " s after the warm-up round (at least one)."
                + " ns/get = round time / N; best and median round per run, then the median over runs.");
        notes.add("GC n / time: collections and their time during the timed rounds.");
        notes.add("Every round's sum of returned values (the blackhole that keeps the JIT from removing the loop)"
                + " was checked against the sum the keys imply; the checksums are in the table below.");
        notes.add(baseline.note());
        notes.add(Runs.mediansNote(info.runs(), all, ""));
        return new Report.Section(workload + ": random gets of present keys", description, table.build(), notes);
    }

    private static Report.Section latency(final String workload, final List<Runs<GetResult>> all) {
        final Table.Builder table = new Table.Builder().text("contender").number("gets/s")
                .numbers(Format.PERCENTILE_HEADERS).number("noise max");
        for (final Runs<GetResult> runs : all) {
            if (!runs.any()) {
                table.messageRow(runs.contender(), runs.failureText());
                continue;
            }
            final GetResult median = runs.medianBy(r -> r.get().p9999());
            final List<String> cells = new ArrayList<>(List.of(runs.contender(),
                    Format.perSecond(median.getsPerSecond())));
            cells.addAll(Format.percentiles(median.get()));
            cells.add(Format.nanos(median.noise().windows().max()));
            table.row(cells);
        }
        return new Report.Section(workload + ": latency of single gets", "After the timed rounds, the first "
                + Format.count(RunSpec.LATENCY_SAMPLE_GETS) + " gets (or all N if fewer) of one more round, with"
                + " System.nanoTime() around each (the ~25 ns of the clock reads are inside each figure).",
                table.build(), List.of("gets/s: from the median timed round (no per-get clock reads).",
                "Percentiles from the run with the median p99.99."));
    }

    private static Report.Section perRun(final String workload, final List<Runs<GetResult>> all) {
        final Table.Builder table = new Table.Builder().text("contender #run").text("ns/get of each round")
                .number("best").number("median").text("checksum").number("GC n / time").number("noise max");
        for (final Runs<GetResult> runs : all) {
            runs.addRunRows(table, r -> {
                final String rounds = Arrays.stream(r.roundNanos())
                        .mapToObj(nanos -> Format.nsPerOp((double) nanos / r.getsPerRound()))
                        .collect(Collectors.joining(" "));
                return List.of(rounds, Format.nsPerOp(r.bestNsPerGet()), Format.nsPerOp(r.medianNsPerGet()),
                        Format.hex(r.checksum()), Format.gc(r.gc()), Format.nanos(r.noise().windows().max()));
            });
        }
        return new Report.Section(workload + ": every run", "", table.build(), List.of());
    }
}
