package io.panamap.bench.workload;

import io.panamap.bench.contender.Contender;
import io.panamap.bench.result.WorkloadResult;

/**
 * One way of exercising a map, measured the same way for every contender. A workload runs inside one child JVM
 * (or in-process in tests): it generates its keys, warms up, measures the noise floor, measures, and returns
 * plain numbers.
 */
public interface Workload {

    /** Short identifier used on the command line and in tables, e.g. {@code grow}. */
    String name();

    /** One sentence for the report: what is done and what is timed. */
    String description();

    /** Runs the workload once against a fresh map of {@code contender}. */
    WorkloadResult run(Contender contender, RunSpec spec);
}
