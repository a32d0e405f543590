package io.panamap;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.StampedLock;

/**
 * Finishes the pending growths of a concurrent map's shards without waiting for writes to do it, in small
 * time-bounded slices: every {@code period}, at most about {@code work} of evacuation in all, each shard's
 * write lock held for one slice of its own only. Beyond Go, which evacuates only on writes, so that a shard
 * nobody writes any more keeps two arrays (and twice the memory) for ever.
 *
 * <p>One daemon thread serves every map in the process: the slices are short and rare by design (the
 * default is 1 ms per 100 ms), and a thread per map would be a thread per map.
 */
final class BackgroundEvacuator implements AutoCloseable {

    private static final ScheduledThreadPoolExecutor SCHEDULER = newScheduler();
    /** The shortest pause between periods, for work equal to the period: the other maps' turn, and writers'. */
    private static final long MIN_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final HashTable[] tables;
    private final StampedLock[] locks;
    private final long workNanos;
    private final ScheduledFuture<?> task;
    /** The shard the next period starts at, so that every growing shard gets its turn. */
    private int nextShard;
    private volatile long slices;
    private volatile long busyNanos;

    BackgroundEvacuator(final HashTable[] tables, final StampedLock[] locks, final long workNanos,
                        final long periodNanos) {
        if (workNanos <= 0 || periodNanos <= 0) {
            throw new IllegalArgumentException("background evacuation needs positive work and period, not "
                    + workNanos + " ns per " + periodNanos + " ns");
        }
        this.tables = tables;
        this.locks = locks;
        this.workNanos = workNanos;
        // A fixed delay, not a fixed rate: a period that starts late (the thread descheduled, or busy with another
        // map's slices) must not be made up for by a burst of slices back to back, each taking the shards' locks.
        // Waiting period - work after each period's end keeps slices a period apart when they use their budget.
        final long pause = Math.max(periodNanos - workNanos, MIN_PAUSE_NANOS);
        this.task = SCHEDULER.scheduleWithFixedDelay(this::runPeriod, periodNanos, pause, TimeUnit.NANOSECONDS);
    }

    private static ScheduledThreadPoolExecutor newScheduler() {
        final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            final Thread thread = new Thread(runnable, "panamap-evacuator");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }

    /** One period's work: growing shards in turn, until the work budget is spent. */
    private void runPeriod() {
        long remaining = workNanos;
        final int count = tables.length;
        for (int visited = 0; visited < count && remaining > 0; visited++) {
            final int shard = (nextShard + visited) % count;
            final HashTable table = tables[shard];
            if (!table.isGrowing()) { // a racy peek; checked again under the lock
                continue;
            }
            final long stamp = locks[shard].writeLock();
            final long start = System.nanoTime();
            final long spent;
            try {
                if (table.closed) {
                    return;
                }
                table.evacuateForAsWrite(remaining);
                spent = System.nanoTime() - start;
                // Counted before the lock goes: stats() reads a shard under its read lock, then these, so a
                // growth it sees finished is never missing the slice that finished it.
                slices++;
                busyNanos += spent;
            } finally {
                locks[shard].unlockWrite(stamp);
            }
            remaining -= spent;
            nextShard = shard + 1;
        }
    }

    /** Slices run so far. */
    long slices() {
        return slices;
    }

    /** Time spent in slices so far, lock waits excluded. */
    long busyNanos() {
        return busyNanos;
    }

    /** Whether periods are still scheduled: until {@link #close()}. */
    boolean scheduled() {
        return !task.isDone();
    }

    /** Stops scheduling; a slice in progress finishes under its shard's lock. */
    @Override
    public void close() {
        task.cancel(false);
    }
}
