package io.panamap.nativetests;

import io.panamap.LongLongCursor;
import io.panamap.LongLongMap;

import java.util.ConcurrentModificationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Misuses tables in every way that touches freed memory if a check were missing, and prints what happened.
 * Run by {@link MisuseTest} in its own JVM: if a misuse reached unmapped memory, the JVM would crash, and the
 * test would see the crash instead of this program's summary line.
 */
public final class MisuseMain {

    private MisuseMain() {
    }

    public static void main(final String[] args) throws InterruptedException {
        final int rounds = Integer.parseInt(args[0]);
        System.out.println("AFTER_CLOSE refused=" + useAfterClose() + " of=6");

        int stoppedByException = 0;
        int closedCleanly = 0;
        for (int round = 0; round < rounds; round++) {
            final Throwable ending = closeWhileAnotherThreadWorks(round);
            if (ending instanceof IllegalStateException || ending instanceof ConcurrentModificationException) {
                stoppedByException++;
            } else if (ending == null) {
                closedCleanly++; // the worker finished its loop before the close: nothing to stop
            } else {
                System.out.println("UNEXPECTED " + ending);
            }
        }
        System.out.println("CLOSE_RACE rounds=" + rounds + " stopped=" + stoppedByException + " finished="
                + closedCleanly);
    }

    /** Every operation on a closed table; returns how many threw IllegalStateException. */
    private static int useAfterClose() {
        final LongLongMap map = LongLongMap.builder().build();
        for (long key = 0; key < 1_000; key++) {
            map.put(key, key);
        }
        final LongLongCursor cursor = map.cursor();
        map.close();
        int refused = 0;
        refused += refuses(m -> m.get(1), map);
        refused += refuses(m -> m.put(1, 2), map);
        refused += refuses(m -> m.remove(1), map);
        refused += refuses(m -> m.stats(), map);
        refused += refuses(m -> m.forEach((k, v) -> { }), map);
        try {
            cursor.next();
        } catch (final IllegalStateException expected) {
            refused++;
        }
        return refused;
    }

    private static int refuses(final Consumer<LongLongMap> operation, final LongLongMap map) {
        try {
            operation.accept(map);
            return 0;
        } catch (final IllegalStateException expected) {
            return 1;
        }
    }

    /**
     * One thread gets and puts in a loop while this one closes the table under it. Returns the exception that
     * ended the worker, or null if it finished its loop first.
     */
    private static Throwable closeWhileAnotherThreadWorks(final int round) throws InterruptedException {
        final LongLongMap map = LongLongMap.builder().build();
        final CountDownLatch started = new CountDownLatch(1);
        final AtomicReference<Throwable> ending = new AtomicReference<>();
        final Thread worker = Thread.ofPlatform().start(() -> {
            try {
                for (long i = 0; i < 5_000_000; i++) {
                    map.put(NoGcBuildMain.mix(i), i);
                    map.get(NoGcBuildMain.mix(i / 2));
                    if (i == 1_000) {
                        started.countDown();
                    }
                }
            } catch (final Throwable t) {
                ending.set(t);
            } finally {
                started.countDown();
            }
        });
        started.await();
        Thread.sleep(round % 3); // close at different points of growths
        try {
            map.close();
        } catch (final ConcurrentModificationException detected) {
            // close() itself found the write in progress and refused; close again once the worker is gone.
            worker.join();
            map.close();
        }
        worker.join();
        return ending.get();
    }
}
