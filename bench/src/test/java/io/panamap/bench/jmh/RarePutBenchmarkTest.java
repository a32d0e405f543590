package io.panamap.bench.jmh;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RarePutBenchmarkTest {

    /** Each kind of put, called as JMH would on a small table: its set-up and tear-down checks hold. */
    @Test
    void everyKindOfPutShouldBeTheOneItsNameSays() throws Exception {
        final String[] kinds = RarePutBenchmark.class.getField("put").getAnnotation(Param.class).value();
        assertEquals(Arrays.stream(RarePutBenchmark.RarePut.values()).map(Enum::name).toList(), Arrays.asList(kinds));
        for (final String kind : kinds) {
            for (final int logBuckets : new int[] {14, 15}) {
                final RarePutBenchmark benchmark = new RarePutBenchmark();
                benchmark.put = kind;
                benchmark.logBuckets = logBuckets;
                benchmark.drawKeys();
                for (int shot = 0; shot < 3; shot++) {
                    benchmark.fillToJustBefore();
                    benchmark.rarePut();
                    benchmark.checkAndClose();
                }
            }
        }
    }

    /** The tear-down check can fail: a put that does not start a growth is refused as a "startsGrowth" shot. */
    @Test
    void aPutThatIsNotTheRareOneShouldFailTheRun() throws Exception {
        final RarePutBenchmark benchmark = new RarePutBenchmark();
        benchmark.put = "ordinary";
        benchmark.logBuckets = 14;
        benchmark.drawKeys();
        benchmark.fillToJustBefore();
        benchmark.rarePut();
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> RarePutBenchmark.RarePut.startsGrowth.checkAfter(benchmarkStats(benchmark), 14));
        assertTrue(refused.getMessage().contains("a doubling started"), refused.getMessage());
        benchmark.checkAndClose();
    }

    /** A table size the benchmark cannot build is refused with the range, before any key is drawn. */
    @Test
    void aLogBucketsOutsideTheRangeShouldBeRefusedClearly() {
        for (final int logBuckets : new int[] {0, 13, 28, -1}) {
            final RarePutBenchmark benchmark = new RarePutBenchmark();
            benchmark.put = "startsGrowth";
            benchmark.logBuckets = logBuckets;
            final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, benchmark::drawKeys);
            assertTrue(refused.getMessage().contains("between 14 and 27") && refused.getMessage().contains("not " + logBuckets),
                    refused.getMessage());
        }
    }

    private static io.panamap.MapStats benchmarkStats(final RarePutBenchmark benchmark) throws Exception {
        final java.lang.reflect.Field map = RarePutBenchmark.class.getDeclaredField("map");
        map.setAccessible(true);
        return ((io.panamap.LongLongMap) map.get(benchmark)).stats();
    }
}
