package io.panamap.bench.result;

/** What one run of one workload measured in one child JVM. Add a record here for a new workload. */
public sealed interface WorkloadResult permits GrowResult, GetResult, OpenLoopResult, MixedResult {

    /** Keys in the workload (its N). */
    long n();

    /** The noise floor measured in the same JVM just before the measured phase. */
    NoiseFloor noise();

    /** {@link io.panamap.bench.contender.BenchMap#stats()} at the end of the measured phase ("" if none). */
    String mapStats();

    /** Writes every component to {@code fields}; the record's {@code readFrom} reads them back. */
    void writeTo(Fields fields);
}
