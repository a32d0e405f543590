package io.panamap.bench;

import io.panamap.bench.contender.Contenders;
import io.panamap.bench.workload.RunSpec;
import io.panamap.bench.workload.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchOptionsTest {

    /** The contenders a run of the single-threaded long workloads takes by default. */
    private static final List<String> LONG_DEFAULTS = Contenders.defaultNames().stream()
            .filter(name -> Contenders.byName(name).hasLongMap()).toList();

    private static BenchOptions parse(final String... args) throws UsageException {
        return BenchOptions.parse(List.of(args));
    }

    @Test
    void shouldDefaultToTenMillionKeysEveryPeerAndPanamapVariantEveryWorkloadAndOneRun() throws UsageException {
        final BenchOptions options = parse();
        assertEquals(10_000_000, options.n());
        assertEquals(List.of("panamap", "panamap-huge", "panamap-presized", "fastutil", "hashmap",
                "concurrenthashmap", "agrona", "eclipse", "chronicle-presized"), options.contenders());
        assertEquals(List.of("grow", "get", "open-loop"), options.workloads());
        assertEquals(1, options.runs());
        assertEquals(RunSpec.DEFAULT_OPEN_LOOP_RATE, options.rate());
        assertEquals(RunSpec.DEFAULT_OPEN_LOOP_NANOS, options.openLoopNanos());
        assertFalse(options.quick());
        assertEquals(RunSpec.DEFAULT_SEED, options.seed());
        assertEquals(Path.of("results"), options.resultsDir());
    }

    @Test
    void quickShouldMeanOneMillionKeysAndOneRun() throws UsageException {
        final BenchOptions options = parse("--quick");
        assertEquals(1_000_000, options.n());
        assertEquals(1, options.runs());
        assertTrue(options.quick());
        assertEquals(1_000_000_000L, options.openLoopNanos(), "a 1 s stream");
        assertEquals(LONG_DEFAULTS, options.contenders());
    }

    @Test
    void theDiagnosticVariantShouldRunOnlyWhenNamed() throws UsageException {
        assertFalse(parse().contenders().contains("panamap-inline"));
        assertEquals(List.of("panamap-inline"), parse("--contenders", "panamap-inline").contenders());
    }

    @Test
    void numaShouldAddThePlacementVariantsToWhateverContendersWereChosen() throws UsageException {
        assertEquals(List.of("panamap", "panamap-numa-local", "panamap-numa-interleave", "fastutil"),
                parse("--contenders", "fastutil,panamap", "--numa").contenders());
        assertTrue(parse("--numa").contenders().containsAll(LONG_DEFAULTS));
        assertTrue(parse("--numa").contenders().contains("panamap-numa-local"));
        final UsageException e = assertThrows(UsageException.class, () -> parse("--numa=yes"));
        assertTrue(e.getMessage().contains("--numa takes no value"), e.getMessage());
    }

    @Test
    void stringKeysShouldRunTheStringWorkloadsWithTheContendersThatHaveAStringMap() throws UsageException {
        final BenchOptions options = parse("--keys", "string");
        assertEquals(List.of("grow-str", "get-str", "open-loop-str"), options.workloads());
        assertEquals(List.of("panamap", "panamap-presized", "hashmap", "chronicle-presized"), options.contenders());
        assertEquals(List.of("get-str"), parse("--keys=string", "--workloads", "get").workloads());
        assertEquals(List.of("panamap", "hashmap"), parse("--keys", "string", "--contenders", "hashmap,panamap")
                .contenders());
    }

    @Test
    void bothKeyTypesShouldRunLongWorkloadsFirstAndEachContenderOnTheWorkloadsItHasAMapFor()
            throws UsageException {
        final BenchOptions options = parse("--keys", "string,long", "--workloads", "get,grow",
                "--contenders", "fastutil,panamap");
        assertEquals(List.of("grow", "get", "grow-str", "get-str"), options.workloads());
        assertEquals(List.of("panamap", "fastutil"), options.contenders());
        assertEquals(List.of("panamap", "fastutil"), Workloads.contendersFor("grow", options.contenders()));
        assertEquals(List.of("panamap"), Workloads.contendersFor("grow-str", options.contenders()));
        assertEquals(LONG_DEFAULTS, parse("--keys", "long,string").contenders());
    }

    @Test
    void mixedMtShouldRunOnlyWhenNamedWithTheContendersThatHaveAConcurrentMap() throws UsageException {
        assertFalse(parse().workloads().contains("mixed-mt"));
        assertEquals(RunSpec.DEFAULT_THREADS, parse().threads());
        final BenchOptions options = parse("--workloads", "mixed-mt");
        assertEquals(List.of("mixed-mt"), options.workloads());
        assertEquals(List.of("panamap-sharded", "panamap-sharded-bg", "panamap-sharded-presized", "concurrenthashmap",
                "chronicle-presized"),
                options.contenders());
        assertEquals(4, parse("--workloads=mixed-mt", "--threads", "4").threads());
        assertEquals(List.of("panamap-sharded", "panamap-sharded-512"), parse("--workloads", "mixed-mt",
                "--contenders", "panamap-sharded-512,panamap-sharded").contenders());
    }

    @Test
    void mixedMtWithOtherWorkloadsShouldRunEachContenderOnTheWorkloadsItHasAMapFor() throws UsageException {
        final BenchOptions options = parse("--workloads", "grow,mixed-mt", "--contenders",
                "panamap,panamap-sharded,concurrenthashmap", "--keys", "long,string");
        assertEquals(List.of("grow", "mixed-mt", "grow-str"), options.workloads());
        assertEquals(List.of("panamap", "concurrenthashmap"), Workloads.contendersFor("grow", options.contenders()));
        assertEquals(List.of("panamap-sharded", "concurrenthashmap"),
                Workloads.contendersFor("mixed-mt", options.contenders()));
        assertEquals(List.of("panamap"), Workloads.contendersFor("grow-str", options.contenders()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "--workloads mixed-mt --contenders fastutil;    fastutil has no map for many threads at once (mixed-mt);"
                    + " panamap-sharded, panamap-sharded-bg, panamap-sharded-presized, panamap-sharded-512,"
                    + " panamap-sharded-inline,"
                    + " concurrenthashmap",
            "--workloads mixed-mt --contenders panamap,concurrenthashmap; panamap has no map for many threads; chronicle-presized",
            "--workloads grow --contenders panamap-sharded; panamap-sharded has no map for long keys on one thread; fastutil",
            "--workloads grow,mixed-mt --contenders panamap-sharded; --workloads grow: none of the contenders; fastutil",
            "--keys string --workloads mixed-mt;            mixed-mt runs with long keys only; --keys long",
            "--workloads mixed-mt --threads 0;              --threads;        '0'",
            "--workloads mixed-mt --threads 1000;           --threads;        between 1 and 256"})
    void mixedMtShouldRefuseWhatItCannotRunNamingWhatCan(final String args, final String mention1,
                                                         final String mention2) {
        final UsageException e = assertThrows(UsageException.class, () -> BenchOptions.parse(
                Arrays.asList(args.split(" "))));
        assertTrue(e.getMessage().contains(mention1), e.getMessage());
        assertTrue(e.getMessage().contains(mention2), e.getMessage());
    }

    @Test
    void theUsageShouldExplainMixedMtAndItsThreads() {
        assertTrue(BenchOptions.USAGE.contains("--threads T"), BenchOptions.USAGE);
        assertTrue(BenchOptions.USAGE.contains("mixed-mt runs only when named"), BenchOptions.USAGE);
        assertTrue(BenchOptions.USAGE.contains("panamap-sharded, panamap-sharded-bg, panamap-sharded-presized,"
                + " panamap-sharded-512, panamap-sharded-inline, concurrenthashmap, chronicle-presized"),
                BenchOptions.USAGE);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "--keys string --contenders fastutil;           fastutil has no map for string keys; chronicle-presized",
            "--keys string --contenders panamap,agrona;     agrona has no map for string keys;   hashmap",
            "--keys string --numa;                          --numa: panamap-numa-local has no map; string keys",
            "--keys string --contenders panamap-numa-local; --contenders: panamap-numa-local has no map; string keys",
            "--keys text;                                   --keys: unknown name 'text';         known: long, string",
            "--keys string,string;                          given twice;                         string"})
    void keyTypesWithoutAContenderShouldBeRefusedNamingThoseThatHaveOne(final String args, final String mention1,
                                                                       final String mention2) {
        final UsageException e = assertThrows(UsageException.class, () -> BenchOptions.parse(
                Arrays.asList(args.split(" "))));
        assertTrue(e.getMessage().contains(mention1), e.getMessage());
        assertTrue(e.getMessage().contains(mention2), e.getMessage());
    }

    @Test
    void theUsageShouldExplainKeysAndNameTheStringContenders() {
        assertTrue(BenchOptions.USAGE.contains("--keys K"), BenchOptions.USAGE);
        assertTrue(BenchOptions.USAGE.contains("grow-str, get-str, open-loop-str"), BenchOptions.USAGE);
        assertTrue(BenchOptions.USAGE.contains("panamap, panamap-presized, hashmap, chronicle-presized"),
                BenchOptions.USAGE);
    }

    @Test
    void rateDurationAndTheSingularWorkloadOptionShouldBeRead() throws UsageException {
        final BenchOptions options = parse("--rate", "250k", "--duration=3", "--workload", "open-loop");
        assertEquals(250_000, options.rate());
        assertEquals(3_000_000_000L, options.openLoopNanos());
        assertEquals(List.of("open-loop"), options.workloads());
        final UsageException e = assertThrows(UsageException.class, () -> parse("--rate", "0"));
        assertTrue(e.getMessage().contains("--rate"), e.getMessage());
    }

    @Test
    void explicitValuesShouldWinOverQuickInEitherOrder() throws UsageException {
        assertEquals(2_000, parse("--quick", "--n", "2000").n());
        assertEquals(2_000, parse("--n", "2000", "--quick").n());
        assertEquals(4, parse("--runs=4", "--quick").runs());
        assertEquals(1_000_000, parse("--runs=4", "--quick").n());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "10000000; 10000000",
            "10_000_000; 10000000",
            "10,000,000; 10000000",
            "10M; 10000000",
            "10m; 10000000",
            "500k; 500000",
            "1; 1"})
    void shouldReadCountsWithSeparatorsAndSuffixes(final String text, final int expected) throws UsageException {
        assertEquals(expected, parse("--n", text).n());
        assertEquals(expected, parse("--n=" + text).n());
    }

    @Test
    void shouldKeepTableOrderWhateverOrderContendersAreGivenIn() throws UsageException {
        assertEquals(List.of("panamap", "hashmap"), parse("--contenders", "hashmap,panamap").contenders());
        assertEquals(List.of("get"), parse("--workloads=get").workloads());
    }

    @Test
    void shouldReadSeedsInDecimalAndHex() throws UsageException {
        assertEquals(42, parse("--seed", "42").seed());
        assertEquals(0xFFL, parse("--seed", "0xff").seed());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "--n abc;                   --n;             'abc'",
            "--n 0;                     --n;             '0'",
            "--n -5;                    --n;             '-5'",
            "--n 1.5M;                  --n;             '1.5M'",
            "--n 99999999999;           --n;             between 1 and",
            "--runs x;                  --runs;          'x'",
            "--runs 0;                  --runs;          '0'",
            "--contenders nope;         unknown name;    'nope'",
            "--contenders panamap,nope; known: panamap, panamap-huge, panamap-inline, panamap-presized, panamap-numa-local; 'nope'",
            "--contenders panamap,,fastutil; empty name; --contenders",
            "--contenders fastutil,fastutil; given twice; fastutil",
            "--workloads grow,put;      --workloads;     'put'",
            "--seed twelve;             --seed;          'twelve'",
            "--frobnicate 3;            unknown option;  --frobnicate",
            "stray;                     unexpected argument; 'stray'",
            "--quick=yes;               --quick takes no value; yes",
            "--n;                       --n needs a value; --n",
            "--results --quick;         --results needs a value, not the option --quick; --quick",
            "--contenders hashmap --contenders fastutil; --contenders is given twice; once",
            "--workload grow --workloads get; --workloads is given twice; once",
            "--workloads mixed-mt --n 3 --threads 4; --threads; --n 3",
            "--workloads open-loop --rate 100M --duration 3600; --rate 100000000; --duration 3600"})
    void shouldRejectBadValuesNamingTheOptionAndTheValue(final String args, final String mention1,
                                                        final String mention2) {
        final UsageException e = assertThrows(UsageException.class, () -> BenchOptions.parse(
                Arrays.asList(args.split(" "))));
        assertTrue(e.getMessage().contains(mention1), e.getMessage());
        assertTrue(e.getMessage().contains(mention2), e.getMessage());
    }

    /** The report prints the seed as unsigned hex ("seed 0xFFFFFFFFFFFFFFFB" for -5): that must read back. */
    @Test
    void aSeedShouldReadBackFromTheHexTheReportPrints() throws UsageException {
        assertEquals(-5L, parse("--seed", "0x" + Long.toHexString(-5L).toUpperCase(Locale.ROOT)).seed());
        assertEquals(-5L, parse("--seed", "-5").seed());
        assertEquals(Long.MIN_VALUE, parse("--seed", "0x8000000000000000").seed());
    }

    /**
     * The open-loop stream puts one new key every 10 operations, into a long[]: a stream of up to 10 times that
     * array's length in operations can run. At 100M/s, 214 s is 2.14G puts, 215 s is more than the array holds.
     */
    @Test
    void anOpenLoopStreamShouldBeRefusedOnlyWhenItsPutsWouldNotFitInAnArray() throws UsageException {
        assertEquals(214_000_000_000L, parse("--workloads", "open-loop", "--rate", "100M", "--duration", "214")
                .openLoopNanos());
        assertEquals(3_600_000_000_000L, parse("--workloads", "open-loop", "--rate", "1M", "--duration", "3600")
                .openLoopNanos());
        final UsageException e = assertThrows(UsageException.class,
                () -> parse("--workloads", "open-loop", "--rate", "100M", "--duration", "215"));
        assertTrue(e.getMessage().contains("--rate 100000000 for --duration 215 s"), e.getMessage());
    }

    /** The cross-checks above apply only to the workload they concern. */
    @Test
    void aRateOrThreadCountOnlyTheWorkloadsLeftOutCannotRunShouldBeAccepted() throws UsageException {
        assertEquals(100_000_000L, parse("--workloads", "grow", "--rate", "100M", "--duration", "3600").rate());
        assertEquals(4, parse("--workloads", "grow", "--n", "3", "--threads", "4").threads());
        assertEquals(4, parse("--workloads", "mixed-mt", "--n", "4", "--threads", "4").threads());
    }

    /** Accepted as above, but named: a rate or thread count that changes nothing would read as if it had. */
    @Test
    void anOptionOnlyALeftOutWorkloadReadsShouldBeListedAsUnused() throws UsageException {
        assertEquals(List.of(), parse().unused());
        assertEquals(List.of(), parse("--workloads", "open-loop,mixed-mt", "--rate", "5k", "--duration", "2",
                "--threads", "3").unused());
        assertEquals(List.of("--rate is read by open-loop only, which this run leaves out (--workloads does not"
                        + " name it)", "--duration is read by open-loop only, which this run leaves out (--workloads"
                        + " does not name it)"),
                parse("--workloads", "grow,get", "--rate", "5k", "--duration", "2").unused());
        assertEquals(List.of("--threads is read by mixed-mt only, which this run leaves out (it runs only when"
                + " --workloads names it)"), parse("--threads", "4").unused());
        assertEquals(List.of(), parse("--keys", "string", "--workloads", "open-loop", "--rate", "5k").unused(),
                "open-loop-str reads it too");
    }

    @Test
    void shouldRecogniseHelp() {
        assertTrue(BenchOptions.wantsHelp(List.of("--help")));
        assertTrue(BenchOptions.wantsHelp(List.of("--n", "5", "-h")));
        assertFalse(BenchOptions.wantsHelp(List.of("--quick")));
        assertTrue(BenchOptions.wantsHelp(List.of("help")));
        assertFalse(BenchOptions.wantsHelp(List.of("--results", "help")), "a folder named help");
        assertTrue(BenchOptions.USAGE.contains("--contenders"));
    }
}
