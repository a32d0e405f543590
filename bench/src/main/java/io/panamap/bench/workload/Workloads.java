package io.panamap.bench.workload;

import io.panamap.bench.contender.Contender;
import io.panamap.bench.contender.Contenders;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Every workload the harness knows, in the order the report shows them: each base workload once per
 * {@link KeyType}. Add a new workload here.
 */
public final class Workloads {

    private static final List<Workload> ALL = List.of(new GrowWorkload(), new GetWorkload(), new OpenLoopWorkload(),
            new MixedWorkload(), new StringGrowWorkload(), new StringGetWorkload(), new StringOpenLoopWorkload());

    private Workloads() {
    }

    /** All workloads, in report order. */
    public static List<Workload> all() {
        return ALL;
    }

    /** Their names, in report order: {@code grow, get, open-loop, mixed-mt, grow-str, get-str, open-loop-str}. */
    public static List<String> names() {
        return ALL.stream().map(Workload::name).toList();
    }

    /**
     * The names {@code --workloads} takes: {@code grow, get, open-loop, mixed-mt}, each run with every
     * {@code --keys} type it exists for ({@code mixed-mt} only with long keys).
     */
    public static List<String> baseNames() {
        return ALL.stream().map(Workload::baseName).distinct().toList();
    }

    /** The base names a run without {@code --workloads} takes: {@code grow, get, open-loop}. */
    public static List<String> defaultBaseNames() {
        return ALL.stream().filter(Workload::runsByDefault).map(Workload::baseName).distinct().toList();
    }

    /** Whether there is a workload called {@code name}. */
    public static boolean exists(final String name) {
        return ALL.stream().anyMatch(w -> w.name().equals(name));
    }

    /**
     * Those of {@code contenders} that run {@code workload}: the ones with the map it drives, in the given order.
     * A name the registry does not know counts as a contender with a {@code long → long} map for one thread only.
     */
    public static List<String> contendersFor(final String workload, final List<String> contenders) {
        final Workload kind = byName(workload);
        return contenders.stream().filter(name -> kind.isSupportedBy(Contenders.all().stream()
                .filter(c -> c.name().equals(name)).findFirst()
                .orElseGet(() -> new Contender(name, "unknown", true, List.of(), n -> null)))).toList();
    }

    /**
     * The workload called {@code name}.
     *
     * @throws IllegalArgumentException naming the known workloads if there is none
     */
    public static Workload byName(final String name) {
        return ALL.stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown workload '" + name + "'; known: "
                        + ALL.stream().map(Workload::name).collect(Collectors.joining(", "))));
    }
}
