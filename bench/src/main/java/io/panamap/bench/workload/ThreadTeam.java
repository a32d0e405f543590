package io.panamap.bench.workload;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one task on each of several new platform threads, all starting at the same instant, and waits for them.
 *
 * <p>Every thread is started and has said it is ready before the common start time is chosen, a little in the
 * future ({@value #START_LEAD_NANOS} ns); then each thread does its untimed preparation (clearing its recorders,
 * making its accessor) and spins until that time. So no thread runs while another is still being created or
 * preparing, and per-interval recordings of all threads cover the same spans of time.
 */
final class ThreadTeam {

    /** From choosing the start to the start: room for every thread's preparation (a few ms at most). */
    static final long START_LEAD_NANOS = 50_000_000L;

    /** What each thread of the team does. */
    interface Member {

        /** On the member's own thread, before the start: untimed work. */
        void prepare(int thread, long startNanos) throws Exception;

        /** On the member's own thread, from the start; returns when it ended ({@link System#nanoTime()}). */
        long run(int thread, long startNanos) throws Exception;
    }

    /**
     * When a team ran.
     *
     * @param startNanos the common start ({@link System#nanoTime()})
     * @param endNanos   when each thread ended, by thread
     */
    record Timing(long startNanos, long[] endNanos) {

        /** From the common start to the end of the last thread. */
        long elapsedNanos() {
            return Arrays.stream(endNanos).max().orElse(startNanos) - startNanos;
        }

        /** When the last thread ended. */
        long lastEndNanos() {
            return startNanos + elapsedNanos();
        }
    }

    private ThreadTeam() {
    }

    /**
     * Runs {@code member} on {@code threads} new threads named {@code name-1}, {@code name-2}, ... and returns
     * when all have ended. If any thread failed, the first failure is thrown (after every thread has ended).
     */
    static Timing run(final String name, final int threads, final Member member) {
        final CountDownLatch ready = new CountDownLatch(threads);
        final CountDownLatch go = new CountDownLatch(1);
        // Written before go.countDown(), read after go.await(): the latch orders them.
        final long[] start = new long[1];
        final long[] ends = new long[threads];
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread[] team = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            final int thread = t;
            team[t] = Thread.ofPlatform().name(name + "-" + (t + 1)).daemon().start(() -> {
                try {
                    ready.countDown();
                    go.await();
                    member.prepare(thread, start[0]);
                    while (System.nanoTime() < start[0]) {
                        Thread.onSpinWait();
                    }
                    ends[thread] = member.run(thread, start[0]);
                } catch (final Throwable e) { // Throwable: an OutOfMemoryError in a worker is a result too
                    failure.compareAndSet(null, e);
                }
            });
        }
        try {
            ready.await();
            start[0] = System.nanoTime() + START_LEAD_NANOS;
            go.countDown();
            for (final Thread thread : team) {
                thread.join();
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the " + name + " threads", e);
        }
        final Throwable failed = failure.get();
        if (failed instanceof RuntimeException e) {
            throw e;
        }
        if (failed instanceof Error e) {
            throw e;
        }
        if (failed != null) {
            throw new IllegalStateException(name + " thread failed: " + failed, failed);
        }
        return new Timing(start[0], ends);
    }
}
