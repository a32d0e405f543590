package io.panamap.bench.jmh;

import io.panamap.bench.workload.Keys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The adapters the JMH benchmarks drive must do what each benchmark's checks assume. */
class JmhMapsTest {

    private static final int ENTRIES = 5_000;

    @ParameterizedTest
    @ValueSource(strings = {JmhMaps.PANAMAP, JmhMaps.FASTUTIL, JmhMaps.AGRONA, JmhMaps.ECLIPSE, JmhMaps.HASHMAP})
    void shouldGetRemoveAndWalkWhatWasPutThroughGrowths(final String name) {
        final long[] keys = Keys.random(ENTRIES, 7);
        try (JmhMap map = JmhMaps.create(name)) {
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
            map.settle();
        }
    }

    @Test
    void shouldNameTheKnownMapsWhenAskedForAnUnknownOne() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JmhMaps.create("chronicle"));
        assertEquals("unknown map 'chronicle'; known: panamap, fastutil, agrona, eclipse, hashmap", e.getMessage());
    }
}
