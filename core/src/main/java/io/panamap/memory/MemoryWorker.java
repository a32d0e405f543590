package io.panamap.memory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One background daemon thread for the memory work that is not O(1) and therefore must not run on a
 * table's writing thread: freeing retired arrays, and mapping and pre-faulting the next one.
 *
 * <p>Why freeing: unmapping a touched region costs about 24 µs per MiB with 4 KiB pages (8 ms for the
 * 306 MiB array of a 10M-entry table), and closing a shared arena performs a thread handshake that
 * occasionally takes milliseconds on a busy machine. Measured on the reference machine, a concurrent
 * munmap does not stall the writer's own page faults (the kernel frees pages with the mmap lock held
 * for reading only).
 *
 * <p>Why preparing: the first call of a downcall runs interpreted (a growth happens a few dozen times
 * in a table's life, so mmap never gets compiled: ~10 µs), and the first touches of a fresh mapping
 * fault in pages and page tables (1–10 µs each, 0.2–10 ms for a huge page). Done here, ahead of time,
 * neither lands on an insert.
 */
public final class MemoryWorker {

    private static final LinkedBlockingQueue<Runnable> QUEUE = new LinkedBlockingQueue<>();
    private static final Object IDLE = new Object();
    private static long submitted;
    private static long completed;

    static {
        final Thread thread = new Thread(MemoryWorker::run, "panamap-memory-worker");
        thread.setDaemon(true);
        thread.start();
    }

    private MemoryWorker() {
    }

    /** Queues {@code block} to be freed on the worker thread. */
    public static void releaseLater(final NativeBlock block) {
        execute(block::close);
    }

    /** Runs {@code task} on the worker thread, after everything queued before it. */
    public static void execute(final Runnable task) {
        synchronized (IDLE) {
            submitted++;
        }
        QUEUE.add(task);
    }

    /**
     * Waits until every task queued so far has run.
     *
     * @return whether that happened within the timeout
     */
    public static boolean awaitIdle(final long timeout, final TimeUnit unit) throws InterruptedException {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (IDLE) {
            while (completed < submitted) {
                final long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(IDLE, left);
            }
            return true;
        }
    }

    private static void run() {
        while (true) {
            try {
                final Runnable task = QUEUE.take();
                try {
                    task.run();
                } catch (final RuntimeException | Error e) {
                    System.err.println("panamap: background memory task failed: " + e);
                }
                synchronized (IDLE) {
                    completed++;
                    IDLE.notifyAll();
                }
            } catch (final InterruptedException e) {
                // A daemon that must outlive interruption: keep draining.
                Thread.interrupted();
            }
        }
    }
}
