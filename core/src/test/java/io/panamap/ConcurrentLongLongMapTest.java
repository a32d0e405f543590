package io.panamap;

import io.panamap.layout.BucketLayout;
import io.panamap.memory.MemoryBudgetExceededException;
import io.panamap.memory.MemoryWorker;
import io.panamap.memory.NativeAllocator;
import io.panamap.memory.NativeAllocators;
import io.panamap.memory.NativeBlock;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every public operation of {@link ConcurrentLongLongMap}, on one thread; {@link ConcurrentStressTest} has threads. */
class ConcurrentLongLongMapTest {

    /** The most shards a map may have. */
    private static final int MAX_SHARDS = 1 << ConcurrentLongLongMap.MAX_LOG_SHARDS;

    @TempDir
    Path directory;

    // ------------------------------------------------------------------ shards and the builder

    @Test
    void shardCountShouldBeThePowerOfTwoAskedFor() {
        for (final int count : new int[] {1, 2, 16, MAX_SHARDS}) {
            try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(count).build()) {
                assertEquals(count, map.shardCount());
                assertEquals(count, map.stats().shards().size());
            }
        }
    }

    @Test
    void theDefaultShardCountShouldBeSixtyFourPerProcessorRoundedUpToAPowerOfTwo() {
        final int wanted = 64 * Runtime.getRuntime().availableProcessors();
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().build()) {
            final int count = map.shardCount();
            assertEquals(1, Integer.bitCount(count), "a power of two: " + count);
            assertTrue(count >= Math.min(wanted, MAX_SHARDS), count + " shards for " + wanted + " wanted");
            assertTrue(count < 2 * wanted, "the smallest such power of two: " + count + " for " + wanted);
        }
    }

    /**
     * A shard's table indexes its buckets with the low B (at most 40) bits of the hash and takes its tophash from the
     * top 8, so the shard must come from neither: taken from the low bits, the keys of a shard would all share their
     * low k bits and fill one bucket in 2^k; from the top, they would share tophash bits and all match each other.
     * Whatever the table's bits of a hash are, its shard is the same; and every shard gets keys.
     */
    @Test
    void aKeysShardShouldDependOnNoHashBitTheShardsTableUses() {
        final SplittableRandom random = new SplittableRandom(0x5A4D);
        final long usedByTables = (1L << HashTable.MAX_LOG_SIZE) - 1 | 0xFFL << 56;
        for (final int logShards : new int[] {1, 4, 7, ConcurrentLongLongMap.MAX_LOG_SHARDS}) {
            final ShardSet set = new ShardSet(logShards, "shard choice");
            final int[] hashesPerShard = new int[set.count()];
            for (int i = 0; i < 200_000; i++) {
                final long hash = random.nextLong();
                final int shard = set.shardOf(hash);
                hashesPerShard[shard]++;
                final long sameOtherBits = hash ^ random.nextLong() & usedByTables;
                assertEquals(shard, set.shardOf(sameOtherBits), () -> Long.toHexString(hash) + " and "
                        + Long.toHexString(sameOtherBits) + " differ only in bits a table uses");
            }
            for (int shard = 0; shard < set.count(); shard++) {
                assertTrue(hashesPerShard[shard] > 0, "shard " + shard + " of " + set.count() + " got no hash");
            }
        }
    }

    /**
     * By default a map keeps 2,048 emptied mappings in all, and each shard at least one: a shard that kept 2,048 on
     * its own would let a 128-shard map, churning through clears and same-size growths, hold a quarter of a million
     * mappings, four times the kernel's default limit on a whole process.
     */
    @Test
    void byDefaultAMapShouldKeepTwoThousandAndFortyEightRetiredMappingsInAllAndEachShardAtLeastOne() {
        for (int logShards = 0; logShards <= ConcurrentLongLongMap.MAX_LOG_SHARDS; logShards++) {
            final ShardSet.Options options = new ShardSet.Options();
            options.shards(1 << logShards);
            final long inAll = (long) options.retiredMappingsPerShard() << logShards;
            assertEquals(Math.max(ShardSet.KEPT_RETIRED_MAPPINGS, 1 << logShards), inAll, (1 << logShards) + " shards");
        }
        final ShardSet.Options options = new ShardSet.Options();
        options.shards(128);
        assertEquals(16, options.retiredMappingsPerShard(), "as the documentation says for 128 shards");
    }

    @Test
    void theBuilderShouldRejectBadSettingsWithAMessageThatSaysWhy() {
        for (final int count : new int[] {0, -4, 3, 12, 2 * MAX_SHARDS}) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ConcurrentLongLongMap.builder().shards(count));
            assertTrue(e.getMessage().contains("power of two from 1 to " + MAX_SHARDS), e.getMessage());
            assertTrue(e.getMessage().endsWith(": " + count), e.getMessage());
        }
        final IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> ConcurrentLongLongMap.builder().expectedSize(-1));
        assertTrue(size.getMessage().contains("expected size must not be negative: -1"), size.getMessage());
        for (final long budget : new long[] {0, -5}) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ConcurrentLongLongMap.builder().memoryBudget(budget));
            assertTrue(e.getMessage().contains("memory budget must be positive: " + budget), e.getMessage());
        }
        final NullPointerException allocator = assertThrows(NullPointerException.class,
                () -> ConcurrentLongLongMap.builder().allocator(null));
        assertEquals("allocator", allocator.getMessage());
        final NullPointerException allocators = assertThrows(NullPointerException.class,
                () -> ConcurrentLongLongMap.builder().allocators(null));
        assertEquals("perShard", allocators.getMessage());
    }

    @Test
    void aShardWithoutAnAllocatorShouldFailTheBuildAndFreeTheShardsBuiltBeforeIt() {
        final int failing = 2;
        final RecordingAllocator[] recorders = new RecordingAllocator[failing];
        for (int shard = 0; shard < failing; shard++) {
            recorders[shard] = new RecordingAllocator("shard " + shard);
        }
        final NullPointerException e = assertThrows(NullPointerException.class, () -> ConcurrentLongLongMap.builder()
                .shards(4).allocators(shard -> shard < failing ? recorders[shard] : null).build());
        assertEquals("allocator of shard " + failing, e.getMessage());
        for (final RecordingAllocator recorder : recorders) {
            assertTrue(recorder.allocations() > 0, "the shard was built: " + recorder);
            assertEquals(0, recorder.live(), "and freed again: " + recorder);
        }
    }

    // ------------------------------------------------------------------ reads and writes

    @Test
    void readsAndWritesShouldAnswerWithTheConfiguredMissingValue() {
        final long missing = -7;
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).missingValue(missing).build()) {
            assertEquals(missing, map.missingValue());
            assertTrue(map.isEmpty());
            assertEquals(missing, map.get(1));
            assertEquals(99, map.getOrDefault(1, 99));
            assertFalse(map.containsKey(1));

            assertEquals(missing, map.put(1, 10), "an insert returns the missing value");
            assertEquals(10, map.put(1, 11), "an update returns the previous value");
            assertEquals(11, map.get(1));
            assertEquals(11, map.getOrDefault(1, 99));
            assertTrue(map.containsKey(1));

            assertEquals(missing, map.putIfAbsent(2, 20));
            assertEquals(20, map.putIfAbsent(2, 21), "putIfAbsent keeps what is there");
            assertEquals(20, map.get(2));

            assertEquals(missing, map.replace(3, 30), "replace does not insert");
            assertFalse(map.containsKey(3));
            assertEquals(20, map.replace(2, 22));
            assertEquals(22, map.get(2));

            assertEquals(5, map.addTo(4, 5), "addTo inserts the delta");
            assertEquals(12, map.addTo(4, 7));
            assertEquals(2, map.addTo(4, -10));

            assertEquals(6, map.merge(5, 6, Math::max), "merge inserts the value when absent");
            assertEquals(9, map.merge(5, 9, Math::max));
            assertEquals(9, map.merge(5, 1, Math::max), "and stores what the merger returns");
            assertEquals(9, map.get(5));
            assertThrows(NullPointerException.class, () -> map.merge(5, 1, null));

            assertEquals(missing, map.computeIfAbsent(6, key -> missing), "an absent key gets the function's value");
            assertTrue(map.containsKey(6), "even the missing value");
            assertEquals(missing, map.computeIfAbsent(6, key -> 60), "a present key keeps its own");
            assertThrows(ArithmeticException.class, () -> map.computeIfAbsent(7, key -> key / 0));
            assertFalse(map.containsKey(7), "a function that throws stores nothing");
            assertEquals(missing, map.remove(6));

            assertEquals(4, map.size());
            assertEquals(11, map.remove(1));
            assertEquals(missing, map.remove(1));
            assertFalse(map.containsKey(1));
            assertEquals(3, map.size());
            assertFalse(map.isEmpty());
        }
    }

    @Test
    void everyOperationShouldAgreeWithAReferenceMapThroughManyGrowths() {
        final SplittableRandom random = new SplittableRandom(0x5EED);
        final Map<Long, Long> reference = new HashMap<>();
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(8).missingValue(Long.MIN_VALUE)
                .build()) {
            for (int step = 0; step < 300_000; step++) {
                // A key space that widens as the steps go on, so the shards keep growing.
                final long key = random.nextLong(16 + step / 2);
                final long value = random.nextLong();
                final int operation = random.nextInt(8);
                final Long previous = reference.get(key);
                final long previousOrMissing = previous == null ? Long.MIN_VALUE : previous;
                switch (operation) {
                    case 0, 1 -> {
                        assertEquals(previousOrMissing, map.put(key, value));
                        reference.put(key, value);
                    }
                    case 2 -> {
                        assertEquals(previousOrMissing, map.putIfAbsent(key, value));
                        reference.putIfAbsent(key, value);
                    }
                    case 3 -> {
                        assertEquals(previousOrMissing, map.replace(key, value));
                        reference.replace(key, value);
                    }
                    case 4 -> assertEquals(reference.merge(key, value, Long::sum), map.addTo(key, value));
                    case 5 -> assertEquals(reference.merge(key, value, Math::min), map.merge(key, value, Math::min));
                    case 6 -> {
                        assertEquals(previousOrMissing, map.remove(key));
                        reference.remove(key);
                    }
                    default -> {
                        assertEquals(previousOrMissing, map.get(key));
                        assertEquals(previous != null, map.containsKey(key));
                    }
                }
            }
            assertEquals(reference.size(), map.size());
            final Map<Long, Long> produced = new HashMap<>();
            map.forEach((key, value) -> assertNull(produced.put(key, value), "produced twice: " + key));
            assertEquals(reference, produced);
            final ShardedStats stats = map.stats();
            for (final MapStats shard : stats.shards()) {
                assertTrue(shard.logBuckets() >= 10, "every shard should have grown to B >= 10: " + shard);
                assertEquals(shard.logBuckets() - FIRST_LOG_BUCKETS, shard.doublings(), "doubling by doubling: " + shard);
            }
        }
    }

    @Test
    void clearShouldEmptyEveryShardAndLeaveTheMapUsable() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).build()) {
            for (long key = 0; key < 10_000; key++) {
                map.put(key, key + 1);
            }
            map.clear();
            assertEquals(0, map.size());
            assertTrue(map.isEmpty());
            for (final MapStats shard : map.stats().shards()) {
                assertEquals(0, shard.size());
            }
            for (long key = 0; key < 10_000; key += 97) {
                assertFalse(map.containsKey(key));
            }
            map.forEach((key, value) -> {
                throw new AssertionError("a cleared map produced " + key);
            });
            map.put(5, 6);
            assertEquals(6, map.get(5));
            assertEquals(1, map.size());
        }
    }

    // ------------------------------------------------------------------ iteration

    @Test
    void forEachAndTheCursorShouldProduceEveryEntryOfEveryShardOnce() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(8).build()) {
            final Map<Long, Long> expected = new HashMap<>();
            for (long i = 0; i < 5_000; i++) {
                final long key = i * 0x9E37_79B9_7F4A_7C15L;
                map.put(key, ~key);
                expected.put(key, ~key);
            }
            final Map<Long, Long> byForEach = new HashMap<>();
            map.forEach((key, value) -> assertNull(byForEach.put(key, value), "produced twice: " + key));
            assertEquals(expected, byForEach);

            final Map<Long, Long> byCursor = new HashMap<>();
            try (ConcurrentLongLongCursor cursor = map.cursor()) {
                while (cursor.next()) {
                    assertNull(byCursor.put(cursor.key(), cursor.value()), "produced twice: " + cursor.key());
                }
                assertFalse(cursor.next(), "an exhausted cursor stays exhausted");
                assertThrows(IllegalStateException.class, cursor::key);
            }
            assertEquals(expected, byCursor);
        }
    }

    @Test
    void aCursorShouldRefuseToReadBeforeItsFirstStep() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(2).build()) {
            map.put(1, 2);
            try (ConcurrentLongLongCursor cursor = map.cursor()) {
                assertThrows(IllegalStateException.class, cursor::key);
                assertThrows(IllegalStateException.class, cursor::value);
                assertTrue(cursor.next());
                assertEquals(1, cursor.key());
                assertEquals(2, cursor.value());
            }
        }
        try (ConcurrentLongLongMap empty = ConcurrentLongLongMap.builder().shards(4).build();
             ConcurrentLongLongCursor cursor = empty.cursor()) {
            assertFalse(cursor.next(), "an empty map has nothing to produce");
        }
    }

    @Test
    void putAndRemoveGivenIfAbsentShouldTellAStoredMissingValueFromNoEntry() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).build()) {
            assertEquals(-1, map.put(5, 0, -1), "no entry before: ifAbsent");
            assertEquals(0, map.put(5, 0, -1), "the stored 0, which is also the missing value");
            assertEquals(0, map.remove(5, -1), "the removed 0");
            assertEquals(-1, map.remove(5, -1), "no entry left: ifAbsent");
            assertFalse(map.containsKey(5));
            for (long key = 0; key < 1_000; key++) { // through every shard, and their growths
                assertEquals(-1, map.put(key, key * 2, -1));
            }
            for (long key = 0; key < 1_000; key++) {
                assertEquals(key * 2, map.remove(key, -1));
            }
            assertEquals(0, map.size());
        }
    }

    @Test
    void aResetCursorShouldWalkTheMapsCurrentEntriesAgainFromTheFirstShard() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(8).build()) {
            final Map<Long, Long> expected = new HashMap<>();
            for (long i = 0; i < 2_000; i++) {
                final long key = i * 0x9E37_79B9_7F4A_7C15L;
                map.put(key, ~key);
                expected.put(key, ~key);
            }
            final ConcurrentLongLongCursor cursor = map.cursor();
            for (int step = 0; step < 700; step++) { // a walk left in its middle shards, then begun again
                assertTrue(cursor.next());
            }
            for (long i = 0; i < 500; i++) { // changes between walks: the next walk sees them
                final long key = i * 0x9E37_79B9_7F4A_7C15L;
                map.remove(key);
                expected.remove(key);
                map.put(~key, key);
                expected.put(~key, key);
            }
            for (int walk = 0; walk < 3; walk++) {
                cursor.reset();
                assertThrows(IllegalStateException.class, cursor::key, "a reset cursor is before its first entry");
                final Map<Long, Long> seen = new HashMap<>();
                while (cursor.next()) {
                    assertNull(seen.put(cursor.key(), cursor.value()), "produced twice: " + cursor.key());
                }
                assertEquals(expected, seen);
            }
            cursor.close();
            cursor.reset();
            assertTrue(cursor.next(), "a closed cursor walks again once reset");
        }
    }

    @Test
    void aCursorClosedInItsFirstShardShouldNotGoOnWithTheOthers() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).build()) {
            for (long key = 0; key < 1_000; key++) {
                map.put(key, key);
            }
            final ConcurrentLongLongCursor cursor = map.cursor();
            assertTrue(cursor.next());
            cursor.close();
            assertFalse(cursor.next(), "a closed cursor produces nothing, from any shard");
            assertThrows(IllegalStateException.class, cursor::key);
        }
    }

    @Test
    void aCursorShouldKeepItsShardsOldArrayAliveUntilItIsClosed() {
        final RecordingAllocator recorder = new RecordingAllocator("cursor");
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(1).allocator(recorder)
                .backgroundMemoryWork(false).build()) {
            for (long key = 0; key < 1_000; key++) {
                map.put(key, key);
            }
            map.finishGrowth();
            final ConcurrentLongLongCursor cursor = map.cursor();
            assertTrue(cursor.next());
            for (long key = 1_000; key < 4_000; key++) { // two more doublings: the array the cursor walks is retired
                map.put(key, key);
            }
            map.finishGrowth();
            assertFalse(map.stats().shardsGrowing() > 0);
            assertEquals(2, recorder.live(), "the current array, and the retired one the cursor walks: " + recorder);
            cursor.close();
            assertEquals(1, recorder.live(), "closing frees the array only the cursor held: " + recorder);
            assertFalse(cursor.next(), "a closed cursor produces nothing");
            assertThrows(IllegalStateException.class, cursor::key);
            cursor.close(); // idempotent
        }
    }

    // ------------------------------------------------------------------ growth control

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void evacuateAndFinishGrowthShouldEndTheGrowthsNoWriteFinishes() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).backgroundMemoryWork(false)
                .build()) {
            final long presized = 20_000; // so that the growth waited for has hundreds of chains to move
            for (long key = 0; key < presized; key++) {
                map.put(key, key + 1);
            }
            long key = fillUntilSomeShardGrows(map, presized, 1_000_000);
            final long before = evacuatedChains(map.stats());
            assertFalse(map.evacuate(Duration.ZERO), "a growth of hundreds of chains does not end in one clock check");
            assertTrue(evacuatedChains(map.stats()) > before, "but even no time moves some chains");
            int calls = 1;
            while (!map.evacuate(Duration.ofNanos(1))) {
                calls++;
            }
            assertTrue(calls > 1, "a 1 ns budget moves one clock check's worth of chains per call");
            assertEquals(0, map.stats().shardsGrowing());
            assertTrue(map.evacuate(Duration.ofMillis(1)), "nothing left to do");

            key = fillUntilSomeShardGrows(map, key, 1_000_000);
            map.finishGrowth();
            assertEquals(0, map.stats().shardsGrowing());
            for (long k = 0; k < key; k++) {
                assertEquals(k + 1, map.get(k), "key " + k);
            }
        }
    }

    private static long evacuatedChains(final ShardedStats stats) {
        return stats.shards().stream().mapToLong(MapStats::evacuatedOldBuckets).sum();
    }

    /** Inserts {@code key -> key + 1} from {@code key} on until a shard is left growing; returns the next key. */
    static long fillUntilSomeShardGrows(final ConcurrentLongLongMap map, final long from, final long limit) {
        for (long key = from; key < limit; key++) {
            map.put(key, key + 1);
            if ((key & 63) == 0 && map.stats().shardsGrowing() > 0) {
                return key + 1;
            }
        }
        throw new AssertionError("no shard was left growing by " + limit + " inserts: " + map.stats());
    }

    @Test
    void anExpectedSizeShouldPresizeEveryShard() {
        final int entries = 100_000;
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).expectedSize(entries).build()) {
            for (long key = 0; key < entries; key++) {
                map.put(key, key);
            }
            for (final MapStats shard : map.stats().shards()) {
                assertEquals(0, shard.doublings() + shard.sameSizeGrowths(), "presized: " + shard);
                assertTrue(shard.size() > 0, "and used: " + shard);
            }
        }
    }

    @Test
    void shardsShouldBePresizedForTheirShareAndItsRandomSpread() {
        // 20,000 keys in 128 shards: 157 each on average, with a standard deviation of about 12.5. A shard of
        // 2^5 buckets doubles past 208 keys, which 1 in 250 maps saw somewhere; five deviations need 220.
        final long share = ShardSet.shareOf(20_000, 128);
        assertEquals(157 + 63, share);
        assertEquals(20_000, ShardSet.shareOf(20_000, 1), "a single shard gets exactly the keys");
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(128).expectedSize(20_000).build()) {
            for (final MapStats shard : map.stats().shards()) {
                assertTrue(HashTable.LOAD_FACTOR_NUM * ((1L << shard.logBuckets()) / HashTable.LOAD_FACTOR_DEN)
                        >= share, "room for " + share + " keys before a doubling: " + shard);
            }
            for (long key = 0; key < 20_000; key++) {
                map.put(key * 0x9E3779B97F4A7C15L, key);
            }
            for (final MapStats shard : map.stats().shards()) {
                assertEquals(0, shard.doublings() + shard.sameSizeGrowths(), "presized: " + shard);
            }
        }
        // A budget too small for the shards says so for the map: 64 bytes a shard hold no bucket at all.
        final MemoryBudgetExceededException tooSmall = assertThrows(MemoryBudgetExceededException.class,
                () -> ConcurrentLongLongMap.builder().shards(64).memoryBudget(4_096).build());
        assertTrue(tooSmall.getMessage().contains("1/64 of the map's 4096 bytes"), tooSmall.getMessage());
        assertEquals(64, tooSmall.budgetBytes());
        // The margin yields to a budget made for the share alone: 8,192 bytes a shard hold 2^5 buckets, not 2^6.
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(128).expectedSize(20_000)
                .memoryBudget(128 * 8_192).build()) {
            assertEquals(5, map.stats().shards().get(0).logBuckets());
        }
    }

    // ------------------------------------------------------------------ shards' memory: allocators, budget, stats

    @Test
    void eachShardShouldAllocateFromItsOwnAllocator() {
        final int count = 4;
        final RecordingAllocator[] recorders = new RecordingAllocator[count];
        for (int shard = 0; shard < count; shard++) {
            recorders[shard] = new RecordingAllocator("shard " + shard);
        }
        // Background memory work off: every array a shard maps is mapped by its own writes, none ahead of time.
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(count)
                .allocators(shard -> recorders[shard]).backgroundMemoryWork(false).build()) {
            for (long key = 0; key < 50_000; key++) {
                map.put(key, key);
            }
            final List<MapStats> shards = map.stats().shards();
            for (int shard = 0; shard < count; shard++) {
                final MapStats stats = shards.get(shard);
                assertEquals("recording shard " + shard, stats.allocator());
                assertTrue(stats.doublings() > 0, "shard " + shard + " grew: " + stats);
                assertEquals(1 + stats.doublings() + stats.sameSizeGrowths(), recorders[shard].allocations(),
                        "the initial array and one per growth, all from shard " + shard + "'s allocator");
            }
        }
        for (final RecordingAllocator recorder : recorders) {
            assertEquals(0, recorder.live(), "close frees every array: " + recorder);
        }
    }

    @Test
    void statsShouldSumTheShardsAndSplitTheBudget() {
        final long budget = 64L << 20;
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).memoryBudget(budget)
                .backgroundMemoryWork(false).build()) {
            long key = fillUntilSomeShardGrows(map, 0, 100_000);
            final ShardedStats stats = map.stats();
            assertEquals(key, stats.size());
            long size = 0;
            long committed = 0;
            long reserved = 0;
            long twoArrays = 0;
            int growing = 0;
            for (final MapStats shard : stats.shards()) {
                assertEquals(budget / map.shardCount(), shard.memoryBudgetBytes(), "each shard has its share");
                size += shard.size();
                committed += shard.committedBytes();
                reserved += shard.reservedBytes();
                twoArrays += shard.timeWithTwoArraysNanos();
                growing += shard.growing() ? 1 : 0;
            }
            assertEquals(size, stats.size());
            assertEquals(committed, stats.committedBytes());
            assertEquals(reserved, stats.reservedBytes());
            assertEquals(growing, stats.shardsGrowing());
            assertTrue(stats.timeWithTwoArraysNanos() >= twoArrays, "the clock of a growth in progress runs on");
            assertEquals(0, stats.backgroundSlices(), "no background evacuator");
            assertEquals(0, stats.backgroundNanos());
            assertTrue(stats.toString().contains("growing=" + growing), stats.toString());
            assertTrue(stats.toString().contains(" committed=" + committed + " "), stats.toString());
            assertTrue(stats.toString().contains(" reserved=" + reserved + " "), stats.toString());
        }
    }

    @Test
    void aShardThatRunsOutOfItsShareOfTheBudgetShouldSaySoByName() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).memoryBudget(4 * 16_384)
                .backgroundMemoryWork(false).build()) {
            final MemoryBudgetExceededException e = assertThrows(MemoryBudgetExceededException.class, () -> {
                for (long key = 0; key < 1_000_000; key++) {
                    map.put(key, key);
                }
            });
            assertTrue(e.getMessage().contains("ConcurrentLongLongMap shard "), e.getMessage());
            assertTrue(e.getMessage().contains("whose budget is 1/4 of the map's 65536 bytes"), e.getMessage());
            assertEquals(16_384, e.budgetBytes(), "the shard's share of the budget");
            final long size = map.size();
            assertTrue(size > 0, "the map kept what it admitted");
            for (long key = 0; key < size; key++) {
                assertEquals(key, map.get(key));
            }
        }
    }

    @Test
    void aShardShouldKeepItsRetiredArraysMappedButEmptiedAndFreeThemAllOnClose() throws InterruptedException {
        final RecordingAllocator recorder = new RecordingAllocator("kept", true);
        final int kept = 3;
        final ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(2).allocator(recorder)
                .retiredMappingsPerShard(kept).build();
        try {
            for (long key = 0; key < 50_000; key++) {
                map.put(key, ~key);
            }
            map.finishGrowth();
            assertTrue(MemoryWorker.awaitIdle(30, TimeUnit.SECONDS));
            final ShardedStats stats = map.stats();
            long retired = 0;
            long keptNow = 0;
            for (final MapStats shard : stats.shards()) {
                assertTrue(shard.doublings() > kept, "enough growths to free some: " + shard);
                retired += shard.doublings();
                keptNow += kept;
            }
            // Freed arrays (retired beyond those kept, or prepared and dropped) have their pages given back too,
            // step by step before they are unmapped; the kept ones are the only emptied blocks still mapped.
            assertTrue(recorder.discardedBlocks() >= retired, "every retired array had its pages given back");
            assertEquals(keptNow, recorder.liveDiscardedBlocks(), kept + " emptied mappings kept a shard");
            assertTrue(recorder.frees() >= retired - keptNow, "beyond " + kept + " a shard, freed: " + recorder);
            assertTrue(recorder.live() <= 2 * 2 + keptNow, "current and prepared arrays, and those kept: " + recorder);
            assertTrue(stats.reservedBytes() > stats.committedBytes(), "kept mappings are reserved, not committed");
            assertEquals(recorder.liveBytes(), stats.reservedBytes(),
                    "the address space of every mapping still held, the kept ones included: " + recorder);
            for (long key = 0; key < 50_000; key++) {
                assertEquals(~key, map.get(key));
            }
        } finally {
            map.close();
        }
        assertEquals(0, recorder.live(), "close freed the kept mappings too: " + recorder);
    }

    /** A shard's first array: 2^4 buckets and Go's one spare, 2,448 bytes, the most that fits in a page. */
    private static final int FIRST_LOG_BUCKETS = 4;

    @Test
    void aShardShouldStartWithAsManyBucketsAsItsFirstPageHolds() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).build()) {
            for (final MapStats shard : map.stats().shards()) {
                assertEquals(FIRST_LOG_BUCKETS, shard.logBuckets(), shard::toString);
                assertTrue(shard.committedBytes() <= ShardSet.FIRST_ARRAY_BYTES, shard::toString);
            }
            for (long key = 0; key < 4 * 104; key++) { // 104 = 6.5 per bucket: up to the load factor, no growth
                map.put(key, key);
            }
            final ShardedStats stats = map.stats();
            assertEquals(FIRST_LOG_BUCKETS + 1, stats.shards().stream().mapToInt(MapStats::logBuckets).max()
                    .orElseThrow(), "the shards that got more than 104 keys doubled: " + stats);
        }
        // A larger expected size wins, and a budget too small for the page keeps Go's single bucket.
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).expectedSize(4 * 1_000_000)
                .build()) {
            assertEquals(18, map.stats().shards().get(0).logBuckets(), "makemap's B for 1M entries");
        }
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).memoryBudget(4 * 1_000)
                .build()) {
            assertEquals(2, map.stats().shards().get(0).logBuckets(), "4 buckets of 144 bytes fit in 1,000");
        }
        // A typed shard's first page holds fewer of its larger buckets: 656 bytes each for string -> 64 bytes.
        assertEquals(2, ShardSet.Options.firstLogBuckets(BucketLayout.forSizes(16, 64), Long.MAX_VALUE));
    }

    @Test
    void growthEventsShouldNameTheShardThatGrew() throws IOException {
        final Path file = directory.resolve("shards.jfr");
        final ShardedStats stats;
        try (Recording recording = new Recording()) {
            recording.enable("io.panamap.GrowthStart").withThreshold(Duration.ZERO);
            recording.start();
            try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).build()) {
                for (long key = 0; key < 20_000; key++) {
                    map.put(key, key);
                }
                stats = map.stats();
            }
            recording.stop();
            recording.dump(file);
        }
        // Compared as sets: a dump has been seen to hold some events twice (JDK 25, a recording over two chunks).
        final Map<Integer, Set<Integer>> doublingsByShard = new HashMap<>();
        for (final RecordedEvent event : RecordingFile.readAllEvents(file)) {
            final int shard = event.getInt("shard");
            assertEquals("ConcurrentLongLongMap shard " + shard, event.getString("table"));
            if (!event.getBoolean("sameSize")) {
                doublingsByShard.computeIfAbsent(shard, s -> new TreeSet<>()).add(event.getInt("newLogBuckets"));
            }
        }
        assertEquals(stats.shards().size(), doublingsByShard.size(), "every shard grew: " + doublingsByShard);
        for (int shard = 0; shard < stats.shards().size(); shard++) {
            final MapStats one = stats.shards().get(shard);
            final Set<Integer> expected = IntStream.rangeClosed(FIRST_LOG_BUCKETS + 1, one.logBuckets()).boxed()
                    .collect(Collectors.toSet());
            assertEquals(one.doublings(), expected.size(), "a shard that started empty doubled to each B once");
            assertEquals(expected, doublingsByShard.get(shard), "doubling events of shard " + shard);
        }
    }

    // ------------------------------------------------------------------ the shard's lock

    /**
     * replace(key, expected, new) is a compare-and-set: counters incremented by read-then-replace loops from four
     * threads lose no increment, and removeIfValue removes only the value it was given.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void replaceAndRemoveGivenTheExpectedValueShouldBeCompareAndSets() {
        final int counters = 4;
        final int threads = 4;
        final int increments = 20_000;
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(2).missingValue(-1).build()) {
            assertFalse(map.replace(1, 0, 1), "absent: nothing to replace");
            assertFalse(map.containsKey(1), "nor inserted");
            for (long counter = 0; counter < counters; counter++) {
                map.put(counter, 0);
            }
            final Crew crew = new Crew();
            for (int t = 0; t < threads; t++) {
                crew.start("incrementer-" + t, () -> {
                    for (int i = 0; i < increments; i++) {
                        final long counter = i % counters;
                        long seen;
                        do {
                            seen = map.get(counter);
                        } while (!map.replace(counter, seen, seen + 1));
                    }
                });
            }
            crew.join(Duration.ofSeconds(60));
            for (long counter = 0; counter < counters; counter++) {
                assertEquals((long) threads * increments / counters, map.get(counter), "counter " + counter);
            }
            assertFalse(map.removeIfValue(0, 1), "another value: kept");
            assertTrue(map.containsKey(0));
            assertTrue(map.removeIfValue(0, (long) threads * increments / counters));
            assertFalse(map.containsKey(0));
            assertFalse(map.removeIfValue(0, -1), "absent, even given the missing value");
        }
    }

    /**
     * For a key that stays absent, one thread's function runs and every thread gets its value. Each function call
     * takes about 20 µs, so that threads reaching a key while another computes it pile up behind it: what they
     * must then do is find the value stored, not compute their own over it.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void computeIfAbsentShouldRunTheFunctionOnceForAKeyHoweverManyThreadsAskAtOnce() {
        final int keys = 2_000;
        final int threads = 4;
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).build()) {
            final AtomicIntegerArray calls = new AtomicIntegerArray(keys);
            final long[][] seen = new long[threads][keys];
            final Crew crew = new Crew();
            for (int t = 0; t < threads; t++) {
                final int thread = t;
                crew.start("computer-" + t, () -> {
                    for (int key = 0; key < keys; key++) {
                        seen[thread][key] = map.computeIfAbsent(key, k -> {
                            calls.incrementAndGet((int) k);
                            final long until = System.nanoTime() + 20_000;
                            while (System.nanoTime() < until) {
                                Thread.onSpinWait();
                            }
                            return k * 1_000 + thread;
                        });
                    }
                });
            }
            crew.join(Duration.ofSeconds(60));
            assertEquals(keys, map.size());
            for (int key = 0; key < keys; key++) {
                assertEquals(1, calls.get(key), "calls of the function for key " + key);
                for (int t = 0; t < threads; t++) {
                    assertEquals(map.get(key), seen[t][key], "what thread " + t + " got for key " + key);
                }
            }
        }
    }

    /**
     * A merger runs under its shard's write lock, and a StampedLock is not reentrant: a merger that calls into its
     * own shard would wait for its own thread for ever. It gets an exception instead, whatever the call, and the
     * entry, the lock and the map are left as they were.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aMergerCallingIntoItsOwnShardShouldGetAnExceptionRatherThanWaitForItself() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(1).build()) {
            map.put(1, 10);
            final Map<String, Function<ConcurrentLongLongMap, Object>> calls = new LinkedHashMap<>();
            calls.put("get", m -> m.get(1));
            calls.put("containsKey", m -> m.containsKey(2));
            calls.put("put", m -> m.put(2, 20));
            calls.put("merge", m -> m.merge(2, 20, Long::sum));
            calls.put("computeIfAbsent", m -> m.computeIfAbsent(2, key -> 20));
            calls.put("size", ConcurrentLongLongMap::size);
            calls.put("cursor", m -> {
                try (ConcurrentLongLongCursor cursor = m.cursor()) {
                    return cursor.next();
                }
            });
            calls.put("stats", ConcurrentLongLongMap::stats);
            calls.put("close", m -> {
                m.close();
                return null;
            });
            calls.forEach((name, call) -> {
                final IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> map.merge(1, 5, (existing, given) -> {
                            call.apply(map);
                            return existing + given;
                        }), name);
                assertTrue(e.getMessage().contains("ConcurrentLongLongMap shard 0")
                        && e.getMessage().contains("wait for itself"), name + ": " + e.getMessage());
                assertFalse(map.isClosed(), name + " left the map open");
                assertEquals(10, map.get(1), name + ": the entry as it was");
                assertFalse(map.containsKey(2), name + ": nothing else stored");
                assertEquals(15, map.merge(1, 5, Long::sum), name + ": the shard unlocked");
                map.put(1, 10);
            });
        }
    }

    /**
     * What turns a call into the function's own shard into an exception is marked on that shard, not on the map or
     * on shard 0: a merger or a computeIfAbsent function may use the map's other shards, and only a call into its
     * own is refused, naming it. (The one-shard tests above cannot tell these apart.)
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // unmarked, its own shard waits for ever
    void aFunctionShouldBeRefusedOnlyTheShardWhoseLockItRunsUnder() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).build()) {
            final int[] shards = new int[256]; // the shards a random seed gives: each gets some of them
            for (int key = 0; key < shards.length; key++) {
                shards[key] = shardOf(map, key);
            }
            // A key outside shard 0, two more keys of its shard, and a key of shard 0.
            final int asked = IntStream.range(0, shards.length).filter(key -> shards[key] != 0).findFirst()
                    .orElseThrow();
            final int[] sameShard = IntStream.range(asked + 1, shards.length)
                    .filter(key -> shards[key] == shards[asked]).limit(2).toArray();
            final int otherShard = IntStream.range(0, shards.length).filter(key -> shards[key] == 0).findFirst()
                    .orElseThrow();
            final String refusal = "ConcurrentLongLongMap shard " + shards[asked] + "'s write lock";
            map.put(asked, 10);
            map.put(sameShard[0], 1);
            map.put(otherShard, 2);

            assertEquals(17, map.merge(asked, 5, (existing, given) -> existing + given + map.get(otherShard)),
                    "a merger reads another shard");
            assertEquals(30, map.computeIfAbsent(sameShard[1], key -> map.put(otherShard, 3) * 15),
                    "a function writes another shard");
            assertEquals(3, map.get(otherShard));
            map.remove(sameShard[1]);

            final IllegalStateException fromMerger = assertThrows(IllegalStateException.class,
                    () -> map.merge(asked, 5, (existing, given) -> existing + map.get(sameShard[0])));
            assertTrue(fromMerger.getMessage().contains(refusal), fromMerger.getMessage());
            final IllegalStateException fromFunction = assertThrows(IllegalStateException.class,
                    () -> map.computeIfAbsent(sameShard[1], key -> map.get(sameShard[0])));
            assertTrue(fromFunction.getMessage().contains(refusal), fromFunction.getMessage());
            assertEquals(17, map.get(asked));
            assertFalse(map.containsKey(sameShard[1]));
        }
    }

    /** The shard {@code key} (absent) falls in: the one whose size its put alone changes. */
    private static int shardOf(final ConcurrentLongLongMap map, final long key) {
        final List<MapStats> before = map.stats().shards();
        map.put(key, 0);
        final List<MapStats> after = map.stats().shards();
        map.remove(key);
        return IntStream.range(0, after.size()).filter(shard -> after.get(shard).size() > before.get(shard).size())
                .findFirst().orElseThrow();
    }

    /**
     * Every path into a shard goes through its lock: while a write holds the shard (here a merge whose merger
     * waits), a read that cannot validate, a cursor's step, the stats, the size, the calls that visit every shard,
     * and close() all wait for the write, then go on with the shard as the write left it. Without the lock they
     * would meet the write halfway: a read or a step would get ConcurrentModificationException from the table's
     * own check, and close() would free the shard under the write. Each operation is prepared (a cursor takes its
     * first step) before the write starts.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyOperationOnAShardAWriteHoldsShouldWaitForTheWrite() throws InterruptedException {
        final Map<String, Function<ConcurrentLongLongMap, Executable>> operations = new LinkedHashMap<>();
        operations.put("get", map -> () -> assertEquals(3, map.get(2)));
        operations.put("getOrDefault", map -> () -> assertEquals(3, map.getOrDefault(2, -1)));
        operations.put("containsKey", map -> () -> assertTrue(map.containsKey(2)));
        operations.put("put", map -> () -> assertEquals(3, map.put(2, 3)));
        operations.put("remove", map -> () -> assertEquals(3, map.remove(2)));
        operations.put("put given ifAbsent", map -> () -> assertEquals(3, map.put(2, 3, -1)));
        operations.put("remove given ifAbsent", map -> () -> assertEquals(3, map.remove(2, -1)));
        operations.put("replace given the expected value", map -> () -> assertTrue(map.replace(2, 3, 3)));
        operations.put("removeIfValue", map -> () -> assertTrue(map.removeIfValue(2, 3)));
        operations.put("cursor reset and step", map -> {
            final ConcurrentLongLongCursor cursor = map.cursor();
            assertTrue(cursor.next());
            return () -> {
                cursor.reset();
                assertTrue(cursor.next());
                cursor.close();
            };
        });
        operations.put("cursor step", map -> {
            final ConcurrentLongLongCursor cursor = map.cursor();
            assertTrue(cursor.next());
            return () -> {
                assertTrue(cursor.next());
                cursor.close();
            };
        });
        operations.put("forEach", map -> () -> map.forEach((key, value) ->
                assertEquals(key == 0 ? 2 : key + 1, value, "key " + key)));
        operations.put("size", map -> () -> assertTrue(map.size() > 0));
        operations.put("stats", map -> () -> assertEquals(1, map.stats().shardsGrowing()));
        operations.put("evacuate", map -> () -> assertTrue(map.evacuate(Duration.ofSeconds(30))));
        operations.put("finishGrowth", map -> map::finishGrowth);
        operations.put("releaseSpareMemory", map -> map::releaseSpareMemory);
        operations.put("trimToSize", map -> map::trimToSize);
        operations.put("clear", map -> map::clear);
        operations.put("close", map -> map::close);
        for (final Map.Entry<String, Function<ConcurrentLongLongMap, Executable>> operation : operations.entrySet()) {
            final String name = operation.getKey();
            try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(1).backgroundMemoryWork(false)
                    .build()) {
                for (long key = 0; key < 20_000; key++) { // a growth of hundreds of chains, left in progress
                    map.put(key, key + 1);
                }
                fillUntilSomeShardGrows(map, 20_000, 1_000_000);
                final Executable use = operation.getValue().apply(map);
                final Thread user;
                final Throwable[] failure = new Throwable[1];
                try (HeldWrite _ = new HeldWrite(map, 0)) {
                    user = Thread.ofPlatform().name(name).start(() -> {
                        try {
                            use.execute();
                        } catch (final Throwable t) {
                            failure[0] = t;
                        }
                    });
                    final Thread.State state = awaitParkedOrDone(user);
                    assertEquals(Thread.State.WAITING, state, () -> name + " waits for the write"
                            + (failure[0] == null ? "" : ", but met it halfway: " + failure[0]));
                }
                user.join();
                if (failure[0] != null) {
                    throw new AssertionError(name + " after the write", failure[0]);
                }
            }
        }
    }

    /**
     * A merge of {@code key + 1} into {@code map} on a thread of its own, holding the key's shard until closed: its
     * merger waits. Closing lets it finish, and fails if the merge did not store its sum.
     */
    private static final class HeldWrite implements AutoCloseable {
        private final CountDownLatch inside = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final Thread writer;
        private volatile Throwable failure;
        private volatile long stored;

        HeldWrite(final ConcurrentLongLongMap map, final long key) throws InterruptedException {
            writer = Thread.ofPlatform().name("held-write").start(() -> {
                try {
                    stored = map.merge(key, 1, (existing, given) -> {
                        inside.countDown();
                        try {
                            release.await();
                        } catch (final InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return existing + given;
                    });
                } catch (final Throwable t) {
                    failure = t;
                }
            });
            assertTrue(inside.await(30, TimeUnit.SECONDS), "the write began");
        }

        @Override
        public void close() {
            release.countDown();
            try {
                writer.join();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while the held write finished", e);
            }
            if (failure != null) {
                throw new AssertionError("the held write", failure);
            }
            assertEquals(2, stored, "the held write merged 1 into key 0's value, 1");
        }
    }

    /** Waits until {@code thread} parks (on a lock) or ends, at most 30 seconds; returns its state then. */
    static Thread.State awaitParkedOrDone(final Thread thread) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Thread.State state = thread.getState();
        while (state != Thread.State.WAITING && state != Thread.State.TERMINATED && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            state = thread.getState();
        }
        return state;
    }

    @Test
    void aMergerThatThrowsShouldLeaveTheEntryAsItWasAndTheShardUnlocked() throws InterruptedException {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(1).missingValue(-1).build()) {
            final long keys = 5_000;
            for (long key = 0; key < keys; key++) {
                map.put(key, ~key);
            }
            final IllegalArgumentException refusal = new IllegalArgumentException("refused");
            for (long key = 0; key < keys; key++) {
                final long stored = key;
                assertSame(refusal, assertThrows(IllegalArgumentException.class,
                        () -> map.merge(stored, 1, (existing, given) -> {
                            throw refusal;
                        })));
            }
            assertEquals(keys, map.size());
            for (long key = 0; key < keys; key++) {
                assertEquals(~key, map.get(key), "the merger's failure changes nothing");
            }
            // Another thread can write the one shard at once: no merger left it locked.
            final Thread writer = new Thread(() -> map.put(keys, keys));
            writer.start();
            writer.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(writer.isAlive(), "the shard's write lock was released");
            assertEquals(keys, map.get(keys));
        }
    }

    // ------------------------------------------------------------------ closing

    @Test
    void closeShouldBeIdempotentAndEveryLaterUseShouldThrowIllegalStateException() throws InterruptedException {
        final RecordingAllocator recorder = new RecordingAllocator("closing");
        final ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(4).allocator(recorder)
                .backgroundEvacuation().build();
        for (long key = 0; key < 1_000; key++) {
            map.put(key, key);
        }
        assertFalse(map.isClosed());
        assertTrue(map.toString().contains("shards=4"), map.toString());
        map.close();
        assertTrue(map.isClosed());
        assertEquals("ConcurrentLongLongMap[closed]", map.toString());
        assertTrue(MemoryWorker.awaitIdle(30, TimeUnit.SECONDS),
                "arrays retired before the close are freed in the background");
        assertEquals(0, recorder.live(), "close frees every shard's arrays: " + recorder);
        map.close();
        assertTrue(map.isClosed());

        final Map<String, Executable> uses = new LinkedHashMap<>();
        uses.put("get", () -> map.get(1));
        uses.put("getOrDefault", () -> map.getOrDefault(1, 2));
        uses.put("containsKey", () -> map.containsKey(1));
        uses.put("put", () -> map.put(1, 2));
        uses.put("putIfAbsent", () -> map.putIfAbsent(1, 2));
        uses.put("replace", () -> map.replace(1, 2));
        uses.put("replace given the expected value", () -> map.replace(1, 2, 3));
        uses.put("removeIfValue", () -> map.removeIfValue(1, 2));
        uses.put("addTo", () -> map.addTo(1, 2));
        uses.put("merge", () -> map.merge(1, 2, Long::sum));
        uses.put("remove", () -> map.remove(1));
        uses.put("put given ifAbsent", () -> map.put(1, 2, -1));
        uses.put("remove given ifAbsent", () -> map.remove(1, -1));
        uses.put("clear", map::clear);
        uses.put("size", map::size);
        uses.put("isEmpty", map::isEmpty);
        uses.put("forEach", () -> map.forEach((key, value) -> { }));
        uses.put("cursor", map::cursor);
        uses.put("stats", map::stats);
        uses.put("finishGrowth", map::finishGrowth);
        uses.put("releaseSpareMemory", map::releaseSpareMemory);
        uses.put("trimToSize", map::trimToSize);
        uses.put("trimToSize(expectedSize)", () -> map.trimToSize(1_000));
        uses.put("evacuate", () -> map.evacuate(Duration.ofMillis(1)));
        // Each names the map, the optimistic reads too, rather than the JDK's "Already closed" of its memory.
        uses.forEach((name, use) -> {
            final String message = assertThrows(IllegalStateException.class, use, name + " after close").getMessage();
            assertTrue(message.startsWith("ConcurrentLongLongMap") && message.endsWith(" is closed"),
                    name + ": " + message);
            // The whole map was closed, not one shard: a message naming a shard would send the reader looking
            // for what happened to that shard alone.
            assertFalse(message.contains(" shard "), name + ": " + message);
        });
        assertEquals(4, map.shardCount(), "what needs no memory still answers");
    }

    @Test
    void releasingSpareMemoryShouldGiveBackEveryShardsPreparedArrayAndKeepEveryEntry() throws InterruptedException {
        // Two shards of about 80,000 entries each: 2^14 buckets, past 5/8 of their threshold (66,560 entries).
        final long keys = 160_000;
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(2).build()) {
            for (long key = 0; key < keys; key++) {
                map.put(key, ~key);
            }
            assertTrue(MemoryWorker.awaitIdle(30, TimeUnit.SECONDS));
            final ShardedStats before = map.stats();
            long prepared = 0;
            for (final MapStats shard : before.shards()) {
                assertTrue(shard.nextArrayPrepared(), "test premise: " + shard);
                prepared += BucketArray.initialCommittedBytes(BucketLayout.LONG_LONG, shard.logBuckets() + 1);
            }

            assertEquals(prepared, before.spareBytes(), "what stats() says a release would give back");
            assertEquals(prepared, map.releaseSpareMemory());

            final ShardedStats after = map.stats();
            assertEquals(before.committedBytes() - prepared, after.committedBytes());
            after.shards().forEach(shard -> assertFalse(shard.nextArrayPrepared(), shard.toString()));
            for (long key = 0; key < keys; key++) {
                assertEquals(~key, map.get(key));
            }
        }
    }

    @Test
    void aCursorOfAMapClosedUnderItShouldThrowIllegalStateException() {
        final ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(2).build();
        for (long key = 0; key < 100; key++) {
            map.put(key, key);
        }
        final ConcurrentLongLongCursor cursor = map.cursor();
        assertTrue(cursor.next());
        map.close();
        assertThrows(IllegalStateException.class, cursor::next);
    }

    /**
     * A NUMA allocator's placement queries every page of a shard's array, which takes time in proportion to it:
     * a stats() call from a monitoring thread must not hold the shard's lock meanwhile, or the shard's writers
     * wait for the whole query. The allocator here writes to the map from another thread while it is asked.
     */
    @Test
    void aShardsWritersShouldNotWaitWhileStatsAsksWhereItsPagesAre() throws InterruptedException {
        final CountDownLatch[] written = new CountDownLatch[1];
        final ConcurrentLongLongMap[] under = new ConcurrentLongLongMap[1];
        final NativeAllocator placing = new NativeAllocator() {
            private final NativeAllocator pages = NativeAllocators.defaultAllocator();

            @Override
            public NativeBlock allocate(final long byteSize) {
                return pages.allocate(byteSize);
            }

            @Override
            public String placement(final NativeBlock block) {
                final CountDownLatch done = new CountDownLatch(1);
                written[0] = done;
                Thread.ofPlatform().start(() -> {
                    under[0].put(1, 1);
                    done.countDown();
                });
                try {
                    // Far longer than a put takes; with the lock held the put waits for this to return.
                    return done.await(30, TimeUnit.SECONDS) ? "node0=1 pages, not faulted=0" : "writer waited";
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return "interrupted";
                }
            }

            @Override
            public String describe() {
                return "mmap, reporting placement";
            }
        };
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().shards(1).allocators(shard -> placing)
                .backgroundMemoryWork(false).build()) {
            under[0] = map;
            final ShardedStats stats = map.stats();
            assertTrue(written[0].await(60, TimeUnit.SECONDS), "the write finished");
            assertEquals("node0=1 pages, not faulted=0", stats.shards().get(0).placement());
            assertEquals(1, map.get(1));
        }
    }
}
