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
