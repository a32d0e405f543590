package io.panamap.bench.jmh;

import io.panamap.bench.contender.ChronicleJvmFlags;
import io.panamap.bench.contender.Contenders;
import io.panamap.bench.workload.StringKeys;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StringMapBenchmarkTest {

    /** JMH takes fork flags only as constants; a flag added to Chronicle's list must reach its forks too. */
    @Test
    void everyForkShouldGetEveryFlagChronicleMapNeeds() {
        final Fork fork = StringMapBenchmark.class.getAnnotation(Fork.class);
        assertEquals(ChronicleJvmFlags.ALL, List.of(fork.jvmArgsAppend()));
        assertEquals(MapBenchmark.FORKS, fork.value());
    }

    /** The map parameters name contenders that have a string map, so no fork fails on an unknown one. */
    @Test
    void theMapParametersShouldNameStringContenders() throws NoSuchFieldException {
        for (final Class<?> benchmark : List.of(GetStringBenchmark.class, PutStringBenchmark.class)) {
            final String[] maps = benchmark.getField("map").getAnnotation(Param.class).value();
            assertTrue(Contenders.stringNames().containsAll(Arrays.asList(maps)), benchmark + ": " + List.of(maps));
            assertTrue(Arrays.asList(maps).containsAll(List.of("panamap", "hashmap", "chronicle-presized")));
        }
    }

    /**
     * The steps benchmark must time hits: a lookup by bytes that missed (an encoding unlike the map's) would
     * time the miss path and make the subtraction between steps meaningless.
     */
    @Test
    void everyStepOfTheLookupBenchmarkShouldFindItsKeyAndTheGetReturnItsRecord() {
        final StringLookupStepsBenchmark steps = new StringLookupStepsBenchmark();
        steps.setUp();
        try {
            final int[] order = StringKeys.shuffledIndexes(1_000, StringMapBenchmark.SEED + 1);
            for (int i = 0; i < 1_000; i++) {
                assertTrue(steps.containsEncodedKey(), "by bytes, lookup " + i);
            }
            for (int i = 0; i < 1_000; i++) {
                assertTrue(steps.containsKey(), "by String, lookup " + i);
            }
            for (int i = 0; i < 1_000; i++) {
                assertEquals(StringKeys.expectedGet(order[i]), steps.copyValue(), "get " + i);
            }
        } finally {
            steps.tearDown();
        }
    }
}
