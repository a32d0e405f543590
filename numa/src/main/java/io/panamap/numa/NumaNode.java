package io.panamap.numa;

import java.util.List;

/**
 * One NUMA node as sysfs describes it.
 *
 * @param id         the node number
 * @param cpus       the online CPUs on this node (sysfs lists no offline ones), empty for a node of memory only
 * @param totalBytes memory on this node ({@code MemTotal} of its meminfo), 0 if unknown
 * @param freeBytes  free memory on this node ({@code MemFree}), 0 if unknown
 * @param distances  distance to every online node (10 = local), empty if unknown; in the order of
 *                   {@link NumaTopology#nodeIds()}, so where node ids have gaps (nodes 0 and 2, say) entry i is the
 *                   i-th node, not node i
 */
public record NumaNode(int id, List<Integer> cpus, long totalBytes, long freeBytes, List<Integer> distances) {

    public NumaNode {
        cpus = List.copyOf(cpus);
        distances = List.copyOf(distances);
    }
}
