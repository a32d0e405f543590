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

    /** Whether {@code contender} has the kind of map this workload drives: by default, one for its keys. */
    default boolean isSupportedBy(final Contender contender) {
        return keyType().isSupportedBy(contender);
    }

    /**
     * What a contender needs to run this workload, as it reads after "a map for": {@code string keys}. Usage
     * errors say it when a named contender has no such map.
     */
    default String needs() {
        return keyType() == KeyType.LONG ? "long keys on one thread" : keyType().option() + " keys";
    }

    /** What exactly {@code contender} measures in this workload. */
    default String describe(final Contender contender) {
        return keyType().describe(contender);
    }

    /** The contender every ratio column of this workload is computed against. */
    default String baseline() {
        return keyType().baseline();
    }

    /** Whether a run without {@code --workloads} includes this workload; one that does not runs only when named. */
    default boolean runsByDefault() {
        return true;
    }

    /**
     * Runs the workload once against a fresh map of {@code contender}, which must have the map this workload
     * drives ({@link #isSupportedBy}).
     */
    WorkloadResult run(Contender contender, RunSpec spec);
}
