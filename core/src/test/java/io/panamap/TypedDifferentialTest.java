package io.panamap;

import io.panamap.codec.Codecs;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OffHeapMap against java.util.HashMap — String → byte[] (variable-length keys and values, out of line)
 * and UUID → Long (fixed-size, inline) — through growths, removes and updates, with the engine's and the
 * storage's invariants checked between steps.
 */
class TypedDifferentialTest {

    enum Kind {
        PUT, SET, SET_IF_ABSENT, PUT_IF_ABSENT, REPLACE, REPLACE_IF_VALUE, COMPUTE_IF_ABSENT, REMOVE, REMOVE_IF_VALUE,
        DELETE, GET, VIEW, CONTAINS, CLEAR, ITERATE, FINISH_GROWTH, TRIM
    }

    record Op(Kind kind, String key, byte[] value) {
    }

    @Provide
    Arbitrary<Op> operation() {
        // Mostly keys from a small set, so updates and removes hit; sometimes long or unusual ones.
        final Arbitrary<String> keys = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 300).map(i -> "k" + i),
                // Any text without unpaired surrogates: UTF-8 has no encoding for them, and Codecs.utf8 writes '?' as
                // String.getBytes does, so HashMap<String, ?> tells apart keys this map does not (OffHeapMapTest).
                Arbitraries.strings().withCharRange('\u0000', '\uD7FF').withCharRange('\uE000', '\uFFFF')
                        .ofMinLength(0).ofMaxLength(40),
                Arbitraries.strings().withCharRange('a', 'c').ofMinLength(100).ofMaxLength(300),
                Arbitraries.of("", "\u0000", "ü", "𝄞", "?"));
        final Arbitrary<byte[]> values = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(64),
                Arbitraries.bytes().array(byte[].class).ofMinSize(200).ofMaxSize(5000));
        final Arbitrary<Kind> kinds = Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.just(Kind.PUT)),
                Tuple.of(15, Arbitraries.just(Kind.SET)),
                Tuple.of(6, Arbitraries.just(Kind.SET_IF_ABSENT)),
                Tuple.of(4, Arbitraries.just(Kind.PUT_IF_ABSENT)),
                Tuple.of(5, Arbitraries.just(Kind.REPLACE)),
                Tuple.of(4, Arbitraries.just(Kind.REPLACE_IF_VALUE)),
                Tuple.of(4, Arbitraries.just(Kind.REMOVE_IF_VALUE)),
                Tuple.of(4, Arbitraries.just(Kind.COMPUTE_IF_ABSENT)),
                Tuple.of(15, Arbitraries.just(Kind.REMOVE)),
                Tuple.of(10, Arbitraries.just(Kind.DELETE)),
                Tuple.of(10, Arbitraries.just(Kind.GET)),
                Tuple.of(5, Arbitraries.just(Kind.VIEW)),
                Tuple.of(4, Arbitraries.just(Kind.CONTAINS)),
                Tuple.of(1, Arbitraries.just(Kind.ITERATE)),
                Tuple.of(1, Arbitraries.just(Kind.FINISH_GROWTH)),
                Tuple.of(1, Arbitraries.just(Kind.TRIM)));
        final Arbitrary<Kind> withRareClear = Arbitraries.frequencyOf(
                Tuple.of(300, kinds),
                Tuple.of(1, Arbitraries.just(Kind.CLEAR)));
        return Combinators.combine(withRareClear, keys, values).as(Op::new);
    }

    @Property(tries = 100)
    void stringToBytesShouldBehaveLikeHashMap(
            @ForAll @Size(min = 1, max = 1000) final List<@net.jqwik.api.From("operation") Op> ops) {
        try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).build()) {
            final Map<String, byte[]> reference = new HashMap<>();
            for (final Op op : ops) {
                apply(op, map, reference);
                TableInvariants.check(map);
            }
            assertSameContents(reference, map);
        }
    }

    private static void apply(final Op op, final OffHeapMap<CharSequence, byte[]> map, final Map<String, byte[]> reference) {
        final String key = op.key();
        switch (op.kind()) {
            case PUT -> assertArrayEquals(reference.put(key, op.value()), map.put(key, op.value()));
            case SET -> assertEquals(reference.put(key, op.value()) == null, map.set(key, op.value()));
            case SET_IF_ABSENT -> assertEquals(reference.putIfAbsent(key, op.value()) == null,
                    map.setIfAbsent(key, op.value()));
            case PUT_IF_ABSENT -> assertArrayEquals(reference.putIfAbsent(key, op.value()),
                    map.putIfAbsent(key, op.value()));
            case REPLACE -> assertArrayEquals(reference.replace(key, op.value()), map.replace(key, op.value()));
            case COMPUTE_IF_ABSENT -> assertArrayEquals(reference.computeIfAbsent(key, k -> op.value()),
                    map.computeIfAbsent(key, k -> op.value()));
            case REPLACE_IF_VALUE -> {
                final byte[] expected = expectedValue(op, reference);
                final byte[] current = reference.get(key);
                final boolean holds = current != null && java.util.Arrays.equals(current, expected);
                if (holds) {
                    reference.put(key, op.value());
                }
                assertEquals(holds, map.replace(key, expected, op.value()));
            }
            case REMOVE_IF_VALUE -> {
                final byte[] expected = expectedValue(op, reference);
                final byte[] current = reference.get(key);
                final boolean holds = current != null && java.util.Arrays.equals(current, expected);
                if (holds) {
                    reference.remove(key);
                }
                assertEquals(holds, map.remove(key, expected));
            }
            case REMOVE -> assertArrayEquals(reference.remove(key), map.remove(key));
            case DELETE -> assertEquals(reference.remove(key) != null, map.delete(key));
            case GET -> assertArrayEquals(reference.get(key), map.get(new StringBuilder(key)));
            case VIEW -> {
                final java.lang.foreign.MemorySegment view = map.getView(key);
                final byte[] expected = reference.get(key);
                assertArrayEquals(expected, view == null ? null : view.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            }
            case CONTAINS -> assertEquals(reference.containsKey(key), map.containsKey(key));
            case CLEAR -> {
                reference.clear();
                map.clear();
                assertEquals(0, map.storageStats().committedBytes());
            }
            case ITERATE -> assertSameContents(reference, map);
            case FINISH_GROWTH -> map.finishGrowth();
            case TRIM -> {
                map.trimToSize();
                assertEquals(HashTable.logSizeFor(reference.size()), map.stats().logBuckets(), map.stats().toString());
            }
        }
        assertEquals(reference.size(), map.size());
    }

    /**
     * For a compare-and-set: a copy of the key's value half the time it has one (equal by content, not the same
     * array), else the operation's value, so that both outcomes are tried.
     */
    private static byte[] expectedValue(final Op op, final Map<String, byte[]> reference) {
        final byte[] current = reference.get(op.key());
        return current != null && op.value().length % 2 == 0 ? current.clone() : op.value();
    }

    static void assertSameContents(final Map<String, byte[]> reference, final OffHeapMap<CharSequence, byte[]> map) {
        final Map<String, byte[]> seen = new HashMap<>();
        map.forEach((k, v) -> {
            if (seen.put(k.toString(), v) != null) {
                throw new AssertionError("key " + k + " produced twice");
            }
        });
        assertEquals(reference.size(), seen.size(), "entries produced by iteration");
        for (final Map.Entry<String, byte[]> e : reference.entrySet()) {
            assertArrayEquals(e.getValue(), seen.get(e.getKey()), "value of key " + e.getKey());
        }
    }

    /** Growth to 2^14 buckets with updates and removes all along: String → byte[]. */
    @Test
    void stringToBytesShouldSurviveManyGrowthsWithChurn() {
        final SplittableRandom random = new SplittableRandom(5);
        try (OffHeapMap<CharSequence, byte[]> map = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).build()) {
            final Map<String, byte[]> reference = new HashMap<>();
            for (int step = 0; step < 200_000; step++) {
                final String key = "instrument/" + random.nextInt(step / 2 + 10);
                final int dice = random.nextInt(10);
                if (dice < 6) {
                    final byte[] value = new byte[random.nextInt(120)];
                    random.nextBytes(value);
                    assertArrayEquals(reference.put(key, value), map.put(key, value), key);
                } else if (dice < 8) {
                    assertEquals(reference.remove(key) != null, map.delete(key), key);
                } else {
                    assertArrayEquals(reference.get(key), map.get(key), key);
                }
                if (step % 9973 == 0 || map.table().isGrowing() && step % 101 == 0) {
                    TableInvariants.check(map);
                }
            }
            TableInvariants.check(map);
            assertSameContents(reference, map);
            assertTrue(map.stats().doublings() >= 10, map.stats().toString());
        }
    }

    /** The same for UUID → Long: fixed-size inline keys and values, no out-of-line storage. */
    @Test
    void uuidToLongShouldSurviveManyGrowthsWithChurn() {
        final SplittableRandom random = new SplittableRandom(6);
        try (OffHeapMap<UUID, Long> map = OffHeapMap.builder(Codecs.uuids(), Codecs.longs()).build()) {
            final Map<UUID, Long> reference = new HashMap<>();
            for (int step = 0; step < 200_000; step++) {
                final UUID key = new UUID(random.nextInt(step / 2 + 10), 42);
                final int dice = random.nextInt(10);
                if (dice < 6) {
                    final long value = random.nextLong();
                    assertEquals(reference.put(key, value), map.put(key, value));
                } else if (dice < 8) {
                    assertEquals(reference.remove(key), map.remove(key));
                } else {
                    assertEquals(reference.get(key), map.get(key));
                }
                if (step % 9973 == 0 || map.table().isGrowing() && step % 101 == 0) {
                    TableInvariants.check(map);
                }
            }
            TableInvariants.check(map);
            final Map<UUID, Long> seen = new HashMap<>();
            map.forEach((k, v) -> assertEquals(null, seen.put(k, v), "produced twice: " + k));
            assertEquals(reference, seen);
            assertEquals(0, map.storageStats().blocks());
        }
    }

    /** Keys compare by their encodings: a ByteBuffer of the same bytes is the same key. */
    @Test
    void byteArrayKeysShouldMatchByContent() {
        try (OffHeapMap<byte[], Long> map = OffHeapMap.builder(Codecs.bytes(), Codecs.longs()).build()) {
            final Map<ByteBuffer, Long> reference = new HashMap<>();
            final SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < 20_000; i++) {
                final byte[] key = new byte[random.nextInt(24)];
                random.nextBytes(key);
                assertEquals(reference.put(ByteBuffer.wrap(key.clone()), (long) i), map.put(key.clone(), (long) i));
            }
            assertEquals(reference.size(), map.size());
            for (final Map.Entry<ByteBuffer, Long> e : reference.entrySet()) {
                assertEquals(e.getValue(), map.get(e.getKey().array()));
            }
            TableInvariants.check(map);
        }
    }
}
