package io.panamap.bench.report;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PortablePathsTest {

    private final PortablePaths paths = new PortablePaths(Path.of("/opt/jdks/jdk-25"), Path.of("/home/me/panamap"));

    @Test
    void theJdksHomeShouldReadAsJavaHomeAndPathsUnderTheWorkingFolderAsRelative() {
        assertEquals("$JAVA_HOME/bin/java -Xmx12g -cp bench/target/panamap-bench.jar io.panamap.bench.Main"
                        + " --histogram-dir results/2026-11-25T05-00-00",
                paths.apply("/opt/jdks/jdk-25/bin/java -Xmx12g -cp /home/me/panamap/bench/target/panamap-bench.jar"
                        + " io.panamap.bench.Main --histogram-dir /home/me/panamap/results/2026-11-25T05-00-00"));
        assertEquals("results/run", paths.apply("/home/me/panamap/results/run"));
    }

    @Test
    void aFolderThatOnlyStartsWithTheSameNameShouldBeLeftAsItIs() {
        assertEquals("/opt/jdks/jdk-25.0.1/bin/java -jar /home/me/panamap2/x.jar",
                paths.apply("/opt/jdks/jdk-25.0.1/bin/java -jar /home/me/panamap2/x.jar"));
        assertEquals("relative/path and /elsewhere/x", paths.apply("relative/path and /elsewhere/x"));
    }

    /** A folder of the same names further down another path is not the working folder nor the JDK's home. */
    @Test
    void aPathThatOnlyEndsWithTheSameNamesShouldBeLeftAsItIs() {
        assertEquals("/mnt/home/me/panamap/x.jar /backup/opt/jdks/jdk-25/bin/java",
                paths.apply("/mnt/home/me/panamap/x.jar /backup/opt/jdks/jdk-25/bin/java"));
        // Where a path starts inside a word: after an option's '=' or a class path's ':', or in quotes.
        assertEquals("-Dout=results/x -cp a.jar:bench/b.jar '$JAVA_HOME/bin/java'",
                paths.apply("-Dout=/home/me/panamap/results/x -cp a.jar:/home/me/panamap/bench/b.jar"
                        + " '/opt/jdks/jdk-25/bin/java'"));
    }

    @Test
    void aJdkInsideTheWorkingFolderShouldStillReadAsJavaHome() {
        final PortablePaths inside = new PortablePaths(Path.of("/home/me/panamap/jdk"), Path.of("/home/me/panamap"));
        assertEquals("$JAVA_HOME/bin/java -jar bench.jar", inside.apply("/home/me/panamap/jdk/bin/java -jar "
                + "/home/me/panamap/bench.jar"));
        assertEquals("$JAVA_HOME", inside.apply("/home/me/panamap/jdk"));
        assertNull(inside.apply(null), "a command the OS did not tell stays unknown");
    }
}
