package io.panamap.chronicle;

import io.panamap.OffHeapCursor;
import io.panamap.OffHeapMap;
import io.panamap.codec.Codecs;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.PointerBytesStore;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stored keys and values read as Chronicle BytesStores over the map's own memory. */
class ChronicleViewsTest {

    private static OffHeapMap<Long, Order> orders(final int n) {
        final OffHeapMap<Long, Order> map = OffHeapMap.builder(Codecs.longs(), MarshallableCodec.of(Order.class)).build();
        for (long id = 0; id < n; id++) {
            map.put(id, new Order(id, id * 0.25, "SYM" + id, (int) id * 3));
        }
        return map;
    }

    @Test
    void aStoreShouldReadTheSameFieldsAsDecodeFromTheSameMemory() {
        try (OffHeapMap<Long, Order> map = orders(10_000)) {
            for (long id = 0; id < 10_000; id += 37) {
                final MemorySegment view = map.getView(id);
                final PointerBytesStore store = ChronicleViews.wrap(view);
                assertEquals(view.address(), store.addressForRead(0), "not a copy");
                assertEquals(view.byteSize(), store.readRemaining());
                final Order decoded = map.get(id);
                assertEquals(decoded.id, store.readLong(Order.ID_OFFSET));
                assertEquals(decoded.price, store.readDouble(Order.PRICE_OFFSET));
                final Order read = new Order();
                final Bytes<Void> in = store.bytesForRead();
                read.readMarshallable(in);
                assertEquals(decoded, read);
                assertEquals(0, in.readRemaining());
            }
        }
    }

    @Test
    void theViewAfterAnUpdateShouldShowTheUpdate() {
        try (OffHeapMap<Long, Order> map = orders(1_000)) {
            final PointerBytesStore store = new PointerBytesStore();
            ChronicleViews.pointTo(store, map.getView(5L));
            assertEquals(5 * 0.25, store.readDouble(Order.PRICE_OFFSET));

            map.put(5L, new Order(5, 99.5, "SYM5", 15));                      // same length: rewritten in place
            ChronicleViews.pointTo(store, map.getView(5L));
            assertEquals(99.5, store.readDouble(Order.PRICE_OFFSET));

            map.put(5L, new Order(5, 42.0, "A-MUCH-LONGER-SYMBOL-" + "z".repeat(200), 15)); // moves to a new block
            final Order read = new Order();
            read.readMarshallable(ChronicleViews.pointTo(store, map.getView(5L)).bytesForRead());
            assertEquals(new Order(5, 42.0, "A-MUCH-LONGER-SYMBOL-" + "z".repeat(200), 15), read);
            assertEquals(map.getView(5L).address(), store.addressForRead(0));
        }
    }

    @Test
    void oneReusedStoreShouldReadEveryKeyAndValueThroughACursor() {
        try (OffHeapMap<Long, Order> map = orders(50_000)) {
            final PointerBytesStore store = new PointerBytesStore();
            final Set<Long> seen = new HashSet<>();
            try (OffHeapCursor<Long, Order> cursor = map.cursor()) {
                while (cursor.next()) {
                    final long key = ChronicleViews.pointTo(store, cursor.keyView()).readLong(0);
                    assertEquals(cursor.key(), key);
                    assertSame(store, ChronicleViews.pointTo(store, cursor.valueView()));
                    assertEquals(key, store.readLong(Order.ID_OFFSET));
                    assertEquals(key * 3, store.readInt(store.readRemaining() - Integer.BYTES));
                    assertTrue(seen.add(key));
                }
            }
            assertEquals(50_000, seen.size());
        }
    }

    @Test
    void aStringKeyShouldReadAsItsUtf8BytesAndFindItsValue() {
        try (OffHeapMap<CharSequence, Order> map = OffHeapMap.builder(Codecs.utf8(), MarshallableCodec.of(Order.class)).build()) {
            for (long id = 0; id < 5_000; id++) {
                map.put("ORD-€-" + id, new Order(id, 1.0, "S", 1));
            }
            final PointerBytesStore store = new PointerBytesStore();
            try (OffHeapCursor<CharSequence, Order> cursor = map.cursor()) {
                while (cursor.next()) {
                    final byte[] expected = cursor.key().toString().getBytes(StandardCharsets.UTF_8);
                    ChronicleViews.pointTo(store, cursor.keyView());
                    assertEquals(expected.length, store.readRemaining());
                    for (int i = 0; i < expected.length; i++) {
                        assertEquals(expected[i], store.readByte(i));
                    }
                    final long id = ChronicleViews.pointTo(store, map.getViewByEncodedKey(cursor.keyView())).readLong(0);
                    assertEquals(cursor.key().toString(), "ORD-€-" + id);
                }
            }
        }
    }

    @Test
    void aHeapSegmentShouldBeRefused() {
        assertThrows(IllegalArgumentException.class, () -> ChronicleViews.wrap(MemorySegment.ofArray(new byte[8])));
        assertThrows(IllegalArgumentException.class,
                () -> ChronicleViews.pointTo(new PointerBytesStore(), MemorySegment.ofArray(new long[1])));
        // An empty one (what the map returns for an empty value) reads as an empty store.
        assertEquals(0, ChronicleViews.wrap(MemorySegment.ofArray(new byte[0])).readRemaining());
    }

    @Test
    void aViewOfAClosedMapShouldBeRefused() {
        final OffHeapMap<Long, Order> map = orders(100);
        final MemorySegment view = map.getView(1L);
        final MemorySegment keyView;
        try (OffHeapCursor<Long, Order> cursor = map.cursor()) {
            assertTrue(cursor.next());
            keyView = cursor.keyView();
        }
        map.close();
        assertThrows(IllegalStateException.class, () -> ChronicleViews.wrap(view));
        assertThrows(IllegalStateException.class, () -> MarshallableCodec.of(Order.class).decode(view, 0, view.byteSize()));
        // Inline keys live in the bucket array, which closing frees too.
        assertThrows(IllegalStateException.class, () -> ChronicleViews.wrap(keyView));
    }

    /**
     * A value over 64 KiB has a mapping of its own, which a delete unmaps: a view of it kept from before is
     * refused as one of a closed map is, and the message names both causes, not only a close.
     */
    @Test
    void aViewOfARemovedValueWithAMappingOfItsOwnShouldBeRefusedNamingTheRemove() {
        try (OffHeapMap<Long, byte[]> map = OffHeapMap.builder(Codecs.longs(), Codecs.bytes()).build()) {
            map.put(1L, new byte[1 << 20]);
            final MemorySegment view = map.getView(1L);
            assertTrue(map.delete(1L));
            final IllegalStateException e = assertThrows(IllegalStateException.class, () -> ChronicleViews.wrap(view));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertTrue(e.getMessage().contains("removed"), e.getMessage());
        }
    }

    @Test
    void aNativeSegmentOfTheCallersOwnShouldBeWrappedInPlace() {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment segment = arena.allocate(16);
            segment.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 8, 123456789L);
            final PointerBytesStore store = ChronicleViews.wrap(segment.asSlice(8));
            assertEquals(123456789L, store.readLong(0));
            assertEquals(8, store.readRemaining());
        }
    }

    /** A store re-pointed at an empty view reads as empty, not as the bytes it was pointed at before. */
    @Test
    void aReusedStorePointedAtAnEmptyViewShouldBeEmpty() {
        try (OffHeapMap<Long, byte[]> map = OffHeapMap.builder(Codecs.longs(), Codecs.bytes()).build()) {
            map.put(1L, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            map.put(2L, new byte[0]);
            final PointerBytesStore reused = ChronicleViews.pointTo(new PointerBytesStore(), map.getView(1L));
            assertEquals(8, reused.readRemaining());
            assertSame(reused, ChronicleViews.pointTo(reused, map.getView(2L)));
            assertEquals(0, reused.readRemaining());
        }
    }
}
