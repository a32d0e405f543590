package io.panamap.bench.jmh;

import io.panamap.LongLongCursor;
import io.panamap.LongLongMap;
import io.panamap.memory.MemoryWorker;
import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongLongBiConsumer;
import org.agrona.collections.Long2LongHashMap;
import org.eclipse.collections.api.block.procedure.primitive.LongLongProcedure;
import org.eclipse.collections.impl.map.mutable.primitive.LongLongHashMap;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The maps the JMH benchmarks compare, by the name the {@code map} parameter uses, each behind a small
 * {@link JmhMap} adapter. None is presized: every map starts at its library's default capacity.
 *
 * <p>Iteration is each library's cheapest walk that allocates nothing per entry: panamap's reusable
 * {@link LongLongCursor}; the primitive {@code forEach} of fastutil, Agrona and Eclipse Collections (their
 * consumer, made once, adds into a field, because a lambda cannot add into a local); HashMap's entry set.
 */
final class JmhMaps {

    /** {@link LongLongMap}, default builder (default allocator, background memory work). */
    static final String PANAMAP = "panamap";

    /** fastutil {@link Long2LongOpenHashMap}. */
    static final String FASTUTIL = "fastutil";

    /** Agrona {@link Long2LongHashMap}, {@link Long#MIN_VALUE} as its missing value. */
    static final String AGRONA = "agrona";

    /** Eclipse Collections {@link LongLongHashMap}. */
    static final String ECLIPSE = "eclipse";

    /** {@code java.util.HashMap<Long, Long>}: every call boxes, and that is part of what is measured. */
    static final String HASHMAP = "hashmap";

    private JmhMaps() {
    }

    /**
     * A new, empty map.
     *
     * @throws IllegalArgumentException naming the known maps if {@code name} is none of them
     */
    static JmhMap create(final String name) {
        return switch (name) {
            case PANAMAP -> new Panamap();
            case FASTUTIL -> new Fastutil();
            case AGRONA -> new Agrona();
            case ECLIPSE -> new Eclipse();
            case HASHMAP -> new Boxed();
            default -> throw new IllegalArgumentException("unknown map '" + name + "'; known: "
                    + String.join(", ", PANAMAP, FASTUTIL, AGRONA, ECLIPSE, HASHMAP));
        };
    }

    /** panamap. */
    private static final class Panamap implements JmhMap {

        private final LongLongMap map = LongLongMap.builder().build();
        // Made on the first walk, not here: a cursor holds the arrays of an unfinished walk alive, and one
        // made on an empty map would pin its first array through every growth of a put benchmark.
        private LongLongCursor cursor;

        @Override
        public void put(final long key, final long value) {
            map.put(key, value);
        }

        @Override
        public long get(final long key) {
            return map.get(key);
        }

        @Override
        public long remove(final long key) {
            return map.remove(key);
        }

        @Override
        public long sumEntries() {
            if (cursor == null) {
                cursor = map.cursor();
            } else {
                cursor.reset();
            }
            final LongLongCursor walk = cursor;
            long sum = 0;
            while (walk.next()) {
                sum += walk.key() + walk.value();
            }
            return sum;
        }

        @Override
        public long size() {
            return map.size();
        }

        @Override
        public void settle() {
            try {
                if (!MemoryWorker.awaitIdle(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("panamap's memory worker did not go idle within 60 s");
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for panamap's memory worker", e);
            }
        }

        @Override
        public void close() {
            if (cursor != null) {
                cursor.close();
            }
            map.close();
        }
    }

    /** fastutil. */
    private static final class Fastutil implements JmhMap {

        private final Long2LongOpenHashMap map = new Long2LongOpenHashMap();
        private long sum;
        private final LongLongBiConsumer addEntry = (key, value) -> sum += key + value;

        @Override
        public void put(final long key, final long value) {
            map.put(key, value);
        }

        @Override
        public long get(final long key) {
            return map.get(key);
        }

        @Override
        public long remove(final long key) {
            return map.remove(key);
        }

        @Override
        public long sumEntries() {
            sum = 0;
            map.forEach(addEntry);
            return sum;
        }

        @Override
        public long size() {
            return map.size();
        }

        @Override
        public void settle() {
        }

        @Override
        public void close() {
        }
    }

    /** Agrona. */
    private static final class Agrona implements JmhMap {

        private final Long2LongHashMap map = new Long2LongHashMap(Long.MIN_VALUE);
        private long sum;
        private final org.agrona.collections.LongLongConsumer addEntry = (key, value) -> sum += key + value;

        @Override
        public void put(final long key, final long value) {
            map.put(key, value);
        }

        @Override
        public long get(final long key) {
            return map.get(key);
        }

        @Override
        public long remove(final long key) {
            return map.remove(key);
        }

        @Override
        public long sumEntries() {
            sum = 0;
            map.forEachLong(addEntry);
            return sum;
        }

        @Override
        public long size() {
            return map.size();
        }

        @Override
        public void settle() {
        }

        @Override
        public void close() {
        }
    }

    /** Eclipse Collections. */
    private static final class Eclipse implements JmhMap {

        private final LongLongHashMap map = new LongLongHashMap();
        private long sum;
        private final LongLongProcedure addEntry = (key, value) -> sum += key + value;

        @Override
        public void put(final long key, final long value) {
            map.put(key, value);
        }

        @Override
        public long get(final long key) {
            return map.get(key);
        }

        @Override
        public long remove(final long key) {
            return map.removeKeyIfAbsent(key, 0);
        }

        @Override
        public long sumEntries() {
            sum = 0;
            map.forEachKeyValue(addEntry);
            return sum;
        }

        @Override
        public long size() {
            return map.size();
        }

        @Override
        public void settle() {
        }

        @Override
        public void close() {
        }
    }

    /** {@code java.util.HashMap<Long, Long>}. */
    private static final class Boxed implements JmhMap {

        private final HashMap<Long, Long> map = new HashMap<>();

        @Override
        public void put(final long key, final long value) {
            map.put(key, value);
        }

        @Override
        public long get(final long key) {
            return map.get(key);
        }

        @Override
        public long remove(final long key) {
            return map.remove(key);
        }

        @Override
        public long sumEntries() {
            long sum = 0;
            for (final Map.Entry<Long, Long> entry : map.entrySet()) {
                sum += entry.getKey() + entry.getValue();
            }
            return sum;
        }

        @Override
        public long size() {
            return map.size();
        }

        @Override
        public void settle() {
        }

        @Override
        public void close() {
        }
    }
}
