package io.panamap.memory;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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
 *
 * <p>Why it polls: waking a parked thread costs the waker a futex syscall and, on a virtual machine, an
 * inter-processor interrupt the host has to deliver: 15 µs per hand-off on the reference machine (40 µs
 * from code not yet compiled), paid by the insert that asked, a few dozen times per growth (the next array,
 * the old one, overflow chunks). So after each task the worker stays awake for {@value #AWAKE_AFTER_WORK_MILLIS}
 * ms, looking at its queue every {@value #POLL_MICROS} µs; a writer hands it work with one lock-free enqueue
 * and only wakes it, paying that price, after such a quiet spell. Polling costs the worker's own core a
 * timer wake-up per interval while tables grow, and nothing when they do not.
 */
public final class MemoryWorker {

    /** How long the worker keeps polling after its last task before it parks until woken. */
    static final long AWAKE_AFTER_WORK_MILLIS = 1000;
    /** How often a polling worker looks at its queue: well within the time an insert leaves it (see HashTable). */
    static final long POLL_MICROS = 200;

    private static final ConcurrentLinkedQueue<Runnable> QUEUE = new ConcurrentLinkedQueue<>();
    private static final Object IDLE = new Object();
    private static final Thread THREAD;
    /** Set by the worker before it parks for good, so that the next submitter knows to wake it. */
    private static volatile boolean asleep;
    private static long submitted;
    private static long completed;

    static {
        THREAD = new Thread(MemoryWorker::run, "panamap-memory-worker");
        THREAD.setDaemon(true);
        THREAD.start();
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
        // The worker sets asleep, then looks at the queue once more before parking; this enqueue comes before
        // the read below. Both are volatile accesses, so either it sees this task or this thread sees asleep.
        if (asleep) {
            LockSupport.unpark(THREAD);
        }
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
        long lastWork = System.nanoTime();
        while (true) {
            final Runnable task = QUEUE.poll();
            if (task != null) {
                runOne(task);
                lastWork = System.nanoTime();
            } else if (System.nanoTime() - lastWork < TimeUnit.MILLISECONDS.toNanos(AWAKE_AFTER_WORK_MILLIS)) {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(POLL_MICROS));
            } else {
                asleep = true;
                if (QUEUE.isEmpty()) {
                    LockSupport.park();
                }
                asleep = false;
                lastWork = System.nanoTime(); // woken (or spuriously): poll a while before sleeping again
            }
            Thread.interrupted(); // a daemon that must outlive interruption: keep draining
        }
    }

    private static void runOne(final Runnable task) {
        try {
            task.run();
        } catch (final RuntimeException | Error e) {
            System.err.println("panamap: background memory task failed: " + e);
        }
        synchronized (IDLE) {
            completed++;
            IDLE.notifyAll();
        }
    }
}
