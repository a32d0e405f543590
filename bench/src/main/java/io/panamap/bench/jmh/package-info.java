/**
 * JMH microbenchmarks: panamap's {@code LongLongMap} against fastutil, Agrona, Eclipse Collections and
 * {@code java.util.HashMap<Long, Long>}, for get, put into a growing map, remove and full iteration, at
 * 1K, 1M and 10M entries. The custom harness ({@code ./panamap bench}) covers what JMH cannot: per-put
 * latency histograms, worst puts and the machine's noise floor.
 *
 * <h2>Running</h2>
 * Build, then run JMH from the bench jar through the launcher, which gives every JVM (JMH's forks copy its
 * flags) {@code --enable-native-access=ALL-UNNAMED}:
 * <pre>
 * ./panamap build
 * ./panamap jmh -l                                          # list the benchmarks
 * ./panamap jmh -lp GetBenchmark                            # ... and their parameters
 * ./panamap jmh GetBenchmark -p size=1000000 -p map=panamap,fastutil -e Agrona
 * ./panamap jmh 'GetBenchmark.Agrona' -p size=1000          # Agrona alone
 * ./panamap jmh PutBenchmark -p size=1000 -prof gc          # with heap bytes per operation
 * ./panamap jmh 'io.panamap.bench.jmh' -rf json -rff jmh.json   # everything: 180 forks, most of an hour
 * </pre>
 * A benchmark's name is {@code <Operation>Benchmark.<Maps|Agrona>.<method>}; the first argument is a regular
 * expression found anywhere in it (so {@code Put} alone would also pick {@code removeAndPut}: write
 * {@code PutBenchmark}). {@code -p map=...} selects among panamap, fastutil, eclipse and hashmap. Agrona has
 * no {@code map} parameter, because its forks alone get an extra JVM flag
 * ({@link io.panamap.bench.jmh.MapBenchmark#AGRONA_FLAG}) and a flag can only be attached to a class: its
 * classes ({@code *.Agrona}) are selected and excluded ({@code -e Agrona}) by name.
 * For quick checks shorten the run: {@code -f 1 -wi 1 -i 2 -w 1s -r 1s}.
 *
 * <h2>What is measured</h2>
 * Each operation's class Javadoc says exactly what one operation is and what its score includes:
 * {@link io.panamap.bench.jmh.GetBenchmark} (ns per get), {@link io.panamap.bench.jmh.PutBenchmark}
 * (ns per build from empty, and per put as {@code growFromEmpty:puts}),
 * {@link io.panamap.bench.jmh.RemoveBenchmark} (ns per remove+put pair) and
 * {@link io.panamap.bench.jmh.IterateBenchmark} (ns per full walk). Every map gets the same random keys
 * ({@link io.panamap.bench.workload.Keys}, as the custom harness uses) and none is presized.
 *
 * <h2>Where things are</h2>
 * {@link io.panamap.bench.jmh.MapBenchmark}: settings shared by all (forks, iterations, {@code size},
 * seed). {@code JmhMaps}: the maps and their adapters; a new peer is one adapter there plus its name in the
 * {@code map} parameters (or, if it needs JVM flags, nested classes of its own as Agrona has).
 *
 * <h2>Heap memory and first touch</h2>
 * On the shared virtual machine the project measures on, the first touch of memory the host has reclaimed
 * is slow, and on-heap maps allocate into such memory: the first iterations of HashMap, whose every put
 * allocates, show it as long GC pauses. The warm-up iterations absorb most of it; give HashMap more
 * ({@code -wi 5}) for steadier numbers. Extra JVM options ({@code PANAMAP_JAVA_OPTS}, e.g. a heap size)
 * reach the forks too.
 */
package io.panamap.bench.jmh;
