package io.panamap.bench.report;

import io.panamap.bench.workload.GcMeter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the machine and JVM are, for the report's header: a figure holds only "on this machine".
 *
 * @param cpu       CPU model name
 * @param cores     processors available to the JVM
 * @param memory    total memory in bytes, or -1 if unknown
 * @param kernel    kernel release
 * @param thp       transparent huge page mode ({@code madvise}, {@code always}, {@code never}) or "unknown"
 * @param jdk       JDK version and VM
 * @param collector the garbage collectors of this JVM (the children use the same flags, so the same ones)
 */
public record MachineInfo(String cpu, int cores, long memory, String kernel, String thp, String jdk,
                          String collector) {

    private static final Pattern THP_SELECTED = Pattern.compile("\\[(\\w+)]");

    /** This machine and this JVM, as far as Linux's /proc and /sys tell; "unknown" where they do not. */
    public static MachineInfo detect() {
        final String cpu = lines("/proc/cpuinfo").stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst()
                .orElse(System.getProperty("os.arch"));
        final long memory = memTotalBytes(lines("/proc/meminfo"));
        final String kernel = firstLine("/proc/sys/kernel/osrelease").orElse(System.getProperty("os.version"));
        final String thp = firstLine("/sys/kernel/mm/transparent_hugepage/enabled").map(MachineInfo::thpMode)
                .orElse("unknown");
        final String jdk = System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name")
                + ", " + System.getProperty("java.vm.vendor") + ")";
        return new MachineInfo(cpu, Runtime.getRuntime().availableProcessors(), memory, kernel, thp, jdk,
                GcMeter.collectorNames());
    }

    /** One line: "CPU, N cores, M GiB, kernel K, THP T". */
    public String summary() {
        return cpu + ", " + cores + " cores, " + (memory < 0 ? "unknown memory" : Format.gib(memory))
                + ", kernel " + kernel + ", transparent huge pages: " + thp;
    }

    /** The total memory that the lines of /proc/meminfo give, in bytes (its "kB" are 1024 bytes), or -1. */
    static long memTotalBytes(final List<String> meminfo) {
        return meminfo.stream().filter(l -> l.startsWith("MemTotal:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024).findFirst().orElse(-1L);
    }

    /** The selected mode of a transparent_hugepage/enabled line ({@code always [madvise] never}), else the line. */
    static String thpMode(final String line) {
        final Matcher m = THP_SELECTED.matcher(line);
        return m.find() ? m.group(1) : line;
    }

    private static List<String> lines(final String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (final IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static Optional<String> firstLine(final String file) {
        return lines(file).stream().findFirst().map(String::strip);
    }
}
