package io.panamap.bench;

import io.panamap.bench.fork.ChildArgs;
import io.panamap.bench.fork.ChildMain;
import io.panamap.bench.fork.ChildOutput;
import io.panamap.bench.result.GrowResult;
import io.panamap.bench.result.MixedResult;
import io.panamap.bench.result.Outcome;
import io.panamap.bench.result.ResultLine;
import io.panamap.bench.result.ShardGrowth;
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

    private static final ChildArgs CHILD = new ChildArgs("grow", "panamap", 2, 20_000, 7, 1_000_000, 10_000_000, 2, true,
            null);

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
    void aMixedOutcomeShouldSurviveTheTripWithOrWithoutShardGrowth() {
        final Outcome panamap = SampleResults.ok("mixed-mt", "panamap-sharded-bg", 1, SampleResults.mixed(
                2_000_000_000L, 3_000_000L, new ShardGrowth(8, 3, 98_304, 30_000, 900_000_000L, 12,
                        11_000_000L),
                new ShardGrowth(8, 0, 0, 0, 1_000_000_000L, 15, 14_000_000L), "size=1000000 shards=8"));
        assertEquals(panamap, ResultLine.decode(ResultLine.encode(panamap)));
        final Outcome chm = SampleResults.ok("mixed-mt", "concurrenthashmap", 2, SampleResults.mixed(
                1_000_000_000L, 90_000_000L, null, null, ""));
        final String line = ResultLine.encode(chm);
        assertFalse(line.contains("growthAtEnd"), line);
        assertEquals(chm, ResultLine.decode(line));
    }

    /** The mixed-mt line, per-thread lists and the two growth snapshots included, locked by its own fixture. */
    @Test
    void aMixedLineShouldMatchItsFixture() throws IOException {
        final String fixture;
        try (InputStream in = ResultLineTest.class.getResourceAsStream("mixed-mt-result-line.txt")) {
            fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        final Outcome known = SampleResults.ok("mixed-mt", "panamap-sharded", 1, SampleResults.mixed(
                2_500_000_000L, 4_000_000L, new ShardGrowth(8, 2, 65_536, 20_000, 700_000_000L, 0, 0),
                new ShardGrowth(8, 2, 65_536, 20_000, 1_300_000_000L, 0, 0), "size=1000000 shards=8 growing=2"));
        assertEquals(known, ResultLine.decode(fixture));
        assertEquals(fixture, ResultLine.encode(known));
        final MixedResult result = (MixedResult) ResultLine.decode(fixture).result();
        assertEquals(2, result.growthAfterIdle().growing());
        assertEquals(List.of(2_250_000_000L, 2_500_000_000L), result.threadNanos());
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
                CHILD.threads(), line -> { }, Recordings.discard());
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
        final ChildArgs unknown = new ChildArgs("grow", "no-such-map", 1, 10, 7, 1_000, 1_000_000, 2, true, null);
        final Outcome outcome = ChildMain.run(unknown, new RunSpec(10, 7, 0, 1, 0, 1_000, 1_000_000, 2, line -> { },
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
