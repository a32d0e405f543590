package io.panamap.layout;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bucket sizes and offsets measured from live Go 1.19 map types (GO_BMAP_REFERENCE.md §3). */
class BucketLayoutTest {

    @Test
    void longLongBucketShouldBeGos144Bytes() {
        final BucketLayout l = BucketLayout.LONG_LONG;
        assertEquals(144, l.bucketSize());
        for (int i = 0; i < BucketLayout.SLOTS; i++) {
            assertEquals(i, BucketLayout.tophashOffset(i));
            assertEquals(8 + 8 * i, l.keyOffset(i));
            assertEquals(72 + 8 * i, l.valueOffset(i));
        }
        assertEquals(136, l.overflowOffset());
        assertEquals(144L * 5, l.bucketOffset(5));
    }

    @Test
    void shouldMatchGoBucketSizesForOtherTypes() {
        assertEquals(208, BucketLayout.forSizes(16, 8).bucketSize(), "map[string]int64");
        assertEquals(136, BucketLayout.forSizes(16, 8).valuesOffset());
        assertEquals(272, BucketLayout.forSizes(16, 16).bucketSize(), "map[string]string");
        assertEquals(144, BucketLayout.forSizes(16, 0).bucketSize(), "map[string]struct{}");
        assertEquals(88, BucketLayout.forSizes(8, 1).bucketSize(), "map[int64]int8");
        assertEquals(56, BucketLayout.forSizes(4, 1).bucketSize(), "map[int32]int8");
        final BucketLayout int8ToInt64 = BucketLayout.forSizes(1, 8);
        assertEquals(88, int8ToInt64.bucketSize(), "map[int8]int64");
        assertEquals(16, int8ToInt64.valuesOffset());
        assertEquals(80, int8ToInt64.overflowOffset());
    }

    @Test
    void keysAndValuesAbove128BytesShouldGoOutOfLine() {
        final BucketLayout inline = BucketLayout.forSizes(128, 128);
        assertEquals(2064, inline.bucketSize(), "map[[128]byte][128]byte");
        assertFalse(inline.keyIndirect());
        final BucketLayout indirect = BucketLayout.forSizes(129, 129);
        assertEquals(144, indirect.bucketSize(), "map[[129]byte][129]byte");
        assertTrue(indirect.keyIndirect());
        assertTrue(indirect.valueIndirect());
    }

    @Test
    void shouldRejectImpossibleSizes() {
        assertThrows(IllegalArgumentException.class, () -> BucketLayout.forSizes(0, 8));
        assertThrows(IllegalArgumentException.class, () -> BucketLayout.forSizes(8, -1));
        assertThrows(IllegalArgumentException.class, () -> new BucketLayout(8, 8, false, false, 8, 72, 130, 138));
    }

    /**
     * Keys of one size and values of another: every value offset steps by the value size, from just
     * past the eighth key (map[[12]byte]int32 is 144 bytes in Go: 8 + 8·12 + 8·4 + 8).
     */
    @Test
    void keysAndValuesOfDifferentSizesShouldEachStepByTheirOwnSize() {
        final BucketLayout l = BucketLayout.forSizes(12, 4);
        for (int i = 0; i < BucketLayout.SLOTS; i++) {
            assertEquals(8 + 12 * i, l.keyOffset(i), "key " + i);
            assertEquals(104 + 4 * i, l.valueOffset(i), "value " + i);
        }
        assertEquals(136, l.overflowOffset());
        assertEquals(144, l.bucketSize(), "map[[12]byte]int32");
    }

    /** Each side goes out of line on its own size: a large value does not move a small key, nor the reverse. */
    @Test
    void onlyTheSideAbove128BytesShouldGoOutOfLine() {
        final BucketLayout largeValue = BucketLayout.forSizes(8, 200);
        assertFalse(largeValue.keyIndirect());
        assertTrue(largeValue.valueIndirect());
        assertEquals(8, largeValue.valueSlotSize());
        assertEquals(144, largeValue.bucketSize(), "map[int64][200]byte");
        final BucketLayout largeKey = BucketLayout.forSizes(200, 4);
        assertTrue(largeKey.keyIndirect());
        assertFalse(largeKey.valueIndirect());
        assertEquals(8, largeKey.keySlotSize());
        assertEquals(4, largeKey.valueSlotSize());
        assertEquals(112, largeKey.bucketSize(), "map[[200]byte]int32");
    }

    /** A layout built by hand must be exactly the one forSizes computes; any other offset or size is refused. */
    @Test
    void theConstructorShouldAcceptOnlyGosOffsets() {
        assertEquals(BucketLayout.LONG_LONG, new BucketLayout(8, 8, false, false, 8, 72, 136, 144));
        assertThrows(IllegalArgumentException.class, () -> new BucketLayout(8, 8, false, false, 0, 64, 128, 136));
        assertThrows(IllegalArgumentException.class, () -> new BucketLayout(16, 8, false, false, 8, 72, 136, 144));
        assertThrows(IllegalArgumentException.class, () -> new BucketLayout(8, 8, false, false, 8, 72, 144, 152));
        assertThrows(IllegalArgumentException.class, () -> new BucketLayout(8, 8, false, false, 8, 72, 136, 152));
        assertThrows(IllegalArgumentException.class, () -> new BucketLayout(8, 8, false, false, 8, 72, 136, 136));
    }

    /** Sizes that do not fit in a long are an error, not a wrapped-around small allocation. */
    @Test
    void bytesForShouldRefuseACountWhoseSizeOverflows() {
        assertEquals(144L * 1024, BucketLayout.LONG_LONG.bytesFor(1024));
        assertThrows(ArithmeticException.class, () -> BucketLayout.LONG_LONG.bytesFor(1L << 60));
    }
}
