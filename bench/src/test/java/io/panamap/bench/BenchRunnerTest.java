package io.panamap.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchRunnerTest {

    /** A --results that cannot hold a folder is refused up front, not after every child has run. */
    @Test
    void resultsThatIsAFileShouldBeRefusedBeforeAnyChildRuns(@TempDir final Path tmp) throws Exception {
        final Path file = Files.writeString(tmp.resolve("results"), "not a folder");
        final List<String> args = List.of("--quick", "--n", "1000", "--workloads", "grow", "--contenders",
                "hashmap", "--results", file.toString());
        assertEquals(2, new BenchRunner(BenchOptions.parse(args), args).run());
        assertEquals("not a folder", Files.readString(file));
    }

    @Test
    void aFolderUnderAFileShouldBeAUsageErrorNamingResults(@TempDir final Path tmp) throws Exception {
        final Path file = Files.writeString(tmp.resolve("results"), "not a folder");
        final UsageException e = assertThrows(UsageException.class,
                () -> BenchRunner.newFolder(file.resolve("sub"), "2026-01-01T00-00-00"));
        assertTrue(e.getMessage().startsWith("--results:"), e.getMessage());
    }

    /** Two runs started in the same second each get a folder of their own, made when the name is chosen. */
    @Test
    void runsStartedInTheSameSecondShouldGetAFolderEach(@TempDir final Path tmp) throws Exception {
        final Path first = BenchRunner.newFolder(tmp.resolve("results"), "2026-01-01T00-00-00");
        final Path second = BenchRunner.newFolder(tmp.resolve("results"), "2026-01-01T00-00-00");
        assertEquals(tmp.resolve("results").resolve("2026-01-01T00-00-00"), first);
        assertEquals(tmp.resolve("results").resolve("2026-01-01T00-00-00-2"), second);
        assertTrue(Files.isDirectory(first));
        assertTrue(Files.isDirectory(second));
    }

    /**
     * A run stopped before its report (Ctrl-C, kill) leaves a note in its folder, so that the histograms of the
     * children that ended are not taken for a run's results. The parent is stopped while its only child, a
     * ten-minute stream, runs.
     */
    @Test
    void aRunStoppedBeforeItsReportShouldLeaveANoteInsteadOfOne(@TempDir final Path tmp) throws Exception {
        final Path results = tmp.resolve("results");
        final Process parent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--quick", "--n", "1000", "--workloads", "open-loop", "--contenders", "hashmap",
                "--rate", "1000", "--duration", "600", "--results", results.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ProcessHandle child = null;
        try {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (child == null && System.nanoTime() < deadline && parent.isAlive()) {
                child = parent.descendants().findFirst().orElse(null);
                Thread.sleep(20); // each look scans /proc: spinning would take a CPU from the JVMs it waits for
            }
            assertNotNull(child, "the parent started no child");
            parent.destroy(); // SIGTERM, as kill sends; Ctrl-C's SIGINT stops a JVM the same way
            assertTrue(parent.waitFor(60, TimeUnit.SECONDS), "the parent did not stop");
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
            parent.destroyForcibly();
        }
        final List<Path> folders;
        try (Stream<Path> list = Files.list(results)) {
            folders = list.toList();
        }
        assertEquals(1, folders.size(), folders.toString());
        final Path folder = folders.getFirst();
        assertEquals("This run stopped after 0 of 1 child JVMs had ended, before its report was written: REPORT.md"
                        + " and results.txt are missing, and the histograms here are those of the children that ended.",
                Files.readString(folder.resolve(BenchRunner.INCOMPLETE)).strip());
        assertFalse(Files.exists(folder.resolve("REPORT.md")));
        assertFalse(Files.exists(folder.resolve(BenchRunner.RESULT_LINES)));
    }
}
