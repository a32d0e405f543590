package io.panamap.nativetests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of this module in a fresh JVM (the same {@code java} and class path as the test JVM), so
 * that a crash fails one test instead of killing the build, and so that heap limits apply to nothing else.
 */
final class ForkedJvm {

    /** What a finished child left behind. */
    record Result(int exitCode, String output) {

        /** The value of the last {@code key=value} token on a line starting with {@code prefix}. */
        long value(final String prefix, final String key) {
            for (final String line : output.lines().toList().reversed()) {
                if (line.startsWith(prefix)) {
                    for (final String token : line.split(" ")) {
                        if (token.startsWith(key + "=")) {
                            return Long.parseLong(token.substring(key.length() + 1));
                        }
                    }
                }
            }
            throw new AssertionError("no " + key + " on a '" + prefix + "' line in:\n" + output);
        }
    }

    private ForkedJvm() {
    }

    /** Runs {@code mainClass} with {@code jvmFlags} and {@code args}; fails the test after {@code timeoutSeconds}. */
    static Result run(final Class<?> mainClass, final List<String> jvmFlags, final List<String> args,
                      final long timeoutSeconds) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(args);
        // The output goes to a file, not a pipe: reading a pipe to its end would wait for a child that never ends,
        // and the timeout below would never be looked at.
        final Path log = Files.createTempFile(mainClass.getSimpleName(), ".out");
        try {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(mainClass.getSimpleName() + " did not finish within " + timeoutSeconds
                        + " s:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
