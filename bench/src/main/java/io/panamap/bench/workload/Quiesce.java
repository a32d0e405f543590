package io.panamap.bench.workload;

import io.panamap.bench.contender.Contender;
import io.panamap.memory.MemoryWorker;

import java.util.concurrent.TimeUnit;

/**
 * Lets a native contender's background work finish before anything is measured.
 *
 * <p>panamap unmaps retired arrays and pre-faults the next one on its memory worker thread. After the
 * warm-up pass that thread may still be freeing the throw-away map; left running, it would show up in
 * the noise floor (making the machine look noisier than it is, which flatters panamap's worst put)
 * and in the first puts of the timed pass. Work the timed pass itself causes is part of what is
 * measured and is not waited for.
 */
public final class Quiesce {

    private Quiesce() {
    }

    /** Waits (up to 60 s) until the memory worker has nothing queued. */
    public static void backgroundWork(final Contender contender) {
        if (!contender.onHeap()) {
            memoryWorker();
        }
    }

    /** Waits (up to 60 s) until panamap's memory worker has nothing queued, whatever runs. */
    public static void memoryWorker() {
        try {
            if (!MemoryWorker.awaitIdle(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("panamap's memory worker did not go idle within 60 s");
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the memory worker", e);
        }
    }
}
