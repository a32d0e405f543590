/**
 * The benchmark harness behind {@code ./panamap bench}: panamap's {@code LongLongMap} against its peers, with
 * {@code --keys string} its {@code OffHeapMap} of text ids to 64-byte records against
 * {@code HashMap<String, byte[]>} and Chronicle Map, and with {@code --workloads mixed-mt} its sharded
 * {@code ConcurrentLongLongMap} against {@code ConcurrentHashMap} and Chronicle Map on several threads at once;
 * each contender, workload and run in its own JVM.
 *
 * <h2>Where things are</h2>
 * <ul>
 *   <li>{@link io.panamap.bench.Main}, {@link io.panamap.bench.BenchOptions}: the command line; the parent
 *       ({@code BenchRunner}) starts the children and writes the report.</li>
 *   <li>{@code contender}: the maps. A new peer is one entry in {@code Contenders} plus a small
 *       {@code BenchMap} adapter (and a {@code StringBenchMap} one if it maps strings too, a
 *       {@code ConcurrentBenchMap} one if several threads may share it).</li>
 *   <li>{@code workload}: what is done to a map and how it is timed (warm-up, noise floor, measured phase).
 *       A new workload implements {@code Workload}, is listed in {@code Workloads}, and gets a result record.
 *       Each comes once per {@code KeyType} ({@code grow}, {@code grow-str}); {@code mixed-mt}, with long
 *       keys only, runs its threads through {@code ThreadTeam}.</li>
 *   <li>{@code result}: plain result records and the one-line format a child hands them to the parent in
 *       ({@code ResultLine}).</li>
 *   <li>{@code fork}: starting a child JVM ({@code ChildLauncher}, {@code JvmFlags}) and the child's side
 *       ({@code ChildMain}).</li>
 *   <li>{@code report}: the machine description, medians and ratios per workload, and the two renderers
 *       (console text, Markdown).</li>
 * </ul>
 *
 * <h2>Flow</h2>
 * Parent: parse options, then for each run, workload and contender start
 * {@code java <same flags> -cp <same class path> io.panamap.bench.Main --child ...}, pass its stderr through as
 * progress, read its single {@code PANAMAP-RESULT} stdout line (or why it died), and finally print the report
 * and write {@code results/<timestamp>/REPORT.md} plus the raw {@code .hgrm} histograms the children saved.
 */
package io.panamap.bench;
