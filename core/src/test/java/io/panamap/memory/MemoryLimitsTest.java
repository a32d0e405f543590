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
    private Path cgroup(final String path, final String limitFile, final String limit, final String usageFile,
                        final long usage) throws IOException {
        final Path folder = Files.createDirectories(root.resolve(path));
        Files.writeString(folder.resolve(limitFile), limit + "\n");
        Files.writeString(folder.resolve(usageFile), usage + "\n");
        return folder;
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

    /** File cache the kernel would reclaim before calling the OOM killer is not counted as used. */
    @Test
    void theInactiveFileCacheShouldNotCountAsUsed() throws IOException {
        final Path v2 = cgroup("svc", "memory.max", Long.toString(4 * GIB), "memory.current", 4 * GIB);
        Files.writeString(v2.resolve("memory.stat"), "anon 1073741824\nfile 3221225472\ninactive_file "
                + 3 * GIB + "\nactive_file 0\n");
        assertEquals(3 * GIB, MemoryLimits.cgroupHeadroom(List.of("0::/svc"), root));
        final Path v1 = cgroup("memory/job", "memory.limit_in_bytes", Long.toString(2 * GIB),
                "memory.usage_in_bytes", 2 * GIB);
        Files.writeString(v1.resolve("memory.stat"), "cache 1073741824\ninactive_file 7\ntotal_inactive_file "
                + GIB + "\n");
        assertEquals(GIB, MemoryLimits.cgroupHeadroom(List.of("5:memory:/job"), root), "the hierarchy's total");
    }

    @Test
    void aV1MemoryControllerSharingAMountShouldBeReadUnderIt() throws IOException {
        cgroup("cpu,memory/app", "memory.limit_in_bytes", Long.toString(GIB), "memory.usage_in_bytes", GIB / 4);
        assertEquals(GIB - GIB / 4, MemoryLimits.cgroupHeadroom(List.of("3:cpu,memory:/app"), root));
    }

    @Test
    void aV1ContainerWhoseCgroupIsTheMountsTopShouldBeReadThere() throws IOException {
        cgroup("memory", "memory.limit_in_bytes", Long.toString(GIB), "memory.usage_in_bytes", GIB / 2);
        assertEquals(GIB / 2, MemoryLimits.cgroupHeadroom(List.of("7:memory:/docker/0123abcd"), root),
                "the host's path of the container, which the container does not see: its own files are at the top");
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
    void thisMachinesFiguresShouldBeRead() throws IOException {
        final long available = MemoryLimits.availableBytes();
        assertTrue(available >= 0, "never negative: " + available);
        final Path meminfo = Path.of("/proc/meminfo");
        if (Files.isReadable(meminfo)) { // Linux: MemAvailable is there (since 3.14), so a figure is known
            final long memAvailable = MemoryLimits.memAvailable(Files.readAllLines(meminfo));
            assertTrue(memAvailable != Long.MAX_VALUE, "MemAvailable read from " + meminfo);
            assertTrue(available <= memAvailable + GIB, available + " against MemAvailable " + memAvailable);
        }
    }
}
