package io.panamap.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * How much more memory this process can make resident before the kernel's OOM killer steps in: the machine's
 * {@code MemAvailable}, and the headroom of every memory cgroup the process sits in (a container's limit
 * minus its usage, at each level up to the root), whichever is least. Read from {@code /proc} and
 * {@code /sys/fs/cgroup} (cgroup v1 and v2); {@link Long#MAX_VALUE} where none of them can be read.
 *
 * <p>Why a table cares: pre-faulting a bucket array ({@code MADV_POPULATE_WRITE}) makes all of it resident
 * at once. For an array the process cannot hold (a table presized far beyond the machine, or its next
 * doubling on a nearly full one), that does not fail with an error: the OOM killer ends the whole JVM. Left
 * to fault in lazily, the array only takes what the inserts touch, as a growing table's does.
 */
public final class MemoryLimits {

    /**
     * Arrays shorter than this are pre-faulted whatever the figures say: they cannot bring on the OOM killer by
     * themselves, and the small tables' frequent doublings need not read /proc each time.
     */
    public static final long CHECKED_PREFAULT_BYTES = 64L << 20;

    /**
     * Where the cgroup file systems are mounted on Linux: v2's tree itself, or one folder per v1 controller (a
     * hybrid layout's v2 tree, under {@code unified}, has no memory controller, so looking for v2 files here
     * finds none and changes nothing).
     */
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
    /** cgroup v1's "no limit" is the largest long aligned to the page size; this covers pages up to 64 KiB. */
    private static final long V1_UNLIMITED = Long.MAX_VALUE & -65536L;

    private MemoryLimits() {
    }

    /**
     * Whether to fault {@code bytes} in at once: yes under {@link #CHECKED_PREFAULT_BYTES}, otherwise only if the
     * process could hold them twice over ({@link #availableBytes}), so that a pre-fault never takes the last of
     * what the machine or the process's cgroup has.
     */
    public static boolean canPrefault(final long bytes) {
        return canPrefault(bytes, MemoryLimits::availableBytes);
    }

    /** {@link #canPrefault(long)}, with what the process can still make resident from {@code available}. */
    public static boolean canPrefault(final long bytes, final LongSupplier available) {
        return bytes < CHECKED_PREFAULT_BYTES || bytes <= available.getAsLong() / 2;
    }

    /** Bytes this process can still make resident, as far as the system says; {@link Long#MAX_VALUE} if unknown. */
    public static long availableBytes() {
        long available = Long.MAX_VALUE;
        try {
            available = memAvailable(Files.readAllLines(Path.of("/proc/meminfo")));
        } catch (final IOException | RuntimeException e) { // not Linux, or no /proc: no figure
        }
        try {
            available = Math.min(available, cgroupHeadroom(Files.readAllLines(Path.of("/proc/self/cgroup")),
                    CGROUP_ROOT));
        } catch (final IOException | RuntimeException e) { // no cgroup information: no limit known
        }
        return available;
    }

    /** {@code MemAvailable} of a {@code /proc/meminfo}, in bytes; {@link Long#MAX_VALUE} if it has none. */
    static long memAvailable(final List<String> meminfo) {
        for (final String line : meminfo) {
            if (line.startsWith("MemAvailable:")) {
                final String[] fields = line.substring("MemAvailable:".length()).trim().split("\\s+");
                return Long.parseLong(fields[0]) * (fields.length > 1 && fields[1].equals("kB") ? 1024 : 1);
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * The least headroom (limit minus working set) of the memory cgroups named in {@code procSelfCgroup} (the
     * lines of {@code /proc/self/cgroup}) and of their ancestors, under {@code root}; {@link Long#MAX_VALUE} if
     * none has a limit. A cgroup v2 line is {@code 0::/path}, with {@code memory.max}, {@code memory.current}
     * and {@code memory.stat}; a v1 line names the memory controller, {@code 4:memory:/path}, with
     * {@code memory.limit_in_bytes}, {@code memory.usage_in_bytes} and {@code memory.stat} under the folder
     * named by its controllers ({@code root/memory}, or e.g. {@code root/cpu,memory} where they share a mount).
     * In a container the process's own cgroup is usually the root of what it sees, so the files at the mount's
     * top are read too.
     */
    static long cgroupHeadroom(final List<String> procSelfCgroup, final Path root) {
        long headroom = Long.MAX_VALUE;
        for (final String line : procSelfCgroup) {
            try {
                headroom = Math.min(headroom, headroomOfLine(line, root));
            } catch (final RuntimeException e) { // a line this cannot read (a path the file system refuses)
            }
        }
        return headroom;
    }

    /** The headroom of the memory cgroup one line of {@code /proc/self/cgroup} names, if it names one. */
    private static long headroomOfLine(final String line, final Path root) {
        final String[] parts = line.split(":", 3);
        if (parts.length != 3) {
            return Long.MAX_VALUE;
        }
        if (parts[0].equals("0") && parts[1].isEmpty()) {
            return headroomUpTo(root, parts[2], "memory.max", "memory.current", "inactive_file");
        }
        if (!List.of(parts[1].split(",")).contains("memory")) {
            return Long.MAX_VALUE;
        }
        final Path shared = root.resolve(parts[1]);
        return headroomUpTo(Files.isDirectory(shared) ? shared : root.resolve("memory"), parts[2],
                "memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file");
    }

    /** The least headroom of cgroup {@code path} under {@code mount} and of each of its ancestors. */
    private static long headroomUpTo(final Path mount, final String path, final String limitFile,
                                     final String usageFile, final String inactiveFileKey) {
        long headroom = Long.MAX_VALUE;
        Path relative = Path.of(path.startsWith("/") ? path.substring(1) : path);
        while (true) {
            headroom = Math.min(headroom,
                    headroomOf(mount.resolve(relative.toString()), limitFile, usageFile, inactiveFileKey));
            if (relative.toString().isEmpty()) {
                return headroom;
            }
            final Path parent = relative.getParent();
            relative = parent == null ? Path.of("") : parent;
        }
    }

    /**
     * Limit minus working set of one cgroup folder; {@link Long#MAX_VALUE} without a limit or its files. The
     * working set is the usage less the inactive file cache (as the kubelet counts it): a cgroup that has read
     * files sits near its limit with cache the kernel reclaims before it calls the OOM killer.
     */
    private static long headroomOf(final Path cgroup, final String limitFile, final String usageFile,
                                   final String inactiveFileKey) {
        try {
            final String limit = Files.readString(cgroup.resolve(limitFile)).trim();
            if (limit.equals("max")) {
                return Long.MAX_VALUE;
            }
            final long bytes = Long.parseLong(limit);
            if (bytes >= V1_UNLIMITED) {
                return Long.MAX_VALUE;
            }
            final long usage = Long.parseLong(Files.readString(cgroup.resolve(usageFile)).trim());
            final long workingSet = Math.max(0, usage - statField(cgroup.resolve("memory.stat"), inactiveFileKey));
            return Math.max(0, bytes - workingSet);
        } catch (final IOException | RuntimeException e) { // not this cgroup's files: no limit known here
            return Long.MAX_VALUE;
        }
    }

    /** The value of {@code key} in a cgroup's {@code memory.stat}; 0 if the file or the key is missing. */
    private static long statField(final Path stat, final String key) {
        try {
            for (final String line : Files.readAllLines(stat)) {
                if (line.startsWith(key + " ")) {
                    return Long.parseLong(line.substring(key.length() + 1).trim());
                }
            }
        } catch (final IOException | RuntimeException e) { // no statistics: the usage counts in full
        }
        return 0;
    }
}
