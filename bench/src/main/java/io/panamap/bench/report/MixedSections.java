package io.panamap.bench.report;

import io.panamap.bench.result.MixedResult;
import io.panamap.bench.result.Outcome;
import io.panamap.bench.result.ShardGrowth;
import io.panamap.bench.workload.Workloads;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's sections for the {@code mixed-mt} workload: medians per contender, the time panamap's shards
 * spent with two arrays (during the pass and after an idle pause), then every run.
 */
final class MixedSections {

    static final String WORKLOAD = "mixed-mt";

    private MixedSections() {
    }

    /** The sections of {@code workload}, its contenders in table order. */
    static List<Report.Section> build(final RunInfo info, final String workload, final String description,
                                      final List<Outcome> outcomes) {
        final List<Runs<MixedResult>> all = Workloads.contendersFor(workload, info.contenders()).stream()
                .map(c -> Runs.of(outcomes, workload, c, MixedResult.class)).toList();
        final Baseline<MixedResult> baseline = new Baseline<>(Workloads.byName(workload).baseline(), all);
        final List<Report.Section> sections = new ArrayList<>();
        sections.add(summary(info, workload, description, all, baseline));
        if (all.stream().anyMatch(runs -> runs.any() && runs.results().getFirst().growthAtEnd() != null)) {
            sections.add(twoArrays(workload, all));
        }
        sections.add(perRun(workload, all));
        return sections;
    }

    private static Report.Section summary(final RunInfo info, final String workload, final String description,
                                          final List<Runs<MixedResult>> all, final Baseline<MixedResult> baseline) {
        final Table.Builder table = new Table.Builder().text("contender").number("ops/s")
                .number(baseline.header("time")).number("per-thread ops/s").numbers(Format.PERCENTILE_HEADERS)
                .number(baseline.header("max")).number("worst at size").number("GC n / time")
                .number("noise p99.99").number("noise max");
        final List<String> notes = new ArrayList<>();
        int threads = info.threads();
        for (final Runs<MixedResult> runs : all) {
            if (!runs.any()) {
                table.messageRow(runs.contender(), runs.failureText());
                continue;
            }
            final MixedResult fastest = runs.medianBy(MixedResult::elapsedNanos);
            final MixedResult median = runs.medianBy(MixedResult::worstNanos);
            threads = median.threads();
            final List<String> cells = new ArrayList<>(List.of(runs.contender(),
                    Format.perSecond(fastest.operationsPerSecond()),
                    baseline.ratio(runs, MixedResult::elapsedNanos),
                    threadSpread(fastest)));
            cells.addAll(Format.percentiles(median.op()));
            cells.add(baseline.ratio(runs, MixedResult::worstNanos));
            cells.add(Format.count(median.worstAtSize()));
            cells.add(Format.gc(median.gc()));
            cells.add(Format.nanos(median.noise().windows().p9999()));
            cells.add(Format.nanos(median.noise().windows().max()));
            table.row(cells);
            notes.addAll(runs.failureNotes());
        }
        notes.add("The pass: " + threads(threads) + " started at one instant on one map that started empty. Each"
                + " thread puts its own share of the N keys, every put followed by four gets of keys it has put"
                + " itself, chosen at random: 80% gets, 20% puts, 5 N operations in all, the map growing from 0 to N"
                + " entries. The keys are random, so the threads' keys share every shard, segment and bin: readers"
                + " meet writers of the same shard all the time.");
        notes.add("ops/s: the operations of all threads over the wall time from the common start to the end of the"
                + " last thread (per-operation clock reads included); per-thread ops/s: the slowest and the fastest"
                + " thread, each over its own time. Both from the run with the median wall time. "
                + baseline.header("time") + ": the pass's wall time over " + baseline.name()
                + "'s (above 1 is slower).");
        notes.add("p50 .. max: System.nanoTime() around every single operation, each thread recording into its own"
                + " preallocated histograms, merged after the pass (the ~25 ns of the clock reads are inside every"
                + " figure); from the run with the median worst operation. worst at size: about how many entries"
                + " the map held then (the puts the worst operation's thread had done, times the threads).");
        notes.add("Warm-up: in every child JVM, the stream loop JIT-compiled on small maps, then the whole pass once"
                + " with every thread on a throw-away map, closed (native maps) or dropped (on-heap maps);"
                + " System.gc(); for native maps, the harness waited until panamap's background memory worker was"
                + " idle. Then the noise floor and the measured pass on a fresh map.");
        notes.add("noise: the noise floor as " + threads(threads) + " see it at once: each times empty windows (two"
                + " back-to-back System.nanoTime() calls) for at least as long as the warm-up pass took, merged. An"
                + " operation slower than 'noise max' is the map's; one below it cannot be told from the machine.");
        if (info.machine() != null && threads >= info.machine().cores()) {
            notes.add(threads + " worker threads on " + info.machine().cores() + " processors: the JIT, the GC"
                    + " and the maps' own background threads (panamap's memory worker and evacuator) take their CPU"
                    + " time from the workers, and an operation whose thread loses its processor in the middle of it"
                    + " is charged the whole wait.");
        }
        notes.add(baseline.note());
        notes.add(Runs.mediansNote(info.runs(), all, ""));
        for (final Runs<MixedResult> runs : all) {
            if (runs.any() && !runs.results().getLast().mapStats().isEmpty()) {
                final MixedResult last = runs.results().getLast();
                notes.add(runs.contender() + " stats() after the idle pause of run " + runs.runOf(last) + ": "
                        + last.mapStats());
            }
        }
        return new Report.Section(workload + ": " + threads(threads) + ", 80% get / 20% put, growing from empty",
                description, table.build(), notes);
    }

    private static Report.Section twoArrays(final String workload, final List<Runs<MixedResult>> all) {
        final Table.Builder table = new Table.Builder().text("contender").number("shards")
                .number("growing at end").number("moved at end").number("two arrays at end")
                .number("share of the pass").number("growing after idle").number("moved after idle")
                .number("two arrays after idle").number("added while idle").number("evacuator slices / time");
        long idleNanos = 0;
        for (final Runs<MixedResult> runs : all) {
            if (!runs.any() || runs.results().getFirst().growthAtEnd() == null) {
                continue;
            }
            final MixedResult median = runs.medianBy(r -> r.growthAtEnd().twoArraysNanos());
            final ShardGrowth end = median.growthAtEnd();
            final ShardGrowth idle = median.growthAfterIdle();
            idleNanos = median.idleNanos();
            table.row(runs.contender(), Integer.toString(end.shards()),
                    end.growing() + " of " + end.shards(), moved(end), Format.nanos(end.twoArraysNanos()),
                    share(end.twoArraysNanos(), end.shards(), median.elapsedNanos()),
                    idle.growing() + " of " + idle.shards(), moved(idle), Format.nanos(idle.twoArraysNanos()),
                    Format.nanos(idle.twoArraysNanos() - end.twoArraysNanos()),
                    idle.backgroundSlices() + " / " + Format.nanos(idle.backgroundNanos()));
        }
        return new Report.Section(workload + ": time with two arrays (panamap's shards)", "From the map's"
                + " ShardedStats, read when the last thread ended and again after " + Format.nanos(idleNanos)
                + " with no operation at all. A shard holds two arrays while a growth is in progress; like Go, the"
                + " shards evacuate an old array only as writes reach it, so a growth still running when the"
                + " writes stop stays unfinished (and both arrays stay mapped) until something finishes it: with"
                + " backgroundEvacuation(), the map's background evacuator.", table.build(), List.of(
                "moved: of the old buckets of the growths in progress, the share already evacuated ('-' when no"
                        + " shard is growing).",
                "two arrays: the time the shards have held two arrays since the map was created, summed over the"
                        + " shards (the growth in progress so far included); share of the pass: that time over"
                        + " shards x the pass's wall time.",
                "added while idle: how much of it the idle pause added: about the pause's length for every shard"
                        + " that stayed growing through it.",
                "evacuator slices / time: the background evacuator's slices and their time since the map was"
                        + " created, read after the idle pause (0 without one).",
                "From the run with the median 'two arrays at end'; every run's shard counts are in the table"
                        + " below."));
    }

    private static Report.Section perRun(final String workload, final List<Runs<MixedResult>> all) {
        final Table.Builder table = new Table.Builder().text("contender #run").number("ops/s")
                .number("per-thread ops/s").number("p99.99").number("max").number("worst at size")
                .number("GC n / time").number("noise max").number("growing: end / idle")
                .number("two arrays: end / idle");
        for (final Runs<MixedResult> runs : all) {
            runs.addRunRows(table, r -> {
                final ShardGrowth end = r.growthAtEnd();
                final ShardGrowth idle = r.growthAfterIdle();
                return List.of(Format.perSecond(r.operationsPerSecond()), threadSpread(r), Format.nanos(r.op().p9999()),
                        Format.nanos(r.worstNanos()), Format.count(r.worstAtSize()), Format.gc(r.gc()),
                        Format.nanos(r.noise().windows().max()),
                        end == null ? "-" : end.growing() + " / " + idle.growing(),
                        end == null ? "-" : Format.nanos(end.twoArraysNanos()) + " / "
                                + Format.nanos(idle.twoArraysNanos()));
            });
        }
        return new Report.Section(workload + ": every run", "", table.build(), List.of());
    }

    /** {@code 1 thread}, {@code 2 threads}. */
    private static String threads(final int count) {
        return count(count, "thread");
    }

    /** {@code count} and {@code noun}, plural unless the count is 1: {@code 2 worker threads}. */
    static String count(final int count, final String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    /** The slowest and the fastest thread's operations per second: {@code 1.21M/s - 1.30M/s}. */
    private static String threadSpread(final MixedResult result) {
        final String slowest = Format.perSecond(result.slowestThreadPerSecond());
        final String fastest = Format.perSecond(result.fastestThreadPerSecond());
        return slowest.equals(fastest) ? slowest : slowest + " - " + fastest;
    }

    /** The share of the old buckets of the growths in progress already moved: {@code 41.2%}, or "-" if none. */
    private static String moved(final ShardGrowth growth) {
        return growth.growing() == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * growth.moved());
    }

    /** {@code nanos} as a share of {@code shards} x {@code elapsed}: {@code 12.3%}. */
    private static String share(final long nanos, final int shards, final long elapsed) {
        if (shards == 0 || elapsed <= 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f%%", 100.0 * nanos / ((double) shards * elapsed));
    }
}
