package io.panamap;

import io.panamap.codec.Codec;
import io.panamap.codec.Codecs;

import java.lang.foreign.MemorySegment;

/**
 * {@link Codecs#bytes()} under another name, for tests that hook one of its steps (to pause a write or a read
 * at a chosen moment) and leave the rest as it is.
 */
abstract class ForwardingBytesCodec implements Codec<byte[]> {
    private final Codec<byte[]> bytes = Codecs.bytes();
    private final String name;

    ForwardingBytesCodec(final String name) {
        this.name = name;
    }

    @Override
    public int fixedSize() {
        return bytes.fixedSize();
    }

    @Override
    public long encodedSize(final byte[] value) {
        return bytes.encodedSize(value);
    }

    @Override
    public void encode(final byte[] value, final MemorySegment target, final long offset) {
        bytes.encode(value, target, offset);
    }

    @Override
    public byte[] decode(final MemorySegment source, final long offset, final long length) {
        return bytes.decode(source, offset, length);
    }

    @Override
    public byte[] decodeUsing(final MemorySegment source, final long offset, final long length, final byte[] reuse) {
        return bytes.decodeUsing(source, offset, length, reuse);
    }

    @Override
    public String name() {
        return name;
    }
}
