package io.panamap.bench.probe;

import io.panamap.memory.Mmap;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The counters read back what the thread did: it slept and woke, and it touched fresh pages. */
class ThreadKernelCountersTest {

    private static final long FRESH_BYTES = 16L << 20;

    /**
     * The calling thread's run delay, times scheduled and minor faults, read here straight from the files:
     * schedstat's second and third fields, and stat's tenth (the eighth after the parenthesised name).
     */
    private static long[] readByHand() throws IOException {
        final String[] schedstat = Files.readString(Path.of("/proc/thread-self/schedstat")).strip().split(" ");
        final String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        final String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(schedstat[1]), Long.parseLong(schedstat[2]), Long.parseLong(afterName[7])};
    }

    @Test
    void eachCounterShouldBeTheFieldItIsNamedFor() throws IOException {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "Linux only");
        try (ThreadKernelCounters counters = ThreadKernelCounters.openForCallingThread()) {
            assertNotNull(counters);
            final long[] before = readByHand();
            counters.sample();
            final long[] after = readByHand();
            // The counters only grow, so a sample taken between two reads lies between them; a neighbouring
            // field (the time on a CPU, the parent's faults) would not.
            final long[] sampled = {counters.runDelayNanos(), counters.timesScheduled(), counters.minorFaults()};
            final String[] names = {"run delay", "times scheduled", "minor faults"};
            for (int i = 0; i < sampled.length; i++) {
                assertTrue(before[i] <= sampled[i] && sampled[i] <= after[i],
                        names[i] + ": " + before[i] + " <= " + sampled[i] + " <= " + after[i]);
            }
        }
    }

    @Test
    void wakingFromSleepShouldCountAsBeingScheduledAgain() throws InterruptedException {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "Linux only");
        try (ThreadKernelCounters counters = ThreadKernelCounters.openForCallingThread()) {
            assertNotNull(counters, "Linux offers /proc/thread-self/schedstat and stat");
            final long before = counters.timesScheduled();
            final long waitedBefore = counters.runDelayNanos();
            for (int i = 0; i < 5; i++) {
                Thread.sleep(2);
            }
            counters.sample();
            assertTrue(counters.timesScheduled() >= before + 5, "five wake-ups: " + before + " -> "
                    + counters.timesScheduled());
            assertTrue(counters.runDelayNanos() >= waitedBefore, "a cumulative wait never goes down");
        }
    }

    @Test
    void touchingFreshMemoryShouldCountItsPageFaults() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "Linux only");
        try (ThreadKernelCounters counters = ThreadKernelCounters.openForCallingThread();
             Arena arena = Arena.ofShared()) {
            assertNotNull(counters);
            final long before = counters.minorFaults();
            // A mapping of its own, touched by this thread: malloc (Arena.allocate) may hand back heap pages an
            // earlier test in this JVM already faulted in, and then nothing faults at all.
            final MemorySegment fresh = Mmap.map(FRESH_BYTES, arena, false);
            fresh.fill((byte) 1);
            counters.sample();
            final long faults = counters.minorFaults() - before;
            // One fault per 4 KiB page, or far fewer with transparent huge pages: at least one either way,
            // and nothing at all had the reader picked another field of the stat line.
            assertTrue(faults >= 1 && faults < 2 * FRESH_BYTES / 4096, "faults: " + faults);
        }
    }

    @Test
    void aThreadNameWithParenthesesAndSpacesShouldNotShiftTheFields() throws InterruptedException {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "Linux only");
        final AtomicReference<Object> outcome = new AtomicReference<>();
        final Thread thread = new Thread(() -> {
            Thread.currentThread().setName("a) b (c"); // the kernel's copy of the name, inside stat's parentheses
            try (ThreadKernelCounters counters = ThreadKernelCounters.openForCallingThread();
                 Arena arena = Arena.ofShared()) {
                final long before = counters.minorFaults();
                Mmap.map(FRESH_BYTES, arena, false).fill((byte) 1); // fresh pages (see the test above)
                counters.sample();
                outcome.set(counters.minorFaults() - before);
            } catch (final RuntimeException e) {
                outcome.set(e);
            }
        });
        thread.start();
        thread.join();
        assertTrue(outcome.get() instanceof Long faults && faults >= 1, "outcome: " + outcome.get());
    }

    @Test
    void aClosedReaderShouldNotReadAgain() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "Linux only");
        final ThreadKernelCounters counters = ThreadKernelCounters.openForCallingThread();
        assertNotNull(counters);
        counters.close();
        assertThrows(UncheckedIOException.class, counters::sample);
    }
}
