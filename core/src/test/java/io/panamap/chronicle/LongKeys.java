package io.panamap.chronicle;

import io.panamap.codec.Codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A test's key codec for {@code long} keys: 8 bytes in native order, as Chronicle's {@code readLong} reads them. */
final class LongKeys implements Codec<Long> {

    static final LongKeys INSTANCE = new LongKeys();

    private LongKeys() {
    }

    @Override
    public int fixedSize() {
        return Long.BYTES;
    }

    @Override
    public void encode(final Long value, final MemorySegment target, final long offset) {
        target.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, value);
    }

    @Override
    public Long decode(final MemorySegment source, final long offset, final long length) {
        return source.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
    }

    @Override
    public String name() {
        return "long";
    }
}
