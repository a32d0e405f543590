package io.panamap;

import java.lang.foreign.MemorySegment;

/**
 * A reusable, allocation-free cursor over an {@link OffHeapMap}, in Go's iteration order, with Go's
 * guarantees through growth (see {@link LongLongCursor}: every entry present for the whole walk is produced
 * once, a removed one is not, an added one may be; and the one allocation of a walk that outlives a growth).
 *
 * <pre>{@code
 * try (OffHeapCursor<CharSequence, byte[]> c = map.cursor()) {
 *     while (c.next()) { use(c.keyView(), c.valueView()); }
 * }
 * }</pre>
 *
 * <p>The cursor reads the entry where it is stored: {@link #key()} and {@link #value()} decode it, the
 * {@code ...Using} forms decode into a caller's object, the views expose the stored bytes. All of these
 * are valid only until the next write to the map; call them before writing. While a walk is unfinished
 * the cursor keeps the arrays it reads alive and keeps freed out-of-line bytes from being reused: close
 * cursors you do not run to the end.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class OffHeapCursor<K, V> extends TableIterator implements AutoCloseable {

    private final OffHeapMap<K, V> map;
    private final SlotCodec<K> keys;
    private final SlotCodec<V> values;
    private MemorySegment segment;
    private long keyOffset;
    private long valueOffset;

    OffHeapCursor(final OffHeapMap<K, V> map, final HashTable table, final SlotCodec<K> keys,
                  final SlotCodec<V> values) {
        super(table);
        this.map = map;
        this.keys = keys;
        this.values = values;
    }

    /** Starts a new walk over the map's current contents. */
    public void reset() {
        restart();
    }

    /** Moves to the next entry; false when there is none (and the cursor has let go of the map's arrays). */
    public boolean next() {
        return step();
    }

    /** The current key, decoded. */
    public K key() {
        checkPositioned();
        return keys.read(segment, keyOffset);
    }

    /** The current key decoded into {@code reuse} (for codecs of mutable types). */
    public K keyUsing(final K reuse) {
        checkPositioned();
        return keys.readUsing(segment, keyOffset, reuse);
    }

    /** A read-only view of the current key's encoding, valid until the next write. */
    public MemorySegment keyView() {
        checkPositioned();
        return keys.view(segment, keyOffset);
    }

    /** The current value, decoded. */
    public V value() {
        checkPositioned();
        return values.read(segment, valueOffset);
    }

    /** The current value decoded into {@code reuse} (for codecs of mutable types). */
    public V valueUsing(final V reuse) {
        checkPositioned();
        return values.readUsing(segment, valueOffset, reuse);
    }

    /** A read-only view of the current value's encoding, valid until the next write. */
    public MemorySegment valueView() {
        checkPositioned();
        return values.view(segment, valueOffset);
    }

    /** Copies the current value's encoding to {@code target} at {@code offset}; returns its length. */
    public long copyValue(final MemorySegment target, final long offset) {
        checkPositioned();
        return values.copyTo(segment, valueOffset, target, offset);
    }

    /** Ends the walk and releases what it holds. Idempotent; {@link #reset()} starts again. */
    @Override
    public void close() {
        finish();
    }


    void position(final MemorySegment entrySegment, final long entryKeyOffset, final long entryValueOffset) {
        this.segment = entrySegment;
        this.keyOffset = entryKeyOffset;
        this.valueOffset = entryValueOffset;
    }

    @Override
    void readEntry(final BucketArray array, final long bucket, final int slot) {
        position(array.segment, bucket + array.layout.keyOffset(slot), bucket + array.layout.valueOffset(slot));
    }

    @Override
    boolean readCurrentEntry(final BucketArray array, final long keyOffset) {
        return map.readLive(array, keyOffset, this);
    }
}
