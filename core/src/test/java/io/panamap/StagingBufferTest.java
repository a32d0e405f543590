package io.panamap;

import io.panamap.codec.Codecs;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StagingBufferTest {

    @Test
    void aBufferShouldGrowByDoublingAndKeepItsArrayForEncodingsThatFit() {
        final StagingBuffer buffer = new StagingBuffer();
        buffer.ensureCapacity(100);
        assertEquals(128, buffer.bytes.length, "at least twice what it had");
        final byte[] grown = buffer.bytes;
        buffer.ensureCapacity(10);
        buffer.ensureCapacity(128);
        assertSame(grown, buffer.bytes, "no allocation for what fits");
        assertEquals(grown.length, buffer.segment.byteSize());
        assertThrows(IllegalArgumentException.class, () -> buffer.ensureCapacity(StagingBuffer.MAX_LENGTH + 1));
    }

    /** One very long key must not leave the thread holding that much heap for good. */
    @Test
    void aBufferGrownPastWhatItKeepsShouldShrinkAtItsNextShortUse() {
        final StagingBuffer buffer = new StagingBuffer();
        buffer.ensureCapacity(50L << 20);
        assertTrue(buffer.bytes.length >= 50 << 20);
        buffer.ensureCapacity(40L << 20);
        assertTrue(buffer.bytes.length >= 50 << 20, "an encoding over what it keeps reuses the large array");
        buffer.ensureCapacity(300);
        assertTrue(buffer.bytes.length <= StagingBuffer.MAX_KEPT_CAPACITY && buffer.bytes.length >= 300,
                "back to what the next use needs: " + buffer.bytes.length);
        assertEquals(buffer.bytes.length, buffer.segment.byteSize(), "the segment is over the new array");
    }

    /** Through a map: a 20 MB key stored and found, then short keys found with the thread's buffer small again. */
    @Test
    void aMapShouldFindShortKeysAfterAVeryLongOneWithTheThreadsBufferSmallAgain() {
        try (OffHeapMap<CharSequence, Long> map = OffHeapMap.builder(Codecs.utf8(), Codecs.longs()).build()) {
            final String huge = "k".repeat(20 << 20);
            map.put(huge, 1L);
            map.put("short", 2L);
            assertEquals(1L, map.get(huge));
            assertEquals(2L, map.get("short"));
            assertTrue(StagingBuffer.forCurrentThread().key.bytes.length <= StagingBuffer.MAX_KEPT_CAPACITY,
                    "the key buffer after a short key: " + StagingBuffer.forCurrentThread().key.bytes.length);
        }
    }
}
