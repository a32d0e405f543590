package io.panamap.codec;

import io.panamap.OffHeapMap;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Codecs#record} of records with as many components as a method handle can pass: the JVM's limit is 255
 * parameter slots (a {@code long} or {@code double} takes two), and decoding passes every component to the
 * canonical constructor with the segment and offset beside them.
 */
class CodecsWideRecordTest {

    /** 251 slots: with the segment and offset, as many as a decoding handle can take. */
    record Widest(long c0, long c1, long c2, long c3, long c4, long c5, long c6, long c7, long c8, long c9, long c10,
            long c11, long c12, long c13, long c14, long c15, long c16, long c17, long c18, long c19, long c20,
            long c21, long c22, long c23, long c24, long c25, long c26, long c27, long c28, long c29, long c30,
            long c31, long c32, long c33, long c34, long c35, long c36, long c37, long c38, long c39, long c40,
            long c41, long c42, long c43, long c44, long c45, long c46, long c47, long c48, long c49, long c50,
            long c51, long c52, long c53, long c54, long c55, long c56, long c57, long c58, long c59, long c60,
            long c61, long c62, long c63, long c64, long c65, long c66, long c67, long c68, long c69, long c70,
            long c71, long c72, long c73, long c74, long c75, long c76, long c77, long c78, long c79, long c80,
            long c81, long c82, long c83, long c84, long c85, long c86, long c87, long c88, long c89, long c90,
            long c91, long c92, long c93, long c94, long c95, long c96, long c97, long c98, long c99, long c100,
            long c101, long c102, long c103, long c104, long c105, long c106, long c107, long c108, long c109,
            long c110, long c111, long c112, long c113, long c114, long c115, long c116, long c117, long c118,
            long c119, long c120, long c121, long c122, long c123, long c124, int c125) {
    }

    /** 252 slots: one too many. */
    record TooWide(long c0, long c1, long c2, long c3, long c4, long c5, long c6, long c7, long c8, long c9, long c10,
            long c11, long c12, long c13, long c14, long c15, long c16, long c17, long c18, long c19, long c20,
            long c21, long c22, long c23, long c24, long c25, long c26, long c27, long c28, long c29, long c30,
            long c31, long c32, long c33, long c34, long c35, long c36, long c37, long c38, long c39, long c40,
            long c41, long c42, long c43, long c44, long c45, long c46, long c47, long c48, long c49, long c50,
            long c51, long c52, long c53, long c54, long c55, long c56, long c57, long c58, long c59, long c60,
            long c61, long c62, long c63, long c64, long c65, long c66, long c67, long c68, long c69, long c70,
            long c71, long c72, long c73, long c74, long c75, long c76, long c77, long c78, long c79, long c80,
            long c81, long c82, long c83, long c84, long c85, long c86, long c87, long c88, long c89, long c90,
            long c91, long c92, long c93, long c94, long c95, long c96, long c97, long c98, long c99, long c100,
            long c101, long c102, long c103, long c104, long c105, long c106, long c107, long c108, long c109,
            long c110, long c111, long c112, long c113, long c114, long c115, long c116, long c117, long c118,
            long c119, long c120, long c121, long c122, long c123, long c124, long c125) {
    }

    @Test
    void aRecordOfAsManySlotsAsAHandleCanPassShouldRoundTripAsAKeyAndAValue() {
        final MemoryLayout layout = packedLayoutOf(Widest.class);
        final Codec<Widest> codec = Codecs.record(Widest.class, layout);
        assertEquals(125 * 8 + 4, codec.fixedSize());
        final SplittableRandom random = new SplittableRandom(41);
        final Widest[] records = new Widest[200];
        try (OffHeapMap<Widest, Widest> map = OffHeapMap.builder(codec, codec).build()) {
            for (int i = 0; i < records.length; i++) {
                records[i] = randomWidest(random);
                map.put(records[i], records[i]);
            }
            assertEquals(records.length, map.size());
            for (final Widest record : records) {
                assertEquals(record, map.get(copyOf(record)));
            }
        }
        // Each component where its member is: the last, an int, right after 125 longs.
        final MemorySegment encoded = MemorySegment.ofArray(new byte[codec.fixedSize()]);
        codec.encode(records[0], encoded, 0);
        assertEquals(records[0].c0(), encoded.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
        assertEquals(records[0].c124(), encoded.get(ValueLayout.JAVA_LONG_UNALIGNED, 124 * 8));
        assertEquals(records[0].c125(), encoded.get(ValueLayout.JAVA_INT_UNALIGNED, 125 * 8));
    }

    @Test
    void aRecordOfMoreSlotsShouldBeRefusedSayingHowMany() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Codecs.record(TooWide.class, packedLayoutOf(TooWide.class)));
        assertTrue(e.getMessage().startsWith("record(TooWide): its 126 components take 252 parameter slots"),
                e.getMessage());
    }

    /** Each component a value member of its name, in declaration order, without padding. */
    private static MemoryLayout packedLayoutOf(final Class<? extends Record> type) {
        return MemoryLayout.structLayout(Arrays.stream(type.getRecordComponents())
                .map(c -> (c.getType() == long.class ? ValueLayout.JAVA_LONG : ValueLayout.JAVA_INT)
                        .withName(c.getName()))
                .toArray(MemoryLayout[]::new));
    }

    private static Widest randomWidest(final SplittableRandom random) {
        final Object[] values = new Object[126];
        for (int i = 0; i < 125; i++) {
            values[i] = random.nextLong();
        }
        values[125] = random.nextInt();
        return construct(values);
    }

    /** An equal record, not the same instance: the map must find it by its bytes. */
    private static Widest copyOf(final Widest record) {
        final RecordComponent[] components = Widest.class.getRecordComponents();
        final Object[] values = new Object[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                values[i] = components[i].getAccessor().invoke(record);
            }
        } catch (final ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        return construct(values);
    }

    private static Widest construct(final Object[] values) {
        final Class<?>[] types = Arrays.stream(Widest.class.getRecordComponents()).map(RecordComponent::getType)
                .toArray(Class<?>[]::new);
        try {
            return Widest.class.getDeclaredConstructor(types).newInstance(values);
        } catch (final ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
