package io.panamap.bench;

import io.panamap.bench.fork.ChildArgs;
import io.panamap.bench.fork.ChildMain;
import io.panamap.bench.fork.ChildOutput;
import io.panamap.bench.result.GrowResult;
import io.panamap.bench.result.Outcome;
import io.panamap.bench.result.ResultLine;
import io.panamap.bench.workload.Recordings;
import io.panamap.bench.workload.RunSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultLineTest {

    private static final ChildArgs CHILD = new ChildArgs("grow", "panamap", 2, 20_000, 7, 1_000_000, 10_000_000, true, null);

    @Test
    void aGrowOutcomeShouldSurviveTheTripThroughOneLine() {
        final Outcome outcome = SampleResults.ok("grow", "panamap", 2, SampleResults.grow(1_234_567_890L, 262_000_000L,
                8_388_608, "size=10 B=1 growing=yes(doubling 3/4) budget=none allocator=mmap (4 KiB pages) 100%"));
        final String line = ResultLine.encode(outcome);
        assertTrue(line.startsWith(ResultLine.MARKER + " format=2 workload=grow contender=panamap run=2 status=ok"),
                line);
        assertFalse(line.contains("\n"));
        assertEquals(outcome, ResultLine.decode(line));
    }

    @Test
    void aGetOutcomeShouldSurviveTheTripThroughOneLine() {
        final Outcome outcome = SampleResults.ok("get", "fastutil", 1, SampleResults.get(400_000_000L, 390_000_000L,
                410_000_000L, 405_000_000L, 401_000_000L));
        assertEquals(outcome, ResultLine.decode(ResultLine.encode(outcome)));
    }

    @Test
    void anOpenLoopOutcomeShouldSurviveTheTripThroughOneLine() {
        final Outcome outcome = SampleResults.ok("open-loop", "agrona", 1, SampleResults.openLoop(9_000_000, 786_432));
        assertEquals(outcome, ResultLine.decode(ResultLine.encode(outcome)));
    }

    @Test
    void aFailureShouldSurviveTheTripWithItsMessageIntact() {
        final Outcome outcome = Outcome.failed("get", "hashmap", 3,
                "java.lang.OutOfMemoryError: Java heap space\n  key=value | 100% + more");
        final String line = ResultLine.encode(outcome);
        assertFalse(line.contains("\n"));
        assertEquals(outcome, ResultLine.decode(line));
    }

    @Test
    void theParentShouldFindWhatARealChildRunPrintsAmongItsOtherOutput() {
        final RunSpec spec = new RunSpec(CHILD.n(), CHILD.seed(), 0, 2, 20, CHILD.rate(), CHILD.openLoopNanos(),
                line -> { }, Recordings.discard());
        final Outcome printed = ChildMain.run(CHILD, spec);
        assertTrue(printed.ok(), printed::failure);

        final List<String> stdout = List.of("some JVM chatter", ResultLine.encode(printed), "");
        final Outcome parsed = new ChildOutput(0, stdout, List.of()).outcome(CHILD);
        assertEquals(printed, parsed);
    }

    @Test
    void aChildThatDiedWithoutAResultLineShouldBeAFailureNamingTheError() {
        final Outcome outcome = new ChildOutput(1, List.of("chatter"), List.of(
                "grow-hashmap-run1    3.0 s  measuring: timed pass",
                "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space",
                "\tat java.base/java.util.HashMap.resize(HashMap.java:710)",
                "\t... 3 more")).outcome(CHILD);
        assertFalse(outcome.ok());
        assertTrue(outcome.failure().contains("exited with code 1"), outcome.failure());
        assertTrue(outcome.failure().contains("java.lang.OutOfMemoryError: Java heap space"), outcome.failure());
    }

    @Test
    void aFailureInsideTheChildShouldBecomeAFailedOutcome() {
        final ChildArgs unknown = new ChildArgs("grow", "no-such-map", 1, 10, 7, 1_000, 1_000_000, true, null);
        final Outcome outcome = ChildMain.run(unknown, new RunSpec(10, 7, 0, 1, 0, 1_000, 1_000_000, line -> { },
                Recordings.discard()));
        assertFalse(outcome.ok());
        assertTrue(outcome.failure().contains("unknown contender 'no-such-map'"), outcome.failure());
    }

    @Test
    void aMalformedLineShouldBeRejectedNamingWhatIsMissing() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                ResultLine.decode(ResultLine.MARKER + " format=2 workload=grow contender=x run=1 status=ok kind=grow"));
        assertTrue(e.getMessage().contains("missing field 'n'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ResultLine.decode("hello"));
    }

    /**
     * A string-key workload hands its result in the same format under its own workload name; this fixture, a
     * get-str line, locks that (the grow fixture below stays as it was written before string keys existed).
     */
    @Test
    void aStringWorkloadLineShouldMatchItsFixtureAndKeepItsWorkloadName() throws IOException {
        final String fixture;
        try (InputStream in = ResultLineTest.class.getResourceAsStream("get-str-result-line.txt")) {
            fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        final Outcome known = SampleResults.ok("get-str", "chronicle-presized", 2, SampleResults.get(610_000_000L,
                598_000_000L, 605_000_000L));
        assertEquals(known, ResultLine.decode(fixture));
        assertEquals(fixture, ResultLine.encode(known));
        assertEquals("get-str", ResultLine.decode(fixture).workload());
    }

    /** The format is a contract between two JVMs; this fixture locks it (see ResultLine's Javadoc). */
    @Test
    void theCheckedInFixtureShouldDecodeToTheKnownResultAndBeWhatEncodeWrites() throws IOException {
        final String fixture;
        try (InputStream in = ResultLineTest.class.getResourceAsStream("grow-result-line.txt")) {
            fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        final Outcome known = SampleResults.ok("grow", "panamap", 1, SampleResults.grow(1_500_000_000L, 2_000_000L,
                123_456, "size=10000000 B=21 growing=no allocator=mmap (4 KiB pages)"));
        assertEquals(known, ResultLine.decode(fixture));
        assertEquals(fixture, ResultLine.encode(known));
        assertEquals(2_000_000L, ((GrowResult) ResultLine.decode(fixture).result()).worstPutNanos());
    }
}
