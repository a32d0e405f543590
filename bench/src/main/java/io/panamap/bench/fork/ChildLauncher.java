package io.panamap.bench.fork;

import io.panamap.bench.Main;
import io.panamap.bench.contender.Contender;
import io.panamap.bench.result.Outcome;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * The parent side: starts one child JVM per run with the same {@code java}, class path and flags as this JVM
 * (see {@link JvmFlags}), passes its stderr through as progress, and turns what it leaves behind into an
 * {@link Outcome}.
 */
public final class ChildLauncher {

    /** Lines of a child's stderr kept to explain a child that died without a result line. */
    private static final int STDERR_TAIL_LINES = 40;

    private final Path java;
    private final String classPath;
    private final List<String> parentFlags;

    /** A launcher for children of this JVM. */
    public static ChildLauncher ofThisJvm() {
        return new ChildLauncher(Path.of(System.getProperty("java.home"), "bin", "java"),
                System.getProperty("java.class.path"),
                ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    ChildLauncher(final Path java, final String classPath, final List<String> parentFlags) {
        this.java = java;
        this.classPath = classPath;
        this.parentFlags = List.copyOf(parentFlags);
    }

    /** The full command line of the child that runs {@code args} for {@code contender}. */
    public List<String> command(final ChildArgs args, final Contender contender) {
        final List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(JvmFlags.forChild(parentFlags, contender));
        command.add("-cp");
        command.add(classPath);
        command.add(Main.class.getName());
        command.addAll(args.toArgs());
        return command;
    }

    /**
     * Runs the child to completion. Each stderr line goes to {@code stderrLines} as it arrives.
     * A child that cannot be started, crashes or prints no result line yields a failed outcome.
     */
    public Outcome run(final ChildArgs args, final Contender contender, final Consumer<String> stderrLines) {
        // A parent stopped by a signal (kill, timeout, a CI job's end) takes its child along, rather than leave
        // it measuring on its own, on a machine the next run will measure on. The hook is in place before the
        // child is started: a signal that came while it was starting would otherwise stop this JVM, hook-less.
        final ChildStop stop = new ChildStop();
        final Thread stopChild = new Thread(stop::stop, "stop-child");
        try {
            Runtime.getRuntime().addShutdownHook(stopChild);
        } catch (final IllegalStateException e) { // this JVM is stopping already
            return Outcome.failed(args.workload(), args.contender(), args.run(), "the harness is stopping");
        }
        try {
            final Process process;
            try {
                process = stop.start(new ProcessBuilder(command(args, contender)));
                if (process == null) {
                    return Outcome.failed(args.workload(), args.contender(), args.run(), "the harness is stopping");
                }
                process.getOutputStream().close(); // the child reads nothing
            } catch (final IOException e) {
                return Outcome.failed(args.workload(), args.contender(), args.run(), "could not start a JVM: " + e);
            }
            return await(process, args, stderrLines);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopChild);
            } catch (final IllegalStateException e) {
                // this JVM is shutting down: the hook is running
            }
        }
    }

    /**
     * The child a shutdown hook must stop. Starting it and stopping it take one lock: a shutdown that comes while
     * the child is being started waits until it can be stopped, and one that came before starts none.
     */
    private static final class ChildStop {
        private Process child;
        private boolean stopping;

        /** Starts the child, or nothing (null) if this JVM is stopping already. */
        synchronized Process start(final ProcessBuilder builder) throws IOException {
            if (stopping) {
                return null;
            }
            child = builder.start();
            return child;
        }

        /** Stops the child, if one was started; none is started after this. */
        synchronized void stop() {
            stopping = true;
            if (child != null) {
                child.destroy();
            }
        }
    }

    private static Outcome await(final Process process, final ChildArgs args, final Consumer<String> stderrLines) {
        final Deque<String> stderrTail = new ArrayDeque<>();
        final Thread stderrPump = Thread.ofPlatform().daemon().name("child-stderr").start(() ->
                readLines(process.getErrorStream(), line -> {
                    stderrLines.accept(line);
                    synchronized (stderrTail) {
                        stderrTail.addLast(line);
                        if (stderrTail.size() > STDERR_TAIL_LINES) {
                            stderrTail.removeFirst();
                        }
                    }
                }));
        final List<String> stdout = new ArrayList<>();
        readLines(process.getInputStream(), stdout::add);
        try {
            final int exitCode = process.waitFor();
            stderrPump.join();
            synchronized (stderrTail) {
                return new ChildOutput(exitCode, stdout, List.copyOf(stderrTail)).outcome(args);
            }
        } catch (final InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return Outcome.failed(args.workload(), args.contender(), args.run(), "interrupted");
        }
    }

    private static void readLines(final InputStream stream, final Consumer<String> sink) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                sink.accept(line);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
