package io.panamap.bench.result;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the get workload's per-run figures are made of: its rounds. */
class GetResultTest {

    private static GetResult rounds(final long... roundNanos) {
        final LatencySummary latencies = new LatencySummary(1, 1, 1, 1, 1, 1, 1, 1);
        return new GetResult(1_000, 1_000, roundNanos, 0, latencies, new GcDelta(0, 0),
                new NoiseFloor(latencies, 1), "");
    }

    @Test
    void anOddNumberOfRoundsShouldTakeTheMiddleOne() {
        assertEquals(45.0, rounds(60_000, 40_000, 45_000).medianNsPerGet(), 1e-9);
    }

    @Test
    void anEvenNumberOfRoundsShouldAverageTheTwoMiddleOnes() {
        // 10, 20, 30, 40 ns per get, out of order: the median is 25, neither middle round alone.
        final GetResult result = rounds(40_000, 10_000, 30_000, 20_000);
        assertEquals(25.0, result.medianNsPerGet(), 1e-9);
        assertEquals(1e9 / 25.0, result.getsPerSecond(), 1e-6);
        assertEquals(10.0, result.bestNsPerGet(), 1e-9);
    }

    @Test
    void aSingleRoundShouldBeItsOwnBestAndMedian() {
        final GetResult result = rounds(33_000);
        assertEquals(33.0, result.medianNsPerGet(), 1e-9);
        assertEquals(33.0, result.bestNsPerGet(), 1e-9);
    }
}
