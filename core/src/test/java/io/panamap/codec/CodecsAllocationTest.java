package io.panamap.codec;

import io.panamap.codec.CodecCases.Case;
import io.panamap.codec.CodecCases.Quote;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The table's write paths and reuse reads allocate nothing, measured as {@code AllocationTest} measures the
 * map: with the JVM's per-thread allocation counter, after enough calls for the JIT to compile the loop.
 */
class CodecsAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int WARM_UP = 50_000;
    private static final int MEASURED = 100_000;
    /** Bytes a whole measured loop may allocate: room for a stray JIT or profiling object, not one per call. */
    private static final long SLACK = 2048;

    @Test
    void encodingShouldAllocateNothingForAnyCodec() {
        final List<String> failures = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment target = arena.allocate(256);
            for (final Case<?> c : CodecCases.all()) {
                final long bytes = encodeAllocation(c, target);
                if (bytes > SLACK) {
                    failures.add(c.codec().name() + ": " + bytes + " bytes");
                }
            }
        }
        assertEquals(List.of(), failures, "allocated over " + MEASURED + " encodes each");
    }

    private static <T> long encodeAllocation(final Case<T> c, final MemorySegment target) {
        final T value = c.samples().get(c.samples().size() - 1); // boxed once, here
        for (int i = 0; i < WARM_UP; i++) {
            c.codec().encode(value, target, 1 + (i & 7));
        }
        final long before = allocated();
        for (int i = 0; i < MEASURED; i++) {
            c.codec().encodedSize(value);
            c.codec().encode(value, target, 1 + (i & 7));
        }
        return allocated() - before;
    }

    @Test
    void decodingIntoABuilderShouldAllocateNothing() {
        for (final String text : List.of("instrument:XS1234567890", "grüße aus Köln, 日本語, 😀")) {
            final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            final MemorySegment source = MemorySegment.ofArray(new byte[bytes.length + 3]);
            Codecs.utf8().encode(text, source, 3);
            final StringBuilder reuse = new StringBuilder();
            final long bytesAllocated = measure(() -> {
                long sum = 0;
                for (int i = 0; i < MEASURED; i++) {
                    sum += Codecs.utf8().decodeUsing(source, 3, bytes.length, reuse).length();
                }
                return sum;
            });
            assertEquals(text, reuse.toString());
            assertTrue(bytesAllocated < SLACK, text + ": " + bytesAllocated + " bytes");
        }
    }

    @Test
    void comparingAndSizingTextShouldAllocateNothing() {
        final String text = "instrument:XS1234567890/ü";
        final long length = Utf8.encodedLength(text);
        final MemorySegment stored = MemorySegment.ofArray(new byte[(int) length]);
        Utf8.encode(text, stored, 0);
        final StringBuilder probe = new StringBuilder(text);
        final long bytes = measure(() -> {
            long sum = 0;
            for (int i = 0; i < MEASURED; i++) {
                sum += Utf8.encodedLength(probe) + (Utf8.equalsEncoded(probe, stored, 0, length) ? 1 : 0);
            }
            return sum;
        });
        assertTrue(bytes < SLACK, bytes + " bytes");
    }

    @Test
    void decodingIntoAReusedArrayOrSegmentOfTheStoredLengthShouldAllocateNothing() {
        final MemorySegment source = MemorySegment.ofArray(CodecCases.counting(40));
        final byte[] array = new byte[32];
        final MemorySegment segment = MemorySegment.ofArray(new byte[32]);
        final Codec<byte[]> fixed = Codecs.fixedBytes(32);
        final long bytes = measure(() -> {
            long sum = 0;
            for (int i = 0; i < MEASURED; i++) {
                final int at = i & 7;
                sum += Codecs.bytes().decodeUsing(source, at, 32, array)[0]
                        + fixed.decodeUsing(source, at, 32, array)[1]
                        + Codecs.segments().decodeUsing(source, at, 32, segment).byteSize();
            }
            return sum;
        });
        assertTrue(bytes < SLACK, bytes + " bytes");
    }

    @Test
    void decodingARecordShouldAllocateTheRecordAndNothingElse() {
        final MemorySegment source = MemorySegment.ofArray(new byte[8 + 24]);
        CodecCases.QUOTES.encode(new Quote(7, 8, (short) 9, (byte) 1, true), source, 5);
        final long bytes = measure(() -> {
            long sum = 0;
            for (int i = 0; i < MEASURED; i++) {
                final Quote quote = CodecCases.QUOTES.decode(source, 5, 24);
                sum += quote.price() + quote.quantity() + (quote.firm() ? 1 : 0);
            }
            return sum;
        });
        // A Quote is 32 bytes with compressed class pointers, 40 without.
        assertTrue(bytes / MEASURED <= 64, bytes / MEASURED + " bytes per decode");
    }

    /** Runs {@code loop} once to compile it, then returns what a second run allocated. */
    private static long measure(final java.util.function.LongSupplier loop) {
        long sink = loop.getAsLong();
        final long before = allocated();
        sink += loop.getAsLong();
        final long bytes = allocated() - before;
        assertTrue(sink != 0, "the loop computed something");
        return bytes;
    }

    private static long allocated() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().threadId());
    }
}
