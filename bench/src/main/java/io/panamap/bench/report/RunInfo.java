package io.panamap.bench.report;

import java.util.List;

/**
 * What was run, for the report's header.
 *
 * @param startedAt    when the run started (ISO-8601, local time)
 * @param command      the command line, e.g. {@code ./panamap bench --quick}
 * @param parentCommand the parent JVM's full command line, or null if the OS does not tell
 * @param childCommand the command line of one child JVM, as an example of the flags they ran with
 * @param n            keys per workload
 * @param runs         runs per contender and workload
 * @param seed         key seed
 * @param rate         operations per second of the open-loop stream
 * @param openLoopNanos length of the open-loop stream
 * @param threads      worker threads of the multi-threaded workload
 * @param workloads    workload names, in report order
 * @param contenders   contender names, in table order
 * @param machine      the machine
 * @param resultsDir   where the report and raw histograms were written, or null if nowhere
 * @param wallNanos    how long the whole run took
 */
public record RunInfo(String startedAt, String command, String parentCommand, String childCommand, int n, int runs,
                      long seed, long rate, long openLoopNanos, int threads,
                      List<String> workloads, List<String> contenders, MachineInfo machine, String resultsDir,
                      long wallNanos) {

    public RunInfo {
        workloads = List.copyOf(workloads);
        contenders = List.copyOf(contenders);
    }
}
