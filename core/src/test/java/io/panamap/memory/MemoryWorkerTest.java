package io.panamap.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The worker is woken when it sleeps (once per burst of tasks), and loses none of them. */
class MemoryWorkerTest {

    @Test
    void aTaskHandedOverAfterTheWorkerFellAsleepShouldStillRun() throws InterruptedException {
        putTheWorkerToSleep();

        final CountDownLatch second = new CountDownLatch(1);
        MemoryWorker.execute(second::countDown);
        assertTrue(second.await(10, TimeUnit.SECONDS), "a sleeping worker must be woken by the next task");
    }

    @Test
    void theWorkerShouldBeBusyFromATasksHandOverUntilItHasRun() throws InterruptedException {
        assertTrue(MemoryWorker.awaitIdle(5, TimeUnit.SECONDS));
        assertFalse(MemoryWorker.busy(), "nothing queued or running");
        final CountDownLatch running = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        MemoryWorker.execute(() -> {
            running.countDown();
            try {
                release.await();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(MemoryWorker.busy(), "queued");
        assertTrue(running.await(10, TimeUnit.SECONDS));
        assertTrue(MemoryWorker.busy(), "running");
        release.countDown();
        assertTrue(MemoryWorker.awaitIdle(5, TimeUnit.SECONDS));
        assertFalse(MemoryWorker.busy(), "done");
    }

    @Test
    void everyTaskOfABurstHandedToASleepingWorkerShouldRun() throws InterruptedException {
        putTheWorkerToSleep();

        final CountDownLatch all = new CountDownLatch(3);
        // Only the first of these wakes the worker; the others must not be left behind.
        MemoryWorker.execute(all::countDown);
        MemoryWorker.execute(all::countDown);
        MemoryWorker.execute(all::countDown);
        assertTrue(all.await(10, TimeUnit.SECONDS), all.getCount() + " of 3 tasks left");
    }

    /**
     * A task that throws, an Error included, is reported and the worker goes on: it is the only thread that frees
     * retired arrays, so if it died every later free would be lost, and awaitIdle would wait for a count that
     * never comes.
     */
    @Test
    void tasksAfterOnesThatThrowShouldStillRun() throws InterruptedException {
        final CountDownLatch after = new CountDownLatch(2);
        MemoryWorker.execute(() -> {
            throw new IllegalArgumentException("a task that fails (thrown on purpose by the test)");
        });
        MemoryWorker.execute(after::countDown);
        MemoryWorker.execute(() -> {
            throw new AssertionError("a task that fails with an Error (thrown on purpose by the test)");
        });
        MemoryWorker.execute(after::countDown);
        assertTrue(after.await(5, TimeUnit.SECONDS), after.getCount() + " of 2 tasks after the failing ones left");
        assertTrue(MemoryWorker.awaitIdle(5, TimeUnit.SECONDS), "the failed tasks count as run");
        assertFalse(MemoryWorker.busy());
    }

    /**
     * Gives the worker a task, then waits past its polling spell until it parks for good (WAITING: its polls park
     * with a timeout), so that only a submitter can wake it. Waited for, not slept for: on a loaded machine the
     * worker may reach its sleep late, and a task handed over while it still polls would run without a wake-up.
     */
    private static void putTheWorkerToSleep() throws InterruptedException {
        final CountDownLatch done = new CountDownLatch(1);
        MemoryWorker.execute(done::countDown);
        assertTrue(done.await(10, TimeUnit.SECONDS));
        final Thread worker = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> "panamap-memory-worker".equals(thread.getName()))
                .findFirst().orElseThrow();
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(MemoryWorker.AWAKE_AFTER_WORK_NANOS));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (worker.getState() != Thread.State.WAITING && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        assertEquals(Thread.State.WAITING, worker.getState(), "test premise: the worker sleeps until woken");
    }

    @Test
    void tasksFromSeveralThreadsShouldEachRunOnceInTheOrderEachThreadGaveThem() throws InterruptedException {
        final int perThread = 20_000;
        final int[] lastSeen = {-1, -1};
        final AtomicInteger outOfOrder = new AtomicInteger();
        final AtomicInteger ran = new AtomicInteger();
        final Thread[] submitters = new Thread[2];
        for (int t = 0; t < submitters.length; t++) {
            final int thread = t;
            submitters[t] = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    final int sequence = i;
                    MemoryWorker.execute(() -> {
                        // Runs on the worker alone: no other thread touches lastSeen meanwhile.
                        if (lastSeen[thread] != sequence - 1) {
                            outOfOrder.incrementAndGet();
                        }
                        lastSeen[thread] = sequence;
                        ran.incrementAndGet();
                    });
                    if (i % 5_000 == 0) {
                        // Let the worker drain and poll an empty queue now and then.
                        Thread.onSpinWait();
                    }
                }
            });
            submitters[t].start();
        }
        for (final Thread submitter : submitters) {
            submitter.join();
        }
        assertTrue(MemoryWorker.awaitIdle(30, TimeUnit.SECONDS));
        assertEquals(2 * perThread, ran.get());
        assertEquals(0, outOfOrder.get());
    }
}
