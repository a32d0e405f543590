package io.panamap.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./panamap bench} as a script sees it: the usage text on stdout when asked for, and exit code 2 with the
 * reason and the usage on stderr for a command line it cannot run, before any child starts.
 */
class MainTest {

    @Test
    void helpShouldPrintTheUsageAndSucceed(@TempDir final Path dir) throws Exception {
        final JavaMain.Exit exit = main(dir, "--help");
        assertEquals(0, exit.code(), exit.err());
        assertEquals(BenchOptions.USAGE, exit.out());
    }

    @Test
    void aCommandLineItCannotRunShouldExitWithCode2NamingTheProblem(@TempDir final Path dir) throws Exception {
        final JavaMain.Exit exit = main(dir, "--n", "0", "--results", dir.resolve("results").toString());
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
        final JavaMain.Exit exit = main(dir, "--workloads", "get", "--threads", "4", "--results", file.toString());
        assertEquals(2, exit.code(), exit.err());
        assertEquals("panamap bench: warning: --threads is read by mixed-mt only, which this run leaves out (it runs"
                + " only when --workloads names it)", exit.err().lines().findFirst().orElse(""), exit.err());
    }

    private static JavaMain.Exit main(final Path dir, final String... args) throws IOException, InterruptedException {
        return JavaMain.run(dir, Main.class, args);
    }
}
