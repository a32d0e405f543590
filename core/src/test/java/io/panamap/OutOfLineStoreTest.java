package io.panamap;

import io.panamap.memory.MemoryBudgetExceededException;
import io.panamap.memory.MmapAllocator;
import io.panamap.memory.Mmap;
import io.panamap.memory.NativeAllocator;
import io.panamap.memory.NativeAllocators;
import io.panamap.memory.NativeBlock;
import io.panamap.memory.NativeMemoryException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The out-of-line block store: contents, accounting against a model, reuse, budget, misuse, heap garbage. */
class OutOfLineStoreTest {

    private static final long SLAB = OutOfLineStore.SLAB_BYTES;
    private static final int LARGEST_CLASS = OutOfLineStore.MAX_CLASS_BYTES;
    private static final long PAGE = OutOfLineStore.PAGE_BYTES;
    private static final String OWNER = "map 'test'";

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static OutOfLineStore newStore() {
        return new OutOfLineStore(NativeAllocators.defaultAllocator(), OutOfLineStore.BudgetGuard.UNLIMITED, OWNER);
    }

    // ---------------------------------------------------------------- size classes

    @Test
    void everyLengthShouldGetTheSmallestClassThatHoldsItWithLessThanAQuarterMore() {
        assertEquals(49, OutOfLineStore.CLASS_COUNT);
        assertEquals(List.of(16, 20, 24, 28, 32, 40, 48, 56, 64, 80), classSizes().subList(0, 10));
        assertEquals(LARGEST_CLASS, OutOfLineStore.classBytes(OutOfLineStore.CLASS_COUNT - 1));
        for (int length = 1; length <= LARGEST_CLASS; length++) {
            final int sizeClass = OutOfLineStore.classIndex(length);
            final int bytes = OutOfLineStore.classBytes(sizeClass);
            assertTrue(bytes >= length, "class of " + length);
            assertTrue(sizeClass == 0 || OutOfLineStore.classBytes(sizeClass - 1) < length, "smallest class for " + length);
            assertTrue(length <= OutOfLineStore.MIN_CLASS_BYTES || bytes < 1.25 * length, length + " -> " + bytes);
        }
        for (final int bytes : classSizes()) {
            assertTrue(bytes < 32 ? bytes % 4 == 0 : bytes % 8 == 0, bytes + " bytes is not aligned as documented");
            final long tail = SLAB % bytes;
            assertTrue(tail <= SLAB / 8, "a slab of " + bytes + "-byte blocks leaves " + tail + " bytes unused");
        }
    }

    private static List<Integer> classSizes() {
        final List<Integer> sizes = new ArrayList<>();
        for (int c = 0; c < OutOfLineStore.CLASS_COUNT; c++) {
            sizes.add(OutOfLineStore.classBytes(c));
        }
        return sizes;
    }

    // ---------------------------------------------------------------- contents

    @ParameterizedTest
    @ValueSource(strings = {"mmap", "arena"})
    void blocksOfEverySizeShouldKeepTheirContentsThroughOtherAllocationsAndFrees(final String allocatorName) {
        final NativeAllocator allocator = allocatorName.equals("mmap") ? NativeAllocators.defaultAllocator()
                : NativeAllocators.arena();
        final SplittableRandom random = new SplittableRandom(42);
        try (OutOfLineStore store = new OutOfLineStore(allocator, OutOfLineStore.BudgetGuard.UNLIMITED, OWNER)) {
            final List<long[]> live = new ArrayList<>();
            for (int step = 0; step < 6000; step++) {
                if (live.isEmpty() || random.nextInt(3) != 0) {
                    final long length = randomLength(random);
                    final long address = store.allocate(length);
                    fill(store, address, length);
                    live.add(new long[] {address, length});
                } else {
                    final long[] victim = live.remove(random.nextInt(live.size()));
                    verify(store, victim[0], victim[1]);
                    store.free(victim[0], victim[1]);
                }
            }
            assertTrue(store.regionCount() > 1, "the test should span regions: " + store.describe());
            assertTrue(store.dedicatedBlocks() > 0, "the test should use dedicated blocks: " + store.describe());
            for (final long[] block : live) {
                verify(store, block[0], block[1]);
            }
        }
    }

    /** Mostly short strings, some lengths in every class, a few dedicated blocks. */
    private static long randomLength(final SplittableRandom random) {
        final int kind = random.nextInt(100);
        if (kind < 70) {
            return 1 + random.nextInt(200);
        } else if (kind < 98) {
            return 1 + random.nextInt(LARGEST_CLASS);
        }
        return LARGEST_CLASS + 1 + random.nextInt(3 * LARGEST_CLASS);
    }

    /** Writes a pattern derived from the block's address, so a block overwritten by a neighbour is told apart. */
    private static void fill(final OutOfLineStore store, final long address, final long length) {
        final MemorySegment region = store.regionOf(address, length);
        final long offset = address - region.address();
        final byte seed = seedOf(address);
        for (long i = 0; i < length; i++) {
            region.set(ValueLayout.JAVA_BYTE, offset + i, (byte) (seed + i));
        }
    }

    private static void verify(final OutOfLineStore store, final long address, final long length) {
        final MemorySegment region = store.regionOf(address, length);
        final long offset = address - region.address();
        final byte seed = seedOf(address);
        for (long i = 0; i < length; i++) {
            if (region.get(ValueLayout.JAVA_BYTE, offset + i) != (byte) (seed + i)) {
                fail("byte " + i + " of the " + length + "-byte block at 0x" + Long.toHexString(address)
                        + " was overwritten");
            }
        }
    }

    private static byte seedOf(final long address) {
        return (byte) ((address * 0x9E3779B97F4A7C15L) >>> 56);
    }

    // ---------------------------------------------------------------- model

    enum Kind { ALLOCATE, FREE, FREE_DEFERRED, RELEASE_DEFERRED, RESIZE }

    record Op(Kind kind, long length, int pick) {
    }

    @Provide
    Arbitrary<Op> operation() {
        final Arbitrary<Long> lengths = Arbitraries.frequencyOf(
                Tuple.of(60, Arbitraries.longs().between(1, 64)),
                Tuple.of(25, Arbitraries.longs().between(1, 2048)),
                Tuple.of(12, Arbitraries.longs().between(1, LARGEST_CLASS)),
                Tuple.of(3, Arbitraries.longs().between(LARGEST_CLASS + 1, 4L * LARGEST_CLASS)));
        final Arbitrary<Kind> kinds = Arbitraries.frequencyOf(
                Tuple.of(50, Arbitraries.just(Kind.ALLOCATE)),
                Tuple.of(30, Arbitraries.just(Kind.FREE)),
                Tuple.of(8, Arbitraries.just(Kind.FREE_DEFERRED)),
                Tuple.of(4, Arbitraries.just(Kind.RELEASE_DEFERRED)),
                Tuple.of(8, Arbitraries.just(Kind.RESIZE)));
        return Combinators.combine(kinds, lengths, Arbitraries.integers().between(0, Integer.MAX_VALUE)).as(Op::new);
    }

    @Property(tries = 100)
    void randomAllocationsAndFreesShouldMatchAModel(@ForAll @Size(min = 1, max = 400) final List<@From("operation") Op> ops) {
        try (OutOfLineStore store = newStore()) {
            final Model model = new Model();
            for (final Op op : ops) {
                model.apply(op, store);
                model.check(store);
            }
        }
    }

    @Test
    void aLongSeededChurnShouldMatchTheModel() {
        final SplittableRandom random = new SplittableRandom(20260101);
        try (OutOfLineStore store = newStore()) {
            final Model model = new Model();
            for (int step = 0; step < 40_000; step++) {
                // Phases of growth and shrinkage, so slabs fill, drain, are released and retaken.
                final boolean growing = (step / 5000) % 2 == 0;
                final int roll = random.nextInt(100);
                final Kind kind = roll < (growing ? 60 : 25) ? Kind.ALLOCATE
                        : roll < 85 ? Kind.FREE
                        : roll < 92 ? Kind.FREE_DEFERRED
                        : roll < 95 ? Kind.RELEASE_DEFERRED : Kind.RESIZE;
                final long length = random.nextInt(50) == 0 ? randomLength(random) : 1 + random.nextInt(300);
                model.apply(new Op(kind, length, random.nextInt(Integer.MAX_VALUE)), store);
                if (step % 97 == 0) {
                    model.check(store);
                }
            }
            model.check(store);
            model.freeAll(store);
            model.check(store);
            assertEquals(0, store.committedBytes());
        }
    }

    /**
     * What the store should hold: every live block with its length, which of them are queued, and per slab in
     * use its live blocks and the end of the last block it has handed out (what it charges, in whole pages).
     */
    private static final class Model {

        private final List<long[]> live = new ArrayList<>();
        private final List<long[]> deferred = new ArrayList<>();
        /** Per slab in use, by its start address: {live blocks, end of the furthest block handed out}. */
        private final Map<Long, long[]> slabs = new HashMap<>();

        void apply(final Op op, final OutOfLineStore store) {
            switch (op.kind()) {
                case ALLOCATE -> {
                    final long address = store.allocate(op.length());
                    fill(store, address, op.length());
                    live.add(new long[] {address, op.length()});
                    if (op.length() <= LARGEST_CLASS) {
                        final long slab = slabOf(store, address, op.length());
                        final long end = address - slab + store.capacityOf(address, op.length());
                        final long[] counts = slabs.computeIfAbsent(slab, start -> new long[2]);
                        counts[0]++;
                        counts[1] = Math.max(counts[1], end);
                    }
                }
                case FREE -> {
                    if (!live.isEmpty()) {
                        final long[] block = live.remove(op.pick() % live.size());
                        verify(store, block[0], block[1]);
                        freed(store, block);
                        store.free(block[0], block[1]);
                    }
                }
                case FREE_DEFERRED -> {
                    if (!live.isEmpty()) {
                        final long[] block = live.remove(op.pick() % live.size());
                        store.freeDeferred(block[0], block[1]);
                        deferred.add(block);
                    }
                }
                case RELEASE_DEFERRED -> {
                    for (final long[] block : deferred) {
                        verify(store, block[0], block[1]);
                        freed(store, block);
                    }
                    store.releaseDeferred();
                    deferred.clear();
                }
                case RESIZE -> {
                    if (!live.isEmpty()) {
                        final long[] block = live.get(op.pick() % live.size());
                        final long capacity = store.capacityOf(block[0], block[1]);
                        // Half the time a length near the current one, which often keeps the class.
                        final long wanted = op.pick() % 2 == 0 ? block[1] + op.pick() % 9 - 4 : op.length();
                        final long newLength = Math.max(1, Math.min(wanted, capacity));
                        final boolean sameSize = newLength <= LARGEST_CLASS
                                ? block[1] <= LARGEST_CLASS
                                        && OutOfLineStore.classIndex(newLength) == OutOfLineStore.classIndex(block[1])
                                : block[1] > LARGEST_CLASS && capacity - newLength < PAGE;
                        assertEquals(sameSize, store.tryResizeInPlace(block[0], block[1], newLength),
                                block[1] + " -> " + newLength + " bytes in a block of " + capacity);
                        if (sameSize) {
                            block[1] = newLength;
                            fill(store, block[0], newLength);
                        }
                    }
                }
            }
        }

        void freeAll(final OutOfLineStore store) {
            for (final long[] block : deferred) {
                freed(store, block);
            }
            store.releaseDeferred();
            deferred.clear();
            for (final long[] block : live) {
                verify(store, block[0], block[1]);
                freed(store, block);
                store.free(block[0], block[1]);
            }
            live.clear();
        }

        /** Counts {@code block}, about to be freed, out of its slab: a slab with no live block is given back. */
        private void freed(final OutOfLineStore store, final long[] block) {
            if (block[1] <= LARGEST_CLASS) {
                final long slab = slabOf(store, block[0], block[1]);
                if (--slabs.get(slab)[0] == 0) {
                    slabs.remove(slab);
                }
            }
        }

        /** What the slabs in use charge: each its blocks' pages, up to the end of the furthest handed out. */
        private long slabPages() {
            long bytes = 0;
            for (final long[] counts : slabs.values()) {
                bytes += (counts[1] + PAGE - 1) / PAGE * PAGE;
            }
            return bytes;
        }

        void check(final OutOfLineStore store) {
            final List<long[]> all = new ArrayList<>(live);
            all.addAll(deferred);
            assertEquals(all.size(), store.liveBlocks(), "live blocks");
            assertEquals(deferred.size(), store.deferredBlocks(), "deferred blocks");
            assertEquals(!deferred.isEmpty(), store.hasDeferred());
            long requested = 0;
            long allocated = 0;
            long dedicated = 0;
            final long[][] byAddress = new long[all.size()][];
            for (int i = 0; i < all.size(); i++) {
                final long[] block = all.get(i);
                final long length = block[1];
                final long capacity = store.capacityOf(block[0], length);
                requested += length;
                allocated += capacity;
                assertTrue(capacity >= length, "capacity " + capacity + " for " + length + " bytes");
                if (length <= LARGEST_CLASS) {
                    assertTrue(capacity <= Math.max(OutOfLineStore.MIN_CLASS_BYTES, 1.25 * length),
                            "capacity " + capacity + " for " + length + " bytes");
                } else {
                    dedicated += capacity;
                    assertTrue(capacity - length < PAGE, "capacity " + capacity + " for " + length + " bytes");
                }
                byAddress[i] = new long[] {block[0], capacity};
            }
            assertEquals(requested, store.requestedBytes(), "requested bytes");
            assertEquals(allocated, store.allocatedBytes(), "allocated bytes");
            assertEquals(slabs.size(), store.slabsInUse(), "slabs in use");
            assertEquals(slabPages() + dedicated, store.committedBytes(), "committed bytes");
            assertTrue(store.committedBytes() >= allocated);
            final double fragmentation = store.fragmentation();
            assertTrue(fragmentation >= 0 && fragmentation < 1, "fragmentation " + fragmentation);
            Arrays.sort(byAddress, (a, b) -> Long.compare(a[0], b[0]));
            for (int i = 1; i < byAddress.length; i++) {
                assertTrue(byAddress[i - 1][0] + byAddress[i - 1][1] <= byAddress[i][0], "blocks at 0x"
                        + Long.toHexString(byAddress[i - 1][0]) + " and 0x" + Long.toHexString(byAddress[i][0])
                        + " overlap");
            }
        }
    }

    // ---------------------------------------------------------------- reuse and release

    @Test
    void freedBlocksShouldBeReusedWithoutCommittingMore() {
        try (OutOfLineStore store = newStore()) {
            final int n = 10_000; // 40-byte blocks: a full slab, and the pages of the rest in a second one
            final long[] addresses = new long[n];
            for (int i = 0; i < n; i++) {
                addresses[i] = store.allocate(40);
            }
            final long committed = store.committedBytes();
            final long inSecondSlab = n - SLAB / 40;
            assertEquals(SLAB + (inSecondSlab * 40 + PAGE - 1) / PAGE * PAGE, committed);
            final Set<Long> freed = new HashSet<>();
            for (int i = 0; i < n; i += 2) {
                store.free(addresses[i], 40);
                freed.add(addresses[i]);
            }
            final Set<Long> reused = new HashSet<>();
            for (int i = 0; i < n; i += 2) {
                reused.add(store.allocate(38)); // same class
            }
            assertEquals(freed, reused, "the freed blocks, and only they, are handed out again");
            assertEquals(committed, store.committedBytes());
            assertEquals(n, store.liveBlocks());
        }
    }

    @Test
    void freeingEverythingShouldReturnAccountingToZeroAndGiveThePagesBack() {
        Assumptions.assumeTrue(Mmap.isAvailable(), "mmap not available on this platform");
        try (OutOfLineStore store = new OutOfLineStore(new MmapAllocator(false), OutOfLineStore.BudgetGuard.UNLIMITED,
                OWNER)) {
            final int n = 200; // page-sized blocks: 64 per slab, so three full slabs and 8 pages of a fourth
            final long[] addresses = new long[n];
            for (int i = 0; i < n; i++) {
                addresses[i] = store.allocate(PAGE);
                final MemorySegment region = store.regionOf(addresses[i], PAGE);
                region.asSlice(addresses[i] - region.address(), PAGE).fill((byte) 0x7F);
            }
            final long dedicated = store.allocate(3L * LARGEST_CLASS);
            final MemorySegment dedicatedSegment = store.regionOf(dedicated, 3L * LARGEST_CLASS);
            final MemorySegment region = store.regionOf(addresses[0], PAGE);
            assertEquals(3 * SLAB + 8 * PAGE + 3L * LARGEST_CLASS, store.committedBytes());
            for (final long address : addresses) {
                store.free(address, PAGE);
            }
            store.free(dedicated, 3L * LARGEST_CLASS);
            assertEquals(0, store.committedBytes());
            assertEquals(0, store.liveBlocks());
            assertEquals(0, store.requestedBytes());
            assertEquals(0, store.allocatedBytes());
            assertEquals(0, store.slabsInUse());
            assertEquals(0.0, store.fragmentation());
            assertFalse(dedicatedSegment.scope().isAlive(), "a freed dedicated block is unmapped at once");
            for (final long address : addresses) {
                final long offset = address - region.address();
                for (long i = 0; i < PAGE; i += Long.BYTES) {
                    assertEquals(0L, region.get(ValueLayout.JAVA_LONG, offset + i),
                            "a released slab's pages read zeros once given back");
                }
            }
            assertEquals(OutOfLineStore.FIRST_REGION_BYTES, store.reservedBytes(), "the region itself stays reserved");
        }
    }

    @Test
    void aReleasedSlabShouldServeAnyClassNext() {
        try (OutOfLineStore store = newStore()) {
            final long small = store.allocate(16);
            store.free(small, 16);
            final long large = store.allocate(LARGEST_CLASS);
            assertEquals(small, large, "the one released slab is taken again, by another class");
            assertEquals(LARGEST_CLASS, store.committedBytes(), "charged for the pages of its one block");
        }
    }

    @Test
    void aClassShouldTakeANewSlabOnlyWhenEverySlabItHasIsFull() {
        // Slabs of the two largest classes hold 4 and 5 blocks, so a few hundred live blocks keep dozens of slabs
        // of each class in play, and frees in random order take slabs out of the middle of their class's list.
        final int[] lengths = {LARGEST_CLASS, OutOfLineStore.classBytes(OutOfLineStore.CLASS_COUNT - 2)};
        final SplittableRandom random = new SplittableRandom(2718);
        try (OutOfLineStore store = newStore()) {
            final List<long[]> live = new ArrayList<>();
            // Per slab (keyed by its start address): its class's length and its live blocks.
            final Map<Long, int[]> slabs = new HashMap<>();
            for (int step = 0; step < 20_000; step++) {
                final boolean growing = (step / 2500) % 2 == 0;
                if (live.isEmpty() || random.nextInt(100) < (growing ? 65 : 35)) {
                    final int length = lengths[random.nextInt(lengths.length)];
                    final int perSlab = (int) (SLAB / length);
                    final long address = store.allocate(length);
                    final long slab = slabOf(store, address, length);
                    final int handedOut = (int) ((address - slab) / length) + 1; // at least, this block included
                    final int[] counts = slabs.get(slab);
                    if (counts == null) {
                        for (final int[] other : slabs.values()) {
                            assertTrue(other[0] != length || other[1] == perSlab, "step " + step + ": a new slab"
                                    + " for " + length + "-byte blocks while one of its slabs has room");
                        }
                        slabs.put(slab, new int[] {length, 1, handedOut});
                    } else {
                        assertEquals(length, counts[0], "a slab serves one class");
                        counts[1]++;
                        counts[2] = Math.max(counts[2], handedOut);
                    }
                    live.add(new long[] {address, length});
                } else {
                    final long[] victim = live.remove(random.nextInt(live.size()));
                    store.free(victim[0], victim[1]);
                    final long slab = slabOf(store, victim[0], victim[1]);
                    if (--slabs.get(slab)[1] == 0) {
                        slabs.remove(slab);
                    }
                }
                // Both classes are whole pages, so a slab charges exactly the blocks it has handed out.
                final long charged = slabs.values().stream().mapToLong(counts -> (long) counts[0] * counts[2]).sum();
                assertEquals(charged, store.committedBytes(), "step " + step + ": blocks handed out in slabs in use");
            }
            assertTrue(slabs.size() > 20, "the walk should keep many slabs in use: " + store.describe());
        }
    }

    /** The start address of the slab holding the block at {@code address}. */
    private static long slabOf(final OutOfLineStore store, final long address, final long length) {
        final MemorySegment region = store.regionOf(address, length);
        return region.address() + ((address - region.address()) & -SLAB);
    }

    @Test
    void deferredFreesShouldStayLiveAndUnusedUntilReleased() {
        try (OutOfLineStore store = newStore()) {
            final long keep = store.allocate(40);
            final long old = store.allocate(40);
            fill(store, old, 40);
            store.freeDeferred(old, 40);
            assertTrue(store.hasDeferred());
            assertEquals(2, store.liveBlocks());
            assertEquals(80, store.requestedBytes());
            for (int i = 0; i < 1000; i++) {
                assertNotEquals(old, store.allocate(40), "a deferred block is not handed out");
            }
            verify(store, old, 40);
            assertThrows(IllegalArgumentException.class, () -> store.freeDeferred(keep + 1, 40),
                    "a deferred free is checked when queued");
            store.releaseDeferred();
            assertFalse(store.hasDeferred());
            assertEquals(1001, store.liveBlocks());
            assertEquals(old, store.allocate(40), "once released, it is the first block handed out");
        }
    }

    @Test
    void aBlockResizedInPlaceShouldBeFreedWithItsNewLength() {
        try (OutOfLineStore store = newStore()) {
            final long address = store.allocate(33); // 40-byte class
            assertEquals(40, store.capacityOf(address, 33));
            assertTrue(store.tryResizeInPlace(address, 33, 40));
            assertEquals(40, store.requestedBytes());
            assertFalse(store.tryResizeInPlace(address, 40, 32), "a shorter class gets a block of its own");
            assertFalse(store.tryResizeInPlace(address, 40, 41));
            assertThrows(IllegalArgumentException.class, () -> store.free(address, 100), "nor is another class's length");
            store.free(address, 40);
            assertEquals(0, store.requestedBytes());

            final long dedicated = store.allocate(LARGEST_CLASS + 1);
            assertEquals(LARGEST_CLASS + PAGE, store.capacityOf(dedicated, LARGEST_CLASS + 1));
            assertTrue(store.tryResizeInPlace(dedicated, LARGEST_CLASS + 1, LARGEST_CLASS + PAGE));
            assertFalse(store.tryResizeInPlace(dedicated, LARGEST_CLASS + PAGE, LARGEST_CLASS));
            store.free(dedicated, LARGEST_CLASS + PAGE);
            assertEquals(0, store.committedBytes());
        }
    }

    // ---------------------------------------------------------------- regions

    @Test
    void aStoreShouldMapNothingBeforeItsFirstBlock() {
        try (OutOfLineStore store = newStore()) {
            assertEquals(0, store.reservedBytes());
            assertEquals(0, store.regionCount());
            assertThrows(IllegalArgumentException.class, () -> store.regionOf(0, 0));
            assertThrows(IllegalArgumentException.class, () -> store.regionOf(4096, 8));
        }
    }

    @Test
    void withBackgroundWorkTheNextRegionShouldBeMappedByTheMemoryWorkerAheadOfNeed() throws InterruptedException {
        final List<String> mappingThreads = java.util.Collections.synchronizedList(new ArrayList<>());
        final NativeAllocator recording = new NativeAllocator() {
            @Override
            public NativeBlock allocate(final long byteSize) {
                mappingThreads.add(Thread.currentThread().getName() + ":" + byteSize);
                return NativeAllocators.defaultAllocator().allocate(byteSize);
            }

            @Override
            public String describe() {
                return "recording";
            }
        };
        final String writer = Thread.currentThread().getName();
        try (OutOfLineStore store = new OutOfLineStore(recording, OutOfLineStore.BudgetGuard.UNLIMITED, OWNER, true)) {
            while (store.regionCount() < 3) {
                store.allocate(LARGEST_CLASS); // a fresh slab every 4 blocks
                // Let the worker keep up, as it does on a table whose writes take longer than an mmap.
                assertTrue(io.panamap.memory.MemoryWorker.awaitIdle(10, java.util.concurrent.TimeUnit.SECONDS));
            }
        }
        assertEquals(3, mappingThreads.size(), mappingThreads.toString());
        assertEquals(writer + ":" + (4L << 20), mappingThreads.get(0), "the first region is mapped on first use");
        for (final String later : mappingThreads.subList(1, 3)) {
            assertFalse(later.startsWith(writer + ":"), "mapped ahead, not by the writer: " + mappingThreads);
        }
    }

    /** The default allocator, adding every block it maps to {@code blocks}. */
    private static NativeAllocator listing(final List<NativeBlock> blocks) {
        return new NativeAllocator() {
            @Override
            public NativeBlock allocate(final long byteSize) {
                final NativeBlock block = NativeAllocators.defaultAllocator().allocate(byteSize);
                blocks.add(block);
                return block;
            }

            @Override
            public String describe() {
                return "recording";
            }
        };
    }

    @Test
    void aRegionMappedAheadShouldBeUnmappedWhenTheStoreCloses() throws InterruptedException {
        final List<NativeBlock> blocks = java.util.Collections.synchronizedList(new ArrayList<>());
        final NativeAllocator recording = listing(blocks);
        final OutOfLineStore store = new OutOfLineStore(recording, OutOfLineStore.BudgetGuard.UNLIMITED, OWNER, true);
        for (int i = 0; i < 4 * 9; i++) {
            store.allocate(LARGEST_CLASS); // 9 of the first region's 16 slabs: past half, so the next is asked for
        }
        assertTrue(io.panamap.memory.MemoryWorker.awaitIdle(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(2, blocks.size(), "the first region, and the next one mapped ahead");
        store.close();
        for (final NativeBlock block : blocks) {
            assertFalse(block.isAlive(), "nothing left mapped");
        }
    }

    @Test
    void aRegionMappedAheadShouldCountAsReserved() throws InterruptedException {
        // reservedBytes is the address space mapped for storage: the region the worker maps ahead is mapped too
        // (it was left out, and a store could map up to 1 GiB more than its stats said).
        final List<NativeBlock> blocks = java.util.Collections.synchronizedList(new ArrayList<>());
        final NativeAllocator recording = listing(blocks);
        try (OutOfLineStore store = new OutOfLineStore(recording, OutOfLineStore.BudgetGuard.UNLIMITED, OWNER, true)) {
            for (int i = 0; i < 4 * 9; i++) {
                store.allocate(LARGEST_CLASS); // past half of the first region's slabs: the next is asked for
            }
            assertTrue(io.panamap.memory.MemoryWorker.awaitIdle(10, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(2, blocks.size(), "the first region, and the next one mapped ahead");
            assertEquals(blocks.get(0).byteSize() + blocks.get(1).byteSize(), store.reservedBytes());
            assertEquals(store.reservedBytes(), store.stats().reservedBytes());
            store.clear(); // unmaps the region mapped ahead
            assertEquals(OutOfLineStore.FIRST_REGION_BYTES, store.reservedBytes());
            assertFalse(blocks.get(1).isAlive(), "the region mapped ahead is unmapped, not only left uncounted");
        }
    }

    @Test
    void regionsShouldDoubleUpToAGibibyteAndStayFindable() {
        Assumptions.assumeTrue(Mmap.isAvailable(), "needs lazily backed mmap: this reserves 3 GiB of address space");
        try (OutOfLineStore store = new OutOfLineStore(new MmapAllocator(false), OutOfLineStore.BudgetGuard.UNLIMITED,
                OWNER)) {
            final List<Long> regionBytes = new ArrayList<>();
            final List<Long> firstBlocks = new ArrayList<>();
            long reserved = 0;
            while (store.regionCount() < 11) {
                final long address = store.allocate(LARGEST_CLASS); // a slab every 4 blocks, never touched
                if (store.reservedBytes() != reserved) {
                    regionBytes.add(store.reservedBytes() - reserved);
                    firstBlocks.add(address);
                    reserved = store.reservedBytes();
                }
            }
            final long mib = 1L << 20;
            assertEquals(List.of(4 * mib, 8 * mib, 16 * mib, 32 * mib, 64 * mib, 128 * mib, 256 * mib, 512 * mib,
                    1024 * mib, 1024 * mib, 1024 * mib), regionBytes);
            for (int r = 0; r < firstBlocks.size(); r++) {
                final long address = firstBlocks.get(r);
                final MemorySegment segment = store.regionOf(address, LARGEST_CLASS);
                assertEquals(regionBytes.get(r), segment.byteSize(), "region " + r);
                assertEquals(address, segment.address(), "the first block of a region is at its start");
                assertThrows(IllegalArgumentException.class, () -> store.regionOf(address - 1, 2),
                        "a range across two mappings is in none");
            }
        }
    }

    // ---------------------------------------------------------------- budget and failures

    /** A budget over the store's committed bytes, like the table's, which records what it was asked. */
    private static final class LimitedBudget implements OutOfLineStore.BudgetGuard {

        OutOfLineStore store;
        long limit;
        final List<String> purposes = new ArrayList<>();

        LimitedBudget(final long limit) {
            this.limit = limit;
        }

        @Override
        public void admit(final long bytes, final String purpose) {
            purposes.add(purpose);
            final long used = store.committedBytes();
            if (bytes > limit - used) {
                throw new MemoryBudgetExceededException(purpose + " of " + OWNER, limit, used, bytes);
            }
        }
    }

    @Test
    void aRefusedBudgetShouldThrowAndChangeNothing() {
        final LimitedBudget budget = new LimitedBudget(2 * SLAB);
        try (OutOfLineStore store = new OutOfLineStore(NativeAllocators.defaultAllocator(), budget, OWNER)) {
            budget.store = store;
            final List<Long> blocks = new ArrayList<>();
            for (int i = 0; i < 8; i++) { // two slabs of 4 blocks
                final long address = store.allocate(LARGEST_CLASS - i);
                fill(store, address, LARGEST_CLASS - i);
                blocks.add(address);
            }
            final String before = store.describe();
            final MemoryBudgetExceededException refused = assertThrows(MemoryBudgetExceededException.class,
                    () -> store.allocate(LARGEST_CLASS));
            assertTrue(refused.getMessage().contains("slab pages of 65536-byte out-of-line blocks"),
                    refused.getMessage());
            assertEquals(LARGEST_CLASS, refused.requestedBytes(), "the pages of the block a new slab would hand out");
            final MemoryBudgetExceededException refusedDedicated = assertThrows(MemoryBudgetExceededException.class,
                    () -> store.allocate(LARGEST_CLASS + 1));
            assertEquals(LARGEST_CLASS + PAGE, refusedDedicated.requestedBytes());
            assertEquals(before, store.describe(), "a refusal changes no count");
            for (int i = 0; i < blocks.size(); i++) {
                verify(store, blocks.get(i), LARGEST_CLASS - i);
            }
            store.free(blocks.get(0), LARGEST_CLASS);
            final int asked = budget.purposes.size();
            final long reused = store.allocate(LARGEST_CLASS);
            assertEquals(blocks.get(0), reused, "room in a slab needs no new budget");
            assertEquals(asked, budget.purposes.size(), "and the budget is not even asked");
            budget.limit = Long.MAX_VALUE;
            store.allocate(LARGEST_CLASS);
            assertEquals(2 * SLAB + LARGEST_CLASS, store.committedBytes());
        }
    }

    /**
     * A slab is charged by the page as it first hands out blocks there, not by its 256 KiB: a table with a few
     * short strings in each of several classes, or a concurrent map's shard with a small share of a budget, can
     * use the budget it was given.
     */
    @Test
    void aSlabShouldChargeTheBudgetOnlyForThePagesItHasHandedOutBlocksIn() {
        final LimitedBudget budget = new LimitedBudget(3 * PAGE);
        try (OutOfLineStore store = new OutOfLineStore(NativeAllocators.defaultAllocator(), budget, OWNER)) {
            budget.store = store;
            store.allocate(16);
            store.allocate(40);
            assertEquals(2, store.slabsInUse());
            assertEquals(2 * PAGE, store.committedBytes(), "a page for each slab's first block");
            final int perPage = (int) (PAGE / 16);
            final List<Long> small = new ArrayList<>();
            for (int i = 1; i < 2 * perPage; i++) { // the rest of the first page, then a second page of the slab
                small.add(store.allocate(16));
            }
            assertEquals(3 * PAGE, store.committedBytes(), "the 16-byte slab's second page is charged");
            final MemoryBudgetExceededException refused = assertThrows(MemoryBudgetExceededException.class,
                    () -> store.allocate(16));
            assertEquals(PAGE, refused.requestedBytes(), "its third page is refused");
            assertTrue(refused.getMessage().contains("slab pages of 16-byte out-of-line blocks"), refused.getMessage());
            assertEquals(2 * perPage, store.liveBlocks() - 1, "the refusal handed nothing out");
            assertEquals(3 * PAGE, store.committedBytes());
            store.free(small.getLast(), 16);
            assertEquals(small.getLast(), store.allocate(16), "a freed block is reused with no new page");
            assertEquals(3 * PAGE, store.committedBytes());
        }
    }

    @Test
    void aReleasedSlabShouldBeChargedToTheBudgetAgainWhenRetaken() {
        final LimitedBudget budget = new LimitedBudget(2 * SLAB);
        try (OutOfLineStore store = new OutOfLineStore(NativeAllocators.defaultAllocator(), budget, OWNER)) {
            budget.store = store;
            final long small = store.allocate(16);
            store.allocate(LARGEST_CLASS);
            store.free(small, 16); // its slab is given back: the other slab's block committed
            assertEquals(LARGEST_CLASS, store.committedBytes());
            store.allocate(2 * SLAB - LARGEST_CLASS); // a dedicated block takes the room the released slab left
            assertEquals(2 * SLAB, store.committedBytes());
            // The released slab is still mapped and waiting, but taking it again commits its first page all the same.
            assertThrows(MemoryBudgetExceededException.class, () -> store.allocate(16));
            assertEquals(2 * SLAB, store.committedBytes(), "nothing committed past the budget");
        }
    }

    /** Fails every allocation while {@link #failing} is set. */
    private static final class FailingAllocator implements NativeAllocator {

        boolean failing;

        @Override
        public NativeBlock allocate(final long byteSize) {
            if (failing) {
                throw new NativeMemoryException("mmap of " + byteSize + " bytes failed: test");
            }
            return NativeAllocators.defaultAllocator().allocate(byteSize);
        }

        @Override
        public String describe() {
            return "failing on demand";
        }
    }

    @Test
    void aRegionOrDedicatedBlockTheAllocatorRefusesShouldChangeNothing() {
        final FailingAllocator allocator = new FailingAllocator();
        try (OutOfLineStore store = new OutOfLineStore(allocator, OutOfLineStore.BudgetGuard.UNLIMITED, OWNER)) {
            final int blocksInFirstRegion = (int) (OutOfLineStore.FIRST_REGION_BYTES / LARGEST_CLASS);
            for (int i = 0; i < blocksInFirstRegion; i++) {
                store.allocate(LARGEST_CLASS);
            }
            allocator.failing = true;
            final String before = store.describe();
            assertThrows(NativeMemoryException.class, () -> store.allocate(LARGEST_CLASS));
            assertThrows(NativeMemoryException.class, () -> store.allocate(LARGEST_CLASS + 1));
            assertEquals(before, store.describe());
            assertEquals(1, store.regionCount());
            allocator.failing = false;
            final long address = store.allocate(LARGEST_CLASS);
            assertEquals(2, store.regionCount());
            assertEquals(blocksInFirstRegion + 1, store.liveBlocks());
            fill(store, address, LARGEST_CLASS);
            verify(store, address, LARGEST_CLASS);
        }
    }

    // ---------------------------------------------------------------- misuse

    @Test
    void freeingWhatTheStoreDidNotHandOutShouldBeRefused() {
        try (OutOfLineStore store = newStore();
             NativeBlock foreign = NativeAllocators.defaultAllocator().allocate(PAGE)) {
            final long first = store.allocate(40);
            final long second = store.allocate(40);
            final long dedicated = store.allocate(2L * LARGEST_CLASS);
            final String before = store.describe();
            final long elsewhere = foreign.segment().address();
            assertRefused(() -> store.free(elsewhere, 40), "no block of the out-of-line store of " + OWNER);
            assertRefused(() -> store.free(first + 8, 40), "not the start of a block");
            assertRefused(() -> store.free(second + 40, 40), "not the start of a block"); // never handed out
            assertRefused(() -> store.free(first, 100), "is a 40-byte block, but a length of 100 takes a 112-byte one");
            assertRefused(() -> store.free(first, 0), "at least 1 byte");
            assertRefused(() -> store.free(first, 2L * LARGEST_CLASS), "would have its own mapping");
            assertRefused(() -> store.free(dedicated + PAGE, 40), "not at the start of");
            assertRefused(() -> store.free(dedicated, LARGEST_CLASS + 1), "does not take");
            assertRefused(() -> store.allocate(0), "at least 1 byte long, not 0");
            assertRefused(() -> store.allocate(-5), "at least 1 byte long, not -5");
            assertRefused(() -> store.regionOf(elsewhere, 8), "no block of");
            assertEquals(before, store.describe(), "a refused free changes nothing");
            store.free(second, 40);
            assertRefused(() -> store.free(second, 40), "freed twice");
            store.free(first, 40);
            assertRefused(() -> store.free(first, 40), "no live blocks");
            store.free(dedicated, 2L * LARGEST_CLASS);
            assertRefused(() -> store.free(dedicated, 2L * LARGEST_CLASS), "no block of");
            assertEquals(0, store.liveBlocks());
        }
    }

    private static void assertRefused(final org.junit.jupiter.api.function.Executable call, final String expected) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void aDamagedFreeListShouldBeReportedInsteadOfHandingOutMemoryOutsideTheSlab() {
        // A write into a freed block (a stale address, a racing writer) overwrites the link to the next free
        // block; followed blindly, it would hand out an address in another slab, or in none.
        for (final long link : new long[] {SLAB, 3 * 40, -2}) { // past the slab, past the blocks handed out, junk
            try (OutOfLineStore store = newStore()) {
                final long first = store.allocate(40);
                final long second = store.allocate(40);
                final long third = store.allocate(40);
                fill(store, second, 40);
                store.free(third, 40);
                store.free(first, 40);
                final MemorySegment region = store.regionOf(first, 40);
                region.set(ValueLayout.JAVA_LONG_UNALIGNED, first - region.address(), link);
                final IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.allocate(40),
                        "link " + link);
                assertTrue(e.getMessage().contains("free list") && e.getMessage().contains("damaged"),
                        e.getMessage());
                assertEquals(1, store.liveBlocks(), "the refused allocation handed nothing out");
                verify(store, second, 40);
            }
        }
    }

    @Test
    void aClosedStoreShouldThrowInsteadOfTouchingUnmappedMemory() {
        final OutOfLineStore store = newStore();
        final long small = store.allocate(100);
        final long large = store.allocate(5L * LARGEST_CLASS);
        final MemorySegment region = store.regionOf(small, 100);
        final MemorySegment dedicated = store.regionOf(large, 5L * LARGEST_CLASS);
        store.close();
        store.close();
        assertTrue(store.isClosed());
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.allocate(10));
        assertEquals("the out-of-line store of " + OWNER + " is closed", e.getMessage());
        assertThrows(IllegalStateException.class, () -> store.regionOf(small, 100));
        assertThrows(IllegalStateException.class, () -> store.free(small, 100));
        assertThrows(IllegalStateException.class, () -> store.freeDeferred(small, 100));
        assertThrows(IllegalStateException.class, () -> store.capacityOf(small, 100));
        assertThrows(IllegalStateException.class, store::clear);
        assertThrows(IllegalStateException.class, () -> region.get(ValueLayout.JAVA_BYTE, small - region.address()));
        assertThrows(IllegalStateException.class, () -> dedicated.set(ValueLayout.JAVA_BYTE, 0, (byte) 1));
        assertEquals(0, store.committedBytes());
        assertEquals(0, store.reservedBytes());
        assertEquals(0, store.liveBlocks());
        assertTrue(store.describe().endsWith("closed"), store.describe());
    }

    // ---------------------------------------------------------------- clear

    @Test
    void clearShouldKeepOnlyTheFirstRegionResetTheCountsAndLeaveTheStoreUsable() {
        try (OutOfLineStore store = newStore()) {
            final int blocksInFirstRegion = (int) (OutOfLineStore.FIRST_REGION_BYTES / LARGEST_CLASS);
            long inFirstRegion = 0;
            long inSecondRegion = 0;
            for (int i = 0; i <= blocksInFirstRegion; i++) {
                final long address = store.allocate(LARGEST_CLASS);
                if (i == 0) {
                    inFirstRegion = address;
                }
                inSecondRegion = address;
            }
            final long dedicatedAddress = store.allocate(3L * LARGEST_CLASS);
            final long deferred = store.allocate(24);
            store.freeDeferred(deferred, 24);
            // A slab of the second region given back before the clear: the clear must forget it with its region.
            final long released = store.allocate(16);
            store.free(released, 16);
            final MemorySegment first = store.regionOf(inFirstRegion, LARGEST_CLASS);
            final MemorySegment second = store.regionOf(inSecondRegion, LARGEST_CLASS);
            final MemorySegment dedicated = store.regionOf(dedicatedAddress, 3L * LARGEST_CLASS);
            assertEquals(2, store.regionCount());

            store.clear();
            assertEquals(0, store.liveBlocks());
            assertEquals(0, store.requestedBytes());
            assertEquals(0, store.allocatedBytes());
            assertEquals(0, store.committedBytes());
            assertFalse(store.hasDeferred());
            assertEquals(1, store.regionCount());
            assertEquals(OutOfLineStore.FIRST_REGION_BYTES, store.reservedBytes());
            assertTrue(first.scope().isAlive(), "the first region is kept");
            assertFalse(second.scope().isAlive(), "later regions are unmapped");
            assertFalse(dedicated.scope().isAlive(), "dedicated blocks are unmapped");
            final long stale = inFirstRegion;
            assertRefused(() -> store.free(stale, LARGEST_CLASS), "no live blocks");
            assertRefused(() -> store.regionOf(dedicatedAddress, 8), "no block of");

            final List<long[]> blocks = new ArrayList<>();
            final SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < 500; i++) {
                final long length = randomLength(random);
                final long address = store.allocate(length);
                fill(store, address, length);
                blocks.add(new long[] {address, length});
            }
            for (final long[] block : blocks) {
                verify(store, block[0], block[1]);
            }
            assertEquals(500, store.liveBlocks());
        }
    }

    @Test
    void clearShouldGiveTheFirstRegionsPagesBack() {
        Assumptions.assumeTrue(Mmap.isAvailable(), "mmap not available on this platform");
        try (OutOfLineStore store = new OutOfLineStore(new MmapAllocator(false), OutOfLineStore.BudgetGuard.UNLIMITED,
                OWNER)) {
            final int n = 200; // page-sized blocks in 4 slabs of the first region, which a clear keeps mapped
            final long[] addresses = new long[n];
            for (int i = 0; i < n; i++) {
                addresses[i] = store.allocate(PAGE);
                final MemorySegment region = store.regionOf(addresses[i], PAGE);
                region.asSlice(addresses[i] - region.address(), PAGE).fill((byte) 0x7F);
            }
            final MemorySegment region = store.regionOf(addresses[0], PAGE);
            store.clear();
            assertTrue(region.scope().isAlive(), "the first region stays mapped");
            for (final long address : addresses) {
                final long offset = address - region.address();
                for (long i = 0; i < PAGE; i += Long.BYTES) {
                    assertEquals(0L, region.get(ValueLayout.JAVA_LONG, offset + i),
                            "the first region's pages read zeros once given back");
                }
            }
        }
    }

    // ---------------------------------------------------------------- heap garbage

    @Test
    void steadyStateAllocateFreeAndLookupShouldNotAllocateOnTheHeap() {
        final int n = 20_000;
        final SplittableRandom random = new SplittableRandom(11);
        final long[] lengths = new long[n];
        for (int i = 0; i < n; i++) {
            lengths[i] = 1 + random.nextInt(random.nextInt(10) == 0 ? LARGEST_CLASS : 512);
        }
        final long[] addresses = new long[n];
        try (OutOfLineStore store = newStore()) {
            // Warm up, so that what is measured is the compiled steady state, and the regions exist.
            for (int round = 0; round < 20; round++) {
                churn(store, lengths, addresses);
            }
            assertTrue(store.regionCount() > 2, "lookups should also search older regions: " + store.describe());
            final long before = allocated();
            final long sum = churn(store, lengths, addresses);
            final long bytes = allocated() - before;
            assertTrue(bytes < 4096, "allocate/free/regionOf allocated " + bytes + " bytes over " + 3 * n
                    + " calls (checksum " + sum + ")");
            assertEquals(0, store.liveBlocks());
        }
    }

    /** Allocates every length, looks every block up, frees them all: slabs are taken and released each round. */
    private static long churn(final OutOfLineStore store, final long[] lengths, final long[] addresses) {
        long sum = 0;
        for (int i = 0; i < lengths.length; i++) {
            addresses[i] = store.allocate(lengths[i]);
        }
        for (int i = 0; i < lengths.length; i++) {
            sum += store.regionOf(addresses[i], lengths[i]).address();
        }
        for (int i = 0; i < lengths.length; i++) {
            store.free(addresses[i], lengths[i]);
        }
        return sum;
    }

    private static long allocated() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().threadId());
    }

    @Test
    void describeShouldSayWhatTheStoreHolds() {
        try (OutOfLineStore store = newStore()) {
            store.allocate(30);
            final String text = store.describe();
            assertTrue(text.startsWith("the out-of-line store of " + OWNER + ": 1 live blocks"), text);
            assertTrue(text.contains("requested 30 B, allocated 32 B, committed " + PAGE + " B"), text);
        }
    }
}
