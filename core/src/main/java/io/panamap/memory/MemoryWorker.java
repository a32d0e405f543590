package io.panamap.memory;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One background daemon thread for the memory work that is not O(1) and therefore must not run on a
 * table's writing thread: freeing retired arrays, and mapping and pre-faulting the next one.
 *
 * <p>Why freeing: unmapping a touched region costs about 24 µs per MiB with 4 KiB pages (8 ms for the
 * 306 MiB array of a 10M-entry table), and closing a shared arena performs a thread handshake that
 * occasionally takes milliseconds on a busy machine. The unmap holds the process's memory-map lock for
 * writing only briefly (the kernel frees the pages with it held for reading), so a large array's unmap,
 * given back in steps first, does not stall the writer for long; but a writer that maps arrays and faults
 * in fresh pages itself, as a small table does, meets it often enough that such tables keep their small
 * retired arrays a while instead (HashTable.keepsUntilLarge).
 *
 * <p>Why preparing: the first call of a downcall runs interpreted (a growth happens a few dozen times
 * in a table's life, so mmap never gets compiled: ~10 µs), and the first touches of a fresh mapping
 * fault in pages and page tables (1–10 µs each, 0.2–10 ms for a huge page). Done here, ahead of time,
 * neither lands on an insert.
 *
 * <p>Why it polls for a while: waking the parked worker costs the thread that hands it work a futex syscall
 * and, on a virtual machine, an inter-processor interrupt the host has to deliver: 15 µs on the reference
 * machine (about 40 µs from code not yet compiled), paid by the insert that asked. So, for a second after
 * each task ({@link #AWAKE_AFTER_WORK_NANOS}), the worker looks at its queue every 2 ms
 * ({@link #POLL_NANOS}) instead of sleeping, and a growing table's hand-offs (the next array, the old one, overflow
 * buckets in chunks that grow with the array) find it awake: an enqueue under an uncontended lock, at most
 * 0.3 µs. Only the first hand-off after a quiet spell wakes it, and only the first task of a burst. The
 * queue is a plain deque behind a monitor, not a lock-free queue: hand-offs are so rare that their code is
 * often interpreted, where a lock-free queue's VarHandle operations cost microseconds each. Polling every
 * 200 µs cost a map written by as many threads as there are cores a fifth of its throughput (each poll
 * preempts a writer); every 2 ms, throughput and p99.9 stayed, but p99.999 rose (docs/PERFORMANCE-HISTORY.md).
 */
public final class MemoryWorker {

    /** How long the worker keeps looking at its queue after its last task before it sleeps until woken. */
    static final long AWAKE_AFTER_WORK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How often it looks meanwhile. */
    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    /** Guards the queue, the counts and {@link #asleep}; {@link #awaitIdle} waits on it. */
    private static final Object LOCK = new Object();
    private static final ArrayDeque<Runnable> QUEUE = new ArrayDeque<>();
    private static final Thread THREAD;
    /** Whether the worker is parked until woken (past its polling spell). */
    private static boolean asleep;
    /** Tasks queued and tasks finished: written under {@link #LOCK}, volatile for {@link #busy}. */
    private static volatile long submitted;
    private static volatile long completed;

    static {
        THREAD = new Thread(MemoryWorker::run, "panamap-memory-worker");
        THREAD.setDaemon(true);
        THREAD.start();
    }

    private MemoryWorker() {
    }

    /**
     * Makes sure the worker thread runs (its class initializer starts it): tables call this when they are
     * created, so that the first hand-off, in a table's first growth, does not pay for starting a thread.
     */
    public static void start() {
        // Nothing else to do: reaching this method has initialized the class, and so started the thread.
    }

    /** Queues {@code block} to be freed on the worker thread. */
    public static void releaseLater(final NativeBlock block) {
        execute(new Release(block));
    }

    /** Runs {@code task} on the worker thread, after everything queued before it. */
    public static void execute(final Runnable task) {
        final boolean wake;
        synchronized (LOCK) {
            submitted++;
            QUEUE.addLast(task);
            wake = asleep;
            asleep = false; // the rest of a burst finds it being woken
        }
        if (wake) {
            LockSupport.unpark(THREAD);
        }
    }

    /**
     * Whether a task is queued or running now: for diagnostics that relate a slow operation to the worker's
     * activity (it maps, pre-faults and frees memory, which takes the kernel's memory-map lock). Reads two
     * volatile counters and takes no lock.
     */
    public static boolean busy() {
        return completed != submitted;
    }

    /**
     * Waits until every task queued so far has run.
     *
     * @return whether that happened within the timeout
     */
    public static boolean awaitIdle(final long timeout, final TimeUnit unit) throws InterruptedException {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (LOCK) {
            while (completed < submitted) {
                final long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(LOCK, left);
            }
            return true;
        }
    }

    private static void run() {
        long lastWork = System.nanoTime();
        while (true) {
            final Runnable task;
            final boolean sleep;
            synchronized (LOCK) {
                task = QUEUE.pollFirst();
                // Past the polling spell with nothing to do: sleep, marked so that the next submitter wakes it.
                sleep = task == null && System.nanoTime() - lastWork >= AWAKE_AFTER_WORK_NANOS;
                asleep = sleep;
            }
            if (task != null) {
                runOne(task);
                lastWork = System.nanoTime();
            } else if (sleep) {
                LockSupport.park(); // returns once unparked (or spuriously: the loop looks again)
                lastWork = System.nanoTime();
            } else {
                LockSupport.parkNanos(POLL_NANOS);
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
        synchronized (LOCK) {
            completed++;
            LOCK.notifyAll();
        }
    }

    /** Frees a block: a plain class, not a method reference, for the reason the queue is a plain deque. */
    private static final class Release implements Runnable {
        private final NativeBlock block;

        Release(final NativeBlock block) {
            this.block = block;
        }

        @Override
        public void run() {
            block.close();
        }
    }
}
