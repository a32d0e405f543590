package io.panamap.bench.contender;

import io.panamap.bench.workload.StringKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every string-key adapter must do what the string workloads' checks assume, and the same work (see
 * {@link StringBenchMap}). Chronicle Map needs JVM flags of its own, so it is checked in its child JVM
 * ({@code ChildLauncherTest}).
 */
class StringBenchMapTest {

    private static final int ENTRIES = 5_000;

    /** The contenders with a string map that run in this JVM. */
    static List<String> contenders() {
        return Contenders.all().stream().filter(c -> c.hasStringMaps() && c.jvmFlags().isEmpty())
                .map(Contender::name).toList();
    }

    @ParameterizedTest
    @MethodSource("contenders")
    void shouldGetEveryRecordThatWasPutThroughGrowthsByAnEqualString(final String name) {
        final String[] keys = StringKeys.ids(ENTRIES, 7);
        final byte[] record = new byte[StringBenchMap.VALUE_SIZE];
        try (StringBenchMap map = Contenders.byName(name).createStringMap(ENTRIES)) {
            for (int i = 0; i < ENTRIES; i++) {
                StringKeys.fillRecord(i, record);
                map.put(keys[i], record);
            }
            assertEquals(ENTRIES, map.size());
            for (int i = 0; i < ENTRIES; i++) {
                assertEquals(StringKeys.expectedGet(i), map.get(new String(keys[i].toCharArray())), keys[i]);
            }
            assertEquals(0, map.get("ORD-not-a-key"), "an absent key");
        }
    }

    @ParameterizedTest
    @MethodSource("contenders")
    void aPutShouldCopyTheRecordSoThatTheCallerMayReuseItsArray(final String name) {
        final byte[] record = new byte[StringBenchMap.VALUE_SIZE];
        try (StringBenchMap map = Contenders.byName(name).createStringMap(2)) {
            StringKeys.fillRecord(1, record);
            map.put("ORD-0000000000001", record);
            StringKeys.fillRecord(2, record);
            map.put("ORD-0000000000002", record);
            assertEquals(StringKeys.expectedGet(1), map.get("ORD-0000000000001"));
            assertEquals(StringKeys.expectedGet(2), map.get("ORD-0000000000002"));

            StringKeys.fillRecord(3, record);
            map.put("ORD-0000000000001", record);
            assertEquals(StringKeys.expectedGet(3), map.get("ORD-0000000000001"), "a put replaces the record");
            assertEquals(2, map.size());
        }
    }

    @Test
    void theStringContendersShouldBePanamapBothWaysHashMapAndChronicleMap() {
        assertEquals(List.of("panamap", "panamap-presized", "hashmap", "chronicle-presized"),
                Contenders.stringNames());
        assertTrue(Contenders.byName("chronicle-presized").hasStringMaps());
        assertFalse(Contenders.byName("fastutil").hasStringMaps());
        final IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Contenders.byName("fastutil").createStringMap(1));
        assertTrue(e.getMessage().contains("fastutil has no map for string keys"), e.getMessage());
    }
}
