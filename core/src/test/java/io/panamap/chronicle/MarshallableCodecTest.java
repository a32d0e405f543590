package io.panamap.chronicle;

import io.panamap.OffHeapCursor;
import io.panamap.OffHeapMap;
import io.panamap.codec.Codecs;
import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesOut;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chronicle-marshalled values in an OffHeapMap: against java.util.HashMap through many growths, read back
 * into reused objects, and the codec's own edges (an empty encoding, heap segments, direct use).
 */
class MarshallableCodecTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final String[] SYMBOLS = {"AAPL", "MSFT", "", "BRK.B", "ÄÖÜ-€", "𝄞", "A-LONGER-SYMBOL-NAME-THAT-GROWS"};

    private static Order randomOrder(final SplittableRandom random, final long id) {
        final String symbol = SYMBOLS[random.nextInt(SYMBOLS.length)] + (random.nextInt(4) == 0 ? "x".repeat(random.nextInt(300)) : "");
        return new Order(id, random.nextInt(1_000_000) / 100.0, symbol, random.nextInt());
    }

    /** Orders by id: puts, sets, removes and reads in a mix, all through the growths to over 100k entries. */
    @Test
    void ordersByLongShouldBehaveLikeHashMapThroughManyGrowths() {
        try (OffHeapMap<Long, Order> map = OffHeapMap.builder(Codecs.longs(), MarshallableCodec.of(Order.class)).build()) {
            roundTrip(map, id -> id, 11);
        }
    }

    /** The same by order reference, a UTF-8 key, looked up with a String or a StringBuilder. */
    @Test
    void ordersByStringShouldBehaveLikeHashMapThroughManyGrowths() {
        final StringBuilder builder = new StringBuilder();
        try (OffHeapMap<CharSequence, Order> map = OffHeapMap.builder(Codecs.utf8(), MarshallableCodec.of(Order.class)).build()) {
            roundTrip(map, id -> (id & 1) == 0 ? "ORD-" + id : builder.replace(0, builder.length(), "ORD-").append(id), 12);
        }
    }

    private static <K> void roundTrip(final OffHeapMap<K, Order> map, final LongFunction<K> keyOf, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final Map<Long, Order> reference = new HashMap<>();
        final Order reuse = new Order();
        for (int step = 0; step < 600_000; step++) {
            final long id = random.nextInt(step / 3 + 10);
            final K key = keyOf.apply(id);
            final int dice = random.nextInt(20);
            if (dice < 8) {
                final Order order = randomOrder(random, id);
                assertEquals(reference.put(id, order), map.put(key, order), "put " + id);
            } else if (dice < 12) {
                final Order order = randomOrder(random, id);
                assertEquals(reference.put(id, order) == null, map.set(key, order), "set " + id);
            } else if (dice < 13) {
                assertEquals(reference.remove(id), map.remove(key), "remove " + id);
            } else if (dice < 14) {
                assertEquals(reference.remove(id) != null, map.delete(key), "delete " + id);
            } else if (dice < 18) {
                final Order expected = reference.get(id);
                final Order found = map.getUsing(key, reuse);
                assertEquals(expected, found, "getUsing " + id);
                if (expected != null) {
                    assertSame(reuse, found);
                }
            } else {
                assertEquals(reference.get(id), map.get(key), "get " + id);
            }
        }
        assertEquals(reference.size(), map.size());
        assertTrue(map.size() > 100_000, "entries: " + map.size());
        assertTrue(map.stats().doublings() >= 13, map.stats().toString());

        final Map<Long, Order> seen = new HashMap<>();
        try (OffHeapCursor<K, Order> cursor = map.cursor()) {
            while (cursor.next()) {
                final Order value = cursor.value();
                assertEquals(keyOf.apply(value.id).toString(), cursor.key().toString());
                assertNull(seen.put(value.id, value), "produced twice: " + value.id);
            }
        }
        assertEquals(reference, seen);
    }

    @Test
    void getUsingShouldOverwriteEveryFieldOfTheCallersObject() {
        try (OffHeapMap<Long, Order> map = OffHeapMap.builder(Codecs.longs(), MarshallableCodec.of(Order.class)).build()) {
            map.put(1L, new Order(1, 101.25, "AAPL", 300));
            final Order reuse = new Order(99, -1, "STALE-AND-LONGER", -7);
            assertSame(reuse, map.getUsing(1L, reuse));
            assertEquals(new Order(1, 101.25, "AAPL", 300), reuse);
            assertNull(map.getUsing(2L, reuse));
        }
    }

    /**
     * For a value whose own methods allocate nothing, writing it (set: marshalled once, rewritten in place or
     * put in a reused slab slot) and reading it in place into a reused object, through getUsing, a cursor or
     * the codec itself, allocate nothing at all.
     */
    @Test
    void writesAndInPlaceReadsShouldNotAllocate() {
        final int n = 20_000;
        final Long[] keys = new Long[n];
        final MarshallableCodec<Quote> codec = MarshallableCodec.of(Quote.class);
        try (OffHeapMap<Long, Quote> map = OffHeapMap.builder(Codecs.longs(), codec).expectedSize(2 * n).build();
             Arena arena = Arena.ofConfined()) {
            final Quote quote = new Quote();
            for (int i = 0; i < n; i++) {
                keys[i] = (long) i * 7919;
                quote.instrument = keys[i];
                quote.ask = i;
                map.put(keys[i], quote);
            }
            final MemorySegment target = arena.allocate(64);
            final OffHeapCursor<Long, Quote> cursor = map.cursor();
            for (int round = 0; round < 5; round++) {
                runQuotes(map, keys, codec, quote, target, cursor);
            }
            final long before = THREADS.getCurrentThreadAllocatedBytes();
            final long checksum = runQuotes(map, keys, codec, quote, target, cursor);
            final long bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertTrue(bytes < 4096, "allocated " + bytes + " bytes over " + 7L * n + " operations (checksum " + checksum + ")");
        }
    }

    private static long runQuotes(final OffHeapMap<Long, Quote> map, final Long[] keys, final MarshallableCodec<Quote> codec,
                                  final Quote quote, final MemorySegment target, final OffHeapCursor<Long, Quote> cursor) {
        long checksum = 0;
        for (final Long key : keys) {
            checksum += map.getUsing(key, quote).ask;
            quote.bid++;
            checksum += map.set(key, quote) ? 1 : 0;          // the same size: rewritten in place
            checksum += map.delete(key) ? 1 : 0;
            checksum += map.set(key, quote) ? 1 : 0;          // inserted again, into a freed slot
            final long length = codec.encodedSize(quote);
            codec.encode(quote, target, 0);
            checksum += codec.decodeUsing(target, 0, length, quote).instrument;
        }
        cursor.reset();
        while (cursor.next()) {
            checksum += cursor.valueUsing(quote).instrument;
        }
        return checksum;
    }

    /** A class that marshals to nothing is stored as an empty value and read back. */
    @Test
    void anEmptyEncodingShouldRoundTrip() {
        try (OffHeapMap<Long, Nothing> map = OffHeapMap.builder(Codecs.longs(), MarshallableCodec.of(Nothing.class)).build()) {
            map.put(1L, new Nothing());
            final Nothing read = map.get(1L);
            assertTrue(read != null && read.reads == 1);
            assertEquals(0, map.getView(1L).byteSize());
            assertEquals(0, ChronicleViews.wrap(map.getView(1L)).readRemaining());
        }
    }

    /** Used directly, the codec encodes without a preceding encodedSize, and decodes heap and native bytes alike. */
    @Test
    void theCodecShouldWorkOutsideAMap() {
        final MarshallableCodec<Order> codec = MarshallableCodec.of(Order.class);
        final Order order = new Order(7, 1.5, "MSFT", 10);
        final Order other = new Order(8, 2.5, "AAPL", 20);
        final long length = codec.encodedSize(order);
        final MemorySegment heap = MemorySegment.ofArray(new byte[(int) length + 3]);
        codec.encodedSize(other);
        codec.encode(order, heap, 3);                       // not the object last measured: marshalled again
        assertEquals(order, codec.decode(heap, 3, length));
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment target = arena.allocate(length);
            codec.encode(order, target, 0);
            assertEquals(order, codec.decodeUsing(target, 0, length, new Order()));
            assertThrows(IndexOutOfBoundsException.class, () -> codec.decode(target, 1, length));
        }
        assertEquals(Order.class, codec.type());
        assertEquals(-1, codec.fixedSize());
    }

    /**
     * Used directly, a codec writes an object as it is now: an object changed after an encode (the usual
     * way to reuse one) is marshalled again, not copied from the bytes its earlier encodedSize produced.
     */
    @Test
    void anObjectChangedAfterAnEncodeShouldBeEncodedAsItIsNow() {
        final MarshallableCodec<Order> codec = MarshallableCodec.of(Order.class);
        final Order order = new Order(7, 1.5, "MSFT", 10);
        final long length = codec.encodedSize(order);
        final MemorySegment first = MemorySegment.ofArray(new byte[(int) length]);
        codec.encode(order, first, 0);
        order.price = 2.5; // the same length, so the stale bytes would fit
        order.quantity = 20;
        final MemorySegment second = MemorySegment.ofArray(new byte[(int) length]);
        codec.encode(order, second, 0);
        assertEquals(new Order(7, 1.5, "MSFT", 10), codec.decode(first, 0, length));
        assertEquals(new Order(7, 2.5, "MSFT", 20), codec.decode(second, 0, length));
    }

    /**
     * As every shipped codec: null is refused by name, and nothing is written. After an encode the thread's
     * buffer still holds that object's bytes, which an unchecked null would have copied as its own.
     */
    @Test
    void encodingNullShouldThrowNullPointerExceptionNamingTheCodecAndWriteNothing() {
        final MarshallableCodec<Order> codec = MarshallableCodec.of(Order.class);
        final Order order = new Order(7, 1.5, "MSFT", 10);
        codec.encode(order, MemorySegment.ofArray(new byte[(int) codec.encodedSize(order)]), 0);
        final MemorySegment target = MemorySegment.ofArray(new byte[64]);
        final NullPointerException encoding = assertThrows(NullPointerException.class,
                () -> codec.encode(null, target, 0));
        assertEquals("marshallable Order codec cannot encode null", encoding.getMessage());
        assertEquals(-1, target.mismatch(MemorySegment.ofArray(new byte[64])), "nothing written");
        final NullPointerException sizing = assertThrows(NullPointerException.class, () -> codec.encodedSize(null));
        assertEquals("marshallable Order codec cannot encode null", sizing.getMessage());
    }

    @Test
    void readingPastTheStoredBytesShouldThrowNotReadOtherMemory() {
        final MarshallableCodec<Order> codec = MarshallableCodec.of(Order.class);
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment bytes = arena.allocate(64);
            assertThrows(RuntimeException.class, () -> codec.decode(bytes, 0, 12));
        }
    }

    @Test
    void aClassWithoutANoArgumentConstructorNeedsAFactory() {
        assertThrows(IllegalArgumentException.class, () -> MarshallableCodec.of(NeedsArguments.class));
        final MarshallableCodec<NeedsArguments> codec = MarshallableCodec.of(NeedsArguments.class, () -> new NeedsArguments(0));
        try (OffHeapMap<Long, NeedsArguments> map = OffHeapMap.builder(Codecs.longs(), codec).build()) {
            map.put(3L, new NeedsArguments(42));
            assertEquals(42, map.get(3L).value);
        }
    }

    /**
     * An abstract class has a no-argument constructor, but no instance can be made with it: refused when the codec
     * is built, not at the first decode, with the message pointing to a factory.
     */
    @Test
    void anAbstractClassNeedsAFactory() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MarshallableCodec.of(AbstractQuote.class));
        assertTrue(e.getMessage().contains("is abstract"), e.getMessage());
        assertTrue(e.getMessage().contains("of(type, factory)"), e.getMessage());
        final MarshallableCodec<AbstractQuote> codec = MarshallableCodec.of(AbstractQuote.class,
                () -> new AbstractQuote() {
                });
        try (OffHeapMap<Long, AbstractQuote> map = OffHeapMap.builder(Codecs.longs(), codec).build()) {
            final AbstractQuote quote = new AbstractQuote() {
            };
            quote.price = 42;
            map.put(3L, quote);
            assertEquals(42, map.get(3L).price);
        }
    }

    /** A private no-argument constructor is enough for decode: the codec makes it accessible when it is built. */
    @Test
    void aClassWithAPrivateNoArgumentConstructorShouldDecode() {
        final MarshallableCodec<Hidden> codec = MarshallableCodec.of(Hidden.class);
        final Hidden hidden = Hidden.of(42);
        final long length = codec.encodedSize(hidden);
        final MemorySegment bytes = MemorySegment.ofArray(new byte[(int) length]);
        codec.encode(hidden, bytes, 0);
        assertEquals(42, codec.decode(bytes, 0, length).value);
    }

    @Test
    void marshallingThatUsesTheCodecAgainShouldThrow() {
        final MarshallableCodec<Order> orders = MarshallableCodec.of(Order.class);
        final BytesMarshallable reentrant = new BytesMarshallable() {
            @Override
            public void writeMarshallable(final BytesOut<?> bytes) {
                orders.encodedSize(new Order(1, 1, "X", 1));
            }
        };
        final MarshallableCodec<BytesMarshallable> outer = MarshallableCodec.of(BytesMarshallable.class, () -> reentrant);
        assertThrows(IllegalStateException.class, () -> outer.encodedSize(reentrant));
        assertEquals(8 + 8 + 2 + 4, orders.encodedSize(new Order(1, 1, "X", 1)), "the codec works afterwards");
    }

    /** BytesMarshallable's default methods marshal fields by reflection (which needs the add-opens option). */
    @Test
    void aClassLeftToTheReflectiveDefaultsShouldRoundTrip() {
        try (OffHeapMap<Long, Reflective> map = OffHeapMap.builder(Codecs.longs(), MarshallableCodec.of(Reflective.class)).build()) {
            for (long i = 0; i < 1_000; i++) {
                final Reflective value = new Reflective();
                value.count = i;
                value.name = "n" + i;
                value.ratio = i / 8.0;
                map.put(i, value);
            }
            final Reflective read = map.getUsing(777L, new Reflective());
            assertEquals(777, read.count);
            assertEquals("n777", read.name);
            assertEquals(777 / 8.0, read.ratio);
        }
    }

    /**
     * A write marshals its value once, to learn its size, and copies those bytes in, also when the key is
     * marshalled too: the map asks the value's size before it encodes the key, and the key's marshalling, between
     * the two, must not make the value be marshalled again. A second marshalling would cost a writeMarshallable
     * more per write, and store bytes other than those measured should it write otherwise the second time.
     */
    @Test
    void aWriteShouldMarshalItsValueOnceWhenItsKeyIsMarshalledToo() {
        try (OffHeapMap<Counted, Counted> map = OffHeapMap.builder(MarshallableCodec.of(Counted.class),
                MarshallableCodec.of(Counted.class)).build()) {
            for (long i = 0; i < 100; i++) {
                final Counted key = new Counted(i);
                final Counted value = new Counted(~i);
                assertNull(map.put(key, value));
                assertEquals(1, key.writes, "the key's marshallings in put " + i);
                assertEquals(1, value.writes, "the value's marshallings in put " + i);
                final Counted replacing = new Counted(i * 7);
                assertEquals(~i, map.replace(new Counted(i), replacing).value);
                assertEquals(1, replacing.writes, "the value's marshallings in replace " + i);
                final Counted absent = new Counted(i * 11);
                assertEquals(i * 7, map.putIfAbsent(new Counted(i), absent).value);
                assertEquals(1, absent.writes, "the value's marshallings in a putIfAbsent that keeps the entry");
            }
            for (long i = 0; i < 100; i++) {
                assertEquals(i * 7, map.get(new Counted(i)).value);
            }
        }
    }

    /** A long, and how often it has been marshalled. */
    static final class Counted implements BytesMarshallable {
        long value;
        int writes;

        Counted() {
        }

        Counted(final long value) {
            this.value = value;
        }

        @Override
        public void writeMarshallable(final BytesOut<?> bytes) {
            writes++;
            bytes.writeLong(value);
        }

        @Override
        public void readMarshallable(final BytesIn<?> bytes) {
            value = bytes.readLong();
        }
    }

    /** Leaves marshalling to the interface's defaults. */
    static final class Reflective implements BytesMarshallable {
        long count;
        String name;
        double ratio;
    }

    /** Marshals to no bytes; counts its reads. */
    static final class Nothing implements BytesMarshallable {
        int reads;

        @Override
        public void writeMarshallable(final BytesOut<?> bytes) {
        }

        @Override
        public void readMarshallable(final BytesIn<?> bytes) {
            reads++;
        }
    }


    /**
     * A {@code close()} on another thread while {@code readMarshallable} runs (a misuse of a single-writer map)
     * must not leave Chronicle reading memory the close unmapped: it reads raw addresses, and that crashed the
     * JVM. The reader is held inside {@code readMarshallable} until the map is closed, and then checks what it
     * was handed before reading on: a copy on the heap, holding the value as stored.
     */
    @Test
    void aCloseDuringReadMarshallableShouldNotLeaveItReadingFreedMemory() throws Exception {
        final Blob stored = new Blob(300_000 / Long.BYTES); // over 64 KiB: its own mapping, unmapped by close
        final Blob reuse = new Blob(0);
        final OffHeapMap<Long, Blob> map = OffHeapMap.builder(Codecs.longs(), MarshallableCodec.of(Blob.class)).build();
        map.set(1L, stored);
        final CountDownLatch closed = new CountDownLatch(1);
        reuse.holdUntil = closed;
        final Thread reader = new Thread(() -> map.getUsing(1L, reuse));
        reader.start();
        assertTrue(reuse.holding.await(10, TimeUnit.SECONDS), "readMarshallable was never called");
        map.close();
        closed.countDown();
        reader.join(10_000);
        assertFalse(reuse.handedNativeMemory, "readMarshallable was handed the map's memory, which close() unmapped");
        assertEquals(stored.sum(), reuse.sum(), "the value read from the copy");
        assertThrows(IllegalStateException.class, () -> map.getUsing(1L, reuse));
    }

    /** Longs whose {@code readMarshallable} can be held, once, until a latch opens. */
    static final class Blob implements BytesMarshallable {
        long[] words;
        volatile CountDownLatch holdUntil;
        final CountDownLatch holding = new CountDownLatch(1);
        volatile boolean handedNativeMemory;

        Blob(final int length) {
            words = new long[length];
            for (int i = 0; i < length; i++) {
                words[i] = i * 31L + 7;
            }
        }

        @SuppressWarnings("unused") // the codec's no-argument constructor
        Blob() {
            this(0);
        }

        long sum() {
            long sum = 0;
            for (final long word : words) {
                sum += word;
            }
            return sum;
        }

        @Override
        public void writeMarshallable(final BytesOut<?> bytes) {
            bytes.writeInt(words.length);
            for (final long word : words) {
                bytes.writeLong(word);
            }
        }

        @Override
        public void readMarshallable(final BytesIn<?> bytes) {
            final CountDownLatch latch = holdUntil;
            if (latch != null) {
                holdUntil = null;
                holding.countDown();
                try {
                    latch.await(10, TimeUnit.SECONDS);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                handedNativeMemory = bytes.isDirectMemory();
                if (handedNativeMemory) {
                    return; // reading on would touch unmapped memory
                }
            }
            words = new long[bytes.readInt()];
            for (int i = 0; i < words.length; i++) {
                words[i] = bytes.readLong();
            }
        }
    }

    static final class NeedsArguments implements BytesMarshallable {
        int value;

        NeedsArguments(final int value) {
            this.value = value;
        }

        @Override
        public void writeMarshallable(final BytesOut<?> bytes) {
            bytes.writeInt(value);
        }

        @Override
        public void readMarshallable(final BytesIn<?> bytes) {
            value = bytes.readInt();
        }
    }

    abstract static class AbstractQuote implements BytesMarshallable {
        long price;

        @Override
        public void writeMarshallable(final BytesOut<?> bytes) {
            bytes.writeLong(price);
        }

        @Override
        public void readMarshallable(final BytesIn<?> bytes) {
            price = bytes.readLong();
        }
    }

    /** Its only constructor is private: no class outside this one may call it without being let in. */
    static final class Hidden implements BytesMarshallable {
        long value;

        private Hidden() {
        }

        static Hidden of(final long value) {
            final Hidden hidden = new Hidden();
            hidden.value = value;
            return hidden;
        }

        @Override
        public void writeMarshallable(final BytesOut<?> bytes) {
            bytes.writeLong(value);
        }

        @Override
        public void readMarshallable(final BytesIn<?> bytes) {
            value = bytes.readLong();
        }
    }
}
