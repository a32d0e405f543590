package io.panamap.nativetests;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How {@code ./panamap} finds a JDK: {@code $JAVA_HOME} if it is a JDK of at least 25, else the {@code java} on
 * the PATH judged by the {@code java.home} it reports (a version manager's shim is a script elsewhere), else the
 * newest JDK of at least 25 under {@code $PANAMAP_JDK_SEARCH_DIRS}; JREs and older JDKs are passed over, and when
 * nothing fits it says what it looked at. Each case runs {@code bash panamap jdk} in an environment of its own
 * whose JDKs are fakes: a {@code bin/java} script that prints the banner a given version prints, and a
 * {@code bin/javac} or not. The PATH holds only the few tools the launcher needs, so that the machine's own
 * {@code java} cannot be found.
 */
class LauncherJdkTest {

    /** The repository root, where the launcher lives: Maven runs this module's tests in its own folder. */
    private static final Path LAUNCHER = NativeTools.MODULE.getParent().resolve("panamap");
    /** What the launcher runs besides bash's builtins and the java it is looking at. */
    private static final List<String> TOOLS = List.of("sed", "head", "dirname", "readlink");

    @TempDir
    Path dir;

    private Path bash;
    private Path tools;

    @BeforeEach
    void putTheToolsTheLauncherNeedsOnThePath() throws IOException {
        bash = NativeTools.onPath("bash");
        NativeTools.requireThat(bash != null, "bash is not on the PATH");
        tools = Files.createDirectories(dir.resolve("tools"));
        for (final String tool : TOOLS) {
            final Path real = NativeTools.onPath(tool);
            NativeTools.requireThat(real != null, tool + " is not on the PATH");
            // A script that runs the tool, not a link to it: JUnit warns of every link out of a @TempDir it deletes.
            script(tools.resolve(tool), "exec " + quoted(real.toString()) + " \"$@\"\n");
        }
    }

    @Test
    void aJdkInJavaHomeShouldWinOverTheJavaOnThePathAndTheSearchFolders() throws Exception {
        final Path home = jdk(dir.resolve("home"), "25.0.2");
        final Path onPath = jdk(dir.resolve("path"), "26.0.1");
        final Path search = Files.createDirectories(dir.resolve("jvm"));
        jdk(search.resolve("jdk-27"), "27");

        final Run run = launch(home, List.of(onPath.resolve("bin")), search.toString());

        run.assertChose(home, "25.0.2");
        assertEquals("", run.err(), "nothing to say when JAVA_HOME is taken");
    }

    @Test
    void aJavaHomeTooOldShouldGiveWayToTheJavaOnThePath() throws Exception {
        final Path home = jdk(dir.resolve("home"), "17.0.2");
        final Path onPath = jdk(dir.resolve("path"), "25.0.1");
        final Path search = Files.createDirectories(dir.resolve("jvm"));
        jdk(search.resolve("jdk-26"), "26");

        final Run run = launch(home, List.of(onPath.resolve("bin")), search.toString());

        // The search folders come last: their newer JDK does not beat a good java on the PATH.
        run.assertChose(onPath, "25.0.1");
        // Whoever set JAVA_HOME expects that JDK: the launcher says why it took another, even for `jdk`.
        assertEquals("panamap: not using JAVA_HOME=" + home + " (java 17, too old)", run.err().strip());
    }

    @Test
    void aJavaHomeThatIsNoJdkShouldBeNamedAsPassedOver() throws Exception {
        final Path home = Files.createDirectories(dir.resolve("not-a-jdk"));
        final Path onPath = jdk(dir.resolve("path"), "25");

        final Run run = launch(home, List.of(onPath.resolve("bin")), dir.resolve("none").toString());

        run.assertChose(onPath, "25");
        assertEquals("panamap: not using JAVA_HOME=" + home + " (no bin/java)", run.err().strip());
    }

    @Test
    void aJreInJavaHomeShouldGiveWayToTheJavaOnThePath() throws Exception {
        final Path home = jre(dir.resolve("home"), "25");
        final Path onPath = jdk(dir.resolve("path"), "25.0.1");

        final Run run = launch(home, List.of(onPath.resolve("bin")), dir.resolve("none").toString());

        run.assertChose(onPath, "25.0.1");
        assertEquals("panamap: not using JAVA_HOME=" + home + " (java 25, but no javac: a JRE, not a JDK)",
                run.err().strip());
    }

    @Test
    void aShimOnThePathShouldLeadToTheJdkWhoseJavaItRuns() throws Exception {
        // As a version manager installs it: bin/java elsewhere, a script that runs the chosen JDK's java.
        final Path real = jdk(dir.resolve("versions").resolve("25"), "25.0.1");
        final Path shims = Files.createDirectories(dir.resolve("manager").resolve("shims"));
        script(shims.resolve("java"), "exec " + quoted(real.resolve("bin/java").toString()) + " \"$@\"\n");
        final Path search = Files.createDirectories(dir.resolve("jvm"));
        jdk(search.resolve("jdk-26"), "26");

        final Run run = launch(null, List.of(shims), search.toString());

        run.assertChose(real, "25.0.1");
    }

    @Test
    void theNewestJdkInTheSearchFoldersShouldBeChosenWhereverItIsListed() throws Exception {
        // Listed in this order: 24 (too old), 26, 25 | 28, a JRE 29 that is passed over, 27. The newest is neither
        // the first nor the last good one, nor the newest of the first folder that holds a good one.
        final Path one = Files.createDirectories(dir.resolve("one"));
        final Path two = Files.createDirectories(dir.resolve("two"));
        jdk(one.resolve("a-jdk-24"), "24.0.2");
        jdk(one.resolve("b-jdk-26"), "26.0.2");
        jdk(one.resolve("c-jdk-25"), "25.0.2");
        final Path newest = jdk(two.resolve("jdk-28"), "28.0.1");
        jre(two.resolve("jre-29"), "29");
        jdk(two.resolve("zulu-27"), "27.0.2");

        // A folder may be written with a trailing slash; the home printed has no double slash.
        final Run run = launch(null, List.of(), one + ":" + two + "/");

        run.assertChose(newest, "28.0.1");
    }

    @Test
    void ofJdksOfOneMajorVersionTheLatestUpdateShouldBeChosen() throws Exception {
        // Listed in this order: 25-ea, 25.0.1, 25.0.10, 25.0.9, 25.0.2. Update 10 is later than update 9 (numbers,
        // not text), and a folder's name need not say which update it holds.
        final Path search = Files.createDirectories(dir.resolve("jvm"));
        jdk(search.resolve("jdk-25-ea"), "25-ea");
        jdk(search.resolve("jdk-25.0.1"), "25.0.1");
        final Path latest = jdk(search.resolve("jdk-25.0.10"), "25.0.10");
        jdk(search.resolve("jdk-25.0.9"), "25.0.9");
        jdk(search.resolve("temurin-25-jdk"), "25.0.2");

        final Run run = launch(null, List.of(), search.toString());

        run.assertChose(latest, "25.0.10");
    }

    @Test
    void anEarlyAccessBuildShouldCountAsItsVersionButGiveWayToItsRelease() throws Exception {
        // "26-ea" is 26: newer than 25.0.2 and 25.0.3.
        final Path search = Files.createDirectories(dir.resolve("jvm"));
        jdk(search.resolve("jdk-25"), "25.0.2");
        final Path early = jdk(search.resolve("jdk-26-ea"), "26-ea");
        jdk(search.resolve("jdk-25.0.3"), "25.0.3");

        launch(null, List.of(), search.toString()).assertChose(early, "26-ea");

        // Once 26 itself is installed (listed after the early-access build), it is the newer of the two.
        final Path release = jdk(search.resolve("zulu-26"), "26");
        launch(null, List.of(), search.toString()).assertChose(release, "26");
    }

    @Test
    void withNoGoodJdkTheLauncherShouldFailAndSayWhatItLookedAtAndWhatToDo() throws Exception {
        final Path home = jre(dir.resolve("home"), "25");
        // A JDK 8 reports its jre/ folder as java.home; the launcher judges the JDK around it.
        final Path jdk8 = jdk(dir.resolve("jdk8"), "1.8.0_392", true, "jre");
        final Path search = Files.createDirectories(dir.resolve("jvm"));
        final Path jdk17 = jdk(search.resolve("jdk-17"), "17.0.2");
        // Its FFM API is final, but it can neither compile for release 25 nor load what was compiled for it.
        final Path jdk24 = jdk(search.resolve("jdk-24"), "24.0.2");
        final Path missing = dir.resolve("missing");

        final Run run = launch(home, List.of(jdk8.resolve("bin")), search + ":" + missing);

        run.assertFailedListing(
                "JAVA_HOME: " + home + " (java 25, but no javac: a JRE, not a JDK)",
                "java on PATH (" + jdk8.resolve("bin/java") + "): " + jdk8 + " (java 8, too old)",
                search + ": " + jdk17 + " (java 17, too old)",
                search + ": " + jdk24 + " (java 24, too old)",
                missing + ": no such folder");
    }

    @Test
    void withNoJavaAnywhereTheLauncherShouldFailAndSaySo() throws Exception {
        final Path empty = Files.createDirectories(dir.resolve("jvm"));
        Files.createDirectories(empty.resolve("not-a-jdk").resolve("bin"));

        final Run run = launch(null, List.of(), empty.toString());

        run.assertFailedListing("JAVA_HOME: not set", "java on PATH: none", empty + ": no JDKs in it");
    }

    @Test
    void anArgumentToACommandThatTakesNoneShouldBeRefusedNotIgnored() throws Exception {
        final Path home = jdk(dir.resolve("home"), "25");

        final Run run = launch(home, List.of(), dir.resolve("none").toString(), "--verbose", "x");

        assertEquals(2, run.exitCode(), run.err());
        assertEquals("", run.out());
        assertEquals("panamap: jdk takes no arguments, got: --verbose x", run.err().strip());
    }

    /** What one run of the launcher left behind. */
    private record Run(int exitCode, String out, String err) {

        void assertChose(final Path home, final String version) {
            assertEquals(0, exitCode, "exit code; stderr:\n" + err);
            assertEquals(home + " (" + version + ")", out.strip(), "stderr:\n" + err);
        }

        void assertFailedListing(final String... lookedAt) {
            assertNotEquals(0, exitCode, "exit code; stdout:\n" + out);
            assertEquals("", out, "nothing on stdout, where a script would read the JDK's home");
            assertTrue(err.startsWith("panamap: error: no JDK 25 or newer found."), err);
            final List<String> lines = err.lines().toList();
            for (final String line : lookedAt) {
                assertTrue(lines.contains("  - " + line), "missing '" + line + "' in:\n" + err);
            }
            assertEquals(lookedAt.length, lines.stream().filter(line -> line.startsWith("  - ")).count(), err);
            // How to get out of it: where to get a JDK and the three ways to point the launcher at it.
            assertTrue(err.contains("https://adoptium.net"), err);
            assertTrue(err.contains("JAVA_HOME=") && err.contains("/usr/lib/jvm")
                    && err.contains("PANAMAP_JDK_SEARCH_DIRS"), err);
        }
    }

    /**
     * Runs {@code bash panamap jdk extraArgs...} with nothing in its environment but a PATH of the launcher's tools
     * and {@code bins}, {@code $JAVA_HOME} if {@code javaHome} is not null, and {@code $PANAMAP_JDK_SEARCH_DIRS}.
     */
    private Run launch(final Path javaHome, final List<Path> bins, final String searchDirs,
                       final String... extraArgs) throws IOException, InterruptedException {
        final List<String> path = new ArrayList<>();
        bins.forEach(bin -> path.add(bin.toString()));
        path.add(tools.toString());
        final Map<String, String> environment = new HashMap<>();
        environment.put("PATH", String.join(File.pathSeparator, path));
        environment.put("PANAMAP_JDK_SEARCH_DIRS", searchDirs);
        if (javaHome != null) {
            environment.put("JAVA_HOME", javaHome.toString());
        }
        final List<String> command = new ArrayList<>(List.of(bash.toString(), LAUNCHER.toString(), "jdk"));
        command.addAll(List.of(extraArgs));
        final ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        // To files, not pipes, so that a launcher that hangs is caught by the timeout below.
        final Path out = dir.resolve("out.txt");
        final Path err = dir.resolve("err.txt");
        final Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the launcher did not finish within 30 s:\n" + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Path jdk(final Path home, final String version) throws IOException {
        return jdk(home, version, true, null);
    }

    private static Path jre(final Path home, final String version) throws IOException {
        return jdk(home, version, false, null);
    }

    /**
     * A fake JDK (or JRE without {@code javac}) at {@code home}: its {@code bin/java} prints on stderr, as a real
     * one does, the banner of {@code version} for {@code -version}, and its properties, {@code java.home} among
     * them, for {@code -XshowSettings:properties}. {@code reportedSubfolder} (JDK 8's "jre") is added to the
     * reported {@code java.home}.
     */
    private static Path jdk(final Path home, final String version, final boolean javac,
                            final String reportedSubfolder) throws IOException {
        final Path bin = Files.createDirectories(home.resolve("bin"));
        final Path reportedHome = reportedSubfolder == null ? home : home.resolve(reportedSubfolder);
        // JDK 8 and older say "java version", later ones "openjdk version" (or "java version" for Oracle's).
        final String banner = (version.startsWith("1.") ? "java" : "openjdk") + " version \"" + version + "\"";
        script(bin.resolve("java"), """
                if [ "$1" = "-XshowSettings:properties" ]; then
                  echo 'Property settings:' >&2
                  echo '    java.class.version = 69.0' >&2
                  echo '    java.home = %1$s' >&2
                  echo '    java.version = %2$s' >&2
                  echo '    sun.boot.library.path = %1$s/lib' >&2
                  echo >&2
                fi
                echo '%3$s 2025-09-16' >&2
                echo 'OpenJDK Runtime Environment (build %2$s+7)' >&2
                echo 'OpenJDK 64-Bit Server VM (build %2$s+7, mixed mode, sharing)' >&2
                """.formatted(reportedHome, version, banner));
        if (javac) {
            script(bin.resolve("javac"), "exit 0\n");
        }
        return home;
    }

    private static void script(final Path file, final String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String quoted(final String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
