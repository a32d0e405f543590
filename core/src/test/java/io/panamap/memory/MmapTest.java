package io.panamap.memory;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MmapTest {

    @Test
    void mappedMemoryShouldBeZeroWritableAndUnreachableAfterFree() {
        Assumptions.assumeTrue(Mmap.isAvailable(), "mmap not available on this platform");
        final NativeBlock block = new MmapAllocator(false).allocate(1 << 20);
        final MemorySegment segment = block.segment();
        assertEquals(1 << 20, segment.byteSize());
        assertEquals(0, segment.address() % 4096, "mappings are page aligned");
        for (long offset = 0; offset < segment.byteSize(); offset += 4096) {
            assertEquals(0L, segment.get(ValueLayout.JAVA_LONG, offset));
            segment.set(ValueLayout.JAVA_LONG, offset, offset);
        }
        assertEquals(8192L, segment.get(ValueLayout.JAVA_LONG, 8192));
        block.close();
        block.close();
        assertFalse(block.isAlive());
        assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_LONG, 0));
    }

    @Test
    void discardedPagesShouldReadZeroStayWritableAndSpareTheBytesAroundThem() {
        Assumptions.assumeTrue(Mmap.isAvailable(), "mmap not available on this platform");
        final long page = 4096;
        final NativeBlock block = new MmapAllocator(false).allocate(8 * page);
        try {
            final MemorySegment segment = block.segment();
            segment.fill((byte) 0x5A);
            // From the middle of page 1 to the middle of page 5: only pages 2..4 lie wholly inside.
            assertTrue(Mmap.discard(segment, page + page / 2, 4 * page));
            for (long offset = 0; offset < segment.byteSize(); offset += 8) {
                final boolean dropped = offset >= 2 * page && offset < 5 * page;
                assertEquals(dropped ? 0L : 0x5A5A5A5A5A5A5A5AL, segment.get(ValueLayout.JAVA_LONG, offset),
                        "offset " + offset);
            }
            segment.set(ValueLayout.JAVA_LONG, 3 * page, 7);
            assertEquals(7, segment.get(ValueLayout.JAVA_LONG, 3 * page));
            assertFalse(Mmap.discard(segment, 10, page), "a range holding no whole page drops nothing");
            new MmapAllocator(false).discard(block, 0, 8 * page);
            assertEquals(0L, segment.get(ValueLayout.JAVA_LONG, 0));
            block.close();
            assertFalse(Mmap.discard(segment, 0, page), "a closed mapping is left alone");
        } finally {
            block.close(); // idempotent: frees the mapping when an assertion above failed first
        }
    }

    /**
     * Closing a block unmaps all of it: afterwards the kernel's list of the process's mappings has none of its
     * pages, the last one included. Unreachable through the segment is not enough; a wrong length in the
     * cleanup's munmap would leave the rest mapped, and leaked, with nothing in Java to show it. Told apart from
     * a mapping another thread might make at the same addresses by the no-huge-pages advice ({@code nh}) every
     * mapping of the default allocator carries.
     */
    @Test
    void closingABlockShouldUnmapEveryPageOfIt() throws IOException, InterruptedException {
        Assumptions.assumeTrue(Mmap.isAvailable(), "mmap not available on this platform");
        Assumptions.assumeTrue(Files.isReadable(SMAPS), "no " + SMAPS + " to read the mappings from");
        // Nothing of the memory worker's may map meanwhile and take the freed addresses.
        assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
        final long page = 4096;
        final long pages = 16;
        final NativeBlock block = new MmapAllocator(false).allocate(pages * page);
        final long start = block.segment().address();
        Assumptions.assumeTrue(vmFlags(start).contains("nh"), "no huge-page advice here to recognise the mapping by");
        assertTrue(vmFlags(start + (pages - 1) * page).contains("nh"), "the last page is part of the mapping");
        block.close();
        for (long offset = 0; offset < pages * page; offset += page) {
            final Optional<Set<String>> flags = vmFlagsIfMapped(start + offset);
            assertFalse(flags.isPresent() && flags.get().contains("nh"),
                    "page at offset " + offset + " still mapped after close: " + flags);
        }
    }

    /**
     * Pre-faulting makes the pages of the range resident, as writes would, but writes nothing: the kernel counts
     * them in the mapping's resident set ({@code Rss} in /proc/self/smaps), and bytes written before read back
     * unchanged. The memory worker does it to arrays a writer may already be filling.
     */
    @Test
    void populatingShouldMakeTheRangeResidentAndChangeNoByte() throws IOException, InterruptedException {
        Assumptions.assumeTrue(Mmap.isAvailable(), "mmap not available on this platform");
        Assumptions.assumeTrue(Files.isReadable(SMAPS), "no " + SMAPS + " to read the resident set from");
        // Nothing of the memory worker's may map next to the block meanwhile and share its line in smaps.
        assertTrue(MemoryWorker.awaitIdle(10, TimeUnit.SECONDS));
        final long page = 4096;
        try (NativeBlock block = new MmapAllocator(false).allocate(64 * page)) {
            final MemorySegment segment = block.segment();
            segment.set(ValueLayout.JAVA_LONG, 10 * page + 8, 0x1234_5678_9ABC_DEF0L);
            final long before = residentKiB(segment.address());
            Assumptions.assumeTrue(Mmap.populate(segment, 8 * page, 32 * page), "MADV_POPULATE_WRITE needs Linux 5.14");
            final long after = residentKiB(segment.address());
            assertTrue(after - before >= 31 * page / 1024, "resident " + before + " kB before, " + after + " kB after");
            assertEquals(0x1234_5678_9ABC_DEF0L, segment.get(ValueLayout.JAVA_LONG, 10 * page + 8));
            assertEquals(0L, segment.get(ValueLayout.JAVA_LONG, 20 * page), "pages faulted in read zeros");
        }
    }

    /** The {@code Rss} of the mapping holding {@code address}, in KiB, as /proc/self/smaps lists it. */
    private static long residentKiB(final long address) throws IOException {
        final String rss = smapsField(address, "Rss:").orElseThrow(
                () -> new AssertionError("no mapping holds 0x" + Long.toHexString(address) + " in " + SMAPS));
        return Long.parseLong(rss.replace("kB", "").trim());
    }

    @Test
    void aHugeReservationShouldBeCheapBecauseItIsLazy() {
        Assumptions.assumeTrue(Mmap.isAvailable(), "mmap not available on this platform");
        // 64 GiB of address space: would fail outright if it were committed on a 24 GiB machine.
        try (NativeBlock block = new MmapAllocator(false).allocate(64L << 30)) {
            block.segment().set(ValueLayout.JAVA_LONG, (64L << 30) - 8, 1);
            assertEquals(1, block.segment().get(ValueLayout.JAVA_LONG, (64L << 30) - 8));
        }
    }

    @Test
    void hugePagesShouldMapOrSayWhyNot() {
        Assumptions.assumeTrue(Mmap.isAvailable(), "mmap not available on this platform");
        try (NativeBlock block = NativeAllocators.hugePages().allocate(MmapAllocator.HUGE_PAGES_FROM_BYTES)) {
            block.segment().set(ValueLayout.JAVA_LONG, 0, 42);
            assertEquals(42, block.segment().get(ValueLayout.JAVA_LONG, 0));
        } catch (final NativeMemoryException e) {
            assertTrue(e.getMessage().contains("MADV_HUGEPAGE"), e.getMessage());
        }
    }

    /**
     * The huge-pages allocator advises huge pages only for mappings of {@link MmapAllocator#HUGE_PAGES_FROM_BYTES}
     * and more; smaller ones are marked no-huge-pages, as the default allocator's are. Read back from the
     * kernel's own account of the mappings ({@code VmFlags} in /proc/self/smaps: hg, nh).
     */
    @Test
    void hugePagesShouldBeAskedForOnlyForLargeMappings() throws IOException {
        Assumptions.assumeTrue(Mmap.isAvailable(), "mmap not available on this platform");
        Assumptions.assumeTrue(Files.isReadable(SMAPS), "no " + SMAPS + " to read the advice back from");
        final long large = MmapAllocator.HUGE_PAGES_FROM_BYTES;
        final long small = large - 4096;
        try (NativeBlock smallBlock = NativeAllocators.hugePages().allocate(small);
             NativeBlock largeBlock = NativeAllocators.hugePages().allocate(large);
             NativeBlock plainBlock = NativeAllocators.defaultAllocator().allocate(large)) {
            final Set<String> smallFlags = vmFlags(smallBlock.segment().address());
            final Set<String> largeFlags = vmFlags(largeBlock.segment().address());
            final Set<String> plainFlags = vmFlags(plainBlock.segment().address());
            assertTrue(largeFlags.contains("hg") && !largeFlags.contains("nh"), "large: " + largeFlags);
            assertTrue(smallFlags.contains("nh") && !smallFlags.contains("hg"), "small: " + smallFlags);
            assertTrue(plainFlags.contains("nh") && !plainFlags.contains("hg"), "default allocator: " + plainFlags);
        } catch (final NativeMemoryException e) {
            Assumptions.abort("no transparent huge pages here: " + e.getMessage());
        }
    }

    private static final Path SMAPS = Path.of("/proc/self/smaps");

    /** The {@code VmFlags} of the mapping holding {@code address}, as /proc/self/smaps lists them. */
    private static Set<String> vmFlags(final long address) throws IOException {
        return vmFlagsIfMapped(address).orElseThrow(
                () -> new AssertionError("no mapping holds 0x" + Long.toHexString(address) + " in " + SMAPS));
    }

    /** The {@code VmFlags} of the mapping holding {@code address}, or nothing if no mapping holds it. */
    private static Optional<Set<String>> vmFlagsIfMapped(final long address) throws IOException {
        return smapsField(address, "VmFlags:").map(flags -> Set.of(flags.trim().split("\\s+")));
    }

    /**
     * What follows {@code field} (e.g. {@code "Rss:"}) in the /proc/self/smaps entry of the mapping holding
     * {@code address}, or nothing if no mapping holds it.
     */
    private static Optional<String> smapsField(final long address, final String field) throws IOException {
        boolean inside = false;
        for (final String line : Files.readAllLines(SMAPS)) {
            final Matcher range = MAPPING.matcher(line);
            if (range.lookingAt()) {
                final long start = Long.parseUnsignedLong(range.group(1), 16);
                final long end = Long.parseUnsignedLong(range.group(2), 16);
                inside = Long.compareUnsigned(start, address) <= 0 && Long.compareUnsigned(address, end) < 0;
            } else if (inside && line.startsWith(field)) {
                return Optional.of(line.substring(field.length()));
            }
        }
        return Optional.empty();
    }

    private static final Pattern MAPPING = Pattern.compile("([0-9a-f]+)-([0-9a-f]+) ");

    @Test
    void impossibleRequestsShouldFailWithTheReason() {
        Assumptions.assumeTrue(Mmap.isAvailable(), "mmap not available on this platform");
        assertThrows(IllegalArgumentException.class, () -> new MmapAllocator(false).allocate(0));
        assertThrows(IllegalArgumentException.class, () -> new MmapAllocator(false).allocate(-4096));
        final NativeMemoryException e = assertThrows(NativeMemoryException.class,
                () -> Mmap.map(1L << 62, Arena.ofShared(), false));
        assertTrue(e.getMessage().contains("mmap of " + (1L << 62) + " bytes failed"), e.getMessage());
        assertTrue(e.getMessage().contains("errno"), e.getMessage());
    }

    /**
     * Tables use their memory from other threads than the allocating one (the memory worker, readers): a block
     * confined to one thread would fail later, on the worker, with nothing naming the allocator's mistake. It is
     * refused where it is made.
     */
    @Test
    void aBlockConfinedToOneThreadShouldBeRefused() {
        try (Arena confined = Arena.ofConfined()) {
            final MemorySegment segment = confined.allocate(4096);
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new NativeBlock(confined, segment));
            assertTrue(e.getMessage().contains("shared arena"), e.getMessage());
        }
        final Arena shared = Arena.ofShared();
        try (NativeBlock block = new NativeBlock(shared, shared.allocate(4096))) {
            assertTrue(block.isAlive());
        }
    }

    @Test
    void theArenaFallbackShouldAlsoGiveZeroedFreeableMemory() {
        final NativeBlock block = NativeAllocators.arena().allocate(10_000);
        assertEquals(0L, block.segment().get(ValueLayout.JAVA_LONG, 9_992));
        block.close();
        assertThrows(IllegalStateException.class, () -> block.segment().get(ValueLayout.JAVA_LONG, 0));
    }
}
