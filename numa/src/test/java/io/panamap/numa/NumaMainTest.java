package io.panamap.numa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What {@code ./panamap numa} says of the CPUs and nodes this process may use, beside the machine's topology. */
class NumaMainTest {

    @Test
    void theProcessLineShouldNameTheCpusAndNodesAContainerAllows() {
        assertEquals("this process may run on cpus [4, 5] and place memory on node(s) [1]\n",
                NumaMain.allowed(List.of(4, 5), List.of(1)));
        assertEquals("this process may run on cpus [0]\n", NumaMain.allowed(List.of(0), null),
                "where the kernel does not say which nodes, nothing is claimed");
    }

    @Test
    void theNodesShouldBeReadFromTheProcessStatusAsLinuxWritesIt(@TempDir final Path folder) throws IOException {
        final Path status = folder.resolve("status");
        Files.writeString(status, "Name:\tjava\nCpus_allowed_list:\t0-3\nMems_allowed:\t00000000,00000005\n"
                + "Mems_allowed_list:\t0,2\nvoluntary_ctxt_switches:\t1\n");
        assertEquals(List.of(0, 2), NumaMain.memsAllowed(status));
        Files.writeString(status, "Name:\tjava\n");
        assertNull(NumaMain.memsAllowed(status));
        assertNull(NumaMain.memsAllowed(folder.resolve("missing")));
    }

    /** Bit n of word n / 64 is CPU n, past the first word too. */
    @Test
    void aCpuMaskShouldListItsCpusInOrder() {
        assertEquals(List.of(0, 3, 64, 127), NumaMain.cpusOf(new long[] {0b1001, 1L | 1L << 63}));
        assertEquals(List.of(), NumaMain.cpusOf(new long[2]));
    }
}
