package io.panamap;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LongLongMap against java.util.HashMap, with the structural invariants checked between steps. */
class DifferentialTest {

    enum Kind {
        PUT, PUT_IF_ABSENT, REPLACE, REPLACE_IF_VALUE, ADD_TO, MERGE, COMPUTE_IF_ABSENT, REMOVE, REMOVE_IF_VALUE, GET,
        CONTAINS, CLEAR, ITERATE, FINISH_GROWTH, TRIM
    }

    record Op(Kind kind, long key, long value) {
    }

    @Provide
    Arbitrary<Op> operation() {
        // Mostly keys from a small range, so updates and removes hit; sometimes any long.
        final Arbitrary<Long> keys = Arbitraries.oneOf(
                Arbitraries.longs().between(-400, 400),
                Arbitraries.longs(),
                Arbitraries.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE));
        final Arbitrary<Kind> kinds = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(50, Arbitraries.just(Kind.PUT)),
                net.jqwik.api.Tuple.of(8, Arbitraries.just(Kind.PUT_IF_ABSENT)),
                net.jqwik.api.Tuple.of(4, Arbitraries.just(Kind.REPLACE)),
                net.jqwik.api.Tuple.of(4, Arbitraries.just(Kind.REPLACE_IF_VALUE)),
                net.jqwik.api.Tuple.of(4, Arbitraries.just(Kind.REMOVE_IF_VALUE)),
                net.jqwik.api.Tuple.of(4, Arbitraries.just(Kind.ADD_TO)),
                net.jqwik.api.Tuple.of(4, Arbitraries.just(Kind.MERGE)),
                net.jqwik.api.Tuple.of(6, Arbitraries.just(Kind.COMPUTE_IF_ABSENT)),
                net.jqwik.api.Tuple.of(25, Arbitraries.just(Kind.REMOVE)),
                net.jqwik.api.Tuple.of(10, Arbitraries.just(Kind.GET)),
                net.jqwik.api.Tuple.of(4, Arbitraries.just(Kind.CONTAINS)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.ITERATE)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.FINISH_GROWTH)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.TRIM)));
        final Arbitrary<Kind> withRareClear = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(400, kinds),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.CLEAR)));
        return Combinators.combine(withRareClear, keys, Arbitraries.longs()).as(Op::new);
    }

    @Property(tries = 150)
    void shouldBehaveLikeHashMap(@ForAll @Size(min = 1, max = 1500) final List<@net.jqwik.api.From("operation") Op> ops) {
        try (LongLongMap map = LongLongMap.builder().missingValue(Long.MIN_VALUE + 1).build()) {
            final Map<Long, Long> reference = new HashMap<>();
            for (final Op op : ops) {
                apply(op, map, reference);
                TableInvariants.check(map);
            }
            assertSameContents(reference, map);
        }
    }

    /**
     * Many growths, same-size growths included: inserts and deletes keep about 2,000–3,000 keys live so
     * chains keep overflowing while the load stays below a doubling. Runs until two same-size growths
     * have happened (the table's hash seed is random, so how many steps that takes varies).
     */
    @Test
    void shouldSurviveChurnThroughSameSizeGrowths() {
        final SplittableRandom random = new SplittableRandom(20261123);
        try (LongLongMap map = new LongLongMap()) {
            final Map<Long, Long> reference = new HashMap<>();
            final long[] live = new long[3000];
            int liveCount = 0;
            for (int step = 0; step < 5_000_000 && map.stats().sameSizeGrowths() < 2; step++) {
                if (liveCount < live.length && (liveCount < 2000 || random.nextBoolean())) {
                    final long key = random.nextLong();
                    map.put(key, step);
                    reference.put(key, (long) step);
                    live[liveCount++] = key;
                } else {
                    final int victim = random.nextInt(liveCount);
                    final long key = live[victim];
                    live[victim] = live[--liveCount];
                    assertEquals(reference.remove(key), map.remove(key, -1));
                }
                if (step % 997 == 0 || map.table().isGrowing() && step % 7 == 0) {
                    TableInvariants.check(map);
                }
            }
            TableInvariants.check(map);
            assertSameContents(reference, map);
            assertTrue(map.stats().sameSizeGrowths() >= 2, "churn should have caused same-size growths: " + map.stats());
        }
    }

    private static void apply(final Op op, final LongLongMap map, final Map<Long, Long> reference) {
        final long missing = map.missingValue();
        switch (op.kind()) {
            case PUT -> assertEquals(orMissing(reference.put(op.key(), op.value()), missing), map.put(op.key(), op.value()));
            case PUT_IF_ABSENT -> assertEquals(orMissing(reference.putIfAbsent(op.key(), op.value()), missing),
                    map.putIfAbsent(op.key(), op.value()));
            case REPLACE -> assertEquals(orMissing(reference.replace(op.key(), op.value()), missing),
                    map.replace(op.key(), op.value()));
            case REPLACE_IF_VALUE -> {
                final long expected = expectedValue(op, reference);
                assertEquals(reference.replace(op.key(), expected, op.value() ^ 0x5555),
                        map.replace(op.key(), expected, op.value() ^ 0x5555));
            }
            case REMOVE_IF_VALUE -> {
                final long expected = expectedValue(op, reference);
                assertEquals(reference.remove(op.key(), expected), map.removeIfValue(op.key(), expected));
            }
            case ADD_TO -> assertEquals(reference.merge(op.key(), op.value(), Long::sum),
                    map.addTo(op.key(), op.value()));
            case MERGE -> assertEquals(reference.merge(op.key(), op.value(), Math::max),
                    map.merge(op.key(), op.value(), Math::max));
            case COMPUTE_IF_ABSENT -> assertEquals(reference.computeIfAbsent(op.key(), key -> key ^ op.value()),
                    map.computeIfAbsent(op.key(), key -> key ^ op.value()));
            case REMOVE -> assertEquals(orMissing(reference.remove(op.key()), missing), map.remove(op.key()));
            case GET -> assertEquals(orMissing(reference.get(op.key()), missing), map.get(op.key()));
            case CONTAINS -> assertEquals(reference.containsKey(op.key()), map.containsKey(op.key()));
            case CLEAR -> {
                reference.clear();
                map.clear();
            }
            case ITERATE -> assertSameContents(reference, map);
            case FINISH_GROWTH -> map.finishGrowth();
            case TRIM -> {
                map.trimToSize();
                assertEquals(HashTable.logSizeFor(reference.size()), map.stats().logBuckets(),
                        "the B Go's makemap would pick for the entries left: " + map.stats());
            }
        }
        assertEquals(reference.size(), map.size());
    }

    /** For a compare-and-set: the key's value half the time it has one, so that both outcomes are tried. */
    private static long expectedValue(final Op op, final Map<Long, Long> reference) {
        final Long current = reference.get(op.key());
        return current != null && (op.value() & 1) == 0 ? current : op.value();
    }

    private static long orMissing(final Long value, final long missing) {
        return value == null ? missing : value;
    }

    static void assertSameContents(final Map<Long, Long> reference, final LongLongMap map) {
        final Map<Long, Long> seen = new HashMap<>();
        map.forEach((k, v) -> {
            if (seen.put(k, v) != null) {
                throw new AssertionError("key " + k + " produced twice");
            }
        });
        assertEquals(reference.size(), seen.size(), "entries produced by iteration");
        for (final Map.Entry<Long, Long> e : reference.entrySet()) {
            assertEquals(e.getValue(), seen.get(e.getKey()), "value of key " + e.getKey());
        }
    }
}
