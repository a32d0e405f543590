package io.panamap;

import io.panamap.layout.BucketLayout;
import io.panamap.layout.TopHash;

/**
 * Go's {@code hiter} / {@code mapiternext}, for any layout: walks a table from a random bucket at a
 * random slot offset, correctly while the table grows under it. Subclasses read the entry.
 *
 * <p>Guarantees (Go's): every entry present for the whole iteration is produced exactly once; an entry
 * removed before the iterator reaches it is not produced; one added during the iteration may or may
 * not be. A {@link HashTable#clear} ends an iteration started before it; a {@link HashTable#trimToSize} does
 * not: it leaves the snapshot's slots marked evacuated with their keys in place, so the walk goes on by
 * looking each key up again, as below.
 *
 * <p>How, during growth: the iterator walks the array that was current when it started (its
 * snapshot, pinned so it is not freed under it). If a growth is in progress over an array of the same
 * B, a chain not yet evacuated is read from the old array instead, keeping only the entries that
 * belong to the bucket being visited. A slot already evacuated is not trusted: its key is looked up
 * again in the live table, which skips it if it was deleted and returns its current value if not.
 */
abstract class TableIterator {

    private static final long NO_CHECK = -1L;

    final HashTable table;
    private final BucketLayout layout;

    private BucketArray snapshot;
    private int snapshotLogSize;
    private long startBucket;
    private int slotOffset;
    private boolean wrapped;
    private long nextBucket;
    private long epoch;
    private boolean active;

    private BucketArray walking;
    private long bucket = BucketArray.NONE;
    private int step;
    private long checkBucket;

    TableIterator(final HashTable table) {
        this.table = table;
        this.layout = table.layout;
    }

    /** (Re)starts the walk over the table's current contents. */
    final void start() {
        stop();
        table.beginIterationStep();
        if (table.count == 0) {
            return;
        }
        snapshot = table.buckets;
        table.pin(snapshot);
        table.iterationStarted();
        snapshotLogSize = snapshot.logSize;
        // Not the table's own generator: iterators may start on reader threads.
        final long r = java.util.concurrent.ThreadLocalRandom.current().nextLong();
        startBucket = r & snapshot.mask;
        slotOffset = (int) ((r >>> snapshotLogSize) & (BucketLayout.SLOTS - 1));
        nextBucket = startBucket;
        wrapped = false;
        bucket = BucketArray.NONE;
        epoch = table.clearEpoch;
        active = true;
    }

    /** Whether the last {@link #step()} landed on an entry, which the subclass has read. */
    private boolean positioned;

    /** A cursor's {@code reset()}: a new walk over the table's current contents. */
    final void restart() {
        positioned = false;
        start();
    }

    /** A cursor's {@code next()}. */
    final boolean step() {
        positioned = advance();
        return positioned;
    }

    /** A cursor's {@code close()}: ends the walk and releases what it pins. */
    final void finish() {
        positioned = false;
        stop();
    }

    /**
     * Refuses to read an entry when the cursor is not on one, or its map is closed: a cursor keeps its entry's
     * key and value (or where they were), and would otherwise still answer with them after {@code close()}.
     */
    final void checkPositioned() {
        table.checkOpen();
        if (!positioned) {
            throw new IllegalStateException("cursor is not on an entry: call next() and check that it returned true");
        }
    }

    /** Releases the arrays this iterator pins; the iterator is then exhausted until restarted. */
    final void stop() {
        if (walking != null) {
            table.unpin(walking);
            walking = null;
        }
        if (snapshot != null) {
            table.unpin(snapshot);
            table.iterationStopped();
            snapshot = null;
        }
        active = false;
    }

    /** Moves to the next entry; on true, the subclass has read it. */
    final boolean advance() {
        if (!active) {
            return false;
        }
        table.beginIterationStep();
        if (epoch != table.clearEpoch) {
            stop();
            return false;
        }
        while (true) {
            if (bucket == BucketArray.NONE) {
                if (nextBucket == startBucket && wrapped) {
                    stop();
                    return false;
                }
                chooseChain();
                if (++nextBucket == snapshot.bucketCount) {
                    nextBucket = 0;
                    wrapped = true;
                }
                step = 0;
            }
            while (step < BucketLayout.SLOTS) {
                final int slot = (step++ + slotOffset) & (BucketLayout.SLOTS - 1);
                final int top = walking.tophash(bucket, slot);
                if (TopHash.isEmpty(top) || top == TopHash.EVACUATED_EMPTY) {
                    continue;
                }
                final long keyOffset = bucket + layout.keyOffset(slot);
                if (checkBucket != NO_CHECK && (table.hasher.hashStoredKey(walking.segment, keyOffset, table.seed)
                        & snapshot.mask) != checkBucket) {
                    // This old chain also feeds the other half of the doubled table: not this bucket's entry.
                    continue;
                }
                if (top != TopHash.EVACUATED_X && top != TopHash.EVACUATED_Y) {
                    readEntry(walking, bucket, slot);
                    return true;
                }
                if (readCurrentEntry(walking, keyOffset)) {
                    return true;
                }
            }
            bucket = walking.next(bucket);
            step = 0;
        }
    }

    /** Which chain to walk for bucket {@code nextBucket} of the snapshot (Go's mapiternext). */
    private void chooseChain() {
        final BucketArray old = table.oldBuckets;
        if (old != null && snapshotLogSize == table.buckets.logSize) {
            final long oldBucket = nextBucket & old.mask;
            if (!old.isEvacuated(oldBucket)) {
                walkOn(old, old.headOffset(oldBucket));
                // Only a doubling's old chain also feeds another bucket of the snapshot. Decided here, for the
                // whole chain: Go asks the table's sameSizeGrow flag at every step, which writes between steps
                // can change (a doubling ends, a same-size growth starts) while the walk is inside this chain,
                // and then the other half's entries came out here and again at their own bucket.
                checkBucket = old.logSize < snapshotLogSize ? nextBucket : NO_CHECK;
                return;
            }
        }
        walkOn(snapshot, snapshot.headOffset(nextBucket));
        checkBucket = NO_CHECK;
    }

    private void walkOn(final BucketArray array, final long head) {
        if (array != walking) {
            table.pin(array);
            if (walking != null) {
                table.unpin(walking);
            }
            walking = array;
        }
        bucket = head;
    }

    /** Reads the live entry in {@code slot} of {@code bucket}. */
    abstract void readEntry(BucketArray array, long bucket, int slot);

    /**
     * The slot at {@code keyOffset} has been evacuated: look its key up in the live table and read the
     * entry found there.
     *
     * @return false if the key is no longer in the table
     */
    abstract boolean readCurrentEntry(BucketArray array, long keyOffset);
}
