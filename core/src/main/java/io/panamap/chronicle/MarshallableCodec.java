package io.panamap.chronicle;

import io.panamap.codec.Codec;
import net.openhft.chronicle.bytes.BytesMarshallable;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A variable-size {@link Codec} for objects Chronicle Bytes marshals: a value is stored as the bytes its
 * {@link BytesMarshallable#writeMarshallable writeMarshallable} writes, and read back by
 * {@link BytesMarshallable#readMarshallable readMarshallable} from a copy of them.
 *
 * <pre>{@code
 * MarshallableCodec<Order> codec = MarshallableCodec.of(Order.class);
 * try (OffHeapMap<Long, Order> orders = OffHeapMap.builder(Codecs.longs(), codec).build()) {
 *     orders.set(order.id(), order);                  // marshalled once, no garbage
 *     Order o = orders.getUsing(id, reusedOrder);     // unmarshalled into reusedOrder, no garbage
 * }
 * }</pre>
 *
 * <h2>Garbage</h2>
 * Writing marshals the value once, into a buffer of the writing thread, to learn its size (the map asks
 * for it before it makes room), and copies those bytes into the map. {@link #decodeUsing} (so
 * {@link io.panamap.OffHeapMap#getUsing}) copies the stored bytes into a buffer of the reading thread and
 * calls {@code readMarshallable} on the caller's object over that copy. Chronicle reads raw addresses, which
 * nothing checks: over the map's own memory, a {@code close()} or delete racing the read on another thread
 * could unmap the bytes under it and crash the JVM, where the copy, made through the checked segment, throws.
 * The copy costs a {@code memcpy} of the value. Neither direction allocates anything, beyond what the class's own
 * methods allocate (reading a {@code String} field makes a {@code String}; reading into a
 * {@code StringBuilder} field does not). {@link #decode} makes a new object with the factory.
 *
 * <h2>Keys</h2>
 * As a key codec, the class must write equal keys as equal bytes ({@link Codec}'s canonical encoding):
 * the map hashes and compares what {@code writeMarshallable} wrote, not what {@code equals} says.
 *
 * <p>As {@link Codec} requires of every codec, {@code writeMarshallable} and {@code readMarshallable} must not
 * use a panamap table at all: a table encodes the key of a call into a per-thread buffer before it asks for
 * the value's size, and a lookup made from {@code writeMarshallable} (interning a symbol in another map, say)
 * overwrites that key, so the entry is stored under the wrong one. That is not detected; using a
 * {@code MarshallableCodec} from either method is, and throws {@link IllegalStateException}.
 * See the {@linkplain io.panamap.chronicle package comment} for the JVM options Chronicle needs.
 *
 * @param <T> the marshallable type
 */
public final class MarshallableCodec<T extends BytesMarshallable> implements Codec<T> {

    private final Class<T> type;
    private final Supplier<? extends T> factory;
    private final String name;

    private MarshallableCodec(final Class<T> type, final Supplier<? extends T> factory) {
        this.type = Objects.requireNonNull(type, "type");
        this.factory = Objects.requireNonNull(factory, "factory");
        this.name = "marshallable " + type.getSimpleName();
    }

    /**
     * A codec for {@code type}, which {@link #decode} instantiates with its no-argument constructor.
     *
     * @throws IllegalArgumentException if {@code type} is abstract (an interface, say) or has no no-argument
     *                                  constructor this package can call
     */
    public static <T extends BytesMarshallable> MarshallableCodec<T> of(final Class<T> type) {
        Objects.requireNonNull(type, "type");
        if (Modifier.isAbstract(type.getModifiers())) {
            // Its constructor exists but makes no instance: refused now rather than at the first decode.
            throw new IllegalArgumentException(type.getName() + " is abstract: give a factory of a concrete class to"
                    + " of(type, factory)");
        }
        final Constructor<T> constructor;
        try {
            constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
        } catch (final NoSuchMethodException | RuntimeException e) {
            throw new IllegalArgumentException(type.getName() + " needs a no-argument constructor that "
                    + MarshallableCodec.class.getName() + " can call, or give a factory to of(type, factory)", e);
        }
        return new MarshallableCodec<>(type, () -> newInstance(constructor));
    }

    /** A codec for {@code type}, which {@link #decode} instantiates with {@code factory}. */
    public static <T extends BytesMarshallable> MarshallableCodec<T> of(final Class<T> type,
                                                                      final Supplier<? extends T> factory) {
        return new MarshallableCodec<>(type, factory);
    }

    private static <T> T newInstance(final Constructor<T> constructor) {
        try {
            return constructor.newInstance();
        } catch (final InvocationTargetException e) {
            throw new IllegalStateException("the constructor of " + constructor.getDeclaringClass().getName()
                    + " threw", e.getCause());
        } catch (final ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate " + constructor.getDeclaringClass().getName(), e);
        }
    }

    /** The marshallable type. */
    public Class<T> type() {
        return type;
    }

    /** {@link Codec#VARIABLE_SIZE}: each value is as long as what it marshals to. */
    @Override
    public int fixedSize() {
        return VARIABLE_SIZE;
    }

    /** Marshals {@code value} into this thread's buffer; the {@link #encode} of the same object that follows copies it. */
    @Override
    public long encodedSize(final T value) {
        return MarshallingScratch.forCurrentThread().marshal(nonNull(value));
    }

    /**
     * Writes what the preceding {@link #encodedSize} of {@code value} on this thread marshalled (as the map
     * calls them); without one, marshals {@code value} now.
     */
    @Override
    public void encode(final T value, final MemorySegment target, final long offset) {
        MarshallingScratch.forCurrentThread().copyMarshalled(nonNull(value), target, offset);
    }

    /**
     * {@code value}, or the {@link NullPointerException} the shipped codecs throw, naming this one. Checked here
     * because the thread's buffer marks "nothing marshalled" with null: an unchecked null would pass for the
     * object marshalled last, and {@link #encode} would copy that object's bytes.
     */
    private T nonNull(final T value) {
        if (value == null) {
            throw new NullPointerException(name + " codec cannot encode null");
        }
        return value;
    }

    /** A new object from the factory, filled by {@code readMarshallable} from a copy of the stored bytes. */
    @Override
    public T decode(final MemorySegment source, final long offset, final long length) {
        final T value = factory.get();
        if (value == null) {
            throw new IllegalStateException("the factory of " + name + " returned null");
        }
        MarshallingScratch.forCurrentThread().unmarshal(source, offset, length, value);
        return value;
    }

    /**
     * {@code reuse}, filled by {@code readMarshallable} from a copy of the stored bytes; or {@link #decode} if it is
     * null.
     */
    @Override
    public T decodeUsing(final MemorySegment source, final long offset, final long length, final T reuse) {
        if (reuse == null) {
            return decode(source, offset, length);
        }
        MarshallingScratch.forCurrentThread().unmarshal(source, offset, length, reuse);
        return reuse;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "MarshallableCodec[" + type.getName() + "]";
    }
}
