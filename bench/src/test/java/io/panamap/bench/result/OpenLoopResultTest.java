package io.panamap.bench.result;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the open loop's "achieved" rate means. */
class OpenLoopResultTest {

    private static OpenLoopResult stream(final long operations, final long rate, final long elapsedNanos) {
        final LatencySummary latencies = new LatencySummary(operations, 1, 1, 1, 1, 1, 1, 1);
        return new OpenLoopResult(operations, rate, elapsedNanos, 0, latencies, 1, 0, new GcDelta(0, 0),
                new NoiseFloor(latencies, 1), "");
    }

    @Test
    void aStreamThatKeptUpShouldAchieveItsRateNotMore() {
        // 1 operation at 1/s, done 2 µs after the start: the schedule is 1 s, not 2 µs (it read 500,000/s).
        assertEquals(1.0, stream(1, 1, 2_000).achievedPerSecond(), 1e-9);
        // 3M operations at 1M/s, the last one (scheduled at 2.999999 s) done 1 µs late.
        assertEquals(1_000_000.0, stream(3_000_000, 1_000_000, 3_000_000_000L).achievedPerSecond(), 1e-6);
    }

    @Test
    void aStreamThatFellBehindShouldAchieveOperationsOverItsWallTime() {
        assertEquals(500_000.0, stream(3_000_000, 1_000_000, 6_000_000_000L).achievedPerSecond(), 1e-6);
    }
}
