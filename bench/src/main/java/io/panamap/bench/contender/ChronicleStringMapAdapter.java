package io.panamap.bench.contender;

import net.openhft.chronicle.map.ChronicleMap;

/**
 * Chronicle Map ({@code net.openhft:chronicle-map}), in memory and presized, as a {@link StringBenchMap}:
 * {@code ChronicleMap<CharSequence, byte[]>}, keys in Chronicle's UTF-8 form, values of a constant 64 bytes.
 *
 * <p>Written the way Chronicle documents garbage-free access: the key is any {@code CharSequence}, serialized by
 * Chronicle into its own buffer, and a get goes through {@link ChronicleMap#getUsing} with the adapter's reused
 * array, which Chronicle's {@code byte[]} reader fills when its length matches the stored value's (it does
 * here: every value is 64 bytes). Needs the same JVM flags as {@link ChronicleMapAdapter}: {@link ChronicleJvmFlags}.
 */
final class ChronicleStringMapAdapter implements StringBenchMap {

    private final ChronicleMap<CharSequence, byte[]> map;
    private final byte[] buffer = new byte[VALUE_SIZE];

    /**
     * A map sized for {@code expectedEntries} keys of {@value #AVERAGE_KEY_LENGTH} bytes on average: as for
     * {@link ChronicleMapAdapter}, the count must be the real final size.
     */
    ChronicleStringMapAdapter(final long expectedEntries) {
        map = ChronicleMap.of(CharSequence.class, byte[].class)
                .entries(Math.max(1, expectedEntries))
                .averageKeySize(AVERAGE_KEY_LENGTH)
                .constantValueSizeBySample(new byte[VALUE_SIZE])
                // put() would otherwise read the value it replaces into a new array; no workload wants it.
                .putReturnsNull(true)
                .create();
    }

    @Override
    public void put(final String key, final byte[] record) {
        map.put(key, record);
    }

    @Override
    public long get(final String key) {
        final byte[] record = map.getUsing(key, buffer);
        return record == null ? 0 : StringBenchMap.checksum(record);
    }

    @Override
    public long size() {
        return map.longSize();
    }

    /** Segments, off-heap bytes and free space; percentageFreeSpace() walks every segment, so only for the report. */
    @Override
    public String stats() {
        return "segments=" + map.segments()
                + ", offHeapBytes=" + map.offHeapMemoryUsed()
                + ", freeSpace=" + map.percentageFreeSpace() + "%"
                + ", remainingAutoResizes=" + map.remainingAutoResizes();
    }

    /** Frees the map's off-heap memory now rather than when a cleaner gets to it. */
    @Override
    public void close() {
        map.close();
    }
}
