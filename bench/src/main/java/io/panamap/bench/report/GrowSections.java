package io.panamap.bench.report;

import io.panamap.bench.result.GrowResult;
import io.panamap.bench.result.MemoryUse;
import io.panamap.bench.result.Outcome;
import io.panamap.bench.workload.KeyType;
import io.panamap.bench.workload.RunSpec;
import io.panamap.bench.workload.Workloads;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The report's sections for the {@code grow} workload: medians per contender, then every run. */
final class GrowSections {

    static final String WORKLOAD = "grow";
    private static final String PRIMING = Format.count(RunSpec.DEFAULT_PRIMING_CALLS) + " times on "
            + RunSpec.PRIMING_KEYS + " keys";

    /**
     * A worst put no longer than this is at the noise floor whatever the empty windows of its JVM showed: the
     * floor a put is held to is the larger of this and the worst empty window of the same run.
     */
    static final long FLOOR_ALLOWANCE_NANOS = 50_000;

    private GrowSections() {
    }

    /** The sections of {@code workload} ({@value #WORKLOAD} with any key type), its contenders in table order. */
    static List<Report.Section> build(final RunInfo info, final String workload, final String description,
                                      final List<Outcome> outcomes) {
        final List<Runs<GrowResult>> all = Workloads.contendersFor(workload, info.contenders()).stream()
                .map(c -> Runs.of(outcomes, workload, c, GrowResult.class)).toList();
        final Baseline<GrowResult> baseline = new Baseline<>(Workloads.byName(workload).baseline(), all);
        return List.of(summary(info, workload, description, all, baseline), memory(workload, all),
                perRun(workload, all));
    }

    private static Report.Section summary(final RunInfo info, final String workload, final String description,
                                          final List<Runs<GrowResult>> all, final Baseline<GrowResult> baseline) {
        final Table.Builder table = new Table.Builder().text("contender").number("build")
                .number(baseline.header("build")).number("puts/s").numbers(Format.PERCENTILE_HEADERS)
                .number("worst put at size").number(baseline.header("worst")).number("GC n / time")
                .number("noise p99.99").number("noise max");
        final List<String> notes = new ArrayList<>();
        for (final Runs<GrowResult> runs : all) {
            if (!runs.any()) {
                table.messageRow(runs.contender(), runs.failureText());
                continue;
            }
            final GrowResult median = runs.medianBy(GrowResult::worstPutNanos);
            final List<String> cells = new ArrayList<>(List.of(runs.contender(),
                    Format.nanos(runs.median(GrowResult::buildNanos)),
                    baseline.ratio(runs, GrowResult::buildNanos),
                    Format.perSecond(median.putsPerSecond())));
            cells.addAll(Format.percentiles(median.put()));
            cells.add(Format.count(median.worstPutAtSize()));
            cells.add(baseline.ratio(runs, GrowResult::worstPutNanos));
            cells.add(Format.gc(median.timedGc()));
            cells.add(Format.nanos(median.noise().windows().p9999()));
            cells.add(Format.nanos(median.noise().windows().max()));
            table.row(cells);
            notes.addAll(runs.failureNotes());
        }
        notes.add("Warm-up: in every child JVM, before anything was measured, the timed pass ran once at full N"
                + " on a throw-away map, which was then closed (native maps) or dropped (on-heap maps), followed by"
                + " System.gc(); before and after that pass, both loops were called " + PRIMING + ", so that the"
                + " JIT compiles them as whole methods. For native maps the harness then waited until panamap's"
                + " background memory worker was idle (so that freeing the throw-away map shows up in neither the"
                + " noise floor nor the timed pass). The measured pass thus ran compiled, on memory the kernel had"
                + " recently handed out.");
        notes.add("puts/s .. max: the timed pass, System.nanoTime() around each single put (the ~25 ns of the"
                + " clock reads are inside every figure); percentiles to 3 significant digits; max is the worst put"
                + " and 'worst put at size' is how many keys the map held when it happened. The percentiles and"
                + " worst put shown come from the run with the median worst put.");
        notes.add("build: wall time of a second pass on a fresh map without per-put timing.");
        notes.add("GC n / time: collections and their time during the timed pass, all collectors.");
        notes.add("noise: the machine's noise floor, measured in the same JVM just before the timed pass: at least"
                + " as many empty timing windows (two back-to-back System.nanoTime() calls) as puts, for as long as the"
                + " timed pass takes (the warm-up pass's duration), at least " + Format.nanos(
                RunSpec.DEFAULT_NOISE_FLOOR_NANOS) + " (" + Format.nanos(RunSpec.QUICK_NOISE_FLOOR_NANOS)
                + " with --quick) and at most " + Format.nanos(RunSpec.NOISE_FLOOR_MAX_NANOS) + ". A worst put below"
                + " 'noise max' cannot be told from a machine hiccup.");
        notes.add(atFloorNote(all));
        notes.add(baseline.note());
        notes.add(Runs.mediansNote(info.runs(), all, "; 'worst put' and 'at size' come from the same run"));
        for (final Runs<GrowResult> runs : all) {
            if (runs.any() && !runs.results().getLast().mapStats().isEmpty()) {
                final GrowResult last = runs.results().getLast();
                notes.add(runs.contender() + " stats() after the timed pass of run " + runs.runOf(last) + ": "
                        + last.mapStats());
            }
        }
        return new Report.Section(workload + ": build from empty", description, table.build(), notes);
    }

    private static Report.Section memory(final String workload, final List<Runs<GrowResult>> all) {
        final Table.Builder table = new Table.Builder().text("contender").number("entries").number("heap used")
                .number("live heap growth").number("native growth").number("heap/entry").number("native/entry")
                .number("bytes/entry");
        for (final Runs<GrowResult> runs : all) {
            if (!runs.any()) {
                table.messageRow(runs.contender(), runs.failureText());
                continue;
            }
            final MemoryUse memory = runs.medianBy(r -> r.memory().bytesPerEntry()).memory();
            table.row(runs.contender(), Format.count(memory.entries()), Format.bytes(memory.heapUsedBytes()),
                    Format.bytes(memory.liveHeapBytes()), Format.bytes(memory.nativeBytes()),
                    String.format(Locale.ROOT, "%.1f", memory.heapBytesPerEntry()),
                    String.format(Locale.ROOT, "%.1f", memory.nativeBytesPerEntry()),
                    String.format(Locale.ROOT, "%.1f", memory.bytesPerEntry()));
        }
        final String keys = Workloads.byName(workload).keyType() == KeyType.STRING
                ? " With string keys, the heap side is measured from before the timed pass's keys were made to after"
                + " the harness dropped them, so a map is charged for the key Strings it keeps (HashMap) and not for"
                + " the ones it copied (the native maps keep UTF-8 copies, counted in their native growth); the"
                + " native side between two snapshots with the keys alive, so that the heap pages the keys were"
                + " made in do not pass for native memory." : "";
        return new Report.Section(workload + ": memory at the end of the timed pass", "Measured from outside the"
                + " map, the same way for every contender: a full GC and a snapshot before the map was created, and"
                + " again with the map of the timed pass alive at its end." + keys, table.build(), List.of(
                "heap used: the Java heap in use after the second full GC, map included.",
                "live heap growth: heap in use after GC, second snapshot minus first.",
                "native growth: the process's resident memory (VmRSS) growth minus the growth of the committed"
                        + " heap: native tables and what they touched (for panamap, the table and, once a doubling"
                        + " is near, the next array it has already prepared).",
                "heap/entry, native/entry: live heap growth and native growth divided by the entries (a negative"
                        + " growth counts as 0); bytes/entry: their sum."));
    }

    private static Report.Section perRun(final String workload, final List<Runs<GrowResult>> all) {
        final Table.Builder table = new Table.Builder().text("contender #run").number("build").number("p99.99")
                .number("worst put").number("at size").number("GC timed pass").number("GC build pass")
                .number("noise windows").number("noise p99.99").number("noise max").text("at floor");
        for (final Runs<GrowResult> runs : all) {
            runs.addRunRows(table, r -> {
                return List.of(Format.nanos(r.buildNanos()), Format.nanos(r.put().p9999()),
                        Format.nanos(r.worstPutNanos()), Format.count(r.worstPutAtSize()), Format.gc(r.timedGc()),
                        Format.gc(r.buildGc()),
                        Format.count(r.noise().windows().count()) + " in " + Format.nanos(r.noise().durationNanos()),
                        Format.nanos(r.noise().windows().p9999()), Format.nanos(r.noise().windows().max()),
                        atFloor(r) ? "yes" : "no");
            });
        }
        return new Report.Section(workload + ": every run", "", table.build(), List.of());
    }

    /** Whether the run's worst put is at its JVM's noise floor (see {@link #FLOOR_ALLOWANCE_NANOS}). */
    static boolean atFloor(final GrowResult run) {
        return run.worstPutNanos() <= Math.max(FLOOR_ALLOWANCE_NANOS, run.noise().windows().max());
    }

    /** How many runs of each contender had their worst put at the noise floor, and why one run says little. */
    private static String atFloorNote(final List<Runs<GrowResult>> all) {
        final List<String> counts = new ArrayList<>();
        for (final Runs<GrowResult> runs : all) {
            if (runs.any()) {
                counts.add(runs.contender() + " " + runs.results().stream().filter(GrowSections::atFloor).count()
                        + " of " + runs.results().size());
            }
        }
        return "at floor: runs whose worst put was no more than the larger of " + Format.nanos(FLOOR_ALLOWANCE_NANOS)
                + " and the noise max of its own JVM: " + String.join(", ", counts) + ". Each side is the largest of"
                + " the machine's stalls over a few seconds, so a map that adds none of its own has about even odds"
                + " in any one run: compare counts over several runs, and with a contender that does no growth.";
    }
}
