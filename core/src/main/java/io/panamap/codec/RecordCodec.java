package io.panamap.codec;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * {@link Codecs#record}: a record of primitive components, each stored where the struct layout's member
 * of the same name sits, in that member's byte order; {@code boolean} as one byte, 0 or 1.
 *
 * <h2>Canonical bytes</h2>
 * Bytes no component covers (padding members) are written as zeros by every encode, whatever the slot
 * held before, and {@code float} and {@code double} components are stored as {@link Float#floatToIntBits}
 * and {@link Double#doubleToLongBits}: so two records encode alike exactly when {@link Record#equals} says
 * they are equal, which is what a key codec must promise. (Components are read through their accessors: a
 * record whose accessor returns something else than its field, or whose {@code equals} is its own, breaks
 * that promise, and {@link Codecs#record} says so.)
 *
 * <h2>No reflection, no boxing per call</h2>
 * Everything reflective happens once, here. Decoding is one method handle
 * {@code (MemorySegment, long) → R}: the canonical constructor given the (segment, offset) pair as two
 * parameters more, then each argument, last first, replaced by that member's getter of the pair
 * ({@code foldArguments}). No step has more parameters than the constructor and the pair (a handle takes at
 * most 255 slots, a {@code long} two of them; expanding every argument into its own pair first, as
 * {@code collectArguments} would, ran out at 85 {@code int} components). Encoding is one handle
 * {@code (MemorySegment, long, R) → void} too: per component the member's setter with its value argument
 * fed by the component's accessor ({@code filterArguments}), per run of padding a zeroing, run in sequence
 * ({@code foldArguments}).
 * Handles of exact types pass primitives unboxed, so a decode allocates the record and nothing else, and
 * an encode nothing.
 *
 * <h2>Any offset</h2>
 * Bucket slots sit at {@code 8 + slot × size}, so a record's bytes may start anywhere. The handles are
 * therefore taken from a copy of the layout with every member's alignment lowered to one byte (offsets
 * and sizes stay those of the given layout), whose accessors never check alignment.
 *
 * @param <R> the record type
 */
final class RecordCodec<R extends Record> implements Codec<R> {

    /** {@code decoder}'s type once erased, so that {@code invokeExact} can be called from generic code. */
    private static final MethodType DECODER_TYPE = MethodType.methodType(Object.class, MemorySegment.class, long.class);
    /** The encoder's type once erased, and so the type of each of its steps. */
    private static final MethodType WRITER_TYPE =
            MethodType.methodType(void.class, MemorySegment.class, long.class, Object.class);
    private static final MethodHandle FLOAT_BITS;
    private static final MethodHandle DOUBLE_BITS;
    /** {@link #zero}: {@code (MemorySegment, long offset, long start, long length) → void}. */
    private static final MethodHandle ZERO;

    static {
        try {
            final MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            FLOAT_BITS = lookup.findStatic(Float.class, "floatToIntBits",
                    MethodType.methodType(int.class, float.class));
            DOUBLE_BITS = lookup.findStatic(Double.class, "doubleToLongBits",
                    MethodType.methodType(long.class, double.class));
            ZERO = MethodHandles.lookup().findStatic(RecordCodec.class, "zero", MethodType.methodType(void.class,
                    MemorySegment.class, long.class, long.class, long.class));
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Class<R> type;
    private final String name;
    private final int size;
    /** {@code (MemorySegment, long) → Object}: reads every component and calls the canonical constructor. */
    private final MethodHandle decoder;
    /** {@code (MemorySegment, long, Object) → void}: writes every component, then zeros every gap. */
    private final MethodHandle encoder;

    private RecordCodec(final Class<R> type, final String name, final int size, final MethodHandle decoder,
                        final MethodHandle encoder) {
        this.type = type;
        this.name = name;
        this.size = size;
        this.decoder = decoder;
        this.encoder = encoder;
    }

    /** Checks that {@code layout} describes {@code type} and builds the handles. */
    static <R extends Record> RecordCodec<R> of(final Class<R> type, final MemoryLayout layout) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(layout, "layout");
        final String name = "record(" + type.getSimpleName() + ")";
        if (!type.isRecord()) {
            throw new IllegalArgumentException(name + ": " + type.getName() + " is not a record class");
        }
        if (!(layout instanceof final StructLayout struct)) {
            throw new IllegalArgumentException(name + ": the layout must be a struct layout, not " + layout);
        }
        if (struct.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": the layout's " + struct.byteSize() + " bytes are too many");
        }
        final Map<String, ValueLayout> members = valueMembers(name, struct);
        final RecordComponent[] components = type.getRecordComponents();
        checkComponentsMatchMembers(name, components, members);

        // Accessors come from copies of the layout that never check alignment; the one writers use has
        // float and double members as the int and long bits they are stored as.
        final StructLayout unaligned = mapMembers(struct, member -> member.withByteAlignment(1));
        final StructLayout bits = mapMembers(struct, member -> asBits(member).withByteAlignment(1));
        final MethodHandles.Lookup lookup = lookupFor(type);
        final MethodHandle decoder = decoder(name, type, components, unaligned, lookup);
        final List<MethodHandle> steps = new ArrayList<>();
        for (final RecordComponent component : components) {
            steps.add(writer(name, component, bits, lookup));
        }
        steps.addAll(zeroers(struct));
        return new RecordCodec<>(type, name, (int) struct.byteSize(), decoder, inSequence(steps));
    }

    /** The struct's named value members by name; refuses nameless, nested and repeated ones. */
    private static Map<String, ValueLayout> valueMembers(final String name, final StructLayout struct) {
        final Map<String, ValueLayout> members = new HashMap<>();
        long at = 0;
        for (final MemoryLayout member : struct.memberLayouts()) {
            if (!(member instanceof PaddingLayout)) {
                final String where = "layout member at byte " + at + " (" + member + ")";
                if (!(member instanceof final ValueLayout value)) {
                    throw new IllegalArgumentException(name + ": " + where + " is a "
                            + (member instanceof GroupLayout ? "nested group" : "sequence")
                            + "; only value layouts and padding are supported");
                }
                final String memberName = value.name().orElseThrow(() -> new IllegalArgumentException(name
                        + ": " + where + " has no name; name it after its record component (withName) or make"
                        + " it a padding layout"));
                if (members.put(memberName, value) != null) {
                    throw new IllegalArgumentException(name + ": the layout has two members named '"
                            + memberName + "'");
                }
            }
            at += member.byteSize();
        }
        return members;
    }

    /** Every component has a member of its name and carrier type, and every member a component. */
    private static void checkComponentsMatchMembers(final String name, final RecordComponent[] components,
                                                    final Map<String, ValueLayout> members) {
        final List<String> componentNames = Arrays.stream(components).map(RecordComponent::getName).toList();
        for (final RecordComponent component : components) {
            final Class<?> componentType = component.getType();
            if (!componentType.isPrimitive()) {
                throw new IllegalArgumentException(name + ": component '" + component.getName() + "' is of type "
                        + componentType.getName() + "; only primitive components are supported");
            }
            final ValueLayout member = members.get(component.getName());
            if (member == null) {
                throw new IllegalArgumentException(name + ": component '" + component.getName()
                        + "' has no layout member named '" + component.getName() + "' (members: "
                        + members.keySet().stream().sorted().toList() + ")");
            }
            if (member.carrier() != componentType) {
                throw new IllegalArgumentException(name + ": component '" + component.getName() + "' is "
                        + componentType.getName() + " but layout member '" + component.getName() + "' carries "
                        + member.carrier().getName());
            }
        }
        for (final String memberName : members.keySet()) {
            if (!componentNames.contains(memberName)) {
                throw new IllegalArgumentException(name + ": layout member '" + memberName
                        + "' has no record component of that name (components: " + componentNames + ")");
            }
        }
    }

    /** One zeroer per run of consecutive padding members: the bytes no component covers. */
    private static List<MethodHandle> zeroers(final StructLayout struct) {
        final List<MethodHandle> zeroers = new ArrayList<>();
        long at = 0;
        long runStart = -1;
        for (final MemoryLayout member : struct.memberLayouts()) {
            if (member instanceof PaddingLayout) {
                runStart = runStart < 0 ? at : runStart;
            } else if (runStart >= 0) {
                zeroers.add(zeroer(runStart, at - runStart));
                runStart = -1;
            }
            at += member.byteSize();
        }
        if (runStart >= 0) {
            zeroers.add(zeroer(runStart, at - runStart));
        }
        return zeroers;
    }

    /** The struct with each member replaced by {@code change} of it (same sizes, so same offsets). */
    private static StructLayout mapMembers(final StructLayout struct, final UnaryOperator<MemoryLayout> change) {
        return MemoryLayout.structLayout(struct.memberLayouts().stream().map(change).toArray(MemoryLayout[]::new));
    }

    /** A float or double member as the int or long it is stored as (same name, order and place); others as they are. */
    private static MemoryLayout asBits(final MemoryLayout member) {
        if (member instanceof final ValueLayout.OfFloat f) {
            return ValueLayout.JAVA_INT.withOrder(f.order()).withName(f.name().orElseThrow());
        }
        if (member instanceof final ValueLayout.OfDouble d) {
            return ValueLayout.JAVA_LONG.withOrder(d.order()).withName(d.name().orElseThrow());
        }
        return member;
    }

    /**
     * Full access to the record's class when its module allows it (always on the class path); otherwise
     * public access, which is enough for a public record in an exported package.
     */
    private static MethodHandles.Lookup lookupFor(final Class<?> type) {
        try {
            return MethodHandles.privateLookupIn(type, MethodHandles.lookup());
        } catch (final IllegalAccessException e) {
            return MethodHandles.publicLookup();
        }
    }

    /** {@code (MemorySegment, long) → Object}: the canonical constructor, each argument read by a getter. */
    private static MethodHandle decoder(final String name, final Class<?> type, final RecordComponent[] components,
                                        final StructLayout unaligned, final MethodHandles.Lookup lookup) {
        final Class<?>[] parameterTypes = Arrays.stream(components).map(RecordComponent::getType)
                .toArray(Class<?>[]::new);
        MethodHandle handle;
        try {
            handle = lookup.findConstructor(type, MethodType.methodType(void.class, parameterTypes));
            // (T0 … Tn-1) → R becomes (T0 … Tn-1, MemorySegment, long) → R, then, right to left, each Ti is
            // folded away: its getter reads the pair that follows it and the result takes its place, so
            // (T0 … Ti, MemorySegment, long) → R becomes (T0 … Ti-1, MemorySegment, long) → R.
            handle = MethodHandles.dropArguments(handle, components.length, MemorySegment.class, long.class);
        } catch (final ReflectiveOperationException e) {
            throw inaccessible(name, type, e);
        } catch (final IllegalArgumentException e) {
            // Only a handle type over the JVM's limit of parameter slots gets here.
            final int slots = Arrays.stream(parameterTypes).mapToInt(t -> t == long.class || t == double.class ? 2 : 1)
                    .sum();
            throw new IllegalArgumentException(name + ": its " + components.length + " components take " + slots
                    + " parameter slots (a long or double two), too many for a method handle that also takes the"
                    + " segment and offset (3 slots more); split the record", e);
        }
        for (int i = components.length - 1; i >= 0; i--) {
            final VarHandle member = unaligned.varHandle(PathElement.groupElement(components[i].getName()));
            handle = MethodHandles.foldArguments(handle, i, member.toMethodHandle(VarHandle.AccessMode.GET));
        }
        return handle.asType(DECODER_TYPE);
    }

    /** {@code (MemorySegment, long, Object) → void}: the member's setter fed by the component's accessor. */
    private static MethodHandle writer(final String name, final RecordComponent component, final StructLayout bits,
                                       final MethodHandles.Lookup lookup) {
        final MethodHandle accessor;
        try {
            accessor = lookup.unreflect(component.getAccessor());
        } catch (final IllegalAccessException e) {
            throw inaccessible(name, component.getDeclaringRecord(), e);
        }
        MethodHandle setter = bits.varHandle(PathElement.groupElement(component.getName()))
                .toMethodHandle(VarHandle.AccessMode.SET);
        if (component.getType() == float.class) {
            setter = MethodHandles.filterArguments(setter, 2, FLOAT_BITS);
        } else if (component.getType() == double.class) {
            setter = MethodHandles.filterArguments(setter, 2, DOUBLE_BITS);
        }
        return MethodHandles.filterArguments(setter, 2, accessor).asType(WRITER_TYPE);
    }

    /** {@code (MemorySegment, long, Object) → void}: zeros the {@code length} bytes {@code start} bytes on. */
    private static MethodHandle zeroer(final long start, final long length) {
        return MethodHandles.dropArguments(MethodHandles.insertArguments(ZERO, 2, start, length), 2, Object.class);
    }

    /**
     * One handle that runs {@code steps}, all of type {@link #WRITER_TYPE}, in order ({@code foldArguments}
     * runs a void combiner, then its target, on the same arguments). One handle rather than a loop over an
     * array of them: an encode is then one call into code the JIT compiled as a whole, not one indirect
     * call per component.
     */
    private static MethodHandle inSequence(final List<MethodHandle> steps) {
        MethodHandle all = MethodHandles.empty(WRITER_TYPE);
        for (int i = steps.size() - 1; i >= 0; i--) {
            all = MethodHandles.foldArguments(all, steps.get(i));
        }
        return all;
    }

    private static IllegalArgumentException inaccessible(final String name, final Class<?> type,
                                                         final ReflectiveOperationException cause) {
        return new IllegalArgumentException(name + ": cannot reach the canonical constructor and accessors of "
                + type.getName() + "; make it public in an exported package, or open its package to panamap",
                cause);
    }

    @Override
    public int fixedSize() {
        return size;
    }

    @Override
    public void encode(final R value, final MemorySegment target, final long offset) {
        if (value == null) {
            throw Codecs.nullValue(name);
        }
        Objects.checkFromIndexSize(offset, size, target.byteSize()); // all or nothing, not a partial write
        try {
            encoder.invokeExact(target, offset, (Object) value);
        } catch (final RuntimeException | Error e) {
            throw e;
        } catch (final Throwable t) {
            throw new UndeclaredThrowableException(t); // an accessor cannot declare one; only a sneaky throw gets here
        }
    }

    @Override
    public R decode(final MemorySegment source, final long offset, final long length) {
        Codecs.checkLength(name, size, length);
        final Object value;
        try {
            value = decoder.invokeExact(source, offset);
        } catch (final RuntimeException | Error e) {
            throw e; // among them whatever the record's own constructor throws
        } catch (final Throwable t) {
            throw new UndeclaredThrowableException(t); // nor can a canonical constructor
        }
        return type.cast(value);
    }

    @Override
    public String name() {
        return name;
    }

    /** The {@link #name()}, as the map's messages use it. */
    @Override
    public String toString() {
        return name();
    }

    /** Zeros {@code length} bytes {@code start} bytes after {@code offset}: eight at a time, then one at a time. */
    private static void zero(final MemorySegment target, final long offset, final long start, final long length) {
        long at = offset + start;
        final long end = at + length;
        for (; end - at >= Long.BYTES; at += Long.BYTES) {
            target.set(ValueLayout.JAVA_LONG_UNALIGNED, at, 0L);
        }
        for (; at < end; at++) {
            target.set(ValueLayout.JAVA_BYTE, at, (byte) 0);
        }
    }
}
