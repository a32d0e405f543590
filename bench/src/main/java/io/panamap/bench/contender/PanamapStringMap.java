package io.panamap.bench.contender;

import io.panamap.OffHeapMap;
import io.panamap.codec.Codecs;

import java.lang.foreign.MemorySegment;

/**
 * panamap's {@code OffHeapMap<CharSequence, byte[]>} as a {@link StringBenchMap}: keys through
 * {@link Codecs#utf8()} (out of line, the slot holds their address and length, as Go's string header), values
 * through {@link Codecs#fixedBytes fixedBytes(64)} (inline in the bucket, Go's rule for a 64-byte value).
 *
 * <p>The garbage-free calls: {@link OffHeapMap#set} (does not decode the value it replaces) and
 * {@link OffHeapMap#copyValue} into a segment over the adapter's reused array.
 */
final class PanamapStringMap implements StringBenchMap {

    private final OffHeapMap<CharSequence, byte[]> map;
    private final byte[] buffer = new byte[VALUE_SIZE];
    private final MemorySegment bufferSegment = MemorySegment.ofArray(buffer);

    PanamapStringMap(final OffHeapMap<CharSequence, byte[]> map) {
        this.map = map;
    }

    /** The builder every panamap string contender starts from: UTF-8 keys, 64-byte values. */
    static OffHeapMap.Builder<CharSequence, byte[]> builder() {
        return OffHeapMap.builder(Codecs.utf8(), Codecs.fixedBytes(VALUE_SIZE));
    }

    @Override
    public void put(final String key, final byte[] record) {
        map.set(key, record);
    }

    @Override
    public long get(final String key) {
        if (map.copyValue(key, bufferSegment, 0) < 0) {
            return 0;
        }
        return StringBenchMap.checksum(buffer);
    }

    @Override
    public long size() {
        return map.size();
    }

    /** The table's stats and those of the out-of-line storage that holds the keys. */
    @Override
    public String stats() {
        return map.stats() + "; key storage: " + map.storageStats();
    }

    @Override
    public void close() {
        map.close();
    }
}
