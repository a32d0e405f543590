package io.panamap.bench.jmh;

import io.panamap.bench.contender.Contenders;
import io.panamap.bench.workload.Keys;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Threads;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConcurrentMapBenchmarkTest {

    /** The map parameter names contenders with a concurrent map, so no fork fails on an unknown one. */
    @Test
    void theMapParameterShouldNameConcurrentContendersAndTheBenchmarkRunOnTwoThreads() throws Exception {
        final String[] maps = ConcurrentMapBenchmark.class.getField("map").getAnnotation(Param.class).value();
        assertEquals(List.of("panamap-sharded", "concurrenthashmap"), Arrays.asList(maps));
        assertTrue(Contenders.concurrentNames().containsAll(Arrays.asList(maps)));
        assertEquals(2, ConcurrentMapBenchmark.class.getAnnotation(Threads.class).value());
    }

    /** Both threads' operations, as JMH would call them, at once on a small map: gets find what is there. */
    @Test
    void everyBenchmarkMethodShouldReturnPresentValuesWhileAnotherThreadWrites() throws Exception {
        for (final String map : List.of("panamap-sharded", "concurrenthashmap")) {
            final ConcurrentMapBenchmark benchmark = new ConcurrentMapBenchmark();
            benchmark.size = 10_000;
            benchmark.map = map;
            benchmark.setUp();
            try {
                final AtomicReference<Throwable> failure = new AtomicReference<>();
                final Thread writer = Thread.ofPlatform().start(() -> {
                    try {
                        final ConcurrentMapBenchmark.Cursor cursor = new ConcurrentMapBenchmark.Cursor();
                        cursor.setUp(benchmark);
                        for (int i = 0; i < 50_000; i++) {
                            benchmark.putWhileGet(cursor);
                            benchmark.put(cursor);
                        }
                    } catch (final Throwable e) {
                        failure.set(e);
                    }
                });
                final ConcurrentMapBenchmark.Cursor cursor = new ConcurrentMapBenchmark.Cursor();
                cursor.setUp(benchmark);
                for (int i = 0; i < 50_000; i++) {
                    final int next = cursor.next;
                    assertEquals(Keys.valueFor(benchmark.lookups[next]), benchmark.get(cursor), map);
                    assertEquals(Keys.valueFor(benchmark.lookups[cursor.next]), benchmark.getWhilePut(cursor), map);
                }
                writer.join();
                assertNull(failure.get());
                assertEquals(10_000, benchmark.target.size(), "puts of present keys leave the size alone");
            } finally {
                benchmark.tearDown();
            }
        }
    }
}
