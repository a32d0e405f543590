package io.panamap.bench.contender;

import io.panamap.bench.workload.Keys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every adapter the harness and the JMH benchmarks drive must do what their checks assume. */
class BenchMapTest {

    private static final int ENTRIES = 5_000;

    /** Every contender with a map for one thread that runs in this JVM: one with JVM flags of its own runs only in its child. */
    static List<String> contenders() {
        return Contenders.all().stream().filter(c -> c.jvmFlags().isEmpty() && c.hasLongMap())
                .map(Contender::name).toList();
    }

    @ParameterizedTest
    @MethodSource("contenders")
    void shouldGetRemoveAndWalkWhatWasPutThroughGrowths(final String name) {
        final long[] keys = Keys.random(ENTRIES, 7);
        try (BenchMap map = Contenders.byName(name).create(ENTRIES)) {
            for (final long key : keys) {
                map.put(key, Keys.valueFor(key));
            }
            assertEquals(ENTRIES, map.size());
            for (final long key : keys) {
                assertEquals(Keys.valueFor(key), map.get(key));
            }

            long expectedSum = Keys.checksum(keys);
            for (final long key : keys) {
                expectedSum += key;
            }
            assertEquals(expectedSum, map.sumEntries());
            assertEquals(expectedSum, map.sumEntries(), "a second walk (panamap: the reused cursor)");

            assertEquals(Keys.valueFor(keys[0]), map.remove(keys[0]));
            assertEquals(ENTRIES - 1, map.size());
            assertEquals(expectedSum - keys[0] - Keys.valueFor(keys[0]), map.sumEntries());
        }
    }

    @Test
    void aContenderWithoutASingleThreadedMapShouldSaySoWhenAskedForOne() {
        final Contender sharded = Contenders.byName("panamap-sharded");
        assertFalse(sharded.hasLongMap());
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> sharded.create(10));
        assertTrue(e.getMessage().contains("panamap-sharded has no single-threaded map"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Contender("none", "no map", true, List.of(), null,
                null, null));
    }

    @Test
    void theDefaultRunShouldLeaveOutOnlyTheDiagnosticVariants() {
        assertTrue(Contenders.names().containsAll(Contenders.defaultNames()));
        assertEquals(Contenders.names().size(), Contenders.defaultNames().size() + Contenders.diagnosticNames().size());
        assertTrue(Contenders.defaultNames().contains("chronicle-presized"));
    }

    @Test
    void shouldNameTheKnownContendersWhenAskedForAnUnknownOne() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Contenders.byName("redis"));
        assertTrue(e.getMessage().startsWith("unknown contender 'redis'; known: panamap, "), e.getMessage());
    }
}
