package io.panamap.bench.result;

import io.panamap.bench.workload.LatencyHistograms;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which percentile of a histogram lands in which field of the summary the report prints. */
class LatencySummaryTest {

    /**
     * A million latencies in seven steps, each percentile the summary reports falling well inside a step of its
     * own: 100 ns up to p50 and beyond, 200 ns around p90, ..., 600 ns around p99.999, 700 ns the five slowest.
     * Values below 2,048 are exact at 3 significant digits, so every field has one right answer.
     */
    private static Histogram sevenSteps() {
        final Histogram histogram = LatencyHistograms.create();
        histogram.recordValueWithCount(100, 600_000);  // ranks 1 .. 600,000: p50 is rank 500,000
        histogram.recordValueWithCount(200, 350_000);  // .. 950,000: p90 is rank 900,000
        histogram.recordValueWithCount(300, 45_000);   // .. 995,000: p99 is rank 990,000
        histogram.recordValueWithCount(400, 4_500);    // .. 999,500: p99.9 is rank 999,000
        histogram.recordValueWithCount(500, 450);      // .. 999,950: p99.99 is rank 999,900
        histogram.recordValueWithCount(600, 45);       // .. 999,995: p99.999 is rank 999,990
        histogram.recordValueWithCount(700, 5);        // the five slowest
        return histogram;
    }

    @Test
    void everyPercentileShouldLandInItsOwnField() {
        final LatencySummary summary = LatencySummary.of(sevenSteps());
        assertEquals(new LatencySummary(1_000_000, 100, 200, 300, 400, 500, 600, 700), summary);
    }

    @Test
    void maxShouldBeTheSlowestLatencyToTheHistogramsPrecision() {
        final Histogram histogram = LatencyHistograms.create();
        histogram.recordValue(1_000);
        histogram.recordValue(123_456_789); // 123 ms: kept to 3 significant digits, never below the true value
        final LatencySummary summary = LatencySummary.of(histogram);
        assertEquals(2, summary.count());
        assertEquals(histogram.highestEquivalentValue(123_456_789), summary.max());
        assertEquals(1_000, summary.p50());
    }

    @Test
    void aSummaryShouldSurviveItsFieldsUnderTheirNames() {
        final LatencySummary summary = LatencySummary.of(sevenSteps());
        final Fields fields = new Fields();
        summary.writeTo(fields, "put");
        assertEquals("400", fields.string("put.p99_9"));
        assertEquals("500", fields.string("put.p99_99"));
        assertEquals("600", fields.string("put.p99_999"));
        assertEquals(summary, LatencySummary.readFrom(fields, "put"));
    }
}
