package io.panamap;

import io.panamap.layout.BucketLayout;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeViewTest {

    @Test
    void theViewShouldNameTheArraysTheTableReadsFromDuringAndAfterAGrowth() {
        try (LongLongMap map = LongLongMap.builder().build()) {
            for (long key = 0; key < 100_000 && !map.stats().growing(); key++) {
                map.put(key * 0x9E3779B97F4A7C15L, key);
            }
            final NativeView growing = map.nativeView();
            assertTrue(growing.growing(), "stopped inside a growth");
            assertEquals(growing.logBuckets() - 1, growing.oldLogBuckets());
            assertEquals(map.stats().evacuatedOldBuckets(), growing.evacuatedOldBuckets());
            assertEquals(map.size(), growing.size());
            assertEquals(BucketLayout.LONG_LONG, growing.layout());

            map.finishGrowth();
            final NativeView quiet = map.nativeView();
            assertFalse(quiet.growing());
            assertEquals(0, quiet.oldAddress());
            assertEquals(map.stats().logBuckets(), quiet.logBuckets());
        }
    }

    /**
     * The view and the stats say which kind of growth is in progress, as Go's {@code sameSizeGrow} does: a tool
     * walking the old array needs it to know whether an old chain's entries went to one new bucket or two.
     */
    @Test
    void theViewAndTheStatsShouldTellADoublingFromASameSizeGrowth() {
        try (LongLongMap map = LongLongMap.builder().expectedSize(100).backgroundMemoryWork(false).build()) {
            for (long key = 0; !map.stats().growing(); key++) {
                map.put(key * 0x9E3779B97F4A7C15L, key);
            }
            final NativeView doubling = map.nativeView();
            final MapStats doublingStats = map.stats();
            assertEquals(doubling.logBuckets() - 1, doubling.oldLogBuckets(), "premise: a doubling");
            assertFalse(doubling.sameSizeGrowth(), "a doubling is not a same-size growth");
            assertFalse(doublingStats.sameSizeGrowth(), doublingStats.toString());
            assertTrue(doublingStats.toString().contains("growing=yes(doubling "), doublingStats.toString());
        }
        try (LongLongMap map = LongLongMap.builder().expectedSize(100).backgroundMemoryWork(false).build()) {
            SameSizeChurn.untilGrowing(map, new SplittableRandom(36));
            final NativeView sameSize = map.nativeView();
            final MapStats sameSizeStats = map.stats();
            assertTrue(sameSize.growing(), "churn should start a growth");
            assertEquals(sameSize.logBuckets(), sameSize.oldLogBuckets(), "premise: a same-size growth");
            assertTrue(sameSize.sameSizeGrowth(), "a growth that keeps the bucket count is same-size");
            assertTrue(sameSizeStats.sameSizeGrowth(), sameSizeStats.toString());
            assertTrue(sameSizeStats.toString().contains("growing=yes(same-size "), sameSizeStats.toString());

            map.finishGrowth();
            assertEquals(0, map.nativeView().evacuatedOldBuckets(), "no old array, no mark");
            assertFalse(map.nativeView().sameSizeGrowth(), "no growth, no kind of growth");
            assertFalse(map.stats().sameSizeGrowth(), map.stats().toString());
        }
    }

    @Test
    void aKeyPutShouldBeFoundAtTheViewsAddressWithGosLayout() {
        try (LongLongMap map = LongLongMap.builder().build()) {
            map.put(42, -7);
            final NativeView view = map.nativeView();
            assertEquals(0, view.logBuckets(), "one bucket: B = 0");
            final MemorySegment bucket = MemorySegment.ofAddress(view.address()).reinterpret(view.layout().bucketSize());
            int found = 0;
            for (int slot = 0; slot < BucketLayout.SLOTS; slot++) {
                if (Byte.toUnsignedInt(bucket.get(ValueLayout.JAVA_BYTE, slot)) >= 5) {
                    assertEquals(42, bucket.get(ValueLayout.JAVA_LONG_UNALIGNED, view.layout().keyOffset(slot)));
                    assertEquals(-7, bucket.get(ValueLayout.JAVA_LONG_UNALIGNED, view.layout().valueOffset(slot)));
                    found++;
                }
            }
            assertEquals(1, found);
        }
    }

    @Test
    void aClosedTableShouldRefuseToShowWhereItsMemoryWas() {
        final LongLongMap map = LongLongMap.builder().build();
        map.close();
        assertThrows(IllegalStateException.class, map::nativeView);
    }
}
