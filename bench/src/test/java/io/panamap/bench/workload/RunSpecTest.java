package io.panamap.bench.workload;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How many rounds and timed gets the {@code get} workload runs. */
class RunSpecTest {

    private static final long SECOND = 1_000_000_000L;

    private static RunSpec spec(final int n, final int maxRounds) {
        return new RunSpec(n, 1, 0, maxRounds, 0, 1_000, SECOND, 2, line -> { }, new Recordings() {
            @Override
            public void histogram(final String name, final Histogram histogram) {
            }

            @Override
            public void intervals(final String name, final IntervalRecorder recorder, final long endNanos) {
            }
        });
    }

    @Test
    void aMapWithShortRoundsShouldGetEveryRound() {
        assertEquals(3, spec(10_000_000, 3).timedGetRoundsAfter(SECOND / 2));
        assertEquals(3, spec(10_000_000, 3).timedGetRoundsAfter(2 * SECOND));
        assertEquals(3, spec(10, 3).timedGetRoundsAfter(0));
    }

    @Test
    void aMapWhoseRoundTakesSecondsShouldGetAsManyRoundsAsFitInTheBudget() {
        assertEquals(2, spec(10_000_000, 3).timedGetRoundsAfter(RunSpec.TIMED_GET_ROUNDS_BUDGET_NANOS / 2));
        assertEquals(1, spec(10_000_000, 3).timedGetRoundsAfter(RunSpec.TIMED_GET_ROUNDS_BUDGET_NANOS / 2 + 1));
    }

    @Test
    void aMapWhoseRoundOutlastsTheBudgetShouldStillGetOneRound() {
        assertEquals(1, spec(10_000_000, 3).timedGetRoundsAfter(10 * RunSpec.TIMED_GET_ROUNDS_BUDGET_NANOS));
    }

    @Test
    void theNoiseFloorShouldLastAsLongAsThePassWithinItsBounds() {
        final RunSpec spec = new RunSpec(10, 1, 2 * SECOND, 3, 0, 1_000, SECOND, 2, line -> { }, spec(10, 3).recordings());
        assertEquals(2 * SECOND, spec.noiseFloorNanosFor(SECOND / 2), "at least the minimum");
        assertEquals(3 * SECOND, spec.noiseFloorNanosFor(3 * SECOND), "as long as the pass");
        assertEquals(RunSpec.NOISE_FLOOR_MAX_NANOS, spec.noiseFloorNanosFor(9 * SECOND), "at most the cap");
    }

    @Test
    void theLatencySampleShouldBeTheFirstTwoMillionGetsOrAllOfASmallerMap() {
        assertEquals(RunSpec.LATENCY_SAMPLE_GETS, spec(10_000_000, 3).latencySampleGets());
        assertEquals(1_000, spec(1_000, 3).latencySampleGets());
    }
}
