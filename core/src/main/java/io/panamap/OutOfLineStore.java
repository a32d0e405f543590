package io.panamap;

import io.panamap.memory.NativeAllocator;
import io.panamap.memory.NativeBlock;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;

/** Placeholder with the final API: one block per allocation. Replaced by the slab store. */
final class OutOfLineStore implements AutoCloseable {

    interface BudgetGuard {
        void admit(long bytes, String purpose);
    }

    private final NativeAllocator allocator;
    private final BudgetGuard budget;
    private final String owner;
    private final TreeMap<Long, NativeBlock> blocks = new TreeMap<>();
    private long[] deferred = new long[16];
    private int deferredCount;
    private long committed;
    private long requested;
    private boolean closed;

    OutOfLineStore(final NativeAllocator allocator, final BudgetGuard budget, final String owner) {
        this.allocator = allocator;
        this.budget = budget;
        this.owner = owner;
    }

    long allocate(final long length) {
        check();
        if (length < 1) {
            throw new IllegalArgumentException("length must be positive: " + length);
        }
        final long size = (length + 4095) & ~4095L;
        budget.admit(size, "out-of-line storage");
        final NativeBlock block = allocator.allocate(size);
        blocks.put(block.segment().address(), block);
        committed += size;
        requested += length;
        return block.segment().address();
    }

    void free(final long address, final long length) {
        check();
        final NativeBlock block = blocks.remove(address);
        if (block == null) {
            throw new IllegalArgumentException("not a block of " + owner);
        }
        committed -= block.byteSize();
        requested -= length;
        block.close();
    }

    void resize(final long address, final long oldLength, final long newLength) {
        requested += newLength - oldLength;
    }

    void freeDeferred(final long address, final long length) {
        if (deferredCount + 2 > deferred.length) {
            deferred = java.util.Arrays.copyOf(deferred, deferred.length * 2);
        }
        deferred[deferredCount++] = address;
        deferred[deferredCount++] = length;
    }

    boolean hasDeferred() {
        return deferredCount != 0;
    }

    void releaseDeferred() {
        for (int i = 0; i < deferredCount; i += 2) {
            free(deferred[i], deferred[i + 1]);
        }
        deferredCount = 0;
    }

    long capacityOf(final long address, final long length) {
        return blocks.get(address).byteSize();
    }

    MemorySegment regionOf(final long address, final long length) {
        check();
        final Map.Entry<Long, NativeBlock> e = blocks.floorEntry(address);
        if (e == null || address + length > e.getKey() + e.getValue().byteSize()) {
            throw new IllegalArgumentException("not storage of " + owner);
        }
        return e.getValue().segment();
    }

    void clear() {
        for (final NativeBlock b : blocks.values()) {
            b.close();
        }
        blocks.clear();
        committed = 0;
        requested = 0;
        deferredCount = 0;
    }

    long committedBytes() {
        return committed;
    }

    long reservedBytes() {
        return committed;
    }

    long liveBlocks() {
        return blocks.size();
    }

    long requestedBytes() {
        return requested;
    }

    long allocatedBytes() {
        return committed;
    }

    StorageStats stats() {
        return new StorageStats(liveBlocks(), requestedBytes(), allocatedBytes(), committedBytes(), reservedBytes());
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException(owner + " is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            clear();
            closed = true;
        }
    }
}
