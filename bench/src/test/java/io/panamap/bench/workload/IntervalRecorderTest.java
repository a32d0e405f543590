package io.panamap.bench.workload;

import io.panamap.bench.result.HistogramFiles;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntervalRecorderTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void latenciesShouldLandInTheIntervalOfTheirEndTimeAndInTheTotal() {
        final IntervalRecorder recorder = new IntervalRecorder(10 * SECOND);
        recorder.start(0);
        recorder.record(100, 10);
        recorder.record(200, SECOND - 1);
        recorder.record(5_000, SECOND);          // the second interval starts exactly here
        recorder.record(7_000_000, 3 * SECOND + 5); // a gap: intervals 2 and 3 stay empty
        final List<Histogram> intervals = recorder.intervals(4 * SECOND);

        assertEquals(4, intervals.size());
        assertEquals(2, intervals.get(0).getTotalCount());
        assertEquals(1, intervals.get(1).getTotalCount());
        assertEquals(0, intervals.get(2).getTotalCount());
        assertEquals(1, intervals.get(3).getTotalCount());
        assertEquals(4, recorder.total().getTotalCount());
        assertTrue(recorder.total().valuesAreEquivalent(7_000_000, recorder.total().getMaxValue()));
        assertEquals(intervals.get(0).getEndTimeStamp(), intervals.get(1).getStartTimeStamp());
    }

    @Test
    void aPassLongerThanItsIntervalsShouldFoldTheRestIntoTheLastOne() {
        final IntervalRecorder recorder = new IntervalRecorder(0);
        recorder.start(0);
        for (int second = 0; second < 100; second++) {
            recorder.record(1_000, second * SECOND);
        }
        final List<Histogram> intervals = recorder.intervals(100 * SECOND);
        long counted = 0;
        for (final Histogram interval : intervals) {
            counted += interval.getTotalCount();
        }
        assertEquals(100, counted, "nothing lost");
        assertTrue(intervals.getLast().getTotalCount() > 1, "the last interval absorbed the overflow");
        // ... and its end time stamp says so: the log spans the whole 100 s pass, not its intervals' 2 s.
        assertEquals(100_000, intervals.getLast().getEndTimeStamp() - intervals.getFirst().getStartTimeStamp());
    }

    @Test
    void aPrimingRecorderShouldMoveToItsNextIntervalWithinAFewHundredOperations() {
        // So that priming calls of a few hundred operations compile the move to a next interval (see forPriming).
        final IntervalRecorder recorder = IntervalRecorder.forPriming();
        recorder.start(0);
        for (int operation = 0; operation < 200; operation++) {
            recorder.record(100, operation * 200L); // 200 ns apart: 40 us in all
        }
        final List<Histogram> intervals = recorder.intervals(40_000);
        assertEquals(2, intervals.size(), "it moved on, and the rest folded into its last interval");
        assertEquals(IntervalRecorder.PRIMING_INTERVAL_NANOS / 200, intervals.get(0).getTotalCount());
        assertEquals(200, recorder.total().getTotalCount());
    }

    @Test
    void aLongPassShouldGetLongerIntervalsRatherThanTooMany() {
        final IntervalRecorder recorder = new IntervalRecorder(1_000 * SECOND);
        assertTrue(recorder.intervalNanos() > SECOND);
        assertTrue(2_000 * SECOND / recorder.intervalNanos() <= IntervalRecorder.MAX_INTERVALS);
    }

    @Test
    void recordersOfThreadsThatStartedTogetherShouldMergeIntervalByInterval() {
        final IntervalRecorder first = new IntervalRecorder(10 * SECOND);
        final IntervalRecorder second = new IntervalRecorder(10 * SECOND);
        first.start(0);
        second.start(0);
        first.record(100, 10);
        first.record(300, SECOND + 1);
        second.record(200, 20);
        second.record(900_000, 2 * SECOND + 1); // the second thread ran one interval longer

        final IntervalRecorder merged = IntervalRecorder.merge(List.of(first, second));
        assertEquals(4, merged.total().getTotalCount());
        assertTrue(merged.total().valuesAreEquivalent(900_000, merged.total().getMaxValue()));
        final List<Histogram> intervals = merged.intervals(3 * SECOND);
        assertEquals(List.of(2L, 1L, 1L), intervals.stream().map(Histogram::getTotalCount).toList());
        assertEquals(2, first.total().getTotalCount(), "the parts are left as they were");

        final IntervalRecorder late = new IntervalRecorder(10 * SECOND);
        late.start(5);
        assertThrows(IllegalArgumentException.class, () -> IntervalRecorder.merge(List.of(first, late)));
        final IntervalRecorder longer = new IntervalRecorder(1_000 * SECOND);
        longer.start(0);
        assertThrows(IllegalArgumentException.class, () -> IntervalRecorder.merge(List.of(first, longer)));
    }

    @Test
    void startNowShouldReadTheClockOnlyOnceItHasClearedItsHistograms() {
        // 64 intervals: some 14 MB of counts to clear, milliseconds, against nanoseconds for reading the clock.
        final IntervalRecorder recorder = new IntervalRecorder(1_000 * SECOND);
        recorder.start(0);
        recorder.record(1_000, 1);
        for (int attempt = 0; attempt < 5; attempt++) {
            final long before = System.nanoTime();
            final long start = recorder.startNow();
            final long after = System.nanoTime();
            assertEquals(0, recorder.total().getTotalCount(), "cleared");
            assertTrue(start - before > after - start, "the clock read after the clearing, not before: "
                    + (start - before) + " ns before it, " + (after - start) + " ns after");
        }
        recorder.record(2_000, System.nanoTime());
        assertEquals(1, recorder.total().getTotalCount());
    }

    @Test
    void intervalsShouldBeStampedWithTheWallClockTimeOfTheirPassAndTheLastOneEndWhenThePassDid() {
        // An interval log is read against GC logs and other clocks: its times must be the pass's, in epoch ms.
        final IntervalRecorder recorder = new IntervalRecorder(10 * SECOND);
        final long before = System.currentTimeMillis();
        recorder.start(0);
        final long after = System.currentTimeMillis();
        recorder.record(100, SECOND / 2);
        recorder.record(200, SECOND + SECOND / 5);
        final List<Histogram> intervals = recorder.intervals(SECOND + SECOND / 2);

        assertEquals(2, intervals.size());
        final long start = intervals.getFirst().getStartTimeStamp();
        assertTrue(start >= before && start <= after, start + " should be within " + before + ".." + after);
        assertEquals(start + 1_000, intervals.getFirst().getEndTimeStamp());
        assertEquals(start + 1_000, intervals.getLast().getStartTimeStamp());
        assertEquals(start + 1_500, intervals.getLast().getEndTimeStamp(), "the pass ended 1.5 s in, not 2 s");
    }

    @Test
    void aMergedRecorderShouldKeepTheWallClockStartOfItsParts() throws InterruptedException {
        final IntervalRecorder first = new IntervalRecorder(10 * SECOND);
        final IntervalRecorder second = new IntervalRecorder(10 * SECOND);
        first.start(0);
        Thread.sleep(5); // so that the parts' wall-clock starts differ and the merge's shows which it kept
        second.start(0);
        first.record(100, 10);
        second.record(200, 20);
        final long firstStart = first.intervals(SECOND).getFirst().getStartTimeStamp();
        assertNotEquals(firstStart, second.intervals(SECOND).getFirst().getStartTimeStamp(), "test premise");

        final List<Histogram> merged = IntervalRecorder.merge(List.of(first, second)).intervals(SECOND);

        assertEquals(firstStart, merged.getFirst().getStartTimeStamp());
        assertEquals(firstStart + 1_000, merged.getFirst().getEndTimeStamp());
    }

    @Test
    void aThreadThatRanSeveralIntervalsLongerShouldBringThemAllIntoTheMerge() {
        final IntervalRecorder first = new IntervalRecorder(10 * SECOND);
        final IntervalRecorder second = new IntervalRecorder(10 * SECOND);
        first.start(0);
        second.start(0);
        first.record(100, 10);
        second.record(200, 20);
        second.record(300, 3 * SECOND + 1); // three intervals past the first thread's last

        final List<Histogram> intervals = IntervalRecorder.merge(List.of(first, second)).intervals(4 * SECOND);

        assertEquals(List.of(2L, 0L, 0L, 1L), intervals.stream().map(Histogram::getTotalCount).toList());
    }

    @Test
    void aRestartedRecorderShouldKeepNothingOfItsPreviousPass() {
        // Priming reuses one recorder call after call: what an earlier call left must not reach the next one.
        final IntervalRecorder recorder = new IntervalRecorder(10 * SECOND);
        recorder.start(0);
        recorder.record(100, 10);
        recorder.record(200, SECOND + 10);
        recorder.record(300, 2 * SECOND + 10);

        recorder.start(100 * SECOND);
        recorder.record(5_000, 100 * SECOND + 10);
        final List<Histogram> intervals = recorder.intervals(100 * SECOND + 20);

        assertEquals(1, intervals.size(), "the new pass is in its first interval");
        assertEquals(1, intervals.getFirst().getTotalCount());
        assertTrue(intervals.getFirst().valuesAreEquivalent(5_000, intervals.getFirst().getMaxValue()));
        assertEquals(1, recorder.total().getTotalCount());
    }

    @Test
    void anIntervalLogShouldReadBackAsTheTotal(@TempDir final Path dir) throws Exception {
        final IntervalRecorder recorder = new IntervalRecorder(5 * SECOND);
        recorder.startNow();
        final long start = System.nanoTime();
        for (int i = 1; i <= 1_000; i++) {
            recorder.record(i * 1_000L, start + i * 3_000_000L); // 3 s in all: three intervals
        }
        final Path log = HistogramFiles.writeLog(dir, "grow-x-run1-put", recorder.intervals(start + 3 * SECOND));
        assertTrue(Files.readString(log).contains("#[Histogram log format version"), "HdrHistogram's log header");
        final Histogram back = HistogramFiles.readLog(log);
        assertEquals(1_000, back.getTotalCount());
        assertEquals(recorder.total().getValueAtPercentile(99.0), back.getValueAtPercentile(99.0));
        assertEquals(recorder.total().getMaxValue(), back.getMaxValue());
    }
}
