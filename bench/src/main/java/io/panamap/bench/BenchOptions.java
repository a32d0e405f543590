package io.panamap.bench;

import io.panamap.bench.contender.Contender;
import io.panamap.bench.contender.Contenders;
import io.panamap.bench.workload.KeyType;
import io.panamap.bench.workload.RunSpec;
import io.panamap.bench.workload.Workload;
import io.panamap.bench.workload.Workloads;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The parent's command line: {@code [--n N] [--keys long,string] [--contenders a,b]
 * [--workloads grow,get,open-loop,mixed-mt] [--rate R] [--duration S] [--threads T] [--runs R] [--numa] [--quick]
 * [--seed S] [--results DIR]}. Options take their value as the next argument or after {@code =}.
 *
 * @param n          keys per workload
 * @param contenders contender names, in table order; each runs the workloads it has a map for
 *                   ({@link Workloads#contendersFor})
 * @param workloads  workload names, in report order: each {@code --workloads} name with each {@code --keys}
 *                   type it exists for ({@code grow}, {@code grow-str}, ...; {@code mixed-mt} with long keys only)
 * @param runs       runs per contender and workload
 * @param rate       operations per second of the open-loop stream
 * @param openLoopNanos length of the open-loop stream
 * @param threads    worker threads of {@code mixed-mt}
 * @param quick      a smoke run (shorter noise floors and stream)
 * @param seed       key seed
 * @param resultsDir folder under which each run gets a time-stamped folder
 * @param unused     options given that no workload of this run reads ({@code --threads} without mixed-mt, say),
 *                   each with why: accepted, but worth a warning
 */
public record BenchOptions(int n, List<String> contenders, List<String> workloads, int runs, long rate,
                           long openLoopNanos, int threads, boolean quick, long seed, Path resultsDir,
                           List<String> unused) {

    public static final int DEFAULT_N = 10_000_000;
    public static final int QUICK_N = 1_000_000;
    /** One run of everything takes about 5 minutes on a 2-core machine; more runs are for careful comparisons. */
    public static final int DEFAULT_RUNS = 1;
    public static final int QUICK_RUNS = 1;
    static final long QUICK_OPEN_LOOP_NANOS = 1_000_000_000L;
    static final long MAX_RATE = 100_000_000L;
    static final long MAX_DURATION_SECONDS = 3_600L;
    /** Keys live in a long[]. */
    static final long MAX_N = Integer.MAX_VALUE - 16;
    static final int MAX_RUNS = 1_000;
    static final int MAX_THREADS = 256;
    /** The open-loop stream puts a new key every this many operations (OpenLoopStream.PUT_EVERY), into an array. */
    static final int OPEN_LOOP_OPERATIONS_PER_PUT = 10;

    /** Shown by {@code --help} and after a usage error. */
    public static final String USAGE = """
            Usage: ./panamap bench [--n N] [--keys long,string] [--contenders a,b,...] [--workloads w,...] [--rate R]
                                   [--duration S] [--threads T] [--runs R] [--numa] [--quick] [--seed S]
                                   [--results DIR]

              --n N            keys of the grow, get and mixed-mt workloads (default 10M; accepts 10000000,
                               10_000_000, 10M, 500k)
              --keys K         what the maps hold, comma-separated (default: long):
                                 long    random 64-bit keys to long values
                                 string  text ids such as ORD-0734165502418 (16-26 chars) to 64-byte records;
                                         workloads grow-str, get-str, open-loop-str, with the contenders that
                                         have such a map: %s
              --contenders ..  which maps, comma-separated (default: all but %s;
                               with string keys, only those with a string map);
                               known: %s
              --workloads ..   which workloads, comma-separated (--workload is the same): %s
                               (default: %s); mixed-mt runs only when named:
                                 mixed-mt  T threads at once on one map growing from empty to N long keys,
                                           each 80%% gets / 20%% puts of new keys, every operation timed;
                                           contenders: %s
              --rate R         operations per second of the open-loop stream (default %s)
              --duration S     seconds the open-loop stream lasts (default %d; quick: 1)
              --threads T      worker threads of mixed-mt (default %d)
              --runs R         runs per contender and workload, each in its own JVM (default %d)
              --numa           also run panamap with NUMA placement (local, interleave over all nodes);
                               the report shows where their pages landed
              --quick          a smoke run: N = 1M, a 1 s stream, short noise floors, unless options say
                               otherwise
              --seed S         seed of the random keys (default 0x%X)
              --results DIR    where to write <timestamp>/REPORT.md and raw histograms (default: results)

            Exit code: 0 if every run succeeded, 1 if any failed (the report is written anyway), 2 for a
            command line it cannot run.
            """.formatted(String.join(", ", Contenders.stringNames()),
            String.join(", ", Contenders.diagnosticNames()), String.join(", ", Contenders.names()),
            String.join(", ", Workloads.baseNames()), String.join(", ", Workloads.defaultBaseNames()),
            String.join(", ", Contenders.concurrentNames()), RunSpec.DEFAULT_OPEN_LOOP_RATE,
            RunSpec.DEFAULT_OPEN_LOOP_NANOS / 1_000_000_000L, RunSpec.DEFAULT_THREADS, DEFAULT_RUNS,
            RunSpec.DEFAULT_SEED);

    public BenchOptions {
        contenders = List.copyOf(contenders);
        workloads = List.copyOf(workloads);
        unused = List.copyOf(unused);
    }

    /**
     * Whether {@code args} asks for the usage text: {@code --help} or {@code -h} anywhere, or {@code help} as the
     * command itself (not as an option's value: {@code --results help} names a folder).
     */
    public static boolean wantsHelp(final List<String> args) {
        return args.contains("--help") || args.contains("-h") || (!args.isEmpty() && args.getFirst().equals("help"));
    }

    /**
     * Parses the parent's command line.
     *
     * @throws UsageException naming the offending option and value
     */
    public static BenchOptions parse(final List<String> args) throws UsageException {
        Integer n = null;
        Integer runs = null;
        Long durationSeconds = null;
        long rate = RunSpec.DEFAULT_OPEN_LOOP_RATE;
        int threads = RunSpec.DEFAULT_THREADS;
        boolean quick = false;
        boolean numa = false;
        boolean contendersGiven = false;
        List<String> contenders = Contenders.defaultNames();
        List<String> workloads = Workloads.defaultBaseNames();
        List<KeyType> keys = List.of(KeyType.LONG);
        long seed = RunSpec.DEFAULT_SEED;
        Path resultsDir = Path.of("results");
        final Set<String> given = new HashSet<>();

        for (int i = 0; i < args.size(); i++) {
            final String arg = args.get(i);
            final int eq = arg.indexOf('=');
            final String option = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            if (option.equals("--quick") || option.equals("--numa")) {
                if (eq > 0) {
                    throw new UsageException(option + " takes no value: " + arg);
                }
                quick |= option.equals("--quick");
                numa |= option.equals("--numa");
                continue;
            }
            final String value;
            if (eq > 0 && arg.startsWith("--")) {
                value = arg.substring(eq + 1);
            } else if (arg.startsWith("--") && i + 1 < args.size()) {
                value = args.get(++i);
                // "--results --quick" forgot the folder: taken as one, it would run the full benchmark into it.
                if (value.startsWith("--")) {
                    throw new UsageException(option + " needs a value, not the option " + value);
                }
            } else if (arg.startsWith("--")) {
                throw new UsageException(option + " needs a value");
            } else {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            // A second value would silently replace the first: say so rather than run what was not meant.
            if (!given.add(option.equals("--workload") ? "--workloads" : option)) {
                throw new UsageException(option + " is given twice; give it once, with a comma-separated list"
                        + " where it takes one");
            }
            switch (option) {
                case "--n" -> n = (int) parseCount(option, value, MAX_N);
                case "--runs" -> runs = (int) parseCount(option, value, MAX_RUNS);
                case "--contenders" -> {
                    contenders = parseNames(option, value, Contenders.names());
                    contendersGiven = true;
                }
                case "--workloads", "--workload" -> workloads = parseNames(option, value, Workloads.baseNames());
                case "--keys" -> keys = parseNames(option, value, KeyType.options()).stream()
                        .map(name -> KeyType.ofOption(name).orElseThrow()).toList();
                case "--rate" -> rate = parseCount(option, value, MAX_RATE);
                case "--duration" -> durationSeconds = parseCount(option, value, MAX_DURATION_SECONDS);
                case "--threads" -> threads = (int) parseCount(option, value, MAX_THREADS);
                case "--seed" -> seed = parseSeed(value);
                case "--results" -> resultsDir = parsePath(option, value);
                default -> throw new UsageException("unknown option '" + option + "'");
            }
        }
        if (numa) {
            final List<String> withNuma = new ArrayList<>(contendersGiven ? contenders : Contenders.defaultNames());
            withNuma.addAll(Contenders.numaNames());
            final List<String> ordered = new ArrayList<>(Contenders.names());
            ordered.retainAll(withNuma);
            contenders = ordered;
        }
        final List<String> named = new ArrayList<>(contendersGiven ? contenders : List.of());
        final List<String> addedByNuma = new ArrayList<>();
        if (numa) {
            addedByNuma.addAll(Contenders.numaNames());
            addedByNuma.removeAll(named);
            named.addAll(addedByNuma);
        }
        final List<String> workloadNames = workloadsForKeys(workloads, keys);
        contenders = contendersForWorkloads(contenders, workloadNames, named, addedByNuma);
        final int keyCount = n != null ? n : quick ? QUICK_N : DEFAULT_N;
        final long openLoopNanos = durationSeconds != null ? durationSeconds * 1_000_000_000L
                : quick ? QUICK_OPEN_LOOP_NANOS : RunSpec.DEFAULT_OPEN_LOOP_NANOS;
        // What a child would refuse, refused before any child runs.
        if (workloads.contains("mixed-mt") && threads > keyCount) {
            throw new UsageException("--threads: mixed-mt's " + threads + " threads need at least as many keys,"
                    + " not --n " + keyCount);
        }
        if (workloads.contains("open-loop")
                && (double) rate * openLoopNanos / 1e9 / OPEN_LOOP_OPERATIONS_PER_PUT > MAX_N) {
            throw new UsageException("--rate " + rate + " for --duration " + openLoopNanos / 1_000_000_000L
                    + " s: the open-loop stream would put more than " + MAX_N + " keys; lower one of them");
        }
        return new BenchOptions(keyCount, contenders, workloadNames,
                runs != null ? runs : quick ? QUICK_RUNS : DEFAULT_RUNS,
                rate, openLoopNanos, threads, quick, seed, resultsDir, unusedOptions(given, workloads));
    }

    /**
     * The options in {@code given} that only a workload missing from {@code baseNames} reads, each with why. They
     * stay accepted (a script may pass them to every run), but a rate or thread count that silently changes
     * nothing reads as a measurement of something that was never run.
     */
    private static List<String> unusedOptions(final Set<String> given, final List<String> baseNames) {
        final List<String> unused = new ArrayList<>();
        addIfUnused(unused, given, baseNames, "--rate", "open-loop");
        addIfUnused(unused, given, baseNames, "--duration", "open-loop");
        addIfUnused(unused, given, baseNames, "--threads", "mixed-mt");
        return unused;
    }

    private static void addIfUnused(final List<String> unused, final Set<String> given, final List<String> baseNames,
                                    final String option, final String reader) {
        if (given.contains(option) && !baseNames.contains(reader)) {
            unused.add(option + " is read by " + reader + " only, which this run leaves out"
                    + (Workloads.defaultBaseNames().contains(reader) ? " (--workloads does not name it)"
                    : " (it runs only when --workloads names it)"));
        }
    }

    /**
     * The workloads to run, in report order: each base name with each key type it exists for ({@code grow},
     * {@code grow-str}). A base name that exists for none of {@code keys} is an error.
     */
    private static List<String> workloadsForKeys(final List<String> baseNames, final List<KeyType> keys)
            throws UsageException {
        final List<String> names = new ArrayList<>();
        for (final KeyType key : keys) {
            for (final String base : baseNames) {
                if (Workloads.exists(key.workload(base))) {
                    names.add(key.workload(base));
                }
            }
        }
        for (final String base : baseNames) {
            if (keys.stream().noneMatch(key -> Workloads.exists(key.workload(base)))) {
                final List<String> with = KeyType.options().stream()
                        .filter(key -> Workloads.exists(KeyType.ofOption(key).orElseThrow().workload(base))).toList();
                throw new UsageException("--workloads: " + base + " runs with " + String.join(" or ", with)
                        + " keys only (--keys " + String.join(",", with) + ")");
            }
        }
        return names;
    }

    /**
     * The contenders that run {@code workloads}. Those the user asked for ({@code named}: by {@code --contenders},
     * or {@code addedByNuma} by {@code --numa}) must each have a map for one of them; the defaults are narrowed to
     * those that do. Every workload needs one contender.
     */
    private static List<String> contendersForWorkloads(final List<String> contenders, final List<String> workloads,
                                                       final List<String> named, final List<String> addedByNuma)
            throws UsageException {
        final List<Workload> kinds = workloads.stream().map(Workloads::byName).toList();
        final List<String> kept = new ArrayList<>();
        for (final String name : contenders) {
            final Contender contender = Contenders.byName(name);
            if (kinds.stream().anyMatch(kind -> kind.isSupportedBy(contender))) {
                kept.add(name);
            } else if (named.contains(name)) {
                final List<Workload> needs = distinctNeeds(kinds);
                final String option = addedByNuma.contains(name) ? "--numa" : "--contenders";
                final StringBuilder message = new StringBuilder(option + ": " + name + " has no map for "
                        + String.join(" or ", needs.stream().map(Workload::needs).toList()));
                for (final Workload kind : needs) {
                    message.append("; those with a map for ").append(kind.needs()).append(": ")
                            .append(String.join(", ", namesSupporting(kind)));
                }
                throw new UsageException(message.toString());
            }
        }
        for (final Workload kind : distinctNeeds(kinds)) {
            if (kept.stream().noneMatch(name -> kind.isSupportedBy(Contenders.byName(name)))) {
                final String selector = kind.keyType() == KeyType.LONG ? "--workloads " + kind.baseName()
                        : "--keys " + kind.keyType().option();
                throw new UsageException(selector + ": none of the contenders has a map for " + kind.needs()
                        + "; those that do: " + String.join(", ", namesSupporting(kind)));
            }
        }
        return kept;
    }

    /** One workload per distinct need ({@link Workload#needs()}), in order. */
    private static List<Workload> distinctNeeds(final List<Workload> kinds) {
        final List<Workload> distinct = new ArrayList<>();
        for (final Workload kind : kinds) {
            if (distinct.stream().noneMatch(w -> w.needs().equals(kind.needs()))) {
                distinct.add(kind);
            }
        }
        return distinct;
    }

    private static List<String> namesSupporting(final Workload kind) {
        return Contenders.all().stream().filter(kind::isSupportedBy).map(Contender::name).toList();
    }

    /** A positive whole number up to {@code max}; "_" and "," may group digits; k, M, G multiply by 1000s. */
    public static long parseCount(final String option, final String value, final long max) throws UsageException {
        final String digits = value.strip().replace("_", "").replace(",", "").toLowerCase(Locale.ROOT);
        long multiplier = 1;
        String number = digits;
        if (!digits.isEmpty()) {
            switch (digits.charAt(digits.length() - 1)) {
                case 'k' -> multiplier = 1_000L;
                case 'm' -> multiplier = 1_000_000L;
                case 'g' -> multiplier = 1_000_000_000L;
                default -> multiplier = 1;
            }
            if (multiplier > 1) {
                number = digits.substring(0, digits.length() - 1);
            }
        }
        final long parsed;
        try {
            parsed = Math.multiplyExact(Long.parseLong(number), multiplier);
        } catch (final NumberFormatException | ArithmeticException e) {
            throw new UsageException(option + ": expected a positive whole number such as 1000000 or 1M, got '"
                    + value + "'");
        }
        if (parsed <= 0 || parsed > max) {
            throw new UsageException(option + ": must be between 1 and " + max + ", got '" + value + "'");
        }
        return parsed;
    }

    private static List<String> parseNames(final String option, final String value, final List<String> known)
            throws UsageException {
        final LinkedHashSet<String> names = new LinkedHashSet<>();
        for (final String part : value.split(",", -1)) {
            final String name = part.strip();
            if (name.isEmpty()) {
                throw new UsageException(option + ": empty name in '" + value + "'; known: "
                        + String.join(", ", known));
            }
            if (!known.contains(name)) {
                throw new UsageException(option + ": unknown name '" + name + "'; known: "
                        + String.join(", ", known));
            }
            if (!names.add(name)) {
                throw new UsageException(option + ": '" + name + "' given twice");
            }
        }
        // Tables keep the registry's order whatever order the user typed.
        final List<String> ordered = new ArrayList<>(known);
        ordered.retainAll(names);
        return ordered;
    }

    private static long parseSeed(final String value) throws UsageException {
        try {
            final String v = value.strip();
            return v.startsWith("0x") || v.startsWith("0X") ? Long.parseUnsignedLong(v.substring(2), 16)
                    : Long.parseLong(v);
        } catch (final NumberFormatException e) {
            throw new UsageException("--seed: expected a whole number (decimal or 0x hex), got '" + value + "'");
        }
    }

    private static Path parsePath(final String option, final String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException(option + ": expected a folder, got nothing");
        }
        return Path.of(value);
    }
}
