package io.panamap.memory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Frees native blocks on a background daemon thread.
 *
 * <p>Why: freeing is the one memory operation that is not O(1). Unmapping a touched region costs about
 * 24 µs per MiB with 4 KiB pages (8 ms for the 306 MiB array of a 10M-entry table), and closing a
 * shared arena performs a thread handshake that occasionally takes milliseconds on a busy machine.
 * A table hands the old array over here the moment its growth finishes, and the insert that finished
 * it returns at once. Measured on the reference machine, a concurrent munmap does not stall the
 * writer's own page faults (the kernel drops the mmap lock to read mode while it frees pages).
 */
public final class Reclaimer {

    private static final LinkedBlockingQueue<NativeBlock> QUEUE = new LinkedBlockingQueue<>();
    private static final Object IDLE = new Object();
    private static long submitted;
    private static long completed;

    static {
        final Thread thread = new Thread(Reclaimer::run, "panamap-reclaimer");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    private Reclaimer() {
    }

    /** Queues {@code block} to be closed on the reclaimer thread. */
    public static void releaseLater(final NativeBlock block) {
        synchronized (IDLE) {
            submitted++;
        }
        QUEUE.add(block);
    }

    /**
     * Waits until every block queued so far has been freed.
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
                final NativeBlock block = QUEUE.take();
                try {
                    block.close();
                } catch (final RuntimeException e) {
                    System.err.println("panamap: freeing a native block failed: " + e);
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
