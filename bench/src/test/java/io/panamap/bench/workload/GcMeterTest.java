package io.panamap.bench.workload;

import io.panamap.bench.result.GcDelta;
import org.junit.jupiter.api.Test;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A meter counts the collections between its start and its stop, not the JVM's collections so far. */
class GcMeterTest {

    private static long collectionsSinceTheJvmStarted() {
        long total = 0;
        for (final GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, collector.getCollectionCount());
        }
        return total;
    }

    @Test
    void aMeterShouldCountOnlyTheCollectionsAfterItStarted() {
        System.gc(); // at least one collection the meter must leave out
        final GcMeter meter = GcMeter.start();
        System.gc();
        final GcDelta delta = meter.stop();
        final long total = collectionsSinceTheJvmStarted();
        assertTrue(delta.count() >= 1, "the full GC in between: " + delta);
        assertTrue(delta.count() < total, "not the " + total + " collections since the JVM started: " + delta);
        assertTrue(delta.millis() >= 0, delta::toString);
    }
}
