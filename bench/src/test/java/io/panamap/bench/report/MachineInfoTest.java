package io.panamap.bench.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The machine line of the report, from what Linux's /proc and /sys say. */
class MachineInfoTest {

    @Test
    void theTotalMemoryShouldBeReadInKibibytes() {
        // /proc/meminfo says "kB" and means 1024 bytes.
        final List<String> meminfo = List.of("MemFree:         1000000 kB", "MemTotal:       25165824 kB",
                "MemAvailable:   20000000 kB");
        assertEquals(24L << 30, MachineInfo.memTotalBytes(meminfo));
        assertEquals(-1, MachineInfo.memTotalBytes(List.of("MemFree:         1000000 kB")));
    }

    @Test
    void theSummaryShouldGiveTheMemoryInGibibytesOrSayItIsUnknown() {
        final long memory = MachineInfo.memTotalBytes(List.of("MemTotal:       24542080 kB"));
        final MachineInfo known = new MachineInfo("CPU", 2, memory, "6.1", "madvise", "25", "G1");
        assertEquals("CPU, 2 cores, 23.4 GiB, kernel 6.1, transparent huge pages: madvise", known.summary());
        final MachineInfo unknown = new MachineInfo("CPU", 2, -1, "6.1", "never", "25", "G1");
        assertEquals("CPU, 2 cores, unknown memory, kernel 6.1, transparent huge pages: never", unknown.summary());
    }

    @Test
    void theTransparentHugePageModeShouldBeTheSelectedOne() {
        assertEquals("madvise", MachineInfo.thpMode("always [madvise] never"));
        assertEquals("never", MachineInfo.thpMode("always madvise [never]"));
        assertEquals("odd", MachineInfo.thpMode("odd"));
    }
}
