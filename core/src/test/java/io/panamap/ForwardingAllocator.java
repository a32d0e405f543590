package io.panamap;

import io.panamap.memory.NativeAllocator;
import io.panamap.memory.NativeAllocators;
import io.panamap.memory.NativeBlock;

/**
 * The default allocator under another name, for tests that watch or change one of its steps and leave the rest as
 * they are (as {@link ForwardingBytesCodec} does for a codec).
 */
class ForwardingAllocator implements NativeAllocator {
    final NativeAllocator pages = NativeAllocators.defaultAllocator();

    @Override
    public NativeBlock allocate(final long byteSize) {
        return pages.allocate(byteSize);
    }

    @Override
    public void prefault(final NativeBlock block, final long byteOffset, final long byteLength) {
        pages.prefault(block, byteOffset, byteLength);
    }

    @Override
    public void discard(final NativeBlock block, final long byteOffset, final long byteLength) {
        pages.discard(block, byteOffset, byteLength);
    }

    @Override
    public boolean discards() {
        return pages.discards();
    }

    @Override
    public String describe() {
        return "forwarding " + pages.describe();
    }
}
