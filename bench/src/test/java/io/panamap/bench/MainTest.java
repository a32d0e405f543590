package io.panamap.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./panamap bench} as a script sees it: the usage text on stdout when asked for, and exit code 2 with the
 * reason and the usage on stderr for a command line it cannot run, before any child starts.
 */
class MainTest {

    private record Exit(int code, String out, String err) {
    }

    @Test
    void helpShouldPrintTheUsageAndSucceed(@TempDir final Path dir) throws Exception {
        final Exit exit = main(dir, "--help");
        assertEquals(0, exit.code(), exit.err());
        assertEquals(BenchOptions.USAGE, exit.out());
    }

    @Test
    void aCommandLineItCannotRunShouldExitWithCode2NamingTheProblem(@TempDir final Path dir) throws Exception {
        final Exit exit = main(dir, "--n", "0", "--results", dir.resolve("results").toString());
        assertEquals(2, exit.code(), exit.err());
        assertEquals("", exit.out());
        assertTrue(exit.err().startsWith("panamap bench: --n: must be between 1 and "), exit.err());
        assertTrue(exit.err().endsWith(BenchOptions.USAGE), exit.err());
        assertTrue(Files.notExists(dir.resolve("results")), "nothing run, nothing written");
    }

    @Test
    void anOptionNoWorkloadOfTheRunReadsShouldBeWarnedOfBeforeAnyChildStarts(@TempDir final Path dir)
            throws Exception {
        // A results path under a file: the run stops right after the warnings, before any child JVM.
        final Path file = Files.writeString(dir.resolve("file"), "");
        final Exit exit = main(dir, "--workloads", "get", "--threads", "4", "--results", file.toString());
        assertEquals(2, exit.code(), exit.err());
        assertEquals("panamap bench: warning: --threads is read by mixed-mt only, which this run leaves out (it runs"
                + " only when --workloads names it)", exit.err().lines().findFirst().orElse(""), exit.err());
    }

    private static Exit main(final Path dir, final String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        final File out = dir.resolve("out.txt").toFile();
        final File err = dir.resolve("err.txt").toFile();
        final Process process = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("bench did not finish within 60 s");
        }
        return new Exit(process.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                Files.readString(err.toPath(), StandardCharsets.UTF_8));
    }
}
