package io.panamap.memory;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

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
        try (NativeBlock block = new MmapAllocator(false).allocate(8 * page)) {
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
        }
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
        try (NativeBlock block = NativeAllocators.hugePages().allocate(4L << 20)) {
            block.segment().set(ValueLayout.JAVA_LONG, 0, 42);
            assertEquals(42, block.segment().get(ValueLayout.JAVA_LONG, 0));
        } catch (final NativeMemoryException e) {
            assertTrue(e.getMessage().contains("MADV_HUGEPAGE"), e.getMessage());
        }
    }

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

    @Test
    void theArenaFallbackShouldAlsoGiveZeroedFreeableMemory() {
        final NativeBlock block = NativeAllocators.arena().allocate(10_000);
        assertEquals(0L, block.segment().get(ValueLayout.JAVA_LONG, 9_992));
        block.close();
        assertThrows(IllegalStateException.class, () -> block.segment().get(ValueLayout.JAVA_LONG, 0));
    }
}
