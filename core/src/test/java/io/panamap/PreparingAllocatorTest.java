package io.panamap;

import io.panamap.memory.MemoryWorker;
import io.panamap.memory.NativeAllocator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The memory worker maps and faults in a table's next array with the allocator the writer chose when it asked for
 * it ({@link NativeAllocator#forWorkHandedOverByCallingThread}): an allocator that places pages by the thread that
 * first touches them must be asked on the writer, not on the worker, which touches them first.
 */
class PreparingAllocatorTest {

    /** The default allocator under another name, which hands the worker {@code forWorker} and notes who asked. */
    private static final class ChoosingAllocator extends ForwardingAllocator {
        private final NativeAllocator forWorker;
        private final List<String> askedOn = new CopyOnWriteArrayList<>();

        ChoosingAllocator(final NativeAllocator forWorker) {
            this.forWorker = forWorker;
        }

        @Override
        public NativeAllocator forWorkHandedOverByCallingThread() {
            askedOn.add(Thread.currentThread().getName());
            return forWorker;
        }

        @Override
        public String describe() {
            return "choosing";
        }
    }

    @Test
    void theNextArrayShouldComeFromTheAllocatorTheWriterChoseWhenItAskedForIt() throws InterruptedException {
        final RecordingAllocator forWorker = new RecordingAllocator("chosen for the worker");
        final ChoosingAllocator allocator = new ChoosingAllocator(forWorker);
        final String writer = Thread.currentThread().getName();
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).build()) {
            // Past 5/8 of the threshold of the doubling to 2^MIN_PREPARED_LOG_SIZE buckets, the first the worker
            // prepares (13 * 2^(B - 1) entries start the doubling to 2^B).
            final long entries = 13L << (HashTable.MIN_PREPARED_LOG_SIZE - 2);
            for (long key = 0; key < entries; key++) {
                map.put(key, ~key);
            }
            assertTrue(MemoryWorker.awaitIdle(30, TimeUnit.SECONDS), "the memory worker finished its work");
            assertFalse(allocator.askedOn.isEmpty(), "the table asked for the worker's allocator");
            assertEquals(List.of(writer), allocator.askedOn.stream().distinct().toList(),
                    "asked on the writing thread only, never on the worker");
            assertTrue(forWorker.allocations() >= 1, "the worker mapped the prepared array with it: " + forWorker);

            // The arrays it mapped hold the table as well as any: grow through them and read everything back.
            final long more = 4 * entries;
            for (long key = entries; key < more; key++) {
                map.put(key, ~key);
            }
            for (long key = 0; key < more; key++) {
                assertEquals(~key, map.get(key), "key " + key);
            }
            TableInvariants.check(map);
        }
        assertTrue(MemoryWorker.awaitIdle(30, TimeUnit.SECONDS));
        assertEquals(0, forWorker.live(), "every array the worker's allocator mapped was freed: " + forWorker);
    }
}
