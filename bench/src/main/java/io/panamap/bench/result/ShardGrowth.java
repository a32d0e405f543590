package io.panamap.bench.result;

/**
 * The growth state of a sharded panamap map at one moment, from its {@code ShardedStats}: the cost of evacuating
 * only on writes, and what a background evacuator did about it.
 *
 * @param shards            shards of the map
 * @param growing           shards with a growth in progress (an old and a new array)
 * @param oldBuckets        buckets of the old arrays of those shards, in all (0 when none is growing)
 * @param movedOldBuckets   how many of them have been evacuated so far
 * @param twoArraysNanos    time the shards have held two arrays since the map was created, summed over shards
 * @param backgroundSlices  slices the background evacuator has run (0 without one)
 * @param backgroundNanos   time those slices took
 */
public record ShardGrowth(int shards, int growing, long oldBuckets, long movedOldBuckets, long twoArraysNanos,
                          long backgroundSlices, long backgroundNanos) {

    /** The share of the growths in progress that is done, from 0 to 1; 1 when no shard is growing. */
    public double moved() {
        return oldBuckets == 0 ? 1.0 : (double) movedOldBuckets / oldBuckets;
    }

    void writeTo(final Fields fields, final String prefix) {
        fields.put(prefix + ".shards", shards).put(prefix + ".growing", growing)
                .put(prefix + ".oldBuckets", oldBuckets).put(prefix + ".movedOldBuckets", movedOldBuckets)
                .put(prefix + ".twoArraysNanos", twoArraysNanos).put(prefix + ".backgroundSlices", backgroundSlices)
                .put(prefix + ".backgroundNanos", backgroundNanos);
    }

    /** What {@link #writeTo} wrote under {@code prefix}, or null if it wrote nothing there (no growth known). */
    static ShardGrowth readFrom(final Fields fields, final String prefix) {
        if (!fields.has(prefix + ".shards")) {
            return null;
        }
        return new ShardGrowth(Math.toIntExact(fields.longValue(prefix + ".shards")),
                Math.toIntExact(fields.longValue(prefix + ".growing")), fields.longValue(prefix + ".oldBuckets"),
                fields.longValue(prefix + ".movedOldBuckets"), fields.longValue(prefix + ".twoArraysNanos"),
                fields.longValue(prefix + ".backgroundSlices"), fields.longValue(prefix + ".backgroundNanos"));
    }
}
