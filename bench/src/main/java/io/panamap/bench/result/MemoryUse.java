package io.panamap.bench.result;

/**
 * What a map of {@code entries} entries occupies, measured from outside the map (the same way for every
 * contender): the growth of the live Java heap, and the growth of the process's resident memory outside the
 * heap (native tables, their page tables). Both are deltas between a snapshot taken before the map was created
 * and one taken with the map alive, each after a full {@code System.gc()}.
 *
 * @param entries          entries in the map at the second snapshot
 * @param liveHeapBytes    live heap growth (used heap after GC)
 * @param nativeBytes      resident memory growth minus heap-committed growth (0 where /proc is unavailable)
 * @param heapUsedBytes    the heap in use after GC at the second snapshot, map included
 */
public record MemoryUse(long entries, long liveHeapBytes, long nativeBytes, long heapUsedBytes) {

    /** The map's footprint per entry: live heap plus native growth, divided by the entries. */
    public double bytesPerEntry() {
        return heapBytesPerEntry() + nativeBytesPerEntry();
    }

    /** Live heap growth per entry (0 if the heap shrank). */
    public double heapBytesPerEntry() {
        return entries == 0 ? 0 : (double) Math.max(0, liveHeapBytes) / entries;
    }

    /** Native growth per entry. */
    public double nativeBytesPerEntry() {
        return entries == 0 ? 0 : (double) Math.max(0, nativeBytes) / entries;
    }

    void writeTo(final Fields fields, final String prefix) {
        fields.put(prefix + ".entries", entries).put(prefix + ".liveHeap", liveHeapBytes)
                .put(prefix + ".native", nativeBytes).put(prefix + ".heapUsed", heapUsedBytes);
    }

    static MemoryUse readFrom(final Fields fields, final String prefix) {
        return new MemoryUse(fields.longValue(prefix + ".entries"), fields.longValue(prefix + ".liveHeap"),
                fields.longValue(prefix + ".native"), fields.longValue(prefix + ".heapUsed"));
    }
}
