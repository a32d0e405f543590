package io.panamap;

import io.panamap.memory.MemoryWorker;
import io.panamap.memory.NativeAllocator;
import io.panamap.memory.NativeBlock;
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
            final long entries = fillPastTheFirstPreparation(map);
            assertTrue(MemoryWorker.awaitIdle(30, TimeUnit.SECONDS), "the memory worker finished its work");
            assertFalse(allocator.askedOn.isEmpty(), "the table asked for the worker's allocator");
            assertEquals(List.of(writer), allocator.askedOn.stream().distinct().toList(),
                    "asked on the writing thread only, never on the worker");
            assertTrue(forWorker.allocations() >= 1, "the worker mapped the prepared array with it: " + forWorker);

            growAndReadBack(map, entries); // the arrays it mapped hold the table as well as any
        }
        assertTrue(MemoryWorker.awaitIdle(30, TimeUnit.SECONDS));
        assertEquals(0, forWorker.live(), "every array the worker's allocator mapped was freed: " + forWorker);
    }

    /** An allocator that cannot choose: asking it throws, and it notes the threads it maps arrays on. */
    private static final class FailingToChoose extends ForwardingAllocator {
        private final List<String> allocatedOn = new CopyOnWriteArrayList<>();
        private final List<String> askedOn = new CopyOnWriteArrayList<>();

        @Override
        public NativeBlock allocate(final long byteSize) {
            allocatedOn.add(Thread.currentThread().getName());
            return super.allocate(byteSize);
        }

        @Override
        public NativeAllocator forWorkHandedOverByCallingThread() {
            askedOn.add(Thread.currentThread().getName());
            throw new IllegalStateException("no node for this thread");
        }
    }

    /**
     * The table asks inside the insert that reaches 5/8 of its threshold, once that entry is stored and counted: an
     * allocator that throws there must not fail that insert, which callers would take for one that stored nothing,
     * nor leave the preparation charged to the budget with nothing to prepare it. The worker prepares the array with
     * the table's own allocator instead.
     */
    @Test
    void anAllocatorThatThrowsWhenAskedShouldNotFailTheInsertThatAsked() throws InterruptedException {
        final FailingToChoose allocator = new FailingToChoose();
        final String writer = Thread.currentThread().getName();
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).build()) {
            final long entries = fillPastTheFirstPreparation(map);
            assertTrue(MemoryWorker.awaitIdle(30, TimeUnit.SECONDS), "the memory worker finished its work");
            assertFalse(allocator.askedOn.isEmpty(), "the table asked for the worker's allocator");
            assertTrue(allocator.allocatedOn.stream().anyMatch(thread -> !thread.equals(writer)),
                    "the worker prepared the next array with the table's allocator: " + allocator.allocatedOn);
            assertEquals(entries, map.size());
            growAndReadBack(map, entries);
        }
    }

    /**
     * Fills {@code map} with keys 0, 1, ... past 5/8 of the threshold of the doubling to 2^MIN_PREPARED_LOG_SIZE
     * buckets, the first the worker prepares (13 * 2^(B - 1) entries start the doubling to 2^B); returns how many.
     */
    private static long fillPastTheFirstPreparation(final LongLongMap map) {
        final long entries = 13L << (HashTable.MIN_PREPARED_LOG_SIZE - 2);
        for (long key = 0; key < entries; key++) {
            map.put(key, ~key);
        }
        return entries;
    }

    /** Grows {@code map} from {@code entries} to four times as many through later doublings, and reads all back. */
    private static void growAndReadBack(final LongLongMap map, final long entries) {
        final long more = 4 * entries;
        for (long key = entries; key < more; key++) {
            map.put(key, ~key);
        }
        for (long key = 0; key < more; key++) {
            assertEquals(~key, map.get(key), "key " + key);
        }
        TableInvariants.check(map);
    }
}
