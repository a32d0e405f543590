package io.panamap.bench.contender;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The few operations the string-key workloads and JMH benchmarks need from a map of text ids to 64-byte
 * records, so that every contender is driven by the same loop (as {@link BenchMap} for {@code long → long}).
 *
 * <h2>Equivalent work</h2>
 * Each adapter does what its library's user would do to store and read a record the caller does not own:
 * <ul>
 *   <li>{@link #put} makes the map hold a copy of the caller's {@value #VALUE_SIZE} bytes (the caller reuses
 *       its array, like a receive buffer): panamap and Chronicle Map copy them into native memory,
 *       {@code HashMap} stores a clone. The map may keep the key {@code String} itself (it is immutable);
 *       only {@code HashMap} does, the native maps copy its characters as UTF-8.</li>
 *   <li>{@link #get} copies the record into a {@value #VALUE_SIZE}-byte array the adapter reuses and returns
 *       {@link #checksum} of it: panamap through {@code copyValue} into a segment over that array,
 *       Chronicle Map through {@code getUsing} with it, {@code HashMap} with {@code System.arraycopy} from the
 *       array it holds. None of them allocates for a get, except what its library allocates inside.</li>
 * </ul>
 *
 * <p>Each child JVM (and each JMH fork) loads exactly one implementation, so the JIT sees a monomorphic call
 * and inlines it.
 */
public interface StringBenchMap extends AutoCloseable {

    /** Bytes of every value: a fixed-layout record, e.g. an order's price, quantity, side and times. */
    int VALUE_SIZE = 64;

    /**
     * The mean UTF-8 length of the keys the workloads use ({@code StringKeys}): Chronicle Map must be told it
     * before its first put, as it sizes its entries from it.
     */
    int AVERAGE_KEY_LENGTH = 20;

    /**
     * A record's bytes as little-endian {@code long}s: {@code get(array, byteOffset)},
     * {@code set(array, byteOffset, value)}.
     */
    VarHandle RECORD_WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Maps {@code key} to a copy of the first {@value #VALUE_SIZE} bytes of {@code record}. */
    void put(String key, byte[] record);

    /** Copies the record of {@code key} into the adapter's buffer and returns its {@link #checksum}; 0 if absent. */
    long get(String key);

    /** Live entries. */
    long size();

    /** A one-line description of the map's internal state for the report, or "" if it has none. */
    String stats();

    /** Releases the map's memory now (native maps) or drops the reference (on-heap maps: the GC does it). */
    @Override
    void close();

    /**
     * What a get returns: the record's first and last 8-byte words (little-endian) added, so that a get that
     * copied only part of the record, or another key's, is caught by the workload's check.
     */
    static long checksum(final byte[] record) {
        return (long) RECORD_WORDS.get(record, 0) + (long) RECORD_WORDS.get(record, VALUE_SIZE - Long.BYTES);
    }
}
