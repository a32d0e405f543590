package io.panamap.bench.report;

import io.panamap.bench.result.OpenLoopResult;
import io.panamap.bench.result.Outcome;
import io.panamap.bench.workload.Workloads;

import java.util.ArrayList;
import java.util.List;

/** The report's sections for the {@code open-loop} workload: medians per contender, then every run. */
final class OpenLoopSections {

    static final String WORKLOAD = "open-loop";

    private OpenLoopSections() {
    }

    /** The sections of {@code workload} ({@value #WORKLOAD} with any key type), its contenders in table order. */
    static List<Report.Section> build(final RunInfo info, final String workload, final String description,
                                      final List<Outcome> outcomes) {
        final List<Runs<OpenLoopResult>> all = Workloads.contendersFor(workload, info.contenders()).stream()
                .map(c -> Runs.of(outcomes, workload, c, OpenLoopResult.class)).toList();
        final Baseline<OpenLoopResult> baseline = new Baseline<>(Workloads.byName(workload).baseline(), all);
        return List.of(summary(info, workload, description, all, baseline), perRun(workload, all));
    }

    private static Report.Section summary(final RunInfo info, final String workload, final String description,
                                          final List<Runs<OpenLoopResult>> all,
                                          final Baseline<OpenLoopResult> baseline) {
        final Table.Builder table = new Table.Builder().text("contender").number("achieved")
                .numbers(Format.PERCENTILE_HEADERS).number(baseline.header("max")).number("worst at size")
                .number("GC n / time").number("noise max");
        final List<String> notes = new ArrayList<>();
        for (final Runs<OpenLoopResult> runs : all) {
            if (!runs.any()) {
                table.messageRow(runs.contender(), runs.failureText());
                continue;
            }
            final OpenLoopResult median = runs.medianBy(OpenLoopResult::worstNanos);
            final List<String> cells = new ArrayList<>(List.of(runs.contender(),
                    Format.perSecond(median.achievedPerSecond())));
            cells.addAll(Format.percentiles(median.response()));
            cells.add(baseline.ratio(runs, OpenLoopResult::worstNanos));
            cells.add(Format.count(median.worstAtSize()));
            cells.add(Format.gc(median.gc()));
            cells.add(Format.nanos(median.noise().windows().max()));
            table.row(cells);
            notes.addAll(runs.failureNotes());
        }
        notes.add("The stream: " + Format.count(info.rate()) + " operations per second for "
                + Format.nanos(info.openLoopNanos()) + ", every 10th a put of a new key into a map that started"
                + " empty, the others gets of present keys chosen at random.");
        notes.add("Latency is measured from each operation's intended start time (start + i / rate), so a stall"
                + " is charged to every operation that should have run during it, as a queue of callers would"
                + " feel it (no coordinated omission). The histogram is recorded as is: nothing is corrected"
                + " afterwards.");
        notes.add("achieved: operations / wall time of the stream (at least its schedule, operations / rate);"
                + " below the rate when the map fell behind for good. max is the worst operation; 'worst at size'"
                + " the entries the map then held.");
        notes.add("Warm-up: the stream loop JIT-compiled on small maps, then the whole stream once, unthrottled, on"
                + " a throw-away map; System.gc(); the noise floor; then the measured stream on a fresh map.");
        notes.add(baseline.note());
        notes.add(Runs.mediansNote(info.runs(), all, "; achieved, the percentiles, 'worst at size', GC and noise come"
                + " from the run with the median worst operation"));
        return new Report.Section(workload + ": fixed-rate stream, 90% get / 10% put", description, table.build(),
                notes);
    }

    private static Report.Section perRun(final String workload, final List<Runs<OpenLoopResult>> all) {
        final Table.Builder table = new Table.Builder().text("contender #run").number("achieved").number("p99.99")
                .number("max").number("worst at size").number("GC n / time").number("noise max");
        for (final Runs<OpenLoopResult> runs : all) {
            runs.addRunRows(table, r -> {
                return List.of(Format.perSecond(r.achievedPerSecond()), Format.nanos(r.response().p9999()),
                        Format.nanos(r.worstNanos()), Format.count(r.worstAtSize()), Format.gc(r.gc()),
                        Format.nanos(r.noise().windows().max()));
            });
        }
        return new Report.Section(workload + ": every run", "", table.build(), List.of());
    }
}
