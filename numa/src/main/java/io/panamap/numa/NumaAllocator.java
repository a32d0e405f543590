package io.panamap.numa;

import io.panamap.memory.MmapAllocator;
import io.panamap.memory.NativeAllocator;
import io.panamap.memory.NativeBlock;
import io.panamap.memory.NativeMemoryException;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Bucket arrays on chosen NUMA nodes: lazily faulted anonymous mmap memory (as core's default allocator)
 * whose policy is set with {@code mbind} right after mapping, before any page is touched, so every page lands
 * where the policy says when it is first written.
 *
 * <pre>{@code
 * LongLongMap map = LongLongMap.builder().allocator(NumaAllocator.bind(0)).build();
 * }</pre>
 *
 * <p><b>Strict or best effort.</b> By default an allocator is best effort: where the machine has no NUMA
 * support, or the kernel refuses the policy, memory comes with the default placement and
 * {@link #describe()} says so (for refusals: how many mappings, and the last errno). {@link #strict()} makes the
 * same allocator fail instead. A node that does not exist is refused in both modes, when the allocator is made,
 * with the nodes that do; where the kernel lists none, node 0 alone exists (the implicit node Linux keeps all
 * memory on).
 */
public final class NumaAllocator implements NativeAllocator {

    /** The placement policies of {@code mbind(2)} this allocator offers. */
    public enum Policy {
        /**
         * Only the given nodes: no page spills elsewhere. The mapping is lazily faulted, so a full node does not make
         * {@link NumaAllocator#allocate} fail: its pages are taken when first touched, and on a full node that touch
         * meets the kernel's reclaim and, failing it, its OOM killer (cap the table with a memory budget).
         */
        BIND(NumaSyscalls.MPOL_BIND),
        /** The given node first, others when it is full. */
        PREFERRED(NumaSyscalls.MPOL_PREFERRED),
        /** Round-robin over the given nodes, page by page. */
        INTERLEAVE(NumaSyscalls.MPOL_INTERLEAVE),
        /** The node of the CPU that first touches each page, or faults it in early ({@link NumaAllocator#local()}). */
        LOCAL(NumaSyscalls.MPOL_LOCAL);

        final int mode;

        Policy(final int mode) {
            this.mode = mode;
        }
    }

    /** Core's lazily faulted mappings (4 KiB pages), on which the policy is set. */
    private static final MmapAllocator MAPPINGS = new MmapAllocator(false);

    private final Policy policy;
    private final List<Integer> nodes;
    private final boolean strict;
    /** The nodes the allocator was checked against; {@link #strict()} keeps them. */
    private final NumaTopology topology;
    private final String unsupportedReason;
    private final PolicyRefusals refusals;
    /**
     * For {@link Policy#LOCAL}: by node id, an allocator preferring that node, for the memory worker's work on a
     * writer's behalf ({@link #forWorkHandedOverByCallingThread}); made once, as making one reads sysfs. Nodes
     * without memory have none (the kernel would refuse to prefer them).
     */
    private final Map<Integer, NumaAllocator> preferringNode;

    private NumaAllocator(final Policy policy, final List<Integer> nodes, final boolean strict,
                          final NumaTopology topology) {
        this(policy, nodes, strict, topology, new PolicyRefusals());
    }

    private NumaAllocator(final Policy policy, final List<Integer> nodes, final boolean strict,
                          final NumaTopology topology, final PolicyRefusals refusals) {
        this.policy = policy;
        this.nodes = List.copyOf(nodes);
        this.strict = strict;
        this.topology = topology;
        this.refusals = refusals;
        for (final int node : nodes) {
            requireNode(topology, node);
        }
        if (!NumaSyscalls.available()) {
            unsupportedReason = "no NUMA system calls on " + System.getProperty("os.name") + "/"
                    + System.getProperty("os.arch");
        } else if (!topology.supported()) {
            unsupportedReason = "the kernel reports no NUMA nodes under " + topology.root();
        } else {
            unsupportedReason = null;
        }
        if (unsupportedReason != null && strict) {
            throw new UnsupportedOperationException("NUMA placement is not available: " + unsupportedReason);
        }
        final Map<Integer, NumaAllocator> preferring = new HashMap<>();
        if (policy == Policy.LOCAL && unsupportedReason == null) {
            for (final NumaNode node : topology.nodes()) {
                if (node.totalBytes() > 0) {
                    // Refusals are counted with this allocator's, so that describe() and the stats tell of them.
                    preferring.put(node.id(), new NumaAllocator(Policy.PREFERRED, List.of(node.id()), strict, topology,
                            refusals));
                }
            }
        }
        this.preferringNode = Map.copyOf(preferring);
    }

    /**
     * Refuses a node memory cannot be placed on: a negative one, one the topology does not list, or, where it
     * lists none, any but node 0 (Linux then keeps all memory on an implicit node 0, which a program written for
     * NUMA machines may still name).
     */
    private static void requireNode(final NumaTopology topology, final int node) {
        if (topology.supported()) {
            topology.node(node); // throws naming the nodes that exist
        } else if (node != 0) {
            throw new IllegalArgumentException("NUMA node " + node + " does not exist: " + topology.root()
                    + " lists no NUMA nodes (not Linux, or a kernel without NUMA support), so only node 0, the"
                    + " implicit one, may be named");
        }
    }

    /** Every page on {@code node} only (what a full node does then: {@link Policy#BIND}). */
    public static NumaAllocator bind(final int node) {
        return of(Policy.BIND, List.of(node), NumaTopology.detect());
    }

    /** Pages on {@code node} while it has room, elsewhere after. */
    public static NumaAllocator preferred(final int node) {
        return of(Policy.PREFERRED, List.of(node), NumaTopology.detect());
    }

    /**
     * Pages spread round-robin over {@code nodes}, each named once.
     *
     * @throws IllegalArgumentException if {@code nodes} is empty, names a node twice (the kernel interleaves over a
     *                                  set: a repeated node would not get a larger share), or names one that does not
     *                                  exist
     */
    public static NumaAllocator interleave(final int... nodes) {
        if (nodes.length == 0) {
            throw new IllegalArgumentException("interleave needs at least one node");
        }
        if (java.util.Arrays.stream(nodes).distinct().count() < nodes.length) {
            throw new IllegalArgumentException("interleave names a node more than once, in "
                    + java.util.Arrays.toString(nodes) + ": the kernel spreads pages evenly over a set of nodes,"
                    + " so naming one twice would not give it a larger share");
        }
        return of(Policy.INTERLEAVE, java.util.Arrays.stream(nodes).boxed().toList(), NumaTopology.detect());
    }

    /** Pages spread over every node of the machine. */
    public static NumaAllocator interleaveAll() {
        final NumaTopology topology = NumaTopology.detect();
        return of(Policy.INTERLEAVE, topology.supported() ? topology.nodeIds() : List.of(0), topology);
    }

    /**
     * Each page on the node of the thread that first writes it (pair with {@link NumaThreads}). Faulting a page in
     * ahead of time counts as that first write: a presized table's constructor places its first array on the node
     * of the thread that builds it. A table's background memory work (the default) faults in the array for its
     * next doubling on core's memory worker thread, so that array is mapped preferring the node the writer ran on
     * when it asked for it ({@link #forWorkHandedOverByCallingThread}), not the worker's. Pages another thread
     * touches first still land on its node: overflow buckets the worker faults in ahead in an array the writer
     * mapped itself (up to 2^14 buckets), and what a concurrent map's {@code backgroundEvacuation()} writes first
     * in an array the writer mapped. For every page on one node whatever the thread, name it with {@link #bind}.
     */
    public static NumaAllocator local() {
        return of(Policy.LOCAL, List.of(), NumaTopology.detect());
    }

    /** An allocator against a given topology (tests describe other machines this way). */
    static NumaAllocator of(final Policy policy, final List<Integer> nodes, final NumaTopology topology) {
        return new NumaAllocator(policy, nodes, false, topology);
    }

    /** The same policy on the same nodes, failing instead of falling back to the default placement. */
    public NumaAllocator strict() {
        return new NumaAllocator(policy, nodes, true, topology);
    }

    /** The policy. */
    public Policy policy() {
        return policy;
    }

    /** The nodes the policy names (none for {@link Policy#LOCAL}). */
    public List<Integer> nodes() {
        return nodes;
    }

    /** The {@code mbind} node mask of {@link #nodes()}: bit n for node n. */
    long[] nodeMask() {
        if (policy == Policy.LOCAL) {
            return new long[0];
        }
        final int highest = nodes.stream().mapToInt(Integer::intValue).max().orElse(0);
        final long[] mask = new long[highest / 64 + 1];
        for (final int node : nodes) {
            mask[node / 64] |= 1L << (node % 64);
        }
        return mask;
    }

    @Override
    public NativeBlock allocate(final long byteSize) {
        final NativeBlock block = MAPPINGS.allocate(byteSize);
        if (unsupportedReason == null) {
            final MemorySegment segment = block.segment();
            refusals.mapped();
            final int errno = NumaSyscalls.mbind(segment.address(), segment.byteSize(), policy.mode, nodeMask());
            if (errno != 0 && strict) {
                block.close();
                // EINVAL is mbind's answer when no node of the mask is online, with memory, in the cpuset.
                throw new NativeMemoryException("mbind(" + policy + " " + nodes + ") failed: "
                        + NumaSyscalls.errnoName(errno) + (errno == NumaSyscalls.EINVAL ? " (none of these nodes is"
                        + " online, has memory and is allowed to this process: a node of CPUs only, or outside the"
                        + " cpuset of its container)" : ""));
            }
            if (errno != 0) {
                // Best effort: the pages keep the default placement, and describe() says how often.
                refusals.refused(errno);
            }
        }
        return block;
    }

    /**
     * For {@link Policy#LOCAL}, an allocator preferring the node of the CPU the calling thread (a table's writer)
     * runs on: the memory worker faults in the array for the table's next doubling, and under the local policy its
     * pages would land on the worker's node, not the writer's. This allocator otherwise, and where the node cannot
     * be told or has no memory.
     */
    @Override
    public NativeAllocator forWorkHandedOverByCallingThread() {
        if (preferringNode.isEmpty()) {
            return this;
        }
        final NumaAllocator preferring = preferringNode.get(topology.nodeOfCpu(NumaSyscalls.currentCpu()));
        return preferring == null ? this : preferring;
    }

    @Override
    public void prefault(final NativeBlock block, final long byteOffset, final long byteLength) {
        // Faulting in through the policy places the pages as a first write would.
        MAPPINGS.prefault(block, byteOffset, byteLength);
    }

    @Override
    public void discard(final NativeBlock block, final long byteOffset, final long byteLength) {
        // The policy stays on the range: pages touched again are placed as the first touch placed them.
        MAPPINGS.discard(block, byteOffset, byteLength);
    }

    @Override
    public boolean discards() {
        return MAPPINGS.discards();
    }

    /** Where {@code block}'s pages are, page by page (an empty report where NUMA is not available). */
    @Override
    public String placement(final NativeBlock block) {
        return unsupportedReason != null ? "" : PagePlacement.of(block.segment()).toString();
    }

    @Override
    public String describe() {
        final String target = policy == Policy.LOCAL ? "local"
                : policy.name().toLowerCase(java.util.Locale.ROOT) + " node(s) "
                + nodes.stream().map(String::valueOf).collect(Collectors.joining(","));
        if (unsupportedReason != null) {
            return "mmap, NUMA " + target + " not applied (" + unsupportedReason + "): default placement";
        }
        return "mmap, NUMA " + target + (strict ? ", strict" : "") + refusals.describe();
    }
}
