package io.panamap.nativetests;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * panamap's layout code reads the buckets of a real Go runtime map (Go 1.19, whose map uses exactly this
 * bucket) and finds every key and value Go stored, overflow chains included.
 */
class GoRuntimeConformanceTest {

    private static final Path PROGRAM = NativeTools.MODULE.resolve("src/test/go/dumpmap");

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
        NativeTools.require("go");
        final String version = NativeTools.run(List.of("go", "version"), PROGRAM, List.of());
        final Matcher minor = Pattern.compile("go1\\.(\\d+)").matcher(version);
        assumeTrue(minor.find() && Integer.parseInt(minor.group(1)) < 24, () -> {
            System.out.println("skipped: " + version.strip() + " has Swiss-table maps, not Go's bucket map");
            return "Go " + version + " has no bucket map";
        });
        final Path target = NativeTools.TARGET;
        Files.createDirectories(target);
        final Path dumpFile = target.resolve("go-map-10000.bmapdump");
        final String printed = NativeTools.run(List.of("go", "run", ".", "10000", dumpFile.toString()), PROGRAM,
                List.of("GOCACHE=" + target.resolve("go-cache"), "GOPATH=" + target.resolve("go-path"),
                        "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "GO111MODULE=on"));
        System.out.println(version.strip() + ": " + printed.strip());
        final GoMapDump dump = GoMapDump.read(Files.readAllBytes(dumpFile));
        assertHoldsWhatGoStored(dump, 10_000);
    }
}
