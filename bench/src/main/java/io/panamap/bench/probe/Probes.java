package io.panamap.bench.probe;

import io.panamap.bench.BenchOptions;
import io.panamap.bench.UsageException;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code ./panamap probe <name> [args]}: small measurements that single out one effect the benchmark
 * harness cannot separate (one kind of put, the first table of a JVM, how often the machine interrupts a
 * timed loop, what a table holds in native memory). Each prints a short plain-text report;
 * docs/PERFORMANCE.md and docs/PERFORMANCE-HISTORY.md quote them. Unlike the bench,
 * a probe runs in the JVM it is started in, once: run it a few times, and in a fresh JVM each time for
 * {@code first-table}.
 */
public final class Probes {

    private static final Map<String, Probe> PROBES = new TreeMap<>(Map.of(
            "growth-starts", new Probe(GrowthStartProbe::main, List.of("builds", "keys"),
                    "p50/p99/max of the insert that starts each doubling, over many builds"),
            "first-table", new Probe(FirstTableProbe::main, List.of("keys"),
                    "a fresh JVM's first table: construction, first insert, first growth, slow inserts"),
            "slow-puts", new Probe(SlowPutProbe::main, List.of("keys", "builds"),
                    "puts over 15 µs per build, growing and presized, and the gaps between them"),
            "memory", new Probe(MemoryProbe::main, List.of("keys"),
                    "native memory of a grown, a presized and a drained table; releaseSpareMemory(), trimToSize()")));

    /** The words that ask for the list rather than name a probe, as {@code ./panamap bench} takes them. */
    private static final List<String> HELP = List.of("help", "-h", "--help");

    /**
     * @param arguments   the names of its optional arguments, in order
     * @param description one line
     */
    private record Probe(Consumer<String[]> main, List<String> arguments, String description) {

        /** "[keys] [builds]" */
        String synopsis() {
            return String.join(" ", arguments.stream().map(name -> "[" + name + "]").toList());
        }
    }

    private Probes() {
    }

    public static void main(final String[] args) {
        if (args.length == 0 || HELP.contains(args[0])) {
            System.out.print(usage(null)); // the list asked for
            return;
        }
        if (!PROBES.containsKey(args[0])) {
            System.err.print(usage(args[0]));
            System.exit(2);
        }
        try {
            PROBES.get(args[0]).main().accept(probeArgs(args));
        } catch (final IllegalArgumentException e) { // a bad count, not a number at all, or one too many
            System.err.println("probe " + args[0] + ": " + e.getMessage() + "\n" + usage(null));
            System.exit(2);
        }
    }

    /**
     * The arguments for the probe {@code args[0]} names, those after its name. More than it reads is an error
     * rather than ignored: {@code memory 10M 3} does not make three builds.
     */
    static String[] probeArgs(final String[] args) {
        final Probe probe = PROBES.get(args[0]);
        final String[] rest = Arrays.copyOfRange(args, 1, args.length);
        final int most = probe.arguments().size();
        if (rest.length > most) {
            throw new IllegalArgumentException("takes at most " + most + (most == 1 ? " argument, " : " arguments, ")
                    + probe.synopsis() + "; got " + rest.length + ": " + String.join(" ", rest));
        }
        return rest;
    }

    static String usage(final String unknown) {
        final StringBuilder text = new StringBuilder();
        if (unknown != null) {
            text.append("unknown probe: ").append(unknown).append('\n');
        }
        text.append("Usage: ./panamap probe <name> [args]\n");
        PROBES.forEach((name, probe) -> text.append("  ").append(name).append(' ').append(probe.synopsis())
                .append(": ").append(probe.description()).append('\n'));
        return text.toString();
    }

    /** Argument {@code index} as a positive int, or {@code fallback} when absent. */
    static int intArg(final String[] args, final int index, final int fallback) {
        if (args.length <= index) {
            return fallback;
        }
        try { // as the bench reads --n: 1000000, 1_000_000 or 1M
            return (int) BenchOptions.parseCount("argument " + (index + 1), args[index], Integer.MAX_VALUE);
        } catch (final UsageException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The value at quantile {@code q} of sorted {@code values} (nearest rank). */
    static long quantile(final long[] sorted, final double q) {
        final int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Nanoseconds as microseconds with one decimal. */
    static String micros(final long nanos) {
        return String.format("%.1f µs", nanos / 1e3);
    }

    static List<String> names() {
        return List.copyOf(PROBES.keySet());
    }
}
