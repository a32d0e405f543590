package io.panamap;

import io.panamap.codec.Codecs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * What a {@link ConcurrentOffHeapMap#get} hands its value codec: never memory another thread's write can free
 * while the codec reads it. A codec that reads through the segment would only get an exception there, but one
 * that reads raw addresses (Chronicle's {@code MarshallableCodec} does: it points a {@code PointerBytesStore}
 * at the stored bytes) crashed the JVM when a delete unmapped a value over 64 KiB during its read.
 */
class ConcurrentDecodeTest {

    /** {@link Codecs#bytes()}, whose first decode on {@code reader} waits for {@code writer} to delete the entry. */
    private static final class Pausing extends ForwardingBytesCodec {
        final AtomicBoolean armed = new AtomicBoolean();
        final CountDownLatch inDecode = new CountDownLatch(1);
        final CountDownLatch deleted = new CountDownLatch(1);
        final AtomicBoolean freedUnderDecode = new AtomicBoolean();
        volatile Thread reader;

        Pausing() {
            super("pausing bytes");
        }

        @Override
        public byte[] decode(final MemorySegment source, final long offset, final long length) {
            if (Thread.currentThread() == reader && armed.compareAndSet(true, false)) {
                inDecode.countDown();
                try {
                    // A read that holds the shard's read lock keeps the writer out: then this times out.
                    deleted.await(300, TimeUnit.MILLISECONDS);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (!source.scope().isAlive()) {
                    freedUnderDecode.set(true);
                }
            }
            return super.decode(source, offset, length);
        }
    }

    @Test
    @Timeout(20)
    void aGetShouldNotDecodeBytesADeleteCanUnmapUnderIt() throws InterruptedException {
        // Small values are staged (copied, then validated) before they are decoded; large ones (a dedicated
        // mapping each, unmapped when freed) are decoded under the shard's read lock.
        for (final int length : new int[] {100, (int) SlotCodec.MAX_STAGED_READ, 200_000}) {
            final Pausing codec = new Pausing();
            try (ConcurrentOffHeapMap<Long, byte[]> map = ConcurrentOffHeapMap.builder(Codecs.longs(), codec)
                    .shards(1).build()) {
                map.set(1L, new byte[length]);
                final Thread writer = new Thread(() -> {
                    try {
                        codec.inDecode.await();
                    } catch (final InterruptedException e) {
                        return;
                    }
                    map.delete(1L);
                    codec.deleted.countDown();
                });
                writer.start();
                codec.reader = Thread.currentThread();
                codec.armed.set(true);
                final byte[] value = map.get(1L);
                writer.join();
                assertFalse(codec.freedUnderDecode.get(), length + " bytes: the codec read memory freed under it");
                if (value != null) {
                    assertEquals(length, value.length, "a get returns the value whole or not at all");
                }
                assertEquals(0, map.size());
            }
        }
    }
}
