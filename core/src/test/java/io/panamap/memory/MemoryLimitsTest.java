package io.panamap.memory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the process can still make resident: /proc/meminfo and cgroup trees laid out in a temporary folder. */
class MemoryLimitsTest {

    private static final long GIB = 1L << 30;

    @TempDir
    Path root;

    /** Writes {@code limit} and {@code usage} into cgroup folder {@code path} of {@code root}. */
    private void cgroup(final String path, final String limitFile, final String limit, final String usageFile,
                        final long usage) throws IOException {
        final Path folder = Files.createDirectories(root.resolve(path));
        Files.writeString(folder.resolve(limitFile), limit + "\n");
        Files.writeString(folder.resolve(usageFile), usage + "\n");
    }

    @Test
    void memAvailableShouldBeReadInBytes() {
        assertEquals(23_868_040L * 1024, MemoryLimits.memAvailable(List.of("MemTotal:       24684084 kB",
                "MemFree:        23000000 kB", "MemAvailable:   23868040 kB", "Buffers:           1234 kB")));
        assertEquals(Long.MAX_VALUE, MemoryLimits.memAvailable(List.of("MemTotal:       24684084 kB")),
                "a kernel before 3.14 has no MemAvailable: no figure");
    }

    @Test
    void aCgroupV2LimitShouldGiveItsHeadroomAndTheLeastOfItsAncestors() throws IOException {
        cgroup("app/worker", "memory.max", Long.toString(8 * GIB), "memory.current", 3 * GIB);
        cgroup("app", "memory.max", Long.toString(4 * GIB), "memory.current", 3 * GIB + 512);
        assertEquals(GIB - 512, MemoryLimits.cgroupHeadroom(List.of("0::/app/worker"), root),
                "the parent's limit is the tighter one");
        Files.writeString(root.resolve("app/memory.max"), "max\n");
        assertEquals(5 * GIB, MemoryLimits.cgroupHeadroom(List.of("0::/app/worker"), root));
    }

    @Test
    void aCgroupV1MemoryControllerShouldBeReadUnderItsOwnMount() throws IOException {
        cgroup("memory/batch", "memory.limit_in_bytes", Long.toString(2 * GIB), "memory.usage_in_bytes", GIB / 2);
        cgroup("memory", "memory.limit_in_bytes", "9223372036854771712", "memory.usage_in_bytes", 7 * GIB);
        final List<String> lines = List.of("12:pids:/batch", "4:cpu,cpuacct:/batch", "3:memory:/batch",
                "1:name=systemd:/batch");
        assertEquals(2 * GIB - GIB / 2, MemoryLimits.cgroupHeadroom(lines, root), "the root's limit is v1's none");
    }

    @Test
    void aContainerWhoseCgroupIsTheMountsTopShouldBeReadThere() throws IOException {
        cgroup("", "memory.max", Long.toString(GIB), "memory.current", GIB + 4096);
        assertEquals(0, MemoryLimits.cgroupHeadroom(List.of("0::/"), root), "over its limit: no headroom");
    }

    @Test
    void noLimitFoundShouldMeanNoFigure() throws IOException {
        assertEquals(Long.MAX_VALUE, MemoryLimits.cgroupHeadroom(List.of("0::/nowhere"), root), "no files");
        assertEquals(Long.MAX_VALUE, MemoryLimits.cgroupHeadroom(List.of("garbage", ""), root));
        cgroup("odd", "memory.max", "lots", "memory.current", 0);
        assertEquals(Long.MAX_VALUE, MemoryLimits.cgroupHeadroom(List.of("0::/odd"), root), "unreadable limit");
    }

    @Test
    void aPrefaultShouldBeMadeOnlyIfTheProcessCouldHoldItTwiceOver() {
        final long checked = MemoryLimits.CHECKED_PREFAULT_BYTES;
        assertTrue(MemoryLimits.canPrefault(checked, () -> 2 * checked));
        assertFalse(MemoryLimits.canPrefault(checked, () -> 2 * checked - 1));
        assertTrue(MemoryLimits.canPrefault(checked - 1, () -> 0), "a short one whatever the figure");
        assertTrue(MemoryLimits.canPrefault(100 * GIB, () -> Long.MAX_VALUE), "no figure: no limit");
    }

    @Test
    void thisProcessShouldHaveSomeRoomToRunIn() {
        final long available = MemoryLimits.availableBytes();
        assertTrue(available > 0, "the JVM running this test holds memory, and has some left: " + available);
    }
}
