package io.panamap;

import io.panamap.codec.Codecs;
import io.panamap.layout.BucketLayout;
import io.panamap.memory.MemoryBudgetExceededException;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JFR events: recorded with the fields they document, and readable by the JDK's {@code jfr print}. */
class TableEventsTest {

    @TempDir
    Path directory;

    @Test
    void growthsSlicesAndRejectionsShouldBeRecorded() throws IOException {
        final Path file = directory.resolve("panamap.jfr");
        final long smallGrowths;
        final long bigGrowths;
        final long unmovedBeforeSlice;
        try (Recording recording = new Recording()) {
            for (final String name : List.of("GrowthStart", "Growth", "EvacuationSlice", "Trim",
                    "MemoryBudgetRejection", "AllocatorFailure")) {
                recording.enable("io.panamap." + name).withThreshold(Duration.ZERO);
            }
            recording.start();
            try (LongLongMap map = LongLongMap.builder().backgroundMemoryWork(false).build()) {
                for (long key = 0; key < 53_249; key++) {
                    map.put(key, key);
                }
                final MapStats beforeSlice = map.stats();
                unmovedBeforeSlice = beforeSlice.oldBuckets() - beforeSlice.evacuatedOldBuckets();
                map.evacuate(Duration.ofSeconds(10));
                bigGrowths = map.stats().doublings() + map.stats().sameSizeGrowths();
                assertEquals(14, map.stats().doublings(), "53,249 = 13·2^12 + 1 inserts: B = 14");
                for (long key = 1_000; key < 53_249; key++) {
                    map.remove(key);
                }
                map.trimToSize(); // 1,000 entries: 2^8 buckets
                map.trimToSize(); // nothing to move: no event
            }
            try (LongLongMap small = LongLongMap.builder().memoryBudget(4096).build()) {
                assertThrows(MemoryBudgetExceededException.class, () -> {
                    for (long key = 0; key < 1000; key++) {
                        small.put(key, key);
                    }
                });
                smallGrowths = small.stats().doublings() + small.stats().sameSizeGrowths();
            }
            recording.stop();
            recording.dump(file);
        }
        final List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        final List<RecordedEvent> starts = named(events, "io.panamap.GrowthStart");
        final List<RecordedEvent> growths = named(events, "io.panamap.Growth");
        assertEquals(bigGrowths + smallGrowths, starts.size(), "every growth of both tables started");
        assertEquals(bigGrowths + smallGrowths, growths.size(), "and ended, the last big one by evacuate()");
        final RecordedEvent last = growths.stream().filter(e -> e.getInt("newLogBuckets") == 14).findFirst().orElseThrow();
        assertEquals("LongLongMap", last.getString("table"));
        assertEquals(-1, last.getInt("shard"));
        assertEquals(13, last.getInt("oldLogBuckets"));
        assertFalse(last.getBoolean("sameSize"));
        assertFalse(last.getBoolean("abandoned"));
        assertTrue(last.getLong("newArrayBytes") >= 144L << 14, "the 2^14-bucket array's bytes");
        assertTrue(last.getDuration().toNanos() > 0);
        final List<RecordedEvent> slices = named(events, "io.panamap.EvacuationSlice");
        assertEquals(1, slices.size());
        assertTrue(slices.get(0).getBoolean("finished"));
        assertTrue(slices.get(0).getLong("chains") > 0);
        // The insert that started the growth moved a chain or two; the slice visited at most the rest.
        assertTrue(slices.get(0).getLong("chains") <= unmovedBeforeSlice,
                slices.get(0).getLong("chains") + " chains visited of " + unmovedBeforeSlice + " left");
        final List<RecordedEvent> trims = named(events, "io.panamap.Trim");
        assertEquals(1, trims.size(), "only the trim that moved entries");
        assertEquals(14, trims.get(0).getInt("oldLogBuckets"));
        assertEquals(8, trims.get(0).getInt("newLogBuckets"));
        assertEquals(1_000, trims.get(0).getLong("entries"));
        assertTrue(trims.get(0).getLong("releasedBytes") > 144L << 13, "most of the 2^14-bucket array");
        final List<RecordedEvent> rejections = named(events, "io.panamap.MemoryBudgetRejection");
        assertEquals(1, rejections.size());
        assertEquals(4096, rejections.get(0).getLong("budget"));
        assertTrue(rejections.get(0).getLong("needed") > 0);
    }

    /**
     * A trim with nothing left to move still swaps the array for a smaller one and gives the big one back: the
     * event is recorded for a table that deletes or a clear emptied, with the bytes {@code trimToSize} returned.
     */
    @Test
    void aTrimOfAnEmptiedTableShouldBeRecorded() throws IOException {
        final Path file = directory.resolve("emptied.jfr");
        final long[] released = new long[2];
        try (Recording recording = new Recording()) {
            recording.enable("io.panamap.Trim").withThreshold(Duration.ZERO);
            recording.start();
            try (LongLongMap map = LongLongMap.builder().backgroundMemoryWork(false).build()) {
                for (long key = 0; key < 10_000; key++) {
                    map.put(key, key);
                }
                map.finishGrowth();
                assertEquals(11, map.stats().logBuckets(), "10,000 entries: 2^11 buckets");
                for (long key = 0; key < 10_000; key++) {
                    map.remove(key);
                }
                released[0] = map.trimToSize(); // emptied by deletes: marks left in the array, nothing to move
                for (long key = 0; key < 10_000; key++) {
                    map.put(key, key);
                }
                map.finishGrowth();
                map.clear();
                released[1] = map.trimToSize(); // emptied by a clear: a fresh array of the same size
            }
            recording.stop();
            recording.dump(file);
        }
        final List<RecordedEvent> trims = inOrder(named(RecordingFile.readAllEvents(file), "io.panamap.Trim"));
        assertEquals(2, trims.size(), "both trims of an empty table: " + trims);
        for (int i = 0; i < 2; i++) {
            final RecordedEvent trim = trims.get(i);
            assertEquals(11, trim.getInt("oldLogBuckets"), trim.toString());
            assertEquals(0, trim.getInt("newLogBuckets"), "an empty table fits one bucket: " + trim);
            assertEquals(0, trim.getLong("entries"), trim.toString());
            assertTrue(released[i] > 0, "the 2^11-bucket array was given back: " + released[i]);
            assertEquals(released[i], trim.getLong("releasedBytes"), "what trimToSize() returned");
        }
    }

    @Test
    void anAllocatorRefusingOutOfLineStorageShouldBeRecorded() throws IOException {
        final io.panamap.memory.NativeAllocator refusesLargeMappings = new io.panamap.memory.NativeAllocator() {
            @Override
            public io.panamap.memory.NativeBlock allocate(final long byteSize) {
                if (byteSize >= 1L << 20) {
                    throw new io.panamap.memory.NativeMemoryException("mmap of " + byteSize + " bytes refused");
                }
                return io.panamap.memory.NativeAllocators.defaultAllocator().allocate(byteSize);
            }

            @Override
            public String describe() {
                return "refuses 1 MiB and more";
            }
        };
        final Path file = directory.resolve("failure.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("io.panamap.AllocatorFailure");
            recording.start();
            try (OffHeapMap<CharSequence, Long> map = OffHeapMap.builder(io.panamap.codec.Codecs.utf8(),
                    io.panamap.codec.Codecs.longs()).allocator(refusesLargeMappings).build()) {
                assertThrows(io.panamap.memory.NativeMemoryException.class, () -> map.put("needs a storage region", 1L));
                assertEquals(0, map.size(), "nothing half-inserted");
            }
            recording.stop();
            recording.dump(file);
        }
        final List<RecordedEvent> failures = named(RecordingFile.readAllEvents(file), "io.panamap.AllocatorFailure");
        assertEquals(1, failures.size());
        assertEquals("an out-of-line storage region", failures.get(0).getString("purpose"));
        assertEquals(4L << 20, failures.get(0).getLong("bytes"));
        assertEquals("refuses 1 MiB and more", failures.get(0).getString("allocator"));
        assertTrue(failures.get(0).getString("table").startsWith("OffHeapMap<utf8, long>"));
    }

    /** A bucket array the allocator refuses is recorded with the size the table asked of it. */
    @Test
    void anAllocatorRefusingABucketArrayShouldBeRecordedWithTheSizeItRefused() throws IOException {
        final long[] refused = new long[1];
        final io.panamap.memory.NativeAllocator refusesLargeMappings = new io.panamap.memory.NativeAllocator() {
            @Override
            public io.panamap.memory.NativeBlock allocate(final long byteSize) {
                if (byteSize >= 1L << 20) {
                    refused[0] = byteSize;
                    throw new io.panamap.memory.NativeMemoryException("mmap of " + byteSize + " bytes refused");
                }
                return io.panamap.memory.NativeAllocators.defaultAllocator().allocate(byteSize);
            }

            @Override
            public String describe() {
                return "refuses 1 MiB and more";
            }
        };
        final Path file = directory.resolve("array-failure.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("io.panamap.AllocatorFailure");
            recording.start();
            try (LongLongMap map = LongLongMap.builder().allocator(refusesLargeMappings).backgroundMemoryWork(false)
                    .build()) {
                assertThrows(io.panamap.memory.NativeMemoryException.class, () -> {
                    for (long key = 0; key < 1_000_000; key++) {
                        map.put(key, key);
                    }
                });
            }
            recording.stop();
            recording.dump(file);
        }
        final List<RecordedEvent> failures = named(RecordingFile.readAllEvents(file), "io.panamap.AllocatorFailure");
        assertEquals(1, failures.size());
        assertTrue(refused[0] >= 1L << 20, "the allocator was asked for a large array");
        assertEquals(refused[0], failures.get(0).getLong("bytes"),
                "the size of the mapping refused, not the bytes it would have committed");
        assertEquals("mmap of " + refused[0] + " bytes refused", failures.get(0).getString("message"));
        assertEquals("LongLongMap", failures.get(0).getString("table"));
    }

    @Test
    void theJdksJfrToolShouldPrintTheEvents() throws Exception {
        final Path file = directory.resolve("print.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("io.panamap.Growth").withThreshold(Duration.ZERO);
            recording.start();
            try (LongLongMap map = new LongLongMap()) {
                for (long key = 0; key < 1000; key++) {
                    map.put(key, key);
                }
                map.finishGrowth();
            }
            recording.stop();
            recording.dump(file);
        }
        final Path jfr = Path.of(System.getProperty("java.home"), "bin", "jfr");
        final Process process = new ProcessBuilder(jfr.toString(), "print", "--events", "io.panamap.Growth",
                file.toString()).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("io.panamap.Growth"), output);
        assertTrue(output.contains("table = \"LongLongMap\""), output);
        assertTrue(output.contains("newLogBuckets = 7"), output);
    }

    /**
     * Each growth's two events carry the arrays it went between and the entries it started with, as the table
     * saw them: sizes and shapes read from the stats around the insert that started it.
     */
    @Test
    void growthEventsShouldNameTheArraysAndTheEntriesOfTheirGrowth() throws IOException {
        final Path file = directory.resolve("growths.jfr");
        final List<long[]> expected = new ArrayList<>(); // per growth: old B, new B, same-size (1/0), entries
        try (Recording recording = new Recording()) {
            recording.enable("io.panamap.GrowthStart");
            recording.enable("io.panamap.Growth").withThreshold(Duration.ZERO);
            recording.start();
            try (LongLongMap map = LongLongMap.builder().backgroundMemoryWork(false).build()) {
                for (long key = 0; key < 10_000; key++) {
                    final MapStats before = map.stats();
                    map.put(key, key);
                    final MapStats after = map.stats();
                    if (after.doublings() + after.sameSizeGrowths() > before.doublings() + before.sameSizeGrowths()) {
                        // The growth starts before the insert that needs it: the table held key entries then.
                        expected.add(new long[] {before.logBuckets(), after.logBuckets(),
                                after.sameSizeGrowths() > before.sameSizeGrowths() ? 1 : 0, key});
                    }
                }
                map.finishGrowth();
            }
            recording.stop();
            recording.dump(file);
        }
        final List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        final List<RecordedEvent> starts = inOrder(named(events, "io.panamap.GrowthStart"));
        final List<RecordedEvent> growths = inOrder(named(events, "io.panamap.Growth"));
        assertEquals(expected.size(), starts.size());
        assertEquals(expected.size(), growths.size());
        assertTrue(expected.size() >= 10, "10,000 entries take B from 0 to 11");
        for (int i = 0; i < expected.size(); i++) {
            final long[] growth = expected.get(i);
            for (final RecordedEvent event : List.of(starts.get(i), growths.get(i))) {
                final String what = event.getEventType().getName() + " " + i;
                assertEquals(growth[0], event.getInt("oldLogBuckets"), what);
                assertEquals(growth[1], event.getInt("newLogBuckets"), what);
                assertEquals(growth[2] == 1, event.getBoolean("sameSize"), what);
                assertEquals(growth[3], event.getLong("entries"), what);
                assertEquals(BucketArray.initialCommittedBytes(BucketLayout.LONG_LONG, (int) growth[1]),
                        event.getLong("newArrayBytes"), what);
            }
            assertFalse(growths.get(i).getBoolean("abandoned"), "every growth ran to its end");
        }
    }

    /** A growth that clear() or close() cuts short is still recorded, as abandoned. */
    @Test
    void aGrowthEndedByClearOrCloseShouldBeRecordedAsAbandoned() throws IOException {
        final Path file = directory.resolve("abandoned.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("io.panamap.Growth").withThreshold(Duration.ZERO);
            recording.start();
            try (LongLongMap map = LongLongMap.builder().backgroundMemoryWork(false).build()) {
                fillUntilGrowing(map, 0);
                map.clear();
                final long next = fillUntilGrowing(map, 0);
                map.finishGrowth();
                fillUntilGrowing(map, next);
            }
            recording.stop();
            recording.dump(file);
        }
        final List<RecordedEvent> growths = named(RecordingFile.readAllEvents(file), "io.panamap.Growth");
        final long abandoned = growths.stream().filter(e -> e.getBoolean("abandoned")).count();
        assertEquals(2, abandoned, "the growth cleared and the one closed: " + growths);
        assertTrue(growths.size() > abandoned, "and the others, finished, are not");
    }

    /** The refusal records what the table had already charged, not what it asked for. */
    @Test
    void aBudgetRejectionShouldRecordWhatTheTableHadInUse() throws IOException {
        final Path file = directory.resolve("rejection.jfr");
        final long committed;
        try (Recording recording = new Recording()) {
            recording.enable("io.panamap.MemoryBudgetRejection");
            recording.start();
            try (LongLongMap small = LongLongMap.builder().memoryBudget(4096).backgroundMemoryWork(false).build()) {
                assertThrows(MemoryBudgetExceededException.class, () -> {
                    for (long key = 0; key < 1000; key++) {
                        small.put(key, key);
                    }
                });
                assertFalse(small.stats().growing(), "refused before the growth began");
                committed = small.stats().committedBytes();
            }
            recording.stop();
            recording.dump(file);
        }
        final List<RecordedEvent> rejections = named(RecordingFile.readAllEvents(file),
                "io.panamap.MemoryBudgetRejection");
        assertEquals(1, rejections.size());
        assertEquals(committed, rejections.get(0).getLong("used"), "nothing but the current array was charged");
        assertTrue(committed + rejections.get(0).getLong("needed") > 4096, "and what it needed did not fit");
    }

    /** Inserts keys from {@code key} on until a growth is left in progress; returns the next key. */
    private static long fillUntilGrowing(final LongLongMap map, final long first) {
        long key = first;
        do {
            map.put(key, key);
            key++;
        } while (!map.stats().growing());
        return key;
    }

    private static List<RecordedEvent> inOrder(final List<RecordedEvent> events) {
        return events.stream().sorted(Comparator.comparing(RecordedEvent::getStartTime)).toList();
    }

    /** Tables built with a name carry it in their events, their budget refusals and their "closed" messages. */
    @Test
    void aTableGivenANameShouldCarryItInItsEventsAndMessages() throws IOException {
        final Path file = directory.resolve("named.jfr");
        final LongLongMap orders = LongLongMap.builder().name("orders").build();
        final OffHeapMap<CharSequence, Long> symbols = OffHeapMap.builder(Codecs.utf8(), Codecs.longs())
                .name("symbols").build();
        final ConcurrentLongLongMap positions = ConcurrentLongLongMap.builder().shards(2).name("positions").build();
        try (Recording recording = new Recording()) {
            recording.enable("io.panamap.GrowthStart").withThreshold(Duration.ZERO);
            recording.start();
            for (long key = 0; key < 1_000; key++) {
                orders.put(key, key);
                symbols.put("symbol-" + key, key);
                positions.put(key, key);
            }
            recording.stop();
            recording.dump(file);
        }
        final Set<String> tables = RecordingFile.readAllEvents(file).stream().map(event -> event.getString("table"))
                .collect(Collectors.toSet());
        assertEquals(Set.of("LongLongMap 'orders'", "OffHeapMap<utf8, long> 'symbols'",
                "ConcurrentLongLongMap 'positions' shard 0", "ConcurrentLongLongMap 'positions' shard 1"), tables);

        orders.close();
        symbols.close();
        positions.close();
        assertEquals("LongLongMap 'orders' is closed",
                assertThrows(IllegalStateException.class, () -> orders.get(1)).getMessage());
        assertEquals("OffHeapMap<utf8, long> 'symbols' is closed",
                assertThrows(IllegalStateException.class, () -> symbols.get("symbol-1")).getMessage());
        assertEquals("ConcurrentLongLongMap 'positions' is closed",
                assertThrows(IllegalStateException.class, () -> positions.get(1)).getMessage());

        try (LongLongMap small = LongLongMap.builder().name("small").memoryBudget(4096).build()) {
            final MemoryBudgetExceededException refused = assertThrows(MemoryBudgetExceededException.class, () -> {
                for (long key = 0; key < 1_000; key++) {
                    small.put(key, key);
                }
            });
            assertTrue(refused.getMessage().contains("of LongLongMap 'small'"), refused.getMessage());
        }
    }

    /** Each of the four maps prints as its messages name it, its given name included, as OffHeapMap did. */
    @Test
    void aNamedMapShouldPrintItsName() {
        try (LongLongMap orders = LongLongMap.builder().name("orders").build();
             OffHeapMap<CharSequence, Long> symbols = OffHeapMap.builder(Codecs.utf8(), Codecs.longs())
                     .name("symbols").build();
             ConcurrentLongLongMap positions = ConcurrentLongLongMap.builder().shards(2).name("positions").build();
             ConcurrentOffHeapMap<CharSequence, Long> quotes = ConcurrentOffHeapMap
                     .builder(Codecs.utf8(), Codecs.longs()).shards(2).name("quotes").build()) {
            orders.put(1, 1);
            assertEquals("LongLongMap 'orders'[size=1]", orders.toString());
            assertEquals("OffHeapMap<utf8, long> 'symbols'[size=0]", symbols.toString());
            assertEquals("ConcurrentLongLongMap 'positions'[shards=2]", positions.toString());
            assertEquals("ConcurrentOffHeapMap<utf8, long> 'quotes'[shards=2]", quotes.toString());
            orders.close();
            positions.close();
            assertEquals("LongLongMap 'orders'[closed]", orders.toString());
            assertEquals("ConcurrentLongLongMap 'positions'[closed]", positions.toString());
        }
        try (LongLongMap unnamed = new LongLongMap()) {
            assertEquals("LongLongMap[size=0]", unnamed.toString());
        }
    }

    @Test
    void aBlankOrMultiLineNameShouldBeRefusedWhenGiven() {
        for (final String bad : List.of("", "  ", "two\nlines", "cr\r")) {
            assertThrows(IllegalArgumentException.class, () -> LongLongMap.builder().name(bad), bad);
            assertThrows(IllegalArgumentException.class,
                    () -> OffHeapMap.builder(Codecs.utf8(), Codecs.longs()).name(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> ConcurrentLongLongMap.builder().name(bad), bad);
            assertThrows(IllegalArgumentException.class,
                    () -> ConcurrentOffHeapMap.builder(Codecs.utf8(), Codecs.longs()).name(bad), bad);
        }
        assertThrows(NullPointerException.class, () -> LongLongMap.builder().name(null));
        assertThrows(NullPointerException.class, () -> ConcurrentLongLongMap.builder().name(null));
    }

    private static List<RecordedEvent> named(final List<RecordedEvent> events, final String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }
}
