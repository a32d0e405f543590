package io.panamap;

/**
 * A snapshot of a typed table's out-of-line storage: the keys and values that do not live in bucket slots
 * (variable-length ones, and fixed-size ones over 128 bytes).
 *
 * @param blocks          live blocks (freed ones waiting for an iterator to finish included)
 * @param requestedBytes  bytes of the encodings they hold
 * @param allocatedBytes  bytes of the blocks holding them (each rounded up to its size class)
 * @param committedBytes  bytes charged against the memory budget: the pages of slabs that blocks were
 *                        handed out in, and dedicated blocks
 * @param reservedBytes   address space mapped for storage (only touched pages use memory)
 */
public record StorageStats(long blocks, long requestedBytes, long allocatedBytes, long committedBytes,
                           long reservedBytes) {

    /** The field-by-field sum of several stores' stats (a concurrent map's shards). */
    static StorageStats sum(final java.util.List<StorageStats> parts) {
        long blocks = 0;
        long requested = 0;
        long allocated = 0;
        long committed = 0;
        long reserved = 0;
        for (final StorageStats part : parts) {
            blocks += part.blocks;
            requested += part.requestedBytes;
            allocated += part.allocatedBytes;
            committed += part.committedBytes;
            reserved += part.reservedBytes;
        }
        return new StorageStats(blocks, requested, allocated, committed, reserved);
    }

    /**
     * Share of the committed bytes that hold no encoding: rounding, free blocks, the rest of each slab's last
     * charged page. 0 when empty.
     */
    public double fragmentation() {
        return committedBytes == 0 ? 0.0 : 1.0 - (double) requestedBytes / committedBytes;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "blocks=%d requested=%d allocated=%d committed=%d reserved=%d fragmentation=%.1f%%",
                blocks, requestedBytes, allocatedBytes, committedBytes, reservedBytes, 100 * fragmentation());
    }
}
