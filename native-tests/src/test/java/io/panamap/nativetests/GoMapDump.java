package io.panamap.nativetests;

import io.panamap.layout.BucketLayout;
import io.panamap.layout.TopHash;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A dump of a real Go map's buckets, as {@code src/test/go/dumpmap} writes it (its package comment specifies
 * the format), read with panamap's own layout code: every offset comes from {@link BucketLayout#LONG_LONG},
 * none is computed here. If panamap's bucket differed from Go's, the entries found would not be the ones Go
 * stored.
 *
 * @param logBuckets   Go's B
 * @param count        entries Go's map header counted
 * @param buckets      buckets in the dump (heads and overflow)
 * @param overflow     overflow buckets among them
 * @param entries      every live entry found by walking the 2^B chains
 */
record GoMapDump(int logBuckets, long count, long buckets, long overflow, Map<Long, Long> entries) {

    private static final BucketLayout L = BucketLayout.LONG_LONG;
    private static final int HEADER_BYTES = 40;

    /** Parses and walks a dump. */
    static GoMapDump read(final byte[] dump) {
        final ByteBuffer in = ByteBuffer.wrap(dump).order(ByteOrder.LITTLE_ENDIAN);
        final String magic = new String(dump, 0, 8, StandardCharsets.US_ASCII);
        if (!magic.equals("GOBMAP01")) {
            throw new IllegalArgumentException("not a Go map dump: magic '" + magic + "'");
        }
        final int logBuckets = (int) in.getLong(8);
        final long count = in.getLong(16);
        final long bucketSize = in.getLong(24);
        final long buckets = in.getLong(32);
        if (bucketSize != L.bucketSize()) {
            throw new IllegalArgumentException("Go's bucket is " + bucketSize + " bytes, panamap's "
                    + L.bucketSize());
        }
        if (dump.length != HEADER_BYTES + buckets * bucketSize) {
            throw new IllegalArgumentException("dump of " + dump.length + " bytes for " + buckets + " buckets");
        }
        final Map<Long, Long> entries = new HashMap<>();
        final long heads = 1L << logBuckets;
        long visited = 0;
        for (long head = 0; head < heads; head++) {
            // The link field holds the next bucket's dump index plus one (0 ends the chain).
            for (long index = head; ; ) {
                visited++;
                final int bucket = (int) (HEADER_BYTES + index * bucketSize);
                for (int slot = 0; slot < BucketLayout.SLOTS; slot++) {
                    final int top = Byte.toUnsignedInt(in.get(bucket + (int) BucketLayout.tophashOffset(slot)));
                    if (top >= TopHash.MIN_TOP_HASH) {
                        final long key = in.getLong(bucket + (int) L.keyOffset(slot));
                        final long value = in.getLong(bucket + (int) L.valueOffset(slot));
                        if (entries.put(key, value) != null) {
                            throw new IllegalStateException("key " + key + " found twice");
                        }
                    }
                }
                final long next = in.getLong(bucket + L.overflowOffset());
                if (next == 0) {
                    break;
                }
                index = next - 1;
            }
        }
        if (visited != buckets) {
            throw new IllegalStateException("walked " + visited + " of the dump's " + buckets + " buckets");
        }
        return new GoMapDump(logBuckets, count, buckets, buckets - heads, entries);
    }
}
