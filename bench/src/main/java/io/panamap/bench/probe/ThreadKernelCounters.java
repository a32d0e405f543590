package io.panamap.bench.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the Linux kernel counts for the thread that opened it: how long it waited, runnable, for a CPU
 * ({@code /proc/thread-self/schedstat}'s run delay), how many times it was put on one, and its minor page
 * faults ({@code /proc/thread-self/stat}). A probe samples them around a slow operation to tell which of the
 * guest's own causes it met: another thread holding the CPU, or a page fault. A stall that shows neither was
 * spent outside what these count: in interrupt handling, or with the virtual CPU stopped by the host.
 *
 * <p>{@link #sample()} re-reads both files into a direct buffer made once, so a timed loop can call it
 * without allocating. The files are opened by {@link #openForCallingThread()} on the calling thread
 * ({@code thread-self} names the thread that opens it), and describe that thread even when read from another.
 */
final class ThreadKernelCounters implements AutoCloseable {

    private static final Path SCHEDSTAT = Path.of("/proc/thread-self/schedstat");
    private static final Path STAT = Path.of("/proc/thread-self/stat");
    /** {@code minflt} is field 10 of {@code stat}, the 8th after the parenthesised command name. */
    private static final int MINOR_FAULTS_AFTER_NAME = 8;

    private final FileChannel schedstat;
    private final FileChannel stat;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1024);
    private long runDelayNanos;
    private long timesScheduled;
    private long minorFaults;

    private ThreadKernelCounters(final FileChannel schedstat, final FileChannel stat) {
        this.schedstat = schedstat;
        this.stat = stat;
    }

    /** The calling thread's counters, or {@code null} where the kernel does not offer them (not Linux). */
    static ThreadKernelCounters openForCallingThread() {
        if (!Files.isReadable(SCHEDSTAT) || !Files.isReadable(STAT)) {
            return null;
        }
        try {
            final FileChannel schedstat = FileChannel.open(SCHEDSTAT);
            try {
                final ThreadKernelCounters counters = new ThreadKernelCounters(schedstat, FileChannel.open(STAT));
                counters.sample();
                return counters;
            } catch (final IOException | RuntimeException e) {
                schedstat.close();
                throw e;
            }
        } catch (final IOException | RuntimeException e) {
            return null; // a kernel without schedstat, or a format this reader does not know
        }
    }

    /** Reads the counters now. */
    void sample() {
        try {
            readFrom(schedstat);
            // "<ns on a CPU> <ns waiting for one> <times scheduled>"
            skipNumber();
            runDelayNanos = nextNumber();
            timesScheduled = nextNumber();
            readFrom(stat);
            // "<tid> (<name, may hold spaces and parentheses>) <state> <ppid> ...": count from the last ')'.
            int at = buffer.limit() - 1;
            while (at >= 0 && buffer.get(at) != ')') {
                at--;
            }
            if (at < 0) {
                throw new IllegalStateException("unexpected " + STAT + " format");
            }
            buffer.position(at + 1);
            for (int field = 1; field < MINOR_FAULTS_AFTER_NAME; field++) {
                skipField();
            }
            minorFaults = nextNumber();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Nanoseconds the thread has spent runnable but waiting for a CPU, up to the last {@link #sample()}. */
    long runDelayNanos() {
        return runDelayNanos;
    }

    /** Times the thread has been put on a CPU, up to the last {@link #sample()}. */
    long timesScheduled() {
        return timesScheduled;
    }

    /** Minor page faults the thread has taken, up to the last {@link #sample()}. */
    long minorFaults() {
        return minorFaults;
    }

    @Override
    public void close() {
        try (schedstat; stat) {
            // both closed by the try
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Re-reads {@code file} from its start (procfs regenerates it on each read at offset 0). */
    private void readFrom(final FileChannel file) throws IOException {
        buffer.clear();
        int read;
        while ((read = file.read(buffer, buffer.position())) > 0) {
            buffer.position(buffer.position() + read);
        }
        buffer.flip();
    }

    private void skipField() {
        skipSpaces();
        while (buffer.hasRemaining() && buffer.get(buffer.position()) != ' ') {
            buffer.get();
        }
    }

    private void skipNumber() {
        nextNumber();
    }

    private long nextNumber() {
        skipSpaces();
        long value = 0;
        int digits = 0;
        while (buffer.hasRemaining()) {
            final byte b = buffer.get(buffer.position());
            if (b < '0' || b > '9') {
                break;
            }
            value = value * 10 + (b - '0');
            buffer.get();
            digits++;
        }
        if (digits == 0) {
            throw new IllegalStateException("expected a number in a /proc/thread-self file");
        }
        return value;
    }

    private void skipSpaces() {
        while (buffer.hasRemaining() && buffer.get(buffer.position()) == ' ') {
            buffer.get();
        }
    }
}
