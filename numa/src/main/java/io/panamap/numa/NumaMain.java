package io.panamap.numa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code ./panamap numa}: prints this machine's NUMA topology, and what of it this process may use. */
public final class NumaMain {

    /** Where Linux says which nodes a process may place memory on ({@code Mems_allowed_list}). */
    private static final Path STATUS = Path.of("/proc/self/status");

    private NumaMain() {
    }

    public static void main(final String[] args) {
        final NumaTopology topology = NumaTopology.detect();
        System.out.print(topology.describe());
        if (NumaSyscalls.available()) {
            System.out.print(allowed(cpusOf(NumaSyscalls.affinity()), memsAllowed(STATUS)));
        }
        System.out.println("placement calls: " + (NumaSyscalls.available() ? NumaSyscalls.via()
                : "not available on this platform"));
    }

    /**
     * The line that says where this process may run and place memory. sysfs lists every node and online CPU of the
     * machine, but a container's cpuset may allow fewer: pinning to a node outside it, or binding to one, is then
     * refused by the kernel, and the topology alone would not say why. (The CPUs are the calling thread's affinity,
     * so a taskset shows too, though it does not stop a thread from being pinned elsewhere.)
     *
     * @param cpus  the CPUs the calling thread may run on
     * @param nodes the nodes it may place memory on, or null where the kernel does not say
     */
    static String allowed(final List<Integer> cpus, final List<Integer> nodes) {
        return "this process may run on cpus " + cpus
                + (nodes == null ? "" : " and place memory on node(s) " + nodes) + "\n";
    }

    /** The nodes {@code status} (a {@code /proc/<pid>/status}) allows memory on, or null if it does not say. */
    static List<Integer> memsAllowed(final Path status) {
        try {
            for (final String line : Files.readAllLines(status)) {
                if (line.startsWith("Mems_allowed_list:")) {
                    return CpuList.parse(line.substring("Mems_allowed_list:".length()));
                }
            }
            return null;
        } catch (final IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The CPUs of a kernel CPU mask, in order. */
    static List<Integer> cpusOf(final long[] mask) {
        final List<Integer> cpus = new ArrayList<>();
        for (int word = 0; word < mask.length; word++) {
            for (long bits = mask[word]; bits != 0; bits &= bits - 1) {
                cpus.add(word * Long.SIZE + Long.numberOfTrailingZeros(bits));
            }
        }
        return cpus;
    }
}
