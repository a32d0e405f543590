package io.panamap.bench.report;

import io.panamap.bench.contender.Contenders;
import io.panamap.bench.result.GrowResult;
import io.panamap.bench.result.Outcome;
import io.panamap.bench.workload.RunSpec;

import java.util.ArrayList;
import java.util.List;

/** The report's sections for the {@code grow} workload: medians per contender, then every run. */
final class GrowSections {

    static final String WORKLOAD = "grow";
    private static final String PRIMING = Format.count(RunSpec.DEFAULT_PRIMING_CALLS) + " times on "
            + RunSpec.PRIMING_KEYS + " keys";

    private GrowSections() {
    }

    static List<Report.Section> build(final RunInfo info, final String description, final List<Outcome> outcomes) {
        final List<Runs<GrowResult>> all = info.contenders().stream()
                .map(c -> Runs.of(outcomes, WORKLOAD, c, GrowResult.class)).toList();
        return List.of(summary(info, description, all), perRun(all));
    }

    private static Report.Section summary(final RunInfo info, final String description,
                                          final List<Runs<GrowResult>> all) {
        final Baseline<GrowResult> baseline = new Baseline<>(all);
        final Table.Builder table = new Table.Builder().text("contender").number("build")
                .number("build/" + Contenders.BASELINE).number("p50").number("p99").number("p99.9")
                .number("p99.99").number("worst put").number("at size").number("worst/" + Contenders.BASELINE)
                .number("GC n / time").number("noise p99.99").number("noise max");
        final List<String> notes = new ArrayList<>();
        for (final Runs<GrowResult> runs : all) {
            if (!runs.any()) {
                table.messageRow(runs.contender(), runs.failureText());
                continue;
            }
            final GrowResult worst = runs.medianBy(GrowResult::worstPutNanos);
            table.row(runs.contender(),
                    Format.nanos(runs.median(GrowResult::buildNanos)),
                    baseline.ratio(runs, GrowResult::buildNanos),
                    Format.nanos(runs.median(r -> r.put().p50())),
                    Format.nanos(runs.median(r -> r.put().p99())),
                    Format.nanos(runs.median(r -> r.put().p999())),
                    Format.nanos(runs.median(r -> r.put().p9999())),
                    Format.nanos(worst.worstPutNanos()),
                    Format.count(worst.worstPutAtSize()),
                    baseline.ratio(runs, GrowResult::worstPutNanos),
                    Format.gc(runs.medianBy(r -> r.timedGc().millis()).timedGc()),
                    Format.nanos(runs.median(r -> r.noise().windows().p9999())),
                    Format.nanos(runs.median(r -> r.noise().windows().max())));
            for (final Outcome failed : runs.failures()) {
                notes.add(runs.contender() + " run " + failed.run() + " failed: " + failed.failure());
            }
        }
        notes.add("Warm-up: in every child JVM, before anything was measured, the timed pass ran once at full N"
                + " on a throw-away map, which was then closed (native maps) or dropped (on-heap maps), followed by"
                + " System.gc(); before and after that pass, both loops were called " + PRIMING + ", so that the"
                + " JIT compiles them as whole methods. For native maps the harness then waited until panamap's"
                + " background memory worker was idle (so that freeing the throw-away map shows up in neither the"
                + " noise floor nor the timed pass). The measured pass thus ran compiled, on memory the kernel had"
                + " recently handed out.");
        notes.add("p50 .. worst put: the timed pass, System.nanoTime() around each single put (the ~25 ns of the"
                + " clock reads are inside every figure); percentiles to 3 significant digits; 'worst put' is exact"
                + " and 'at size' is how many keys the map held when it happened.");
        notes.add("build: wall time of a second pass on a fresh map without per-put timing.");
        notes.add("GC n / time: collections and their time during the timed pass, all collectors.");
        notes.add("noise: the machine's noise floor, measured in the same JVM just before the timed pass: at least"
                + " as many empty timing windows (two back-to-back System.nanoTime() calls) as puts, for at least as long"
                + " as the timed pass takes (the warm-up pass's duration) and at least 2 s. A worst put below"
                + " 'noise max' cannot be told from a machine hiccup.");
        notes.add(baseline.note());
        notes.add(mediansNote(info.runs()));
        for (final Runs<GrowResult> runs : all) {
            if (runs.any() && !runs.results().getLast().mapStats().isEmpty()) {
                final GrowResult last = runs.results().getLast();
                notes.add(runs.contender() + " stats() after the timed pass of run " + runs.runOf(last) + ": "
                        + last.mapStats());
            }
        }
        return new Report.Section(WORKLOAD + ": build from empty", description, table.build(), notes);
    }

    private static Report.Section perRun(final List<Runs<GrowResult>> all) {
        final Table.Builder table = new Table.Builder().text("contender #run").number("build").number("p99.99")
                .number("worst put").number("at size").number("GC timed pass").number("GC build pass")
                .number("noise windows").number("noise p99.99").number("noise max");
        for (final Runs<GrowResult> runs : all) {
            for (final Outcome outcome : runs.outcomes()) {
                final String name = runs.contender() + " #" + outcome.run();
                if (!outcome.ok()) {
                    table.messageRow(name, "FAILED: " + outcome.failure());
                    continue;
                }
                final GrowResult r = (GrowResult) outcome.result();
                table.row(name, Format.nanos(r.buildNanos()), Format.nanos(r.put().p9999()),
                        Format.nanos(r.worstPutNanos()), Format.count(r.worstPutAtSize()), Format.gc(r.timedGc()),
                        Format.gc(r.buildGc()),
                        Format.count(r.noise().windows().count()) + " in " + Format.nanos(r.noise().durationNanos()),
                        Format.nanos(r.noise().windows().p9999()), Format.nanos(r.noise().windows().max()));
            }
        }
        return new Report.Section(WORKLOAD + ": every run", "", table.build(), List.of());
    }

    private static String mediansNote(final int runs) {
        return "Figures are medians over " + runs + (runs == 1 ? " run" : " runs")
                + " (for an even count, the lower middle run), each run in its own JVM; 'worst put' and"
                + " 'at size' come from the same run.";
    }
}
