package io.panamap.nativetests;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The outside tools some tests need (gcc, go). Where one is missing the test is skipped with a printed reason;
 * on CI ({@code CI=true}), whose setup installs them, a missing tool fails the test instead, so that CI cannot
 * pass by skipping.
 */
final class NativeTools {

    /** This module's folder: Maven runs tests there. */
    static final Path MODULE = Path.of("").toAbsolutePath();
    /** Where built native artifacts go. */
    static final Path TARGET = MODULE.resolve("target").resolve("native");

    private NativeTools() {
    }

    /** Skips the calling test (or fails it on CI) unless {@code tool --version} runs. */
    static void require(final String tool) {
        final boolean present = runs("go".equals(tool) ? List.of("go", "version") : List.of(tool, "--version"));
        requireThat(present, tool + " is not installed (on Debian: apt-get install "
                + ("go".equals(tool) ? "golang-go" : tool) + ")");
    }

    /**
     * Skips the calling test with a printed reason unless {@code met}; on CI, whose setup (.ci/run) installs the
     * tools these tests need, fails it instead.
     */
    static void requireThat(final boolean met, final String reason) {
        if (!met && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(reason + ", and CI's setup (.ci/run) should have installed what this test needs");
        }
        Assumptions.assumeTrue(met, () -> {
            System.out.println("skipped: " + reason);
            return reason;
        });
    }

    /** Runs {@code command} in {@code dir} and returns its output; fails the test on a non-zero exit. */
    static String run(final List<String> command, final Path dir, final List<String> environment)
            throws IOException, InterruptedException {
        final ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        for (final String variable : environment) {
            final int eq = variable.indexOf('=');
            builder.environment().put(variable.substring(0, eq), variable.substring(eq + 1));
        }
        final Process process = builder.start();
        process.getOutputStream().close();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(300, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }

    /** Compiles {@code src/test/c/<name>.c} into a shared library under {@link #TARGET}; returns its path. */
    static Path compileSharedLibrary(final String name) throws IOException, InterruptedException {
        require("gcc");
        Files.createDirectories(TARGET);
        final Path library = TARGET.resolve("lib" + name + ".so");
        final Path source = MODULE.resolve("src/test/c/" + name + ".c");
        final List<String> command = new ArrayList<>(List.of("gcc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-shared",
                "-fPIC", "-o", library.toString(), source.toString()));
        run(command, MODULE, List.of());
        return library;
    }

    private static boolean runs(final List<String> command) {
        try {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (final IOException | InterruptedException e) {
            return false;
        }
    }

    /** The first executable file named {@code name} on this JVM's PATH, or null. */
    static Path onPath(final String name) {
        final String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (final String folder : path.split(File.pathSeparator)) {
            if (!folder.isEmpty()) {
                final Path candidate = Path.of(folder, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }
}
