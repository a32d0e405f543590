package io.panamap;

import io.panamap.layout.BucketLayout;
import io.panamap.layout.TopHash;

import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks every structural invariant of a table, Go's and panamap's own. Throws {@link AssertionError}
 * naming the first violation. Used between the steps of the differential tests.
 */
final class TableInvariants {

    private TableInvariants() {
    }

    /** How the checker tells keys apart: by value for long keys, by encoded bytes for typed ones. */
    @FunctionalInterface
    interface KeyIdentity {
        Object of(BucketArray array, long keyOffset);
    }

    private static final KeyIdentity LONG_KEYS = (array, keyOffset) -> array.segment.get(BucketLayout.WORD, keyOffset);

    static void check(final LongLongMap map) {
        check(map.table());
    }

    static void check(final HashTable table) {
        check(table, LONG_KEYS);
    }

    /**
     * The engine's invariants, with keys told apart by their encodings, then the storage's: every
     * out-of-line key and value of a reachable entry lies inside the table's storage, and (when no free is
     * waiting for an iterator) the storage holds exactly those blocks and bytes.
     */
    static void check(final OffHeapMap<?, ?> map) {
        final SlotCodec<?> keySlots = map.keySlots();
        final SlotCodec<?> valueSlots = map.valueSlots();
        check(map.table(), (array, keyOffset) ->
                ByteBuffer.wrap(keySlots.view(array.segment, keyOffset).toArray(ValueLayout.JAVA_BYTE)));
        final HashTable table = map.table();
        final long[] blocksAndBytes = new long[2];
        forEachLiveEntry(table, (array, bucket, slot) -> {
            countOutOfLine(keySlots, array, bucket + array.layout.keyOffset(slot), blocksAndBytes);
            countOutOfLine(valueSlots, array, bucket + array.layout.valueOffset(slot), blocksAndBytes);
        });
        final OutOfLineStore store = table.storage();
        if (!store.hasDeferred()) {
            require(store.liveBlocks() == blocksAndBytes[0], "storage holds " + store.liveBlocks()
                    + " blocks but live entries use " + blocksAndBytes[0]);
            require(store.requestedBytes() == blocksAndBytes[1], "storage holds " + store.requestedBytes()
                    + " bytes but live entries use " + blocksAndBytes[1]);
        }
    }

    private static void countOutOfLine(final SlotCodec<?> side, final BucketArray array, final long slotOffset,
                                       final long[] blocksAndBytes) {
        if (!side.isOutOfLine()) {
            return;
        }
        final long length = side.length(array.segment, slotOffset);
        if (length > 0) {
            side.bytesSegment(array.segment, slotOffset); // throws if the address is not the table's storage
            blocksAndBytes[0]++;
            blocksAndBytes[1] += length;
        }
    }

    @FunctionalInterface
    private interface SlotVisitor {
        void visit(BucketArray array, long bucket, int slot);
    }

    /** Visits every live entry once: current chains, and old chains a growth has not evacuated yet. */
    private static void forEachLiveEntry(final HashTable table, final SlotVisitor visitor) {
        final BucketArray old = table.oldBuckets;
        visitChains(table.buckets, visitor);
        if (old != null) {
            for (long index = 0; index < old.bucketCount; index++) {
                if (!old.isEvacuated(index)) {
                    visitChain(old, old.headOffset(index), visitor);
                }
            }
        }
    }

    private static void visitChains(final BucketArray array, final SlotVisitor visitor) {
        for (long index = 0; index < array.bucketCount; index++) {
            visitChain(array, array.headOffset(index), visitor);
        }
    }

    private static void visitChain(final BucketArray array, final long head, final SlotVisitor visitor) {
        for (long b = head; b != BucketArray.NONE; b = array.next(b)) {
            for (int slot = 0; slot < BucketLayout.SLOTS; slot++) {
                if (array.tophash(b, slot) >= TopHash.MIN_TOP_HASH) {
                    visitor.visit(array, b, slot);
                }
            }
        }
    }

    static void check(final HashTable table, final KeyIdentity keyIdentity) {
        final BucketArray current = table.buckets;
        final BucketArray old = table.oldBuckets;
        final Set<Object> keys = new HashSet<>();
        long live = 0;

        long overflowReachable = 0;
        for (long index = 0; index < current.bucketCount; index++) {
            final long head = current.headOffset(index);
            overflowReachable += current.chainLength(head) - 1;
            live += checkChain(table, current, index, head, false, keys, keyIdentity);
        }
        require(overflowReachable == current.overflowUsed(), "overflow buckets linked (" + overflowReachable
                + ") != handed out (" + current.overflowUsed() + ")");
        if (current.logSize <= HashTable.EXACT_OVERFLOW_COUNT_MAX_B) {
            require(table.noverflow == current.overflowUsed(), "noverflow " + table.noverflow
                    + " != overflow buckets created since the last growth " + current.overflowUsed());
        }

        if (old != null) {
            require(old.logSize == current.logSize - (table.sameSizeGrow ? 0 : 1), "old array has the wrong size");
            require(table.nevacuate < old.bucketCount, "growth should have finished at nevacuate " + table.nevacuate);
            for (long index = 0; index < old.bucketCount; index++) {
                final long head = old.headOffset(index);
                final boolean evacuated = old.isEvacuated(index);
                if (index < table.nevacuate) {
                    require(evacuated, "old bucket " + index + " is below nevacuate but not evacuated");
                }
                if (evacuated) {
                    checkEvacuatedChain(table, old, index, head);
                } else {
                    live += checkChain(table, old, index, head, true, keys, keyIdentity);
                    // Its destinations must still be untouched: writers evacuate before writing.
                    require(current.tophashes(current.headOffset(index)) == 0, "new X bucket " + index
                            + " written before its source was evacuated");
                    if (!table.sameSizeGrow) {
                        require(current.tophashes(current.headOffset(index + old.bucketCount)) == 0,
                                "new Y bucket written before its source was evacuated");
                    }
                }
            }
        } else {
            require(!table.sameSizeGrow, "sameSizeGrow set while not growing");
        }
        require(live == table.count, "count " + table.count + " but " + live + " live entries reachable");
    }

    /** Checks one chain that is not evacuated; returns its live entries. */
    private static long checkChain(final HashTable table, final BucketArray array, final long index, final long head,
                                   final boolean isOld, final Set<Object> keys, final KeyIdentity keyIdentity) {
        final BucketLayout layout = array.layout;
        long live = 0;
        boolean seenEmptyRest = false;
        boolean pendingEmptyOne = false;
        long length = 0;
        for (long b = head; b != BucketArray.NONE; b = array.next(b)) {
            require(++length <= array.capacity, "chain " + index + " has a cycle");
            require(b == head || (b / layout.bucketSize() >= array.bucketCount
                    && b / layout.bucketSize() < array.nextOverflow), "link outside the handed-out overflow area");
            for (int slot = 0; slot < BucketLayout.SLOTS; slot++) {
                final int top = array.tophash(b, slot);
                if (seenEmptyRest) {
                    require(top == TopHash.EMPTY_REST, "slot after emptyRest holds " + top + " in bucket " + index);
                    continue;
                }
                if (top == TopHash.EMPTY_REST) {
                    seenEmptyRest = true;
                    require(!pendingEmptyOne, "emptyOne run followed by emptyRest was not compacted, bucket " + index);
                    continue;
                }
                if (top == TopHash.EMPTY_ONE) {
                    pendingEmptyOne = true;
                    continue;
                }
                require(top >= TopHash.MIN_TOP_HASH, "evacuation mark " + top + " in a "
                        + (isOld ? "not evacuated old" : "current") + " chain, bucket " + index);
                pendingEmptyOne = false;
                final Object key = keyIdentity.of(array, b + layout.keyOffset(slot));
                final long hash = table.hasher.hashStoredKey(array.segment, b + layout.keyOffset(slot), table.seed);
                require((hash & array.mask) == index, "key " + key + " in bucket " + index + " belongs in "
                        + (hash & array.mask));
                require(TopHash.of(hash) == top, "tophash " + top + " of key " + key + " should be " + TopHash.of(hash));
                require(keys.add(key), "key " + key + " stored twice");
                live++;
            }
        }
        require(!pendingEmptyOne, "chain " + index + " ends in emptyOne: should have been compacted to emptyRest");
        return live;
    }

    private static void checkEvacuatedChain(final HashTable table, final BucketArray old, final long index,
                                            final long head) {
        for (long b = head; b != BucketArray.NONE; b = old.next(b)) {
            for (int slot = 0; slot < BucketLayout.SLOTS; slot++) {
                final int top = old.tophash(b, slot);
                require(top >= TopHash.EVACUATED_X && top <= TopHash.EVACUATED_EMPTY,
                        "evacuated old chain " + index + " has unmarked slot (" + top + ")");
                if (top == TopHash.EVACUATED_Y) {
                    require(!table.sameSizeGrow, "evacuatedY in a same-size growth");
                }
            }
        }
    }

    private static void require(final boolean condition, final String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
