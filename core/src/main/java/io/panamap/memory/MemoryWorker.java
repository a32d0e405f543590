package io.panamap.memory;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <p>Why it polls for a while: waking the parked worker costs the thread that hands it work a futex
 * syscall and, on a virtual machine, an inter-processor interrupt the host has to deliver: 15 µs on the
 * reference machine (about 40 µs from code not yet compiled), paid by the insert that asked. So, for
 * a second after each task ({@link #AWAKE_AFTER_WORK_NANOS}), the worker looks at its queue every 2 ms
 * ({@link #POLL_NANOS}) instead of sleeping, and a growing table's hand-offs (the next array, the old one,
 * overflow buckets in chunks that grow with the array) find it awake: a lock-free enqueue, 0.2 µs. Only
 * the first hand-off after a quiet spell wakes it, and only the first task of a burst. Polling every 200 µs
 * cost a map written by as many threads as there are cores a fifth of its throughput (each poll preempts a
 * writer); every 2 ms, throughput and p99.9 stayed, but p99.999 rose (docs/PERFORMANCE.md).
 */
public final class MemoryWorker {

    /** How long the worker keeps looking at its queue after its last task before it sleeps until woken. */
    static final long AWAKE_AFTER_WORK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How often it looks meanwhile. */
    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private static final ConcurrentLinkedQueue<Runnable> QUEUE = new ConcurrentLinkedQueue<>();
    private static final Object IDLE = new Object();
    private static final Thread THREAD;
    private static final AtomicBoolean ASLEEP = new AtomicBoolean();
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
        // The worker marks itself asleep, then looks at the queue once more before parking; this enqueue comes
        // before the read below, so either it sees the task or this thread sees it asleep. Only the thread
        // that flips the mark back pays for the wake-up: the rest of a burst finds it awake or being woken.
        if (ASLEEP.get() && ASLEEP.compareAndSet(true, false)) {
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
                continue;
            }
            if (System.nanoTime() - lastWork < AWAKE_AFTER_WORK_NANOS) {
                LockSupport.parkNanos(POLL_NANOS);
                continue;
            }
            lastWork = System.nanoTime();
            ASLEEP.set(true);
            if (QUEUE.isEmpty()) {
                LockSupport.park();
            }
            ASLEEP.set(false); // woken, spuriously woken, or work arrived before parking
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
