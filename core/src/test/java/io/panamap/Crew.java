package io.panamap;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The threads of one round. They start together: each waits at a start line until {@link #join} sees them all
 * there, so that readers are not still being scheduled when the writers are done. The first failure of any of
 * them makes {@link #failed()} true, so that the others stop early, and is rethrown by {@link #join} with the
 * others suppressed. Its threads are daemons, so that one stuck for good does not keep the test JVM alive.
 */
final class Crew {

    /** A body a thread of the crew runs; it fails by throwing. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final Phaser startLine = new Phaser(1);
    private volatile boolean failed;

    void start(final String name, final Body body) {
        startLine.register();
        final Thread thread = new Thread(() -> {
            try {
                startLine.arriveAndAwaitAdvance();
                body.run();
            } catch (final Throwable e) {
                failures.add(new AssertionError("thread " + Thread.currentThread().getName() + " failed", e));
                failed = true;
            }
        }, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    boolean failed() {
        return failed;
    }

    /** Waits for every thread, at most {@code limit} in all; fails with the first failure, or if one is stuck. */
    void join(final Duration limit) {
        final long end = System.nanoTime() + limit.toNanos();
        try {
            startLine.awaitAdvanceInterruptibly(startLine.arrive(), limit.toNanos(), TimeUnit.NANOSECONDS);
            for (final Thread thread : threads) {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the threads", e);
        } catch (final TimeoutException e) {
            failed = true;
            throw new AssertionError("the threads did not all start within " + limit, e);
        }
        final Throwable first = failures.poll();
        if (first != null) {
            for (Throwable other = failures.poll(); other != null; other = failures.poll()) {
                first.addSuppressed(other);
            }
            if (first instanceof AssertionError assertion) {
                throw assertion;
            }
            throw new AssertionError(first);
        }
        for (final Thread thread : threads) {
            if (thread.isAlive()) {
                failed = true;
                throw new AssertionError("thread " + thread.getName() + " did not finish within " + limit);
            }
        }
    }
}
