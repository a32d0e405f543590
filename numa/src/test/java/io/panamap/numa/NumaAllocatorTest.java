package io.panamap.numa;

import io.panamap.LongLongMap;
import io.panamap.MapStats;
import io.panamap.memory.NativeAllocator;
import io.panamap.memory.NativeBlock;
import io.panamap.memory.NativeMemoryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class NumaAllocatorTest {

    @Test
    void aTableBoundToNodeZeroShouldHaveEveryFaultedPageThereCheckedPageByPage() {
        try (LongLongMap map = LongLongMap.builder().allocator(NumaAllocator.bind(0).strict()).build()) {
            for (long key = 0; key < 200_000; key++) {
                map.put(key * 0x9E3779B97F4A7C15L, key);
            }
            final String stats = map.stats().toString();
            assertTrue(stats.contains("allocator=mmap, NUMA bind node(s) 0, strict"), stats);
            assertTrue(stats.matches(".* placement=node0=\\d+ pages, not faulted=\\d+"), stats);
            assertEquals(199_999L, map.get(199_999 * 0x9E3779B97F4A7C15L));
        }
    }

    /**
     * The placement the READMEs show: a table presized for 1,000,000 entries (B = 18) faults its buckets and
     * spares in at construction, so every page of them is on the bound node, and only the rest of its mapping
     * (room for overflow buckets) is not faulted yet.
     */
    @Test
    void aPresizedTableShouldReportEveryPageItFaultedInOnTheBoundNode() {
        final NumaAllocator allocator = NumaAllocator.bind(0);
        assumeFalse(allocator.describe().contains("not applied"), allocator.describe());
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).expectedSize(1_000_000).build()) {
            final MapStats stats = map.stats();
            assertEquals(18, stats.logBuckets());
            assertEquals("node0=" + stats.committedBytes() / 4096 + " pages, not faulted="
                    + ((stats.reservedBytes() + 4095) / 4096 - stats.committedBytes() / 4096), stats.placement());
            assertEquals("node0=9792 pages, not faulted=17857", stats.placement());
        }
    }

    @Test
    void pagesShouldHaveNoNodeUntilFirstTouchedAndTheBoundNodeAfter() {
        try (NativeBlock block = NumaAllocator.bind(0).strict().allocate(64 * 4096)) {
            final PagePlacement untouched = PagePlacement.of(block.segment());
            assertEquals(64, untouched.notFaulted());
            assertEquals(0, untouched.faulted());
            assertEquals("0 pages, not faulted=64", untouched.toString(), "with no page backed, still a count");
            for (long page = 0; page < 16; page++) {
                block.segment().set(ValueLayout.JAVA_LONG, page * 4096, page);
            }
            final PagePlacement touched = PagePlacement.of(block.segment());
            assertEquals(Map.of(0, 16L), touched.pagesPerNode());
            assertEquals(48, touched.notFaulted());
            assertEquals("node0=16 pages, not faulted=48", touched.toString());
        }
    }

    /**
     * Only live native memory has pages to place: a heap segment's address is an offset into its array, and a freed
     * segment's pages are gone, so either would read as unfaulted pages at some unrelated address.
     */
    @Test
    void placementShouldRefuseHeapAndFreedSegments() {
        final IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
                () -> PagePlacement.of(MemorySegment.ofArray(new byte[8192])));
        assertTrue(heap.getMessage().contains("heap segment"), heap.getMessage());
        final NativeBlock block = NumaAllocator.bind(0).allocate(4096);
        final MemorySegment freed = block.segment();
        block.close();
        final IllegalStateException closed = assertThrows(IllegalStateException.class, () -> PagePlacement.of(freed));
        assertTrue(closed.getMessage().contains("freed"), closed.getMessage());
    }

    @Test
    void discardedPagesShouldLeaveTheNodeReadZeroAndLandOnTheBoundNodeWhenTouchedAgain() {
        final NumaAllocator allocator = NumaAllocator.bind(0).strict();
        try (NativeBlock block = allocator.allocate(16 * 4096)) {
            for (long page = 0; page < 16; page++) {
                block.segment().set(ValueLayout.JAVA_LONG, page * 4096, page + 1);
            }
            allocator.discard(block, 4 * 4096, 8 * 4096);
            assertEquals(8, PagePlacement.of(block.segment()).notFaulted());
            assertEquals(0L, block.segment().get(ValueLayout.JAVA_LONG, 4 * 4096));
            assertEquals(4L, block.segment().get(ValueLayout.JAVA_LONG, 3 * 4096));
            block.segment().set(ValueLayout.JAVA_LONG, 5 * 4096, 1);
            assertEquals(Map.of(0, 9L), PagePlacement.of(block.segment()).pagesPerNode());
        }
    }

    /** Both ways of calling the kernel: libnuma's wrappers (when installed) and raw system calls. */
    @Test
    void placementShouldWorkThroughLibnumaAndThroughRawSystemCallsAlike() {
        final boolean before = NumaSyscalls.useLibnuma;
        try {
            for (final boolean libnuma : NumaSyscalls.libnumaInstalled() ? List.of(true, false) : List.of(false)) {
                NumaSyscalls.useLibnuma = libnuma;
                try (NativeBlock block = NumaAllocator.bind(0).strict().allocate(8 * 4096)) {
                    block.segment().set(ValueLayout.JAVA_LONG, 0, 1);
                    final PagePlacement placement = PagePlacement.of(block.segment());
                    assertEquals(Map.of(0, 1L), placement.pagesPerNode(), "libnuma=" + libnuma);
                    assertEquals(7, placement.notFaulted(), "libnuma=" + libnuma);
                }
            }
        } finally {
            NumaSyscalls.useLibnuma = before;
        }
    }

    /**
     * What mbind handed the kernel, read back with get_mempolicy. On a machine of one node every policy puts its
     * pages on node 0, so only the kernel's own record tells BIND from PREFERRED from INTERLEAVE, or a mask that
     * named the node from one that did not. Through libnuma's wrappers (when installed) and raw system calls alike.
     */
    @Test
    void everyPolicyShouldReachTheKernelAsItsModeAndNodes() {
        final Map<NumaAllocator, MemoryPolicy> expected = new LinkedHashMap<>();
        expected.put(NumaAllocator.bind(0).strict(), new MemoryPolicy(MemoryPolicy.BIND, List.of(0)));
        expected.put(NumaAllocator.preferred(0).strict(), new MemoryPolicy(MemoryPolicy.PREFERRED, List.of(0)));
        expected.put(NumaAllocator.interleave(0).strict(), new MemoryPolicy(MemoryPolicy.INTERLEAVE, List.of(0)));
        expected.put(NumaAllocator.local().strict(), new MemoryPolicy(MemoryPolicy.LOCAL, List.of()));
        final boolean before = NumaSyscalls.useLibnuma;
        try {
            for (final boolean libnuma : NumaSyscalls.libnumaInstalled() ? List.of(true, false) : List.of(false)) {
                NumaSyscalls.useLibnuma = libnuma;
                expected.forEach((allocator, policy) -> {
                    try (NativeBlock block = allocator.allocate(4 * 4096)) {
                        assertEquals(policy, MemoryPolicy.of(block.segment()), allocator.describe() + ", libnuma="
                                + libnuma);
                    }
                });
            }
        } finally {
            NumaSyscalls.useLibnuma = before;
        }
        final NumaAllocator notApplied = NumaAllocator.of(NumaAllocator.Policy.BIND, List.of(0),
                NumaTopologyTest.fake("no-numa"));
        try (NativeBlock block = notApplied.allocate(4096)) {
            assertEquals(new MemoryPolicy(MemoryPolicy.DEFAULT, List.of()), MemoryPolicy.of(block.segment()),
                    "where NUMA is not applied, the mapping keeps the default policy");
        }
    }

    /**
     * The kernel reads one bit fewer of the node mask than the maxnode it is given (libnuma pads for it too), so a
     * node in the mask's last bit must still reach it. A fake sysfs lists node 63, the last bit of a word, beside
     * node 0, and the kernel refuses it as it refuses any node it does not have. A mask cut one bit short would
     * have reached it empty, and an empty PREFERRED mask means "local": no refusal, and a policy nobody asked for.
     */
    @Test
    void aNodeInTheLastBitOfTheMaskShouldReachTheKernel(@TempDir final Path sysfs) throws IOException {
        final int last = 63;
        assumeFalse(NumaTopology.detect().nodeIds().contains(last), "this machine has a node " + last);
        final NumaAllocator preferred = NumaAllocator.of(NumaAllocator.Policy.PREFERRED, List.of(last),
                NumaTopology.read(fakeNodes(sysfs, 0, last)));
        try (NativeBlock block = preferred.allocate(4096)) {
            assertEquals(new MemoryPolicy(MemoryPolicy.DEFAULT, List.of()), MemoryPolicy.of(block.segment()),
                    "refused, so the mapping keeps the default policy");
        }
        assertEquals("mmap, NUMA preferred node(s) " + last
                + " (refused by the kernel for 1 of 1 mappings: EINVAL; default placement)", preferred.describe());
        final NativeMemoryException e = assertThrows(NativeMemoryException.class,
                () -> preferred.strict().allocate(4096));
        assertTrue(e.getMessage().startsWith("mbind(PREFERRED [" + last + "]) failed: EINVAL (none of these nodes is"
                + " online, has memory and is allowed to this process"), e.getMessage());
    }

    /** A mapping of more pages than one move_pages call asks about (16,384): every page is counted, once. */
    @Test
    void placementShouldCountEveryPageOfAMappingLargerThanOneQuery() {
        final int pages = 40_000;
        final int touchedEvery = 16;
        try (NativeBlock block = NumaAllocator.bind(0).strict().allocate(pages * 4096L)) {
            for (long page = 0; page < pages; page += touchedEvery) {
                block.segment().set(ValueLayout.JAVA_LONG, page * 4096, page);
            }
            final PagePlacement placement = PagePlacement.of(block.segment());
            assertEquals(Map.of(0, (long) pages / touchedEvery), placement.pagesPerNode());
            assertEquals(pages - pages / touchedEvery, placement.notFaulted());
        }
    }

    @Test
    void aNodeThatDoesNotExistShouldBeRefusedNamingTheNodesThatDo() {
        final List<Integer> nodes = NumaTopology.detect().nodeIds();
        final int missing = nodes.getLast() + 1;
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NumaAllocator.bind(missing));
        assertEquals("NUMA node " + missing + " does not exist; this machine has node(s) " + nodes, e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NumaAllocator.interleave(0, missing));
        assertThrows(IllegalArgumentException.class, () -> NumaAllocator.preferred(missing));
    }

    @Test
    void interleaveAndPreferredShouldNameTheirNodesInTheKernelsMaskOnABiggerMachine() {
        final NumaTopology fourNodes = NumaTopologyTest.fake("four-nodes");
        final NumaAllocator interleave = NumaAllocator.of(NumaAllocator.Policy.INTERLEAVE, List.of(0, 2, 3), fourNodes);
        assertArrayEquals(new long[] {0b1101}, interleave.nodeMask());
        assertEquals("mmap, NUMA interleave node(s) 0,2,3", interleave.describe());
        final NumaAllocator preferred = NumaAllocator.of(NumaAllocator.Policy.PREFERRED, List.of(1), fourNodes);
        assertArrayEquals(new long[] {0b10}, preferred.nodeMask());
        assertArrayEquals(new long[0], NumaAllocator.of(NumaAllocator.Policy.LOCAL, List.of(), fourNodes).nodeMask());
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NumaAllocator.of(NumaAllocator.Policy.INTERLEAVE, List.of(0, 4), fourNodes));
        assertTrue(e.getMessage().endsWith("has node(s) [0, 1, 2, 3]"), e.getMessage());
    }

    /**
     * The kernel interleaves over a node set: interleave(0, 0, 1) would spread pages half and half, not two to one as
     * its caller may mean, so a repeated node is refused, and an empty list too.
     */
    @Test
    void interleaveShouldRefuseANodeNamedTwiceAndAnEmptyList() {
        final IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> NumaAllocator.interleave(0, 0));
        assertTrue(twice.getMessage().startsWith("interleave names a node more than once, in [0, 0]"),
                twice.getMessage());
        assertEquals("interleave needs at least one node",
                assertThrows(IllegalArgumentException.class, NumaAllocator::interleave).getMessage());
        assertEquals(List.of(0), NumaAllocator.interleave(0).nodes());
    }

    /** Node n is bit n % 64 of word n / 64: a machine of more than 64 nodes needs the second word. */
    @Test
    void aNodePastSixtyThreeShouldBeInTheMasksSecondWord(@TempDir final Path sysfs) throws IOException {
        final NumaTopology large = NumaTopology.read(fakeNodes(sysfs, 0, 2, 64, 65));
        assertArrayEquals(new long[] {0b101, 0b11},
                NumaAllocator.of(NumaAllocator.Policy.INTERLEAVE, List.of(0, 2, 64, 65), large).nodeMask());
        assertArrayEquals(new long[] {0, 0b10}, NumaAllocator.of(NumaAllocator.Policy.BIND, List.of(65), large)
                .nodeMask());
    }

    @Test
    void withoutNumaSupportBestEffortShouldFallBackAndSaySo() {
        final NumaAllocator fallback = NumaAllocator.of(NumaAllocator.Policy.BIND, List.of(0),
                NumaTopologyTest.fake("no-numa"));
        assertTrue(fallback.describe().contains("not applied"), fallback.describe());
        assertTrue(fallback.describe().endsWith("default placement"), fallback.describe());
        final UnsupportedOperationException strict = assertThrows(UnsupportedOperationException.class,
                fallback::strict, "a strict allocator fails where a best-effort one falls back");
        assertTrue(strict.getMessage().startsWith("NUMA placement is not available: the kernel reports no NUMA nodes"),
                strict.getMessage());
        try (NativeBlock block = fallback.allocate(4096)) {
            block.segment().set(ValueLayout.JAVA_LONG, 0, 42);
            assertEquals("", fallback.placement(block), "no placement claimed where none was applied");
        }
    }

    @Test
    void localAndInterleaveOverEveryNodeShouldPlacePagesOnThisMachinesNodes() {
        for (final NumaAllocator allocator
                : List.of(NumaAllocator.local().strict(), NumaAllocator.interleaveAll().strict())) {
            try (LongLongMap map = LongLongMap.builder().allocator(allocator).build()) {
                for (long key = 0; key < 50_000; key++) {
                    map.put(key, key);
                }
                assertTrue(map.stats().placement().startsWith("node0="), allocator.describe() + ": " + map.stats());
            }
        }
    }

    /**
     * The memory worker faults in a table's next array: under the local policy its pages would land on the worker's
     * node. So the table asks its allocator, on the writing thread, for one to hand the worker, and a local
     * allocator answers with one preferring the node of the CPU the caller runs on. Fake two-node trees put every
     * CPU this thread may run on in node 1, then in node 0; a node without memory gets no such allocator.
     */
    @Test
    void localShouldHandTheMemoryWorkerAnAllocatorPreferringTheCallersNode(@TempDir final Path sysfs)
            throws IOException {
        final long[] allowed = NumaSyscalls.affinity();
        int highestCpu = 0;
        for (int word = 0; word < allowed.length; word++) {
            if (allowed[word] != 0) {
                highestCpu = word * 64 + 63 - Long.numberOfLeadingZeros(allowed[word]);
            }
        }
        final String everyCpu = "0-" + highestCpu + "\n";
        for (final int callersNode : new int[] {1, 0}) {
            final Path root = Files.createDirectories(sysfs.resolve("callers-node-" + callersNode));
            for (final int node : new int[] {0, 1}) {
                final Path folder = Files.createDirectories(root.resolve("node" + node));
                Files.writeString(folder.resolve("cpulist"), node == callersNode ? everyCpu : "\n");
                Files.writeString(folder.resolve("meminfo"), "Node " + node + " MemTotal:  1048576 kB\n");
            }
            final NumaAllocator local = NumaAllocator.of(NumaAllocator.Policy.LOCAL, List.of(),
                    NumaTopology.read(root));
            assumeFalse(local.describe().contains("not applied"), local.describe());
            final NativeAllocator forWorker = local.forWorkHandedOverByCallingThread();
            assertTrue(forWorker instanceof NumaAllocator, forWorker.describe());
            assertEquals(NumaAllocator.Policy.PREFERRED, ((NumaAllocator) forWorker).policy(), forWorker.describe());
            assertEquals(List.of(callersNode), ((NumaAllocator) forWorker).nodes(), forWorker.describe());
            assertSame(forWorker, local.forWorkHandedOverByCallingThread(), "made once, not per request");

            // The same tree with the caller's node out of memory: nothing to prefer, the local allocator itself.
            Files.writeString(root.resolve("node" + callersNode).resolve("meminfo"), "");
            final NumaAllocator noMemory = NumaAllocator.of(NumaAllocator.Policy.LOCAL, List.of(),
                    NumaTopology.read(root));
            assertSame(noMemory, noMemory.forWorkHandedOverByCallingThread());
        }
        final NumaAllocator bound = NumaAllocator.bind(0);
        assertSame(bound, bound.forWorkHandedOverByCallingThread(), "other policies place pages whoever faults them");
    }

    /**
     * sysfs may list a node the kernel will not bind to (one outside the process's cpuset, or offline). A fake
     * tree lists one node past this machine's last as well as node 0: the allocator accepts it, mbind refuses
     * it, and a best-effort allocator must say so rather than claim the placement.
     */
    @Test
    void aBindingTheKernelRefusesShouldBeCountedAndNamedByDescribeAndTheTablesStats(@TempDir final Path sysfs)
            throws IOException {
        final int refused = NumaTopology.detect().nodeIds().getLast() + 1;
        final NumaTopology listed = NumaTopology.read(fakeNodes(sysfs, 0, refused));
        final NumaAllocator allocator = NumaAllocator.of(NumaAllocator.Policy.BIND, List.of(refused), listed);
        assertEquals("mmap, NUMA bind node(s) " + refused, allocator.describe(), "nothing refused yet");
        for (int i = 0; i < 3; i++) {
            try (NativeBlock block = allocator.allocate(8 * 4096)) {
                block.segment().set(ValueLayout.JAVA_LONG, 0, 1);
                assertTrue(allocator.placement(block).matches("node\\d+=1 pages, not faulted=7"),
                        allocator.placement(block));
            }
        }
        assertEquals("mmap, NUMA bind node(s) " + refused
                + " (refused by the kernel for 3 of 3 mappings: EINVAL; default placement)", allocator.describe());
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).build()) {
            for (long key = 0; key < 50_000; key++) {
                map.put(key, key);
            }
            final String described = map.stats().allocator();
            assertTrue(described.matches("mmap, NUMA bind node\\(s\\) " + refused
                    + " \\(refused by the kernel for (\\d+) of \\1 mappings: EINVAL; default placement\\)"),
                    described);
        }
    }

    /** Tables grow on a background memory worker too: refusals counted from several threads are all kept. */
    @Test
    void refusalsFromSeveralThreadsShouldAllBeCounted(@TempDir final Path sysfs) throws Exception {
        final int refused = NumaTopology.detect().nodeIds().getLast() + 1;
        final NumaAllocator allocator = NumaAllocator.of(NumaAllocator.Policy.PREFERRED, List.of(refused),
                NumaTopology.read(fakeNodes(sysfs, 0, refused)));
        final int threads = 4;
        final int perThread = 100;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            final List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        allocator.allocate(4096).close();
                    }
                }));
            }
            for (final Future<?> future : done) {
                future.get();
            }
        } catch (final ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
        final int all = threads * perThread;
        assertTrue(allocator.describe().endsWith(" (refused by the kernel for " + all + " of " + all
                + " mappings: EINVAL; default placement)"), allocator.describe());
    }

    /**
     * Without NUMA, Linux still runs everything on an implicit node 0: that one node may be named (and falls back
     * to the default placement); any other, or a negative one, is refused as on a NUMA machine.
     */
    @Test
    void withoutNumaOnlyNodeZeroShouldBeAcceptedAndOtherNodesRefusedNamingThem(@TempDir final Path empty) {
        final NumaTopology none = NumaTopology.read(empty);
        assertDoesNotThrow(() -> NumaAllocator.of(NumaAllocator.Policy.BIND, List.of(0), none));
        for (final int node : new int[] {5, 1, -1}) {
            for (final NumaAllocator.Policy policy
                    : List.of(NumaAllocator.Policy.BIND, NumaAllocator.Policy.PREFERRED)) {
                final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> NumaAllocator.of(policy, List.of(node), none), policy + " " + node);
                assertTrue(e.getMessage().startsWith("NUMA node " + node + " does not exist"), e.getMessage());
                assertTrue(e.getMessage().contains("only node 0"), e.getMessage());
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> NumaAllocator.of(NumaAllocator.Policy.INTERLEAVE, List.of(0, 5), none));
    }

    @Test
    void aNegativeNodeShouldBeRefusedOnThisMachineToo() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NumaAllocator.bind(-1));
        assertTrue(e.getMessage().startsWith("NUMA node -1 does not exist"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NumaAllocator.interleave(0, -1));
    }

    /** A sysfs-like tree under {@code root} listing {@code nodes}, each with one CPU. */
    static Path fakeNodes(final Path root, final int... nodes) throws IOException {
        for (final int node : nodes) {
            final Path folder = Files.createDirectories(root.resolve("node" + node));
            Files.writeString(folder.resolve("cpulist"), node + "\n");
        }
        return root;
    }
}
