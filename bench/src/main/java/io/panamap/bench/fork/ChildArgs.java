package io.panamap.bench.fork;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one child JVM is asked to do, and the hidden command line that says it:
 * {@code --child --workload W --contender C --run R --n N --seed S --rate OPS --open-loop-nanos T --threads K
 * --quick Q [--histogram-dir DIR]}.
 *
 * @param workload     workload name
 * @param contender    contender name
 * @param run          1-based run number
 * @param n            keys
 * @param seed         key seed
 * @param rate         operations per second of the open-loop stream
 * @param openLoopNanos length of the open-loop stream
 * @param threads      worker threads of the multi-threaded workload
 * @param quick        a smoke run: shorter noise floor
 * @param histogramDir where to save raw histograms, or null not to
 */
public record ChildArgs(String workload, String contender, int run, int n, long seed, long rate, long openLoopNanos,
                        int threads, boolean quick, Path histogramDir) {

    /** The first argument of a child's command line: selects child mode in {@link io.panamap.bench.Main}. */
    public static final String CHILD_FLAG = "--child";

    public ChildArgs {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(contender, "contender");
    }

    /** The arguments of the child's main method, starting with {@link #CHILD_FLAG}. */
    public List<String> toArgs() {
        final List<String> args = new ArrayList<>(List.of(CHILD_FLAG, "--workload", workload,
                "--contender", contender, "--run", Integer.toString(run), "--n", Integer.toString(n),
                "--seed", Long.toString(seed), "--rate", Long.toString(rate),
                "--open-loop-nanos", Long.toString(openLoopNanos), "--threads", Integer.toString(threads),
                "--quick", Boolean.toString(quick)));
        if (histogramDir != null) {
            args.add("--histogram-dir");
            args.add(histogramDir.toString());
        }
        return args;
    }

    /** A name for files of this run, e.g. {@code grow-panamap-run1}. */
    public String stem() {
        return workload + "-" + contender + "-run" + run;
    }

    /**
     * Parses what {@link #toArgs()} wrote.
     *
     * @throws IllegalArgumentException on anything else: the parent wrote it, so there is no friendly message
     */
    public static ChildArgs parse(final List<String> args) {
        if (args.isEmpty() || !args.getFirst().equals(CHILD_FLAG)) {
            throw new IllegalArgumentException("child arguments must start with " + CHILD_FLAG + ": " + args);
        }
        String workload = null;
        String contender = null;
        Integer run = null;
        Integer n = null;
        Long seed = null;
        Long rate = null;
        Long openLoopNanos = null;
        Integer threads = null;
        Boolean quick = null;
        Path histogramDir = null;
        for (int i = 1; i < args.size(); i += 2) {
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("child argument " + args.get(i) + " has no value");
            }
            final String value = args.get(i + 1);
            switch (args.get(i)) {
                case "--workload" -> workload = value;
                case "--contender" -> contender = value;
                case "--run" -> run = Integer.parseInt(value);
                case "--n" -> n = Integer.parseInt(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--rate" -> rate = Long.parseLong(value);
                case "--open-loop-nanos" -> openLoopNanos = Long.parseLong(value);
                case "--threads" -> threads = Integer.parseInt(value);
                case "--quick" -> quick = Boolean.parseBoolean(value);
                case "--histogram-dir" -> histogramDir = Path.of(value);
                default -> throw new IllegalArgumentException("unknown child argument: " + args.get(i));
            }
        }
        if (workload == null || contender == null || run == null || n == null || seed == null || rate == null
                || openLoopNanos == null || threads == null || quick == null) {
            throw new IllegalArgumentException("incomplete child arguments: " + args);
        }
        return new ChildArgs(workload, contender, run, n, seed, rate, openLoopNanos, threads, quick, histogramDir);
    }
}
