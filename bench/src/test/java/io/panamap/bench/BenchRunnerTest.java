package io.panamap.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        try (StoppableRun run = StoppableRun.start(results)) {
            assertNotNull(run.awaitChild(false), "the parent started no child");
            assertTrue(run.stopParent(), "the parent did not stop");
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
