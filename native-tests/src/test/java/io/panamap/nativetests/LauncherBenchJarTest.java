package io.panamap.nativetests;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * When {@code ./panamap bench} rebuilds the bench jar before running it: when the jar is missing or older than a
 * {@code pom.xml} or a source of the modules it is built from, and not for anything else under them (a README, a
 * results folder a run started in {@code bench/} leaves there), which would cost a Maven build each time. Each case
 * runs a copy of the launcher in a repository of its own whose {@code mvnw} only records that it was called, with a
 * fake JDK, as {@link LauncherJdkTest} does.
 */
class LauncherBenchJarTest {

    private static final Path LAUNCHER = NativeTools.MODULE.getParent().resolve("panamap");
    /** What the launcher runs besides bash's builtins, the java it is given and mvnw; and what the fake mvnw runs. */
    private static final List<String> TOOLS = List.of("sed", "head", "dirname", "readlink", "find", "mkdir", "touch");
    /** When every input of the jar was last changed; the jar is built a minute later. */
    private static final FileTime INPUTS = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
    private static final FileTime JAR = FileTime.from(Instant.parse("2026-01-01T00:01:00Z"));
    private static final FileTime LATER = FileTime.from(Instant.parse("2026-01-01T00:02:00Z"));

    @TempDir
    Path dir;

    private Path bash;
    private Path tools;
    private Path jdk;
    private Path repo;
    private Path jar;

    @BeforeEach
    void makeARepositoryWithABuiltJar() throws IOException {
        bash = NativeTools.onPath("bash");
        NativeTools.requireThat(bash != null, "bash is not on the PATH");
        tools = Files.createDirectories(dir.resolve("tools"));
        for (final String tool : TOOLS) {
            final Path real = NativeTools.onPath(tool);
            NativeTools.requireThat(real != null, tool + " is not on the PATH");
            script(tools.resolve(tool), "exec '" + real + "' \"$@\"\n");
        }
        jdk = dir.resolve("jdk");
        // A JDK 25 as far as the launcher asks (its version), and a java that runs any jar by doing nothing.
        script(Files.createDirectories(jdk.resolve("bin")).resolve("java"), """
                if [ "$1" = "-version" ]; then echo 'openjdk version "25.0.1" 2025-10-21' >&2; fi
                exit 0
                """);
        script(jdk.resolve("bin/javac"), "exit 0\n");

        repo = dir.resolve("repo");
        Files.createDirectories(repo);
        Files.copy(LAUNCHER, repo.resolve("panamap"), StandardCopyOption.COPY_ATTRIBUTES);
        // Records each call and leaves the jar built, as the real package build would.
        script(repo.resolve("mvnw"), "echo \"$@\" >> mvnw-calls.txt\nmkdir -p bench/target\n"
                + "touch bench/target/panamap-bench.jar\n");
        input(repo.resolve("pom.xml"));
        for (final String module : List.of("core", "numa", "bench")) {
            input(repo.resolve(module).resolve("pom.xml"));
            input(repo.resolve(module).resolve("src/main/java/io/panamap/Some.java"));
            input(repo.resolve(module).resolve("README.md"));
        }
        jar = repo.resolve("bench/target/panamap-bench.jar");
        Files.createDirectories(jar.getParent());
        Files.writeString(jar, "jar");
        Files.setLastModifiedTime(jar, JAR);
    }

    @Test
    void aJarNewerThanEverySourceAndPomShouldBeUsedAsItIs() throws Exception {
        assertEquals(List.of(), benchCallsOfMaven());
    }

    @Test
    void aReadmeOrResultsNewerThanTheJarShouldNotRebuildIt() throws Exception {
        Files.setLastModifiedTime(repo.resolve("bench/README.md"), LATER);
        final Path report = Files.createDirectories(repo.resolve("bench/results/2026-01-01T00-02-00"))
                .resolve("REPORT.md");
        Files.writeString(report, "# panamap bench");
        Files.setLastModifiedTime(report, LATER);

        assertEquals(List.of(), benchCallsOfMaven());
    }

    @Test
    void aSourceOrPomNewerThanTheJarShouldRebuildIt() throws Exception {
        Files.setLastModifiedTime(repo.resolve("core/src/main/java/io/panamap/Some.java"), LATER);
        assertEquals(List.of("-B -q -DskipTests -pl bench -am package"), benchCallsOfMaven());

        Files.setLastModifiedTime(jar, JAR);
        Files.delete(repo.resolve("mvnw-calls.txt"));
        Files.setLastModifiedTime(repo.resolve("core/src/main/java/io/panamap/Some.java"), INPUTS);
        Files.setLastModifiedTime(repo.resolve("numa/pom.xml"), LATER);
        assertEquals(List.of("-B -q -DskipTests -pl bench -am package"), benchCallsOfMaven());
    }

    @Test
    void aMissingJarShouldBeBuilt() throws Exception {
        Files.delete(jar);
        assertEquals(List.of("-B -q -DskipTests -pl bench -am package"), benchCallsOfMaven());
    }

    /** Runs {@code ./panamap bench --help} and returns the Maven calls it made. */
    private List<String> benchCallsOfMaven() throws IOException, InterruptedException {
        final ProcessBuilder builder = new ProcessBuilder(bash.toString(), repo.resolve("panamap").toString(),
                "bench", "--help").directory(repo.resolve("bench").toFile());
        builder.environment().clear();
        builder.environment().put("PATH", tools.toString());
        builder.environment().put("JAVA_HOME", jdk.toString());
        final Path err = dir.resolve("err.txt");
        final Process process = builder.redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the launcher did not finish within 30 s:\n" + Files.readString(err));
        }
        assertEquals(0, process.exitValue(), Files.readString(err));
        final Path calls = repo.resolve("mvnw-calls.txt");
        assertFalse(Files.exists(repo.resolve("bench/mvnw-calls.txt")), "mvnw runs from the repository's root");
        return Files.exists(calls) ? Files.readAllLines(calls, StandardCharsets.UTF_8) : List.of();
    }

    private static void input(final Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, file.getFileName().toString());
        Files.setLastModifiedTime(file, INPUTS);
    }

    private static void script(final Path file, final String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
