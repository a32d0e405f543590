package io.panamap.bench.workload;

import io.panamap.bench.contender.Contender;
import io.panamap.bench.result.WorkloadResult;

/**
 * One way of exercising a map, measured the same way for every contender. A workload runs inside one child JVM
 * (or in-process in tests): it generates its keys, warms up, measures the noise floor, measures, and returns
 * plain numbers.
 */
public interface Workload {

    /** Short identifier used in tables, result lines and file names, e.g. {@code grow} or {@code grow-str}. */
    String name();

    /** What the maps hold: {@link KeyType#LONG} unless the workload says otherwise. */
    default KeyType keyType() {
        return KeyType.LONG;
    }

    /** The name without the key type's suffix, as {@code --workloads} takes it: {@code grow} for {@code grow-str}. */
    default String baseName() {
        return name().substring(0, name().length() - keyType().suffix().length());
    }

    /** One sentence for the report: what is done and what is timed. */
    String description();

    /**
     * Runs the workload once against a fresh map of {@code contender}, which must have a map for
     * {@link #keyType()} ({@link KeyType#isSupportedBy}).
     */
    WorkloadResult run(Contender contender, RunSpec spec);
}
