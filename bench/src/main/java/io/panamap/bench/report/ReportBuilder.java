package io.panamap.bench.report;

import io.panamap.bench.contender.Contenders;
import io.panamap.bench.contender.StringBenchMap;
import io.panamap.bench.result.Outcome;
import io.panamap.bench.workload.KeyType;
import io.panamap.bench.workload.StringKeys;
import io.panamap.bench.workload.Workload;
import io.panamap.bench.workload.Workloads;
import io.panamap.numa.NumaTopology;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Turns the outcomes of a benchmark run into a {@link Report}. Add a workload's sections here. */
public final class ReportBuilder {

    private ReportBuilder() {
    }

    /** The report of a run described by {@code info} that produced {@code outcomes}. */
    public static Report build(final RunInfo info, final List<Outcome> outcomes) {
        final List<Report.Fact> facts = new ArrayList<>();
        facts.add(new Report.Fact("Started", info.startedAt(), false));
        facts.add(new Report.Fact("Command", info.command(), true));
        if (info.parentCommand() != null) {
            facts.add(new Report.Fact("Parent JVM", info.parentCommand(), true));
        }
        final boolean longKeys = hasKeys(info, KeyType.LONG);
        final boolean stringKeys = hasKeys(info, KeyType.STRING);
        final String seed = "seed 0x" + Long.toHexString(info.seed()).toUpperCase(Locale.ROOT);
        if (longKeys) {
            facts.add(new Report.Fact("Keys", "N = " + Format.count(info.n()) + " random 64-bit keys"
                    + " (SplittableRandom, " + seed + "), generated before timing", false));
        }
        if (stringKeys) {
            facts.add(new Report.Fact(longKeys ? "String keys" : "Keys", "N = " + Format.count(info.n())
                    + " distinct text ids (" + StringKeys.PREFIXES.size() + " prefixes such as "
                    + StringKeys.PREFIXES.get(1) + " and " + StringKeys.PREFIXES.getLast() + ", then a 13-digit number;"
                    + " 16-26 ASCII characters, " + StringBenchMap.AVERAGE_KEY_LENGTH + " on average; " + seed
                    + "), each with a " + StringBenchMap.VALUE_SIZE + "-byte record, generated before timing."
                    + " Lookups pass separate String instances equal to the stored keys", false));
        }
        facts.add(new Report.Fact("Runs", info.runs() + " per contender and workload, each in its own JVM;"
                + " run 1 of every contender, then run 2, ...", false));
        final List<Workload> groups = contenderGroups(info);
        for (final Workload group : groups) {
            facts.add(new Report.Fact(groups.size() == 1 ? "Contenders" : contendersLabel(group),
                    describeContenders(info, group), false));
        }
        if (info.workloads().stream().anyMatch(w -> Workloads.byName(w).baseName().equals(OpenLoopSections.WORKLOAD))) {
            facts.add(new Report.Fact("Open loop", Format.count(info.rate()) + " operations/s for "
                    + Format.nanos(info.openLoopNanos()) + ", 1 put of a new key per 10 operations", false));
        }
        if (info.workloads().contains(MixedSections.WORKLOAD)) {
            facts.add(new Report.Fact("Many threads", MixedSections.WORKLOAD + ": "
                    + MixedSections.count(info.threads(), "worker thread") + " at once on one map growing from empty to N keys, each putting its own N/"
                    + info.threads() + " keys, every put followed by 4 gets of keys it has put (5 N operations in"
                    + " all)", false));
        }
        facts.add(new Report.Fact("Machine", info.machine().summary(), false));
        if (info.contenders().stream().anyMatch(Contenders.numaNames()::contains)) {
            facts.add(new Report.Fact("NUMA", numaFact(NumaTopology.detect()), false));
        }
        facts.add(new Report.Fact("JDK", info.machine().jdk() + ", " + PortablePaths.JAVA_HOME + " in the commands",
                false));
        facts.add(new Report.Fact("GC", info.machine().collector(), false));
        facts.add(new Report.Fact("Child JVM", info.childCommand(), true));
        for (final String name : info.contenders()) {
            final List<String> own = contenderFlags(name);
            if (!own.isEmpty()) {
                facts.add(new Report.Fact("Flags of " + name + " only", String.join(" ", own), true));
            }
        }
        facts.add(new Report.Fact("Warm-up", "in every child JVM, the measured loop is JIT-compiled on small maps"
                + " and then run once at full size on a throw-away map (touching as much memory as the measured"
                + " pass will; this machine's first touch of fresh memory is slow and erratic) before anything is"
                + " measured", false));
        facts.add(new Report.Fact("Wall time", Format.nanos(info.wallNanos()), false));
        if (info.resultsDir() != null) {
            facts.add(new Report.Fact("Results", info.resultsDir()
                    + " (this report as REPORT.md, every child's result line in results.txt, raw histograms as"
                    + " <workload>-<contender>-run<r>-<name>.hgrm and interval logs as .hlog, in ns, and one"
                    + " percentile chart per workload as <workload>.png)",
                    false));
        }

        final List<Report.Section> sections = new ArrayList<>();
        for (final String workload : info.workloads()) {
            final Workload w = Workloads.byName(workload);
            final String description = w.description();
            switch (w.baseName()) {
                case GrowSections.WORKLOAD ->
                        sections.addAll(GrowSections.build(info, workload, description, outcomes));
                case GetSections.WORKLOAD ->
                        sections.addAll(GetSections.build(info, workload, description, outcomes));
                case OpenLoopSections.WORKLOAD ->
                        sections.addAll(OpenLoopSections.build(info, workload, description, outcomes));
                case MixedSections.WORKLOAD ->
                        sections.addAll(MixedSections.build(info, workload, description, outcomes));
                default -> throw new IllegalArgumentException("no report sections for workload " + workload);
            }
        }
        return new Report("panamap bench", facts, sections, List.of());
    }

    /** What the NUMA variants can show on this machine, said plainly. */
    static String numaFact(final NumaTopology topology) {
        final int nodes = topology.nodes().size();
        if (nodes <= 1) {
            return (nodes == 0 ? "no NUMA nodes reported" : "one NUMA node") + ": the local and interleave"
                    + " variants place every page on the same memory, so any difference between them is noise,"
                    + " not a placement gain; their stats show where the pages landed";
        }
        return nodes + " NUMA nodes " + topology.nodeIds() + "; the stats of the NUMA variants show how many"
                + " pages landed on each";
    }

    private static List<String> contenderFlags(final String name) {
        try {
            return Contenders.byName(name).jvmFlags();
        } catch (final IllegalArgumentException e) {
            return List.of();
        }
    }

    private static boolean hasKeys(final RunInfo info, final KeyType keys) {
        return info.workloads().stream().anyMatch(w -> Workloads.byName(w).keyType() == keys);
    }

    /**
     * One workload per kind of map the run's workloads drive ({@link Workload#needs()}: long keys on one thread,
     * many threads, string keys), in report order: each gets its own "Contenders" line.
     */
    private static List<Workload> contenderGroups(final RunInfo info) {
        final List<Workload> groups = new ArrayList<>();
        for (final String name : info.workloads()) {
            final Workload workload = Workloads.byName(name);
            if (groups.stream().noneMatch(g -> g.needs().equals(workload.needs()))) {
                groups.add(workload);
            }
        }
        return groups;
    }

    /** The name of the "Contenders" line of {@code group}'s kind of map when there is more than one kind. */
    private static String contendersLabel(final Workload group) {
        if (group.keyType() == KeyType.STRING) {
            return "Contenders, string keys";
        }
        return group.name().equals(MixedSections.WORKLOAD) ? "Contenders, many threads" : "Contenders";
    }

    /** "name = description; ..." of the contenders that run {@code workload}. */
    private static String describeContenders(final RunInfo info, final Workload workload) {
        return Workloads.contendersFor(workload.name(), info.contenders()).stream()
                .map(name -> name + " = " + describeContender(name, workload)).collect(Collectors.joining("; "));
    }

    private static String describeContender(final String name, final Workload workload) {
        try {
            return workload.describe(Contenders.byName(name));
        } catch (final IllegalArgumentException e) {
            return "(unknown)";
        }
    }
}
