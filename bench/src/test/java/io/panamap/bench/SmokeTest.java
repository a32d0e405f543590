package io.panamap.bench;

import io.panamap.bench.contender.BenchMap;
import io.panamap.bench.contender.ConcurrentBenchMap;
import io.panamap.bench.contender.Contender;
import io.panamap.bench.contender.Contenders;
import io.panamap.bench.contender.StringBenchMap;
import io.panamap.bench.result.GetResult;
import io.panamap.bench.result.GrowResult;
import io.panamap.bench.result.LatencySummary;
import io.panamap.bench.result.MemoryUse;
import io.panamap.bench.result.MixedResult;
import io.panamap.bench.result.OpenLoopResult;
import io.panamap.bench.result.ShardGrowth;
import io.panamap.bench.workload.IntervalRecorder;
import io.panamap.bench.workload.Keys;
import io.panamap.bench.workload.Recordings;
import io.panamap.bench.workload.RunSpec;
import io.panamap.bench.workload.StringKeys;
import io.panamap.bench.workload.Workloads;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real, in-process runs of the workloads at a tiny N: the numbers must be sane, not fast. */
class SmokeTest {

    private static final int N = 20_000;
    /** Keys a concurrent map's shard holds before its first growth: its first page, B = 4, at 6.5 per bucket. */
    private static final long FIRST_ARRAY_KEYS = 104;
    private static final long SEED = 42;

    private static RunSpec tinySpec(final List<String> recordingNames) {
        return spec(N, recordingNames);
    }

    private static RunSpec spec(final int n, final List<String> recordingNames) {
        // No minimum noise-floor duration: as many empty windows as operations is enough here. The open-loop
        // stream: 20,000 operations in 0.1 s.
        return new RunSpec(n, SEED, 0, 3, 20, 200_000, 100_000_000L, 2, line -> { }, new Recordings() {
            @Override
            public void histogram(final String name, final Histogram histogram) {
                recordingNames.add(name);
            }

            @Override
            public void intervals(final String name, final IntervalRecorder recorder, final long endNanos) {
                recordingNames.add(name + " (intervals)");
                long intervalCounts = 0;
                for (final Histogram interval : recorder.intervals(endNanos)) {
                    intervalCounts += interval.getTotalCount();
                }
                assertEquals(recorder.total().getTotalCount(), intervalCounts, "intervals add up to the total");
            }
        });
    }

    /**
     * Every contender with a single-threaded long map that runs in this JVM: a contender with JVM flags of its own
     * runs only in its child.
     */
    static List<String> contenders() {
        return Contenders.all().stream().filter(c -> c.jvmFlags().isEmpty() && c.hasLongMap())
                .map(Contender::name).toList();
    }

    /** The contenders with a map for many threads that run in this JVM. */
    static List<String> concurrentContenders() {
        return Contenders.all().stream().filter(c -> c.jvmFlags().isEmpty() && c.hasConcurrentMaps())
                .map(Contender::name).toList();
    }

    /** The contenders with a map for string keys that run in this JVM. */
    static List<String> stringContenders() {
        return Contenders.all().stream().filter(c -> c.jvmFlags().isEmpty() && c.hasStringMaps())
                .map(Contender::name).toList();
    }

    @ParameterizedTest
    @MethodSource("contenders")
    void growShouldTimeEveryPutAndReportConsistentFigures(final String contender) {
        final List<String> histograms = new ArrayList<>();
        final GrowResult result = (GrowResult) Workloads.byName("grow").run(Contenders.byName(contender),
                tinySpec(histograms));

        assertEquals(N, result.n());
        assertEquals(N, result.size());
        final LatencySummary put = result.put();
        assertEquals(N, put.count(), "one latency per put");
        assertTrue(put.p50() <= put.p99() && put.p99() <= put.p999() && put.p999() <= put.p9999()
                && put.p9999() <= put.p99999() && put.p99999() <= put.max(), put::toString);
        assertTrue(result.worstPutNanos() >= put.p50(), "worst >= p50");
        // The histogram's max and the exact worst are the same put, to 3 significant digits.
        assertTrue(result.worstPutNanos() <= put.max(), () -> result.worstPutNanos() + " > " + put.max());
        assertTrue(put.max() <= result.worstPutNanos() + result.worstPutNanos() / 500 + 1, put::toString);
        assertTrue(result.worstPutAtSize() >= 0 && result.worstPutAtSize() < N);
        assertTrue(result.buildNanos() > 0);
        assertTrue(result.noise().windows().count() >= N, "at least as many empty windows as puts");
        assertTrue(result.timedGc().count() >= 0 && result.buildGc().millis() >= 0);
        assertEquals(List.of("put (intervals)", "noise"), histograms);
        final MemoryUse memory = result.memory();
        assertEquals(N, memory.entries());
        assertTrue(memory.bytesPerEntry() >= 16, () -> "at least a key and a value per entry: " + memory);
        if (contender.startsWith("panamap")) {
            assertTrue(result.mapStats().startsWith("size=" + N + " "), result.mapStats());
        } else {
            assertEquals("", result.mapStats());
        }
    }

    @Test
    void getShouldTimeEveryRoundAndReturnTheValuesTheKeysImply() {
        final List<String> histograms = new ArrayList<>();
        final GetResult result = (GetResult) Workloads.byName("get").run(Contenders.byName("panamap"),
                tinySpec(histograms));

        assertEquals(N, result.getsPerRound());
        assertEquals(3, result.roundNanos().length);
        assertTrue(result.bestNsPerGet() > 0);
        assertTrue(result.bestNsPerGet() <= result.medianNsPerGet());
        assertEquals(Keys.checksum(Keys.random(N, SEED)), result.checksum(), "the blackhole sum");
        assertTrue(result.noise().windows().count() >= 3L * N);
        assertEquals(N, result.get().count(), "one latency per get of the latency round");
        assertTrue(result.get().p50() <= result.get().p99() && result.get().p99() <= result.get().max());
        assertEquals(List.of("noise", "get (intervals)"), histograms);
    }

    @ParameterizedTest
    @MethodSource("contenders")
    void openLoopShouldMeasureEveryOperationFromItsIntendedStart(final String contender) {
        final List<String> recordings = new ArrayList<>();
        final RunSpec spec = tinySpec(recordings);
        final OpenLoopResult result = (OpenLoopResult) Workloads.byName("open-loop")
                .run(Contenders.byName(contender), spec);

        assertEquals(spec.openLoopOperations(), result.operations());
        assertEquals(result.operations(), result.response().count(), "one latency per operation");
        assertEquals(result.operations() / 10, result.size(), "every 10th operation put a new key");
        // Paced: the stream cannot finish before its last operation's intended start.
        final long lastIntended = (long) ((result.operations() - 1) * 1e9 / spec.openLoopRate());
        assertTrue(result.elapsedNanos() >= lastIntended, () -> result.elapsedNanos() + " < " + lastIntended);
        assertTrue(result.worstNanos() >= result.response().p50());
        assertTrue(result.worstAtSize() > 0 && result.worstAtSize() <= result.size());
        assertEquals(List.of("noise", "response (intervals)"), recordings);
    }

    @ParameterizedTest
    @MethodSource("concurrentContenders")
    void mixedMtShouldTimeEveryOperationOfEveryThreadAndMergeThem(final String contender) {
        final List<String> recordings = new ArrayList<>();
        final MixedResult result = (MixedResult) Workloads.byName("mixed-mt").run(Contenders.byName(contender),
                tinySpec(recordings));

        assertEquals(N, result.n());
        assertEquals(2, result.threads());
        assertEquals(5L * N, result.operations(), "a put and four gets per key");
        assertEquals(N, result.size(), "every thread put its share of the keys");
        assertEquals(List.of(5L * N / 2, 5L * N / 2), result.threadOperations());
        assertEquals(result.operations(), result.op().count(), "one latency per operation, all threads merged");
        assertTrue(result.op().p50() <= result.op().p99() && result.op().p99() <= result.op().max());
        assertTrue(result.worstNanos() > 0 && result.worstNanos() <= result.op().max(), result::toString);
        assertTrue(result.worstAtSize() >= 0 && result.worstAtSize() <= N, result::toString);
        for (int t = 0; t < 2; t++) {
            assertTrue(result.threadNanos().get(t) > 0 && result.threadNanos().get(t) <= result.elapsedNanos());
        }
        assertTrue(result.slowestThreadPerSecond() <= result.fastestThreadPerSecond());
        assertTrue(result.operationsPerSecond() > 0);
        assertTrue(result.noise().windows().count() >= 5L * N, "as many empty windows as operations");
        assertTrue(result.idleNanos() >= 300_000_000L, () -> "the idle pause: " + result);
        assertEquals(List.of("noise", "op (intervals)", "op-thread1", "op-thread2"), recordings);
        if (contender.startsWith("panamap")) {
            assertTrue(result.mapStats().startsWith("size=" + N + " "), result.mapStats());
            final ShardGrowth end = result.growthAtEnd();
            final ShardGrowth idle = result.growthAfterIdle();
            if (contender.endsWith("-presized")) {
                assertEquals(0, end.twoArraysNanos(), "made for N keys, the shards never grew: " + end);
            } else if (N > FIRST_ARRAY_KEYS * end.shards()) {
                assertTrue(end.twoArraysNanos() > 0, "the shards grew from empty: " + end);
            }
            assertTrue(idle.twoArraysNanos() >= end.twoArraysNanos(), () -> end + " then " + idle);
            assertTrue(idle.growing() <= end.growing() || contender.equals("panamap-sharded"),
                    () -> end + " then " + idle);
            assertTrue(end.movedOldBuckets() <= end.oldBuckets() && (end.growing() > 0) == (end.oldBuckets() > 0),
                    end::toString);
            if (contender.equals("panamap-sharded")) {
                assertEquals(end.growing(), idle.growing(), "without writes nor an evacuator, growths stay put");
                assertEquals(end.movedOldBuckets(), idle.movedOldBuckets(), "nothing moved while idle");
                assertEquals(0, idle.backgroundSlices());
            }
        } else {
            assertNull(result.growthAtEnd());
            assertNull(result.growthAfterIdle());
        }
    }

    @Test
    void mixedMtShouldRefuseAContenderWithoutAConcurrentMapAndAMapThatReturnsWrongValues() {
        final IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> Workloads.byName("mixed-mt").run(Contenders.byName("fastutil"), tinySpec(new ArrayList<>())));
        assertTrue(none.getMessage().contains("fastutil has no concurrent map"), none.getMessage());

        final Contender broken = Contender.concurrentOnly("broken", true, List.of(), new Contender.ConcurrentMaps(
                "forgets every other value", n -> new ConcurrentBenchMap() {
                    @Override
                    public Accessor accessor() {
                        return new Accessor() {
                            private int calls;

                            @Override
                            public void put(final long key, final long value) {
                            }

                            @Override
                            public long get(final long key) {
                                return calls++ % 2 == 0 ? Keys.valueFor(key) : 0;
                            }
                        };
                    }

                    @Override
                    public long size() {
                        return 0;
                    }

                    @Override
                    public String stats() {
                        return "";
                    }

                    @Override
                    public ShardGrowth growth() {
                        return null;
                    }

                    @Override
                    public void close() {
                    }
                }));
        final IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Workloads.byName("mixed-mt").run(broken, tinySpec(new ArrayList<>())));
        assertTrue(e.getMessage().contains("wrong value"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("stringContenders")
    void growStrShouldTimeEveryPutOfAStringKeyAndItsRecord(final String contender) {
        final List<String> histograms = new ArrayList<>();
        final GrowResult result = (GrowResult) Workloads.byName("grow-str").run(Contenders.byName(contender),
                tinySpec(histograms));

        assertEquals(N, result.size());
        final LatencySummary put = result.put();
        assertEquals(N, put.count(), "one latency per put");
        assertTrue(put.p50() <= put.p99() && put.p99() <= put.max(), put::toString);
        assertTrue(result.worstPutNanos() <= put.max(), () -> result.worstPutNanos() + " > " + put.max());
        assertTrue(result.worstPutAtSize() >= 0 && result.worstPutAtSize() < N);
        assertTrue(result.buildNanos() > 0);
        assertEquals(List.of("put (intervals)", "noise"), histograms);
        assertTrue(result.memory().bytesPerEntry() >= StringBenchMap.VALUE_SIZE + 16,
                () -> "at least a record and a key per entry: " + result.memory());
        if (contender.startsWith("panamap")) {
            assertTrue(result.mapStats().startsWith("size=" + N + " "), result.mapStats());
            assertTrue(result.mapStats().contains("key storage: blocks=" + N + " "), result.mapStats());
        }
    }

    /**
     * HashMap keeps the key Strings it is given and the native maps copy them; grow-str makes the keys after
     * the first memory snapshot and drops its own references before the second, so only HashMap is charged
     * for them: about 64 bytes of String per entry on top of a node, a table slot and a 64-byte array.
     */
    @Test
    void growStrShouldChargeHashMapForTheKeyStringsItKeepsAndPanamapForItsNativeCopies() {
        final int n = 200_000;
        final GrowResult hashMap = (GrowResult) Workloads.byName("grow-str").run(Contenders.byName("hashmap"),
                spec(n, new ArrayList<>()));
        // Node 32 + table ~5 + record copy 80 = ~117 without the keys; String 24 + its array ~40 on top.
        assertTrue(hashMap.memory().heapBytesPerEntry() > 150, hashMap.memory()::toString);

        final GrowResult panamap = (GrowResult) Workloads.byName("grow-str").run(Contenders.byName("panamap"),
                spec(n, new ArrayList<>()));
        assertTrue(panamap.memory().heapBytesPerEntry() < 10, panamap.memory()::toString);
        assertTrue(panamap.memory().nativeBytesPerEntry() >= StringBenchMap.VALUE_SIZE + 16,
                panamap.memory()::toString);
    }

    @ParameterizedTest
    @MethodSource("stringContenders")
    void getStrShouldTimeEveryRoundAndReturnTheRecordsTheKeysImply(final String contender) {
        final List<String> histograms = new ArrayList<>();
        final GetResult result = (GetResult) Workloads.byName("get-str").run(Contenders.byName(contender),
                tinySpec(histograms));

        assertEquals(N, result.getsPerRound());
        assertEquals(3, result.roundNanos().length);
        assertTrue(result.bestNsPerGet() > 0 && result.bestNsPerGet() <= result.medianNsPerGet());
        assertEquals(StringKeys.checksum(StringKeys.shuffledIndexes(N, SEED + 1)), result.checksum());
        assertEquals(N, result.get().count(), "one latency per get of the latency round");
        assertEquals(List.of("noise", "get (intervals)"), histograms);
    }

    @ParameterizedTest
    @MethodSource("stringContenders")
    void openLoopStrShouldMeasureEveryOperationFromItsIntendedStart(final String contender) {
        final List<String> recordings = new ArrayList<>();
        final RunSpec spec = tinySpec(recordings);
        final OpenLoopResult result = (OpenLoopResult) Workloads.byName("open-loop-str")
                .run(Contenders.byName(contender), spec);

        assertEquals(spec.openLoopOperations(), result.operations());
        assertEquals(result.operations(), result.response().count(), "one latency per operation");
        assertEquals(result.operations() / 10, result.size(), "every 10th operation put a new key");
        final long lastIntended = (long) ((result.operations() - 1) * 1e9 / spec.openLoopRate());
        assertTrue(result.elapsedNanos() >= lastIntended, () -> result.elapsedNanos() + " < " + lastIntended);
        assertEquals(List.of("noise", "response (intervals)"), recordings);
    }

    @Test
    void getStrShouldRefuseToTimeAMapThatReturnsWrongRecords() {
        final Contender fastutil = Contenders.byName("fastutil");
        final Contender broken = new Contender("broken", "returns the wrong record", true, List.of(),
                fastutil.factory(), new Contender.StringMaps("returns the wrong record", n -> new StringBenchMap() {
                    private long size;

                    @Override
                    public void put(final String key, final byte[] record) {
                        size++;
                    }

                    @Override
                    public long get(final String key) {
                        return 1;
                    }

                    @Override
                    public long size() {
                        return size;
                    }

                    @Override
                    public String stats() {
                        return "";
                    }

                    @Override
                    public void close() {
                    }
                }));
        final IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Workloads.byName("get-str").run(broken, tinySpec(new ArrayList<>())));
        assertTrue(e.getMessage().contains("wrong values"), e.getMessage());
        final IllegalStateException open = assertThrows(IllegalStateException.class,
                () -> Workloads.byName("open-loop-str").run(broken, tinySpec(new ArrayList<>())));
        assertTrue(open.getMessage().contains("wrong record"), open.getMessage());
    }

    @Test
    void aStringWorkloadShouldRefuseAContenderWithoutAStringMap() {
        final IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Workloads.byName("grow-str").run(Contenders.byName("fastutil"), tinySpec(new ArrayList<>())));
        assertTrue(e.getMessage().contains("no map for string keys"), e.getMessage());
    }

    @Test
    void getShouldRefuseToTimeAMapThatReturnsWrongValues() {
        final Contender broken = new Contender("broken", "forgets everything", true, List.of(), n -> new BenchMap() {
            @Override
            public void put(final long key, final long value) {
            }

            @Override
            public long get(final long key) {
                return 0;
            }

            @Override
            public long remove(final long key) {
                return 0;
            }

            @Override
            public long sumEntries() {
                return 0;
            }

            @Override
            public long size() {
                return 0;
            }

            @Override
            public String stats() {
                return "";
            }

            @Override
            public void close() {
            }
        });
        final IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Workloads.byName("get").run(broken, tinySpec(new ArrayList<>())));
        assertTrue(e.getMessage().contains("wrong values"), e.getMessage());
    }
}
