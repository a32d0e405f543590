package io.panamap;

/**
 * A snapshot of a table's shape and memory, for monitoring and benchmarks.
 *
 * @param size                 live entries
 * @param logBuckets           Go's B: the current array has 2^B buckets
 * @param buckets              buckets in the current array
 * @param overflowBuckets      overflow buckets handed out in the current array
 * @param overflowCounter      Go's {@code noverflow}: overflow buckets created since the last growth
 *                             (exact below B = 16, an estimate / 2^(B-15) above)
 * @param growing              whether a growth is in progress (an old array is still being evacuated)
 * @param sameSizeGrowth       whether the growth in progress keeps the bucket count
 * @param evacuatedOldBuckets  evacuation mark: old chains below it have moved (0 when not growing)
 * @param oldBuckets           buckets of the old array (0 when not growing)
 * @param doublings            growths that doubled the table since it was created
 * @param sameSizeGrowths      same-size growths since it was created
 * @param growthsFinished      growths whose evacuation has completed
 * @param nextArrayPrepared    whether the array the next doubling needs is already mapped (the memory worker
 *                             faults its buckets and spares in from then on; a growth may take it before it is done;
 *                             never, for the next array of a table below 2^14 buckets, which maps its own)
 * @param committedBytes       native bytes charged against the budget (main buckets, Go's spares,
 *                             overflow used, of every live array, a prepared next array included, and the
 *                             arrays below 2^13 buckets a small table keeps after retiring them, until it
 *                             retires one of 2^13 buckets or more, or the budget needs the room)
 * @param spareBytes           of {@code committedBytes}, what is held only for growths to come and
 *                             {@code releaseSpareMemory()} would give back now: a prepared next array and the
 *                             small retired arrays kept
 * @param reservedBytes        native address space mapped (pages are only backed once touched)
 * @param memoryBudgetBytes    the budget, or {@link Long#MAX_VALUE} for none
 * @param allocator            description of the allocator
 * @param placement            where the current array's pages are, if the allocator reports it ("" if not).
 *                             Asked anew by every {@code stats()} call: a NUMA allocator queries every page of
 *                             the array ({@code move_pages}), in time proportional to its size, on the calling
 *                             thread (for a concurrent map's shard, after the shard's lock is released)
 * @param timeWithTwoArraysNanos how long, in all, the table has held an old and a new array (growths that
 *                             ended, plus the one in progress so far): the cost of evacuating only on writes,
 *                             which {@code evacuate(budget)} and a background evacuator cut short
 */
public record MapStats(
        long size,
        int logBuckets,
        long buckets,
        long overflowBuckets,
        long overflowCounter,
        boolean growing,
        boolean sameSizeGrowth,
        long evacuatedOldBuckets,
        long oldBuckets,
        long doublings,
        long sameSizeGrowths,
        long growthsFinished,
        boolean nextArrayPrepared,
        long committedBytes,
        long spareBytes,
        long reservedBytes,
        long memoryBudgetBytes,
        String allocator,
        String placement,
        long timeWithTwoArraysNanos) {

    /** These stats with {@code placement} for theirs (a concurrent map asks for it after the shard's lock). */
    MapStats withPlacement(final String placement) {
        return new MapStats(size, logBuckets, buckets, overflowBuckets, overflowCounter, growing, sameSizeGrowth,
                evacuatedOldBuckets, oldBuckets, doublings, sameSizeGrowths, growthsFinished, nextArrayPrepared,
                committedBytes, spareBytes, reservedBytes, memoryBudgetBytes, allocator, placement,
                timeWithTwoArraysNanos);
    }

    /** Average entries per bucket of the current array. */
    public double loadFactor() {
        return (double) size / buckets;
    }

    /** Fraction of the growth in progress that is done, 1.0 when not growing. */
    public double evacuationProgress() {
        return growing ? (double) evacuatedOldBuckets / oldBuckets : 1.0;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "size=%d B=%d buckets=%d overflow=%d noverflow=%d load=%.2f growing=%s doublings=%d"
                        + " sameSizeGrowths=%d twoArrays=%.1fms nextPrepared=%s committed=%d spare=%d reserved=%d"
                        + " budget=%s allocator=%s%s",
                size, logBuckets, buckets, overflowBuckets, overflowCounter, loadFactor(),
                growing ? String.format(java.util.Locale.ROOT, "yes(%s %d/%d)",
                        sameSizeGrowth ? "same-size" : "doubling", evacuatedOldBuckets, oldBuckets) : "no",
                doublings, sameSizeGrowths, timeWithTwoArraysNanos / 1e6, nextArrayPrepared, committedBytes, spareBytes,
                reservedBytes, memoryBudgetBytes == Long.MAX_VALUE ? "none" : Long.toString(memoryBudgetBytes),
                allocator, placement.isEmpty() ? "" : " placement=" + placement);
    }
}
