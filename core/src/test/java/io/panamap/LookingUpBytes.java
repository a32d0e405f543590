package io.panamap;

import io.panamap.codec.Codecs;

/**
 * {@link Codecs#bytes()} that looks {@code key} up in {@code other} each time it measures a value, as a Chronicle
 * marshallable interning a symbol would: every key goes through the thread's one key buffer, so this finds a map
 * that encodes its key before it measures the value.
 */
final class LookingUpBytes extends ForwardingBytesCodec {
    private final OffHeapMap<CharSequence, ?> other;
    private final String key;

    LookingUpBytes(final OffHeapMap<CharSequence, ?> other, final String key) {
        super("bytes looking up " + key);
        this.other = other;
        this.key = key;
    }

    @Override
    public long encodedSize(final byte[] value) {
        other.containsKey(key);
        return super.encodedSize(value);
    }
}
