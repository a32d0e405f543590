package io.panamap.bench.fork;

import io.panamap.bench.StoppableRun;
import io.panamap.bench.contender.Contender;
import io.panamap.bench.contender.Contenders;
import io.panamap.bench.result.GetResult;
import io.panamap.bench.result.GrowResult;
import io.panamap.bench.result.MixedResult;
import io.panamap.bench.result.Outcome;
import io.panamap.bench.workload.Keys;
import io.panamap.bench.workload.StringKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real child JVMs: a contender that cannot run is reported with its reason, and the harness goes on. */
class ChildLauncherTest {

    private static ChildArgs tinyGrow(final String contender, final Path dir) {
        return new ChildArgs("grow", contender, 1, 2_000, 7, 1_000_000, 10_000_000, 2, true, dir);
    }

    @Test
    void aContenderWhoseJvmRefusesItsFlagsShouldFailNamingTheReason() {
        final Contender fastutil = Contenders.byName("fastutil");
        final Contender broken = new Contender("fastutil", "with a flag no JVM knows", true,
                List.of("--no-such-jvm-flag"), fastutil.factory());
        final Outcome outcome = ChildLauncher.ofThisJvm().run(tinyGrow("fastutil", null), broken, line -> { });
        assertFalse(outcome.ok());
        assertTrue(outcome.failure().contains("--no-such-jvm-flag"), outcome.failure());
    }

    @Test
    void aMissingJavaExecutableShouldBeAFailedOutcomeNotAnException() {
        final ChildLauncher launcher = new ChildLauncher(Path.of("no", "such", "java"),
                System.getProperty("java.class.path"), List.of());
        final Outcome outcome = launcher.run(tinyGrow("fastutil", null), Contenders.byName("fastutil"), line -> { });
        assertFalse(outcome.ok());
        assertTrue(outcome.failure().contains("could not start a JVM"), outcome.failure());
    }

    /**
     * Chronicle Map runs only in a child: it is the contender that needs JDK-internals flags of its own (and
     * must not print on stdout, where the result line goes).
     */
    @Test
    void aContenderWithFlagsOfItsOwnShouldRunInItsChildAndLeaveItsRecordings(@TempDir final Path dir)
            throws Exception {
        final List<String> progress = new ArrayList<>();
        final Outcome outcome = ChildLauncher.ofThisJvm().run(tinyGrow("chronicle-presized", dir),
                Contenders.byName("chronicle-presized"), progress::add);
        assertTrue(outcome.ok(), () -> outcome.failure() + "\n" + String.join("\n", progress));
        assertEquals(2_000, ((GrowResult) outcome.result()).size());
        assertTrue(Files.exists(dir.resolve("grow-chronicle-presized-run1-put.hgrm")));
        assertTrue(Files.exists(dir.resolve("grow-chronicle-presized-run1-put.hlog")));
        assertTrue(Files.exists(dir.resolve("grow-chronicle-presized-run1-noise.hgrm")));
        assertTrue(progress.stream().noneMatch(line -> line.contains("WARNING")), () -> String.join("\n", progress));
    }

    /**
     * Chronicle Map shared by two threads, each with key and value instances of its own: every get of the pass
     * is checked, so instances shared between the threads would show up as wrong values.
     */
    @Test
    void chronicleShouldRunMixedMtOnTwoThreadsInItsChild(@TempDir final Path dir) {
        final Contender chronicle = Contenders.byName("chronicle-presized");
        final List<String> progress = new ArrayList<>();
        final Outcome outcome = ChildLauncher.ofThisJvm().run(new ChildArgs("mixed-mt", chronicle.name(), 1, 20_000,
                7, 1_000_000, 10_000_000, 2, true, dir), chronicle, progress::add);
        assertTrue(outcome.ok(), () -> outcome.failure() + "\n" + String.join("\n", progress));
        final MixedResult result = (MixedResult) outcome.result();
        assertEquals(20_000, result.size());
        assertEquals(100_000, result.op().count());
        assertEquals(2, result.threads());
        assertTrue(Files.exists(dir.resolve("mixed-mt-chronicle-presized-run1-op.hlog")));
        assertTrue(Files.exists(dir.resolve("mixed-mt-chronicle-presized-run1-op-thread2.hgrm")));
        assertTrue(progress.stream().noneMatch(line -> line.contains("WARNING")), () -> String.join("\n", progress));
    }

    /**
     * Chronicle Map's map for one thread runs only in its child too: the get workload checks the sum of every
     * round's gets against the values put, so a put or a get that mixed up its reused key and value instances
     * fails the run instead of timing wrong answers.
     */
    @Test
    void chronicleShouldAnswerEveryGetOfTheGetWorkloadInItsChild() {
        final Contender chronicle = Contenders.byName("chronicle-presized");
        final List<String> progress = new ArrayList<>();
        final Outcome get = ChildLauncher.ofThisJvm().run(new ChildArgs("get", chronicle.name(), 1, 2_000, 7,
                1_000_000, 10_000_000, 2, true, null), chronicle, progress::add);
        assertTrue(get.ok(), () -> get.failure() + "\n" + String.join("\n", progress));
        assertEquals(Keys.checksum(Keys.random(2_000, 7)), ((GetResult) get.result()).checksum());
    }

    /** Chronicle Map's string map, too, runs only in its child: grow-str and get-str, files under those names. */
    @Test
    void chronicleStringMapsShouldRunInTheirChildUnderTheStringWorkloadNames(@TempDir final Path dir) {
        final Contender chronicle = Contenders.byName("chronicle-presized");
        final List<String> progress = new ArrayList<>();
        final Outcome grow = ChildLauncher.ofThisJvm().run(new ChildArgs("grow-str", chronicle.name(), 1, 2_000, 7,
                1_000_000, 10_000_000, 2, true, dir), chronicle, progress::add);
        assertTrue(grow.ok(), () -> grow.failure() + "\n" + String.join("\n", progress));
        assertEquals(2_000, ((GrowResult) grow.result()).size());
        assertTrue(Files.exists(dir.resolve("grow-str-chronicle-presized-run1-put.hlog")));

        final Outcome get = ChildLauncher.ofThisJvm().run(new ChildArgs("get-str", chronicle.name(), 1, 2_000, 7,
                1_000_000, 10_000_000, 2, true, dir), chronicle, progress::add);
        assertTrue(get.ok(), () -> get.failure() + "\n" + String.join("\n", progress));
        assertEquals(StringKeys.checksum(StringKeys.shuffledIndexes(2_000, 8)), ((GetResult) get.result()).checksum());
        assertTrue(Files.exists(dir.resolve("get-str-chronicle-presized-run1-get.hgrm")));
        assertTrue(progress.stream().noneMatch(line -> line.contains("WARNING")), () -> String.join("\n", progress));
    }

    /**
     * A child that dies after much progress is reported with its last words: the end of its stderr, not the
     * beginning, and of what is there, the last error, not an earlier one it survived. (The "JVM" here is a script
     * that speaks as a dying child would.)
     */
    @Test
    void aChildThatDiesAfterMuchProgressShouldBeReportedWithTheLastErrorItPrinted(@TempDir final Path dir)
            throws Exception {
        final Path java = dir.resolve("java");
        Files.writeString(java, """
                #!/bin/sh
                echo 'Error: a complaint at the start, long overtaken' >&2
                i=1
                while [ $i -le 100 ]; do echo "grow-fastutil-run1  progress $i" >&2; i=$((i+1)); done
                echo 'java.lang.IllegalStateException: an earlier failure the child survived' >&2
                echo 'grow-fastutil-run1  progress 101' >&2
                echo 'Exception in thread "main" java.lang.OutOfMemoryError: the last words' >&2
                echo '	at io.panamap.Somewhere.put(Somewhere.java:1)' >&2
                exit 3
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        final List<String> progress = new ArrayList<>();
        final Outcome outcome = new ChildLauncher(java, System.getProperty("java.class.path"), List.of())
                .run(tinyGrow("fastutil", null), Contenders.byName("fastutil"), progress::add);
        assertFalse(outcome.ok());
        assertTrue(outcome.failure().contains("exited with code 3"), outcome.failure());
        assertTrue(outcome.failure().endsWith("java.lang.OutOfMemoryError: the last words"), outcome.failure());
        assertEquals(105, progress.size(), "every stderr line passed on as progress");
    }

    /**
     * A parent stopped by a signal (kill, timeout) stops the child it is waiting for, which would otherwise go
     * on measuring, here for ten minutes, on the machine the next run measures on. The signal is sent as soon as
     * the child exists, while the parent may still be starting it: the earliest, hardest moment, which a loaded
     * machine widens and a poll now and then would only sometimes hit.
     */
    @Test
    void aParentStoppedBySignalShouldStopItsChild(@TempDir final Path dir) throws Exception {
        try (StoppableRun run = StoppableRun.start(dir)) {
            final ProcessHandle child = run.awaitChild(true);
            assertNotNull(child, "the parent started no child");
            assertTrue(run.stopParent(), "the parent did not stop"); // SIGTERM, as kill and timeout send
            child.onExit().get(60, TimeUnit.SECONDS);
            assertFalse(child.isAlive());
        }
    }
}
