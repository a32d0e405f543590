package io.panamap.bench.workload;

import io.panamap.bench.contender.Contenders;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Every workload the harness knows, in the order the report shows them: each base workload once per
 * {@link KeyType}. Add a new workload here.
 */
public final class Workloads {

    private static final List<Workload> ALL = List.of(new GrowWorkload(), new GetWorkload(), new OpenLoopWorkload(),
            new StringGrowWorkload(), new StringGetWorkload(), new StringOpenLoopWorkload());

    private Workloads() {
    }

    /** All workloads, in report order. */
    public static List<Workload> all() {
        return ALL;
    }

    /** Their names, in report order: {@code grow, get, open-loop, grow-str, get-str, open-loop-str}. */
    public static List<String> names() {
        return ALL.stream().map(Workload::name).toList();
    }

    /** The names {@code --workloads} takes: {@code grow, get, open-loop}, each run with every {@code --keys} type. */
    public static List<String> baseNames() {
        return ALL.stream().map(Workload::baseName).distinct().toList();
    }

    /**
     * Those of {@code contenders} that run {@code workload}: the ones with a map for its key type, in the given
     * order. A name the registry does not know counts as a {@code long → long} contender.
     */
    public static List<String> contendersFor(final String workload, final List<String> contenders) {
        final KeyType keys = byName(workload).keyType();
        return contenders.stream().filter(name -> keys == KeyType.LONG
                || Contenders.all().stream().anyMatch(c -> c.name().equals(name) && keys.isSupportedBy(c))).toList();
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
