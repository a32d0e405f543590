package io.panamap;

import io.panamap.layout.BucketLayout;

/**
 * Where a table's buckets are in native memory, for tools that read them from outside Java (the layout
 * conformance tests walk a live table from C with exactly these numbers). A snapshot: any write to the table
 * may change it, and once the table is closed every address in it is unmapped.
 *
 * <p>Each array is {@code 2^logBuckets} head buckets of {@link BucketLayout#bucketSize()} bytes from its
 * address, followed by its overflow area. Overflow links hold absolute addresses (0 ends a chain), as Go's
 * {@code bmap.overflow} pointer does. During a growth the old array is still live: its chains below
 * {@code evacuatedOldBuckets}, and any whose head tophash is an evacuation mark, have moved to the new one.
 *
 * @param layout               the bucket layout (offsets of tophash, keys, values and the overflow link)
 * @param address              address of the current array's first bucket
 * @param logBuckets           Go's B of the current array
 * @param oldAddress           address of the old array's first bucket, or 0 when not growing
 * @param oldLogBuckets        B of the old array (0 when not growing)
 * @param evacuatedOldBuckets  Go's {@code nevacuate} (0 when not growing)
 * @param sameSizeGrowth       whether the growth in progress keeps the bucket count
 * @param size                 live entries
 */
public record NativeView(BucketLayout layout, long address, int logBuckets, long oldAddress, int oldLogBuckets,
                         long evacuatedOldBuckets, boolean sameSizeGrowth, long size) {

    /** Whether an old array is still being evacuated. */
    public boolean growing() {
        return oldAddress != 0;
    }
}
