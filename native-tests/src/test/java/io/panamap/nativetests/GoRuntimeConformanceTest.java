package io.panamap.nativetests;

import io.panamap.LongLongMap;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * panamap's layout code reads the buckets of a real Go runtime map (Go 1.19, whose map uses exactly this
 * bucket) and finds every key and value Go stored, overflow chains included; and panamap starts its doublings
 * at the inserts where Go's runtime starts them, and sizes a table for an expected size as Go's
 * {@code make(map, hint)} does.
 */
class GoRuntimeConformanceTest {

    private static final Path PROGRAM = NativeTools.MODULE.resolve("src/test/go/dumpmap");
    /** The arguments of {@code dumpmap growth} that made {@code go-growth.txt}: entries, then hints. */
    private static final List<String> GROWTH_ARGS = List.of("300000", "0", "1", "8", "9", "13", "14", "26", "27",
            "52", "53", "104", "105", "6656", "6657", "1000000");

    /** What dumpmap stores: keys i * 0x9E3779B97F4A7C15 for i = 1..n, each with value key * 31 + 7. */
    private static void assertHoldsWhatGoStored(final GoMapDump dump, final int n) {
        assertEquals(n, dump.count(), "Go's own count");
        assertEquals(n, dump.entries().size(), "entries found through panamap's layout");
        for (long i = 1; i <= n; i++) {
            final long key = i * 0x9E3779B97F4A7C15L;
            final Long value = dump.entries().get(key);
            assertEquals(Long.valueOf(key * 31 + 7), value, "key " + key);
        }
        assertTrue(dump.overflow() > 0, "the map has overflow chains, and they were followed");
    }

    /** The checked-in dump (Go 1.19.8, 1,000 entries, B = 8): runs everywhere, Go or not. */
    @Test
    void aDumpGoWroteShouldReadBackEntryForEntryWithPanamapsLayout() throws IOException {
        final byte[] bytes;
        try (InputStream in = GoRuntimeConformanceTest.class.getResourceAsStream("go-map-1000.bmapdump")) {
            bytes = in.readAllBytes();
        }
        final GoMapDump dump = GoMapDump.read(bytes);
        assertEquals(8, dump.logBuckets());
        assertHoldsWhatGoStored(dump, 1_000);
    }

    /** A fresh map from the Go runtime on this machine. */
    @Test
    void aMapBuiltNowByGosRuntimeShouldReadBackEntryForEntryWithPanamapsLayout() throws Exception {
        final String version = requireClassicGo();
        final Path dumpFile = NativeTools.TARGET.resolve("go-map-10000.bmapdump");
        final String printed = runDumpmap(List.of("10000", dumpFile.toString()));
        System.out.println(version + ": " + printed.strip());
        final GoMapDump dump = GoMapDump.read(Files.readAllBytes(dumpFile));
        assertHoldsWhatGoStored(dump, 10_000);
    }

    /**
     * What {@code go-growth.txt} (Go 1.19.8's {@code dumpmap growth}) says: the insert after which each doubling
     * of a map growing from empty had started (Go's B changed), and the B of {@code make(map, hint)}. Runs
     * everywhere, Go or not.
     */
    @Test
    void panamapShouldStartEachDoublingAtTheInsertGosRuntimeDidAndSizeHintsAsGoDoes() throws IOException {
        final List<String> go;
        try (InputStream in = GoRuntimeConformanceTest.class.getResourceAsStream("go-growth.txt")) {
            go = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.startsWith("#")).toList();
        }
        assertEquals(16 + GROWTH_ARGS.size() - 1, go.size(), "16 doublings and a line per hint");
        assertEquals(go, panamapsGrowth(), "panamap's doublings and hints against Go's");
    }

    /** The same, against the Go runtime on this machine. */
    @Test
    void panamapShouldStartEachDoublingWhereGosRuntimeOnThisMachineDoes() throws Exception {
        requireClassicGo();
        final List<String> args = new ArrayList<>(List.of("growth"));
        args.addAll(GROWTH_ARGS);
        final List<String> go = runDumpmap(args).lines().toList();
        assertEquals(go, panamapsGrowth(), "panamap's doublings and hints against Go's");
    }

    /**
     * What {@code dumpmap growth} prints, from panamap: the same keys put into a {@link LongLongMap} growing from
     * empty, a {@code grow <insert> <B>} line whenever B changed, then {@code hint <hint> <B>} for a table of
     * that expected size.
     */
    private static List<String> panamapsGrowth() {
        final List<String> lines = new ArrayList<>();
        final long entries = Long.parseLong(GROWTH_ARGS.getFirst());
        try (LongLongMap map = LongLongMap.builder().build()) {
            int logBuckets = map.nativeView().logBuckets();
            for (long i = 1; i <= entries; i++) {
                final long key = i * 0x9E3779B97F4A7C15L;
                map.put(key, key * 31 + 7);
                if (map.nativeView().logBuckets() != logBuckets) {
                    logBuckets = map.nativeView().logBuckets();
                    lines.add("grow " + i + " " + logBuckets);
                }
            }
        }
        for (final String hint : GROWTH_ARGS.subList(1, GROWTH_ARGS.size())) {
            try (LongLongMap sized = LongLongMap.withExpectedSize(Long.parseLong(hint))) {
                lines.add("hint " + hint + " " + sized.nativeView().logBuckets());
            }
        }
        return lines;
    }

    /**
     * Skips the calling test, or fails it on CI, unless {@code go} is installed and its maps are Go's bucket maps
     * (before Go 1.24, which made Swiss tables the default); returns {@code go version}'s output.
     */
    private static String requireClassicGo() throws IOException, InterruptedException {
        NativeTools.require("go");
        final String version = NativeTools.run(List.of("go", "version"), PROGRAM, List.of()).strip();
        final Matcher minor = Pattern.compile("go1\\.(\\d+)").matcher(version);
        NativeTools.requireThat(minor.find() && Integer.parseInt(minor.group(1)) < 24,
                version + " has Swiss-table maps, not Go's bucket map (Debian bookworm's golang-go is Go 1.19)");
        return version;
    }

    /** Runs {@code src/test/go/dumpmap} with {@code args}, its build cache under {@link NativeTools#TARGET}. */
    private static String runDumpmap(final List<String> args) throws IOException, InterruptedException {
        final Path target = NativeTools.TARGET;
        Files.createDirectories(target);
        final List<String> command = new ArrayList<>(List.of("go", "run", "."));
        command.addAll(args);
        return NativeTools.run(command, PROGRAM,
                List.of("GOCACHE=" + target.resolve("go-cache"), "GOPATH=" + target.resolve("go-path"),
                        "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "GO111MODULE=on"));
    }
}
