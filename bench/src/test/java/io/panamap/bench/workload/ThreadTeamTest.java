package io.panamap.bench.workload;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadTeamTest {

    @Test
    void everyThreadShouldPrepareThenStartNoEarlierThanTheCommonStartOnItsOwnThread() {
        final AtomicLongArray prepared = new AtomicLongArray(3);
        final AtomicLongArray started = new AtomicLongArray(3);
        final ConcurrentHashMap<Integer, String> names = new ConcurrentHashMap<>();
        final ThreadTeam.Timing timing = ThreadTeam.run("team", 3, new ThreadTeam.Member() {
            @Override
            public void prepare(final int thread, final long startNanos) {
                prepared.set(thread, System.nanoTime());
                names.put(thread, Thread.currentThread().getName());
            }

            @Override
            public long run(final int thread, final long startNanos) {
                started.set(thread, System.nanoTime());
                return System.nanoTime();
            }
        });
        for (int t = 0; t < 3; t++) {
            assertTrue(prepared.get(t) < timing.startNanos(), "thread " + t + " prepared before the start");
            assertTrue(started.get(t) >= timing.startNanos(), "thread " + t + " ran from the start on");
            assertEquals("team-" + (t + 1), names.get(t));
        }
        final long last = Math.max(timing.endNanos()[0], Math.max(timing.endNanos()[1], timing.endNanos()[2]));
        assertEquals(last - timing.startNanos(), timing.elapsedNanos(), "to the last thread's end");
    }

    @Test
    void aFailingThreadShouldFailTheTeamAfterTheOthersEnded() {
        final AtomicLongArray ended = new AtomicLongArray(2);
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> ThreadTeam.run("team", 2,
                new ThreadTeam.Member() {
                    @Override
                    public void prepare(final int thread, final long startNanos) {
                    }

                    @Override
                    public long run(final int thread, final long startNanos) throws InterruptedException {
                        if (thread == 0) {
                            throw new IllegalStateException("wrong value");
                        }
                        Thread.sleep(50);
                        ended.set(thread, 1);
                        return System.nanoTime();
                    }
                }));
        assertEquals("wrong value", e.getMessage());
        assertEquals(1, ended.get(1), "the other thread ran to its end");
    }
}
