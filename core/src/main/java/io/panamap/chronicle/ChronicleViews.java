package io.panamap.chronicle;

import net.openhft.chronicle.bytes.PointerBytesStore;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Stored bytes as a Chronicle {@code BytesStore}, without copying: a {@link PointerBytesStore} over the native
 * memory of a view that {@link io.panamap.OffHeapMap#getView}, {@link io.panamap.OffHeapMap#getViewByEncodedKey},
 * {@link io.panamap.OffHeapCursor#keyView()} or {@link io.panamap.OffHeapCursor#valueView()} returned.
 *
 * <pre>{@code
 * PointerBytesStore order = ChronicleViews.wrap(orders.getView(orderId));
 * long id = order.readLong(0);                       // straight from the map's memory
 *
 * PointerBytesStore reused = new PointerBytesStore(); // garbage-free: re-point one store
 * try (OffHeapCursor<Long, Order> c = orders.cursor()) {
 *     while (c.next()) { sum += ChronicleViews.pointTo(reused, c.valueView()).readLong(0); }
 * }
 * }</pre>
 *
 * <h2>What is and is not checked</h2>
 * A {@code MemorySegment} view is checked on every access: reading one after its map is closed throws.
 * Chronicle reads raw addresses instead, so a store from this class is checked only when it is made
 * (the segment must be native and its memory alive). After that:
 * <ul>
 *   <li>It is valid only until the next write to the map, like the view it was made from: a later
 *       {@code put}, {@code set}, {@code remove}, {@code clear} or growth may move, overwrite or free those
 *       bytes.
 *   <li>Nothing stops a read after those bytes are freed or the map is closed. It may read another entry's
 *       bytes, or memory that is no longer mapped, which crashes the JVM. This is the one place where
 *       panamap cannot turn misuse into an exception: using the store in time is the caller's job.
 *   <li>Chronicle has no read-only pointer store, and {@code PointerBytesStore} accepts writes. Writing
 *       through it changes the map's bytes behind the map's back (a key's: the table no longer finds it).
 *       Treat it as read-only, as the view is.
 * </ul>
 * Like any Chronicle store, one instance is for one thread at a time.
 */
public final class ChronicleViews {

    /**
     * Where a store over an empty view points: Chronicle refuses addresses in the first 16 KiB, which an
     * empty segment may have (the map's empty values are such segments), and reads none of its bytes.
     */
    private static final long EMPTY_ADDRESS = Arena.global().allocate(1).address();

    private ChronicleViews() {
    }

    /**
     * A new store over the bytes of {@code view}, not a copy. See the class comment for how long it is valid.
     *
     * @throws IllegalArgumentException if {@code view} is not native memory (and not empty)
     * @throws IllegalStateException    if its memory has been freed (the map is closed, or a large value's
     *                                  entry removed, say)
     */
    public static PointerBytesStore wrap(final MemorySegment view) {
        return pointTo(new PointerBytesStore(), view);
    }

    /**
     * Points {@code store} at the bytes of {@code view}, not a copy, and returns it: a garbage-free
     * {@link #wrap}. See the class comment for how long it is valid.
     *
     * @throws IllegalArgumentException if {@code view} is not native memory (and not empty)
     * @throws IllegalStateException    if its memory has been freed (the map is closed, or a large value's
     *                                  entry removed, say)
     */
    public static PointerBytesStore pointTo(final PointerBytesStore store, final MemorySegment view) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(view, "view");
        final long size = view.byteSize();
        if (size == 0) {
            store.set(EMPTY_ADDRESS, 0);
            return store;
        }
        if (!view.isNative()) {
            throw new IllegalArgumentException("a Chronicle pointer store reads native memory only; this is a "
                    + size + "-byte heap segment");
        }
        requireAlive(view);
        store.set(view.address(), size);
        return store;
    }

    /** Throws {@link IllegalStateException} as a segment access would if the memory of {@code segment} is freed. */
    private static void requireAlive(final MemorySegment segment) {
        if (!segment.scope().isAlive()) {
            // A map's close frees every view's memory; a remove or replace frees a large value's own mapping.
            throw new IllegalStateException("the memory of this segment has been freed: its map is closed, or its"
                    + " entry was removed or replaced since the view was taken");
        }
    }
}
