package io.panamap.bench.workload;

import java.util.List;
import java.util.stream.Collectors;

/** Every workload the harness knows, in the order the report shows them. Add a new workload here. */
public final class Workloads {

    private static final List<Workload> ALL = List.of(new GrowWorkload(), new GetWorkload(), new OpenLoopWorkload());

    private Workloads() {
    }

    /** All workloads, in report order. */
    public static List<Workload> all() {
        return ALL;
    }

    /** Their names, in report order. */
    public static List<String> names() {
        return ALL.stream().map(Workload::name).toList();
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
