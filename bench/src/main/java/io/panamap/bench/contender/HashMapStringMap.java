package io.panamap.bench.contender;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code java.util.HashMap<String, byte[]>} as a {@link StringBenchMap}: the map keeps the key {@code String}
 * and a clone of the record (the caller reuses its array), so every put allocates a node and a 64-byte array;
 * that allocation is this contender, so it is measured, not avoided. A get copies the stored array into the
 * adapter's buffer.
 */
final class HashMapStringMap implements StringBenchMap {

    private Map<String, byte[]> map;
    private final byte[] buffer = new byte[VALUE_SIZE];

    HashMapStringMap(final Map<String, byte[]> map) {
        this.map = map;
    }

    @Override
    public void put(final String key, final byte[] record) {
        map.put(key, record.clone());
    }

    @Override
    public long get(final String key) {
        final byte[] record = map.get(key);
        if (record == null) {
            return 0;
        }
        System.arraycopy(record, 0, buffer, 0, VALUE_SIZE);
        return StringBenchMap.checksum(buffer);
    }

    @Override
    public long size() {
        return map.size();
    }

    @Override
    public String stats() {
        return "";
    }

    /** Drops the reference, so the entries are garbage even if a caller keeps this adapter. */
    @Override
    public void close() {
        map = null;
    }
}
