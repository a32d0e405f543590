package io.panamap.numa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The machine's NUMA nodes, read from {@code /sys/devices/system/node} (or any folder laid out like it, which
 * is how tests describe machines this one is not).
 *
 * @param root  the folder read
 * @param nodes the nodes, by id; empty where the kernel has no NUMA support (or this is not Linux)
 */
public record NumaTopology(Path root, List<NumaNode> nodes) {

    /** Where Linux describes its nodes. */
    public static final Path SYSFS = Path.of("/sys/devices/system/node");

    public NumaTopology {
        nodes = List.copyOf(nodes);
    }

    /** This machine's topology. */
    public static NumaTopology detect() {
        return read(SYSFS);
    }

    /**
     * The topology described under {@code root} (each node a {@code nodeN} folder).
     *
     * @throws IllegalArgumentException naming the file, if a node's cpulist, meminfo or distance is not as the
     *                                  kernel writes it
     */
    public static NumaTopology read(final Path root) {
        if (!Files.isDirectory(root)) {
            return new NumaTopology(root, List.of());
        }
        final List<NumaNode> nodes = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            for (final Path folder : entries.toList()) {
                final int id = nodeId(folder.getFileName().toString());
                if (id < 0) {
                    continue;
                }
                final Path meminfo = folder.resolve("meminfo");
                nodes.add(new NumaNode(id, parsed(folder.resolve("cpulist"), CpuList::parse),
                        parsed(meminfo, text -> meminfo(text, "MemTotal")),
                        parsed(meminfo, text -> meminfo(text, "MemFree")),
                        parsed(folder.resolve("distance"), NumaTopology::distances)));
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the NUMA topology under " + root, e);
        }
        nodes.sort(Comparator.comparingInt(NumaNode::id));
        return new NumaTopology(root, nodes);
    }

    /**
     * What {@code parser} makes of {@code file} ("" where it cannot be read), or an exception naming the file: a
     * number alone does not say which of a machine's many sysfs files is damaged.
     *
     * @throws IllegalArgumentException with the file and what in it is not as the kernel writes it
     */
    private static <T> T parsed(final Path file, final Function<String, T> parser) {
        try {
            return parser.apply(readOr(file, ""));
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the NUMA topology from " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The id of a folder named as the kernel names nodes ({@code node0}, {@code node12}), or -1 for any other
     * entry: sysfs keeps files such as {@code possible} next to the nodes, and a name the kernel would not write
     * (an id past int, a leading zero that would read as a second node 1) describes no node.
     */
    private static int nodeId(final String name) {
        if (!name.matches("node(0|[1-9]\\d{0,9})")) {
            return -1;
        }
        final long id = Long.parseLong(name.substring("node".length()));
        return id <= Integer.MAX_VALUE ? (int) id : -1;
    }

    /** Whether the kernel reports NUMA nodes at all. */
    public boolean supported() {
        return !nodes.isEmpty();
    }

    /** The node ids, in order. */
    public List<Integer> nodeIds() {
        return nodes.stream().map(NumaNode::id).toList();
    }

    /**
     * The node {@code id}.
     *
     * @throws IllegalArgumentException naming the nodes that exist if it does not
     */
    public NumaNode node(final int id) {
        return nodes.stream().filter(n -> n.id() == id).findFirst().orElseThrow(() ->
                new IllegalArgumentException(supported()
                        ? "NUMA node " + id + " does not exist; this machine has node(s) " + nodeIds()
                        : "NUMA node " + id + " does not exist: " + root + " lists no NUMA nodes"
                                + " (not Linux, or a kernel without NUMA support)"));
    }

    /** The node whose CPU list holds {@code cpu}, or -1. */
    public int nodeOfCpu(final int cpu) {
        return nodes.stream().filter(n -> n.cpus().contains(cpu)).mapToInt(NumaNode::id).findFirst().orElse(-1);
    }

    /** A few lines for people: every node with its CPUs, memory and distances. */
    public String describe() {
        if (!supported()) {
            return "no NUMA nodes under " + root + " (not Linux, or a kernel without NUMA support)\n";
        }
        final StringBuilder out = new StringBuilder();
        out.append(nodes.size()).append(nodes.size() == 1 ? " NUMA node" : " NUMA nodes").append(" (from ")
                .append(root).append(")\n");
        for (final NumaNode node : nodes) {
            out.append(String.format(Locale.ROOT, "node %d: cpus %s, memory %.1f GiB (%.1f GiB free), distances %s%n",
                    node.id(), node.cpus(), node.totalBytes() / (double) (1L << 30),
                    node.freeBytes() / (double) (1L << 30), node.distances()));
        }
        return out.toString();
    }

    private static long meminfo(final String text, final String field) {
        // Lines read "Node 0 MemTotal:       24576000 kB".
        for (final String line : text.split("\n")) {
            final String[] words = line.strip().split("\\s+");
            if (words.length >= 4 && words[2].equals(field + ":")) {
                return Long.parseLong(words[3]) * 1024;
            }
        }
        return 0;
    }

    private static List<Integer> distances(final String text) {
        final List<Integer> distances = new ArrayList<>();
        for (final String word : text.strip().split("\\s+")) {
            if (!word.isEmpty()) {
                distances.add(Integer.parseInt(word));
            }
        }
        return distances;
    }

    private static String readOr(final Path file, final String fallback) {
        try {
            return Files.isReadable(file) ? Files.readString(file) : fallback;
        } catch (final IOException e) {
            return fallback;
        }
    }
}
