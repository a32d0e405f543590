/**
 * JMH microbenchmarks: panamap's {@code LongLongMap} against fastutil, Agrona, Eclipse Collections,
 * {@code java.util.HashMap<Long, Long>} and {@code ConcurrentHashMap<Long, Long>}, for get, put into a growing
 * map, remove and full iteration, at 1K, 1M and 10M entries; and panamap's
 * {@code OffHeapMap<CharSequence, byte[]>} against {@code HashMap<String, byte[]>} and Chronicle Map for text ids
 * mapped to 64-byte records, get and put into a growing map at 1K and 1M ({@code GetStringBenchmark},
 * {@code PutStringBenchmark}); and panamap's sharded {@code ConcurrentLongLongMap} against
 * {@code ConcurrentHashMap<Long, Long>} on two threads at once, get, put and get while put at 1M
 * ({@code ConcurrentMapBenchmark}). The custom harness ({@code ./panamap bench}) covers what JMH cannot: per-put
 * latency histograms, worst puts and the machine's noise floor.
 *
 * <h2>Running</h2>
 * Build, then run JMH from the bench jar through the launcher, which gives every JVM (JMH's forks copy its
 * flags) {@code --enable-native-access=ALL-UNNAMED}:
 * <pre>
 * ./panamap build
 * ./panamap jmh -l                                          # list the benchmarks
 * ./panamap jmh -lp GetBenchmark                            # ... and their parameters
 * ./panamap jmh GetBenchmark -p size=1000000 -p map=panamap,fastutil
 * ./panamap jmh PutBenchmark -p size=1000 -prof gc          # with heap bytes per operation
 * ./panamap jmh GetStringBenchmark -prof gc                 # string ids: panamap, HashMap, Chronicle Map
 * ./panamap jmh ConcurrentMapBenchmark -prof gc             # two threads on one map of 1M keys
 * ./panamap jmh 'io.panamap.bench.jmh' -rf json -rff jmh.json   # everything: 273 forks, more than an hour
 * </pre>
 * A benchmark's name is {@code <Operation>Benchmark.<method>}; the first argument is a regular expression found
 * anywhere in it (so {@code Put} alone would also pick {@code removeAndPut}: write {@code PutBenchmark}; the
 * string-key ones are named {@code GetStringBenchmark} and {@code PutStringBenchmark} so that
 * {@code GetBenchmark} and {@code PutBenchmark} do not pick them). {@code -p map=...} selects among panamap,
 * fastutil, agrona, eclipse, hashmap and concurrenthashmap, the contender names of {@code ./panamap bench}; for
 * the string-key ones among panamap, panamap-presized (put only), hashmap and chronicle-presized, whose forks
 * get Chronicle's JVM flags appended. For quick checks shorten the run: {@code -f 1 -wi 1 -i 2 -w 1s -r 1s}.
 *
 * <h2>What is measured</h2>
 * Each operation's class Javadoc says exactly what one operation is and what its score includes:
 * {@link io.panamap.bench.jmh.GetBenchmark} (ns per get), {@link io.panamap.bench.jmh.PutBenchmark}
 * (ns per build from empty, and per put as {@code growFromEmpty:puts}),
 * {@link io.panamap.bench.jmh.RemoveBenchmark} (ns per remove+put pair) and
 * {@link io.panamap.bench.jmh.IterateBenchmark} (ns per full walk). Every map gets the same random keys
 * ({@link io.panamap.bench.workload.Keys}, as the custom harness uses) and none is presized. The string-key
 * ones: {@link io.panamap.bench.jmh.GetStringBenchmark} (ns and, with {@code -prof gc}, heap bytes per get)
 * and {@link io.panamap.bench.jmh.PutStringBenchmark} (per build and per put), with the harness's text ids and
 * records ({@link io.panamap.bench.workload.StringKeys}); {@link io.panamap.bench.jmh.StringLookupStepsBenchmark}
 * takes panamap's string get apart, step by step, in cache. {@link io.panamap.bench.jmh.ConcurrentMapBenchmark}
 * (ns and heap bytes per operation of each of two threads) uses the harness's {@code mixed-mt} adapters.
 * {@link io.panamap.bench.jmh.RarePutBenchmark} times single puts: those a growing table makes only a few times
 * per doubling, against an ordinary one.
 *
 * <h2>Where things are</h2>
 * {@link io.panamap.bench.jmh.MapBenchmark}: settings shared by all (forks, iterations, {@code size},
 * seed, the {@code map} parameter); {@link io.panamap.bench.jmh.StringMapBenchmark} the same for the string-key
 * ones. The maps and their adapters are the harness's own contenders
 * ({@code io.panamap.bench.contender}); a new peer is one adapter there plus its name in the {@code map}
 * parameter.
 *
 * <h2>Heap memory and first touch</h2>
 * On the shared virtual machine the project measures on, the first touch of memory the host has reclaimed
 * is slow, and on-heap maps allocate into such memory: the first iterations of HashMap, whose every put
 * allocates, show it as long GC pauses. The warm-up iterations absorb most of it; give HashMap more
 * ({@code -wi 5}) for steadier numbers. Extra JVM options ({@code PANAMAP_JAVA_OPTS}, e.g. a heap size)
 * reach the forks too.
 */
package io.panamap.bench.jmh;
