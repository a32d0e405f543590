package io.panamap.numa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Topology parsing against sysfs trees of machines this one is not (test resources under sysfs/). */
class NumaTopologyTest {

    static NumaTopology fake(final String name) {
        try {
            return NumaTopology.read(Path.of(NumaTopologyTest.class.getResource("/sysfs/" + name).toURI()));
        } catch (final URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aTwoNodeMachineShouldReadWithItsCpusMemoryAndDistances() {
        final NumaTopology topology = fake("two-nodes");
        assertEquals(List.of(0, 1), topology.nodeIds());
        final NumaNode node1 = topology.node(1);
        assertEquals(List.of(4, 5, 6, 7, 12, 13, 14, 15), node1.cpus());
        assertEquals(32L << 30, node1.totalBytes());
        assertEquals(8L << 30, node1.freeBytes());
        assertEquals(List.of(21, 10), node1.distances());
        assertEquals(1, topology.nodeOfCpu(13));
        assertEquals(-1, topology.nodeOfCpu(99));
        assertTrue(topology.describe().startsWith("2 NUMA nodes"), topology.describe());
        assertTrue(topology.describe().contains("node 1: cpus [4, 5, 6, 7, 12, 13, 14, 15],"
                + " memory 32.0 GiB (8.0 GiB free), distances [21, 10]"), topology.describe());
    }

    @Test
    void aFourNodeMachineShouldKeepItsNodesInOrderWithTheirDistanceMatrix() {
        final NumaTopology topology = fake("four-nodes");
        assertEquals(List.of(0, 1, 2, 3), topology.nodeIds());
        assertEquals(List.of(32, 32, 16, 10), topology.node(3).distances());
        assertEquals(2, topology.nodeOfCpu(9));
    }

    @Test
    void anUnknownNodeShouldBeRefusedNamingTheNodesThatExist() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fake("two-nodes").node(2));
        assertEquals("NUMA node 2 does not exist; this machine has node(s) [0, 1]", e.getMessage());
    }

    @Test
    void aMachineWithoutNumaShouldSaySoRatherThanPretendToHaveANode() {
        final NumaTopology none = fake("no-numa");
        assertFalse(none.supported());
        assertTrue(none.describe().contains("no NUMA nodes"), none.describe());
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> none.node(0));
        assertTrue(e.getMessage().contains("lists no NUMA nodes"), e.getMessage());
        assertFalse(NumaTopology.read(Path.of("no", "such", "folder")).supported());
    }

    @Test
    void cpuListsShouldReadAsTheKernelWritesThem() {
        assertEquals(List.of(0, 1, 2, 3, 8, 9), CpuList.parse("0-3,8-9\n"));
        assertEquals(List.of(5), CpuList.parse("5"));
        assertEquals(List.of(), CpuList.parse(""));
        assertThrows(IllegalArgumentException.class, () -> CpuList.parse("3-1"));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuList.parse("0-x"));
        assertTrue(e.getMessage().contains("'0-x'"), e.getMessage());
    }

    /** A damaged list must not make the reader list two billion numbers (or loop forever at int's end). */
    @Test
    void aCpuListPastTheHighestCpuNumberShouldBeRefusedRatherThanListed() {
        final int past = CpuList.MAX_NUMBER + 1;
        assertEquals(List.of(CpuList.MAX_NUMBER - 1, CpuList.MAX_NUMBER),
                CpuList.parse((CpuList.MAX_NUMBER - 1) + "-" + CpuList.MAX_NUMBER));
        for (final String text : List.of("0-" + past, String.valueOf(past), "0-2147483647", "2147483647")) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuList.parse(text));
            assertTrue(e.getMessage().contains("goes past " + CpuList.MAX_NUMBER), e.getMessage());
        }
    }

    @Test
    void aDamagedNodeFileShouldBeNamedInTheMessage(@TempDir final Path sysfs) throws IOException {
        final List<String> files = List.of("cpulist", "meminfo", "distance");
        final List<String> damaged = List.of("0-x\n", "Node 0 MemTotal:       lots kB\n", "10 twenty\n");
        for (int i = 0; i < files.size(); i++) {
            final Path root = NumaAllocatorTest.fakeNodes(Files.createDirectories(sysfs.resolve(files.get(i))), 0);
            final Path file = root.resolve("node0").resolve(files.get(i));
            Files.writeString(file, damaged.get(i));
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NumaTopology.read(root));
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "the file's own line break stays out of the message");
        }
    }

    @Test
    void thisMachineShouldHaveANodeZeroWithAllItsCpus() {
        final NumaTopology here = NumaTopology.detect();
        assertTrue(here.supported(), here::describe);
        assertTrue(here.node(0).cpus().size() >= 1);
        // At least the CPUs this JVM may use: a container's CPU quota can make it see fewer than the nodes list.
        assertTrue(here.nodes().stream().mapToInt(n -> n.cpus().size()).sum()
                >= Runtime.getRuntime().availableProcessors(), here::describe);
    }

    /** Only the kernel's own {@code nodeN} names are nodes: an id past int, or written with a leading zero, is not. */
    @Test
    void folderNamesThatAreNotANodeIdShouldBeSkipped(@TempDir final Path sysfs) throws IOException {
        NumaAllocatorTest.fakeNodes(sysfs, 0, 1);
        for (final String name : List.of("node99999999999", "node2147483648", "node01", "node")) {
            Files.createDirectories(sysfs.resolve(name));
        }
        final NumaTopology topology = NumaTopology.read(sysfs);
        assertEquals(List.of(0, 1), topology.nodeIds());
        assertEquals(List.of(1), topology.node(1).cpus());
    }
}
