package io.panamap.bench.contender;

import io.panamap.bench.result.ShardGrowth;
import io.panamap.bench.workload.Keys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every adapter for many threads must take concurrent puts and gets through growths without losing or mixing up
 * entries. Chronicle Map needs JVM flags of its own, so it runs in its child JVM ({@code ChildLauncherTest}).
 */
class ConcurrentBenchMapTest {

    private static final int THREADS = 2;
    private static final int PER_THREAD = 20_000;

    /** The contenders with a concurrent map that run in this JVM. */
    static List<String> contenders() {
        return Contenders.all().stream().filter(c -> c.hasConcurrentMaps() && c.jvmFlags().isEmpty())
                .map(Contender::name).toList();
    }

    @ParameterizedTest
    @MethodSource("contenders")
    void twoThreadsPuttingAndGettingAtOnceShouldEachFindEveryValueTheyPut(final String name) throws Exception {
        final long[] keys = Keys.random(THREADS * PER_THREAD, 11);
        final CyclicBarrier start = new CyclicBarrier(THREADS);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        try (ConcurrentBenchMap map = Contenders.byName(name).createConcurrentMap(keys.length)) {
            final Thread[] threads = new Thread[THREADS];
            for (int t = 0; t < THREADS; t++) {
                final int from = t * PER_THREAD;
                threads[t] = Thread.ofPlatform().start(() -> {
                    try {
                        final ConcurrentBenchMap.Accessor accessor = map.accessor();
                        start.await();
                        for (int i = from; i < from + PER_THREAD; i++) {
                            accessor.put(keys[i], Keys.valueFor(keys[i]));
                            // A key put just before, and one put long before, while the other thread writes.
                            assertEquals(Keys.valueFor(keys[i]), accessor.get(keys[i]));
                            assertEquals(Keys.valueFor(keys[from + (i - from) / 2]),
                                    accessor.get(keys[from + (i - from) / 2]));
                        }
                    } catch (final Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            for (final Thread thread : threads) {
                thread.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(name + " failed under two threads", failure.get());
            }
            assertEquals(keys.length, map.size());
            final ConcurrentBenchMap.Accessor reader = map.accessor();
            for (final long key : keys) {
                assertEquals(Keys.valueFor(key), reader.get(key));
            }
            assertEquals(0, reader.get(keys[0] ^ 1), "an absent key");
        }
    }

    @Test
    void theDiagnosticVariantShouldHaveTheShardsItsNameSays() {
        try (ConcurrentBenchMap map = Contenders.byName("panamap-sharded-512").createConcurrentMap(10)) {
            assertEquals(512, map.growth().shards());
        }
    }

    @Test
    void panamapShouldReportItsShardsGrowthAndTheOthersNone() {
        try (ConcurrentBenchMap map = Contenders.byName("panamap-sharded").createConcurrentMap(100_000)) {
            final ConcurrentBenchMap.Accessor accessor = map.accessor();
            for (final long key : Keys.random(100_000, 3)) {
                accessor.put(key, Keys.valueFor(key));
            }
            final ShardGrowth growth = map.growth();
            assertNotNull(growth);
            assertTrue(growth.shards() >= 1 && Integer.bitCount(growth.shards()) == 1, growth::toString);
            assertTrue(growth.growing() >= 0 && growth.growing() <= growth.shards(), growth::toString);
            assertTrue(growth.twoArraysNanos() > 0, () -> "100,000 puts grew every shard: " + growth);
            assertEquals(0, growth.backgroundSlices(), "no background evacuator");
            assertTrue(map.stats().startsWith("size=100000 shards=" + growth.shards()), map.stats());
        }
        try (ConcurrentBenchMap map = Contenders.byName("concurrenthashmap").createConcurrentMap(10)) {
            assertNull(map.growth());
        }
    }

    /** Without writes only the evacuator finishes a growth: given time, it leaves no shard growing. */
    @Test
    void theBackgroundEvacuatorShouldFinishTheGrowthsWritesLeftBehind() throws InterruptedException {
        try (ConcurrentBenchMap map = Contenders.byName("panamap-sharded-bg").createConcurrentMap(200_000)) {
            final ConcurrentBenchMap.Accessor accessor = map.accessor();
            for (final long key : Keys.random(200_000, 5)) {
                accessor.put(key, Keys.valueFor(key));
            }
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (map.growth().growing() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, map.growth().growing(), map::stats);
        }
    }

    @Test
    void theContendersWithAConcurrentMapShouldBeTheShardedPanamapsConcurrentHashMapAndChronicleMap() {
        assertEquals(List.of("panamap-sharded", "panamap-sharded-bg", "panamap-sharded-presized", "panamap-sharded-512",
                "panamap-sharded-inline", "concurrenthashmap", "chronicle-presized"), Contenders.concurrentNames());
        assertTrue(Contenders.diagnosticNames().containsAll(List.of("panamap-sharded-512", "panamap-sharded-inline")),
                "run only when named");
        assertTrue(Contenders.byName("concurrenthashmap").hasLongMap(), "it runs the one-thread workloads too");
        assertTrue(Contenders.defaultNames().containsAll(List.of("panamap-sharded", "panamap-sharded-bg",
                "panamap-sharded-presized", "concurrenthashmap", "chronicle-presized")));
    }
}
