package io.panamap.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A bench parent JVM whose one child measures a ten-minute open-loop stream, for the tests that stop the parent by
 * a signal, as kill, timeout or Ctrl-C would, and look at what it leaves. Closing it kills whatever is left.
 */
public final class StoppableRun implements AutoCloseable {

    /** How long the parent may take to start its child, and to stop once signalled. */
    private static final long PATIENCE_SECONDS = 60;

    private final Process parent;
    private ProcessHandle child;

    private StoppableRun(final Process parent) {
        this.parent = parent;
    }

    /** Starts the parent, writing its run's folder under {@code results}. */
    public static StoppableRun start(final Path results) throws IOException {
        return new StoppableRun(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--quick", "--n", "1000", "--workloads", "open-loop", "--contenders", "hashmap",
                "--rate", "1000", "--duration", "600", "--results", results.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
    }

    /**
     * The parent's child JVM once it exists; null if none appears in time. With {@code spin} the parent is looked
     * at without pause, to catch the child the moment it appears; otherwise every 20 ms, since each look scans
     * /proc, and spinning would take a CPU from the JVMs being waited for.
     */
    public ProcessHandle awaitChild(final boolean spin) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (child == null && System.nanoTime() < deadline && parent.isAlive()) {
            child = parent.descendants().findFirst().orElse(null);
            if (spin) {
                Thread.onSpinWait();
            } else {
                Thread.sleep(20);
            }
        }
        return child;
    }

    /** Sends the parent SIGTERM (Ctrl-C's SIGINT stops a JVM the same way); whether it then stopped in time. */
    public boolean stopParent() throws InterruptedException {
        parent.destroy();
        return parent.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (child != null) {
            child.destroyForcibly();
        }
        parent.destroyForcibly();
    }
}
