package io.panamap;

import io.panamap.layout.BucketLayout;
import io.panamap.layout.TopHash;

import java.util.HashSet;
import java.util.Set;

/**
 * Checks every structural invariant of a table, Go's and panamap's own. Throws {@link AssertionError}
 * naming the first violation. Used between the steps of the differential tests.
 */
final class TableInvariants {

    private TableInvariants() {
    }

    static void check(final LongLongMap map) {
        check(map.table());
    }

    static void check(final HashTable table) {
        final BucketArray current = table.buckets;
        final BucketArray old = table.oldBuckets;
        final Set<Long> keys = new HashSet<>();
        long live = 0;

        long overflowReachable = 0;
        for (long index = 0; index < current.bucketCount; index++) {
            final long head = current.headOffset(index);
            overflowReachable += current.chainLength(head) - 1;
            live += checkChain(table, current, index, head, false, keys);
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
                    live += checkChain(table, old, index, head, true, keys);
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
                                   final boolean isOld, final Set<Long> keys) {
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
                final long key = array.segment.get(BucketLayout.WORD, b + layout.keyOffset(slot));
                final long hash = table.hasher.hashStoredKey(array, b + layout.keyOffset(slot), table.seed);
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
