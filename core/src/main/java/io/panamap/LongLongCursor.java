package io.panamap;

import io.panamap.layout.BucketLayout;

/**
 * A reusable, allocation-free cursor over a {@link LongLongMap}, in Go's iteration order (a random
 * starting bucket and slot offset each time it is reset).
 *
 * <pre>{@code
 * LongLongCursor c = map.cursor();
 * while (c.next()) { use(c.key(), c.value()); }
 * c.reset();   // walk again, allocating nothing
 * }</pre>
 *
 * <p>The map may be written while a cursor walks it (from the same thread): every entry present for the
 * whole walk is produced exactly once, an entry removed before the cursor reaches it is not produced,
 * and one added may or may not be — Go's rules, kept through growth. {@code clear()} ends the walk.
 *
 * <p>While a walk is unfinished the cursor keeps the arrays it reads alive, so that a growth finishing
 * meanwhile cannot free them under it. A cursor abandoned mid-walk holds them until {@link #close()},
 * {@link #reset()}, or the map is closed: close cursors you do not run to the end.
 *
 * <p>Allocation-free with one exception: the step, reset or close that lets go of the last hold on an array a
 * growth retired meanwhile hands that array to the memory worker to be freed, one small task object (at most
 * once per growth the walk outlived).
 */
public final class LongLongCursor extends TableIterator implements AutoCloseable {

    private final LongLongMap map;
    private long key;
    private long value;

    LongLongCursor(final LongLongMap map, final HashTable table) {
        super(table);
        this.map = map;
    }

    /** Starts a new walk over the map's current contents. */
    public void reset() {
        restart();
    }

    /** Moves to the next entry; false when there is none (and the cursor has let go of the map's arrays). */
    public boolean next() {
        return step();
    }

    /** The key of the current entry. */
    public long key() {
        checkPositioned();
        return key;
    }

    /** The value of the current entry (as it was when the cursor reached it). */
    public long value() {
        checkPositioned();
        return value;
    }

    /** Ends the walk and releases the arrays it holds. Idempotent; {@link #reset()} starts again. */
    @Override
    public void close() {
        finish();
    }

    void set(final long key, final long value) {
        this.key = key;
        this.value = value;
    }

    @Override
    void readEntry(final BucketArray array, final long bucket, final int slot) {
        set(array.segment.get(BucketLayout.WORD, bucket + BucketLayout.LONG_LONG.keyOffset(slot)),
                array.segment.get(BucketLayout.WORD, bucket + BucketLayout.LONG_LONG.valueOffset(slot)));
    }

    @Override
    boolean readCurrentEntry(final BucketArray array, final long keyOffset) {
        return map.readLive(array.segment.get(BucketLayout.WORD, keyOffset), this);
    }
}
