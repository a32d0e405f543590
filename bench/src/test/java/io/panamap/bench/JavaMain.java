package io.panamap.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command-line entry point of the bench module in a JVM of its own, for tests of what a user sees: a usage
 * error ends that JVM with {@code System.exit}, which the test's own JVM must not do.
 */
public final class JavaMain {

    /** How a run ended: its exit code, and all it wrote to stdout and stderr. */
    public record Exit(int code, String out, String err) {
    }

    private JavaMain() {
    }

    /**
     * Runs {@code main} with {@code args}, its output kept in files under {@code dir}, and waits up to 60 s for it.
     * The child writes UTF-8 whatever the locale, as its output is read back (under LANG=C "µs" would print "?s").
     */
    public static Exit run(final Path dir, final Class<?> main, final String... args)
            throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "-Dstdout.encoding=UTF-8", "-Dstderr.encoding=UTF-8", main.getName()));
        command.addAll(List.of(args));
        final File out = dir.resolve("out.txt").toFile();
        final File err = dir.resolve("err.txt").toFile();
        final Process process = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(main.getSimpleName() + " did not finish within 60 s");
        }
        return new Exit(process.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                Files.readString(err.toPath(), StandardCharsets.UTF_8));
    }
}
