package io.panamap.nativetests;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM's one-time costs are paid when its first table is created, not by an insert. Before this was so,
 * the insert that started the first growth in a JVM took about 70 ms: initializing the first Flight Recorder
 * event class loaded some 300 of the recorder's own classes, recording or not; the same insert also started
 * the memory worker's thread.
 */
class FirstGrowthTest {

    @Test
    void theFirstGrowthsOfAJvmsFirstTableShouldNeitherLoadTheFlightRecorderNorStartTheMemoryWorker() throws Exception {
        final ForkedJvm.Result result = ForkedJvm.run(FirstGrowthMain.class,
                List.of("-Xlog:class+load=info:stdout"), List.of(), 60);
        final String output = result.output();
        assertEquals(0, result.exitCode(), output);
        assertEquals(1_000, result.value("GROWN", "size"));
        assertEquals(8, result.value("GROWN", "doublings"), "1,000 keys take a table from B = 0 to B = 8");

        final List<String> lines = output.lines().toList();
        final int constructed = indexOfLineStartingWith(lines, "CONSTRUCTED ");
        final int grown = indexOfLineStartingWith(lines, "GROWN ");
        assertTrue(lines.get(constructed).contains("workerRunning=true"),
                "the memory worker should run once a table exists: " + lines.get(constructed));
        // Sanity check of the log itself: the table's own classes are loaded, and logged, before the marker.
        assertTrue(lines.subList(0, constructed).stream().anyMatch(line -> line.contains(" io.panamap.HashTable ")),
                "class loading is not logged as expected:\n" + output);
        final List<String> loadedDuringGrowths = lines.subList(constructed + 1, grown).stream()
                .filter(line -> line.contains("jdk.jfr") || line.contains("io.panamap.memory.MemoryWorker "))
                .toList();
        assertEquals(List.of(), loadedDuringGrowths, "loaded by the first growths' inserts");
    }

    private static int indexOfLineStartingWith(final List<String> lines, final String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starting with '" + prefix + "' in:\n" + String.join("\n", lines));
    }
}
