package io.panamap.numa;

import java.util.List;

/**
 * One NUMA node as sysfs describes it.
 *
 * @param id         the node number
 * @param cpus       the CPUs on this node
 * @param totalBytes memory on this node ({@code MemTotal} of its meminfo), 0 if unknown
 * @param freeBytes  free memory on this node ({@code MemFree}), 0 if unknown
 * @param distances  distance to every node, in node order (10 = local), empty if unknown
 */
public record NumaNode(int id, List<Integer> cpus, long totalBytes, long freeBytes, List<Integer> distances) {

    public NumaNode {
        cpus = List.copyOf(cpus);
        distances = List.copyOf(distances);
    }
}
