package io.panamap.bench.contender;

import io.panamap.bench.workload.Keys;
import io.panamap.bench.workload.StringKeys;
import io.panamap.memory.NativeAllocators;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each contender's map is made the way its name and description say: a report row labelled "presized" or
 * "hugePages()" whose map was not would put one configuration's numbers under another's name, and every
 * check of the values would still pass.
 */
class ContenderConfigurationTest {

    private static final int N = 20_000;
    private static final Pattern DOUBLINGS = Pattern.compile(" doublings=(\\d+) ");
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void aPresizedPanamapMapShouldTakeItsNKeysWithoutDoublingAndAnUnpresizedOneShould() {
        final long[] keys = Keys.random(N, 3);
        assertEquals(0, doublingsAfterPutting("panamap-presized", keys), "LongLongMap.withExpectedSize(N)");
        assertTrue(doublingsAfterPutting("panamap", keys) > 0, "not presized, it grows from empty");

        final String[] ids = StringKeys.ids(N, 3);
        assertEquals(0, stringDoublingsAfterPutting("panamap-presized", ids), "expectedSize(N)");
        assertTrue(stringDoublingsAfterPutting("panamap", ids) > 0, "not presized, it grows from empty");
    }

    /**
     * fastutil's presized map allocates its arrays when it is made, so its puts allocate nothing; the unpresized
     * one allocates a pair of arrays at every rehash.
     */
    @Test
    void fastutilPresizedShouldAllocateItsArraysBeforeItsFirstPut() {
        assertTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled());
        final long[] keys = Keys.random(N, 3);
        final long presized = bytesAllocatedByPuts("fastutil-presized", keys);
        final long growing = bytesAllocatedByPuts("fastutil", keys);
        // The last rehash alone, from 16K to 32K slots, allocates two arrays of 32K longs.
        assertTrue(growing > 2 * 32_768 * Long.BYTES, "fastutil, not presized: " + growing + " bytes");
        assertTrue(presized < growing / 16, "fastutil-presized: " + presized + " bytes, unpresized " + growing);
    }

    @Test
    void eachPanamapVariantShouldUseTheAllocatorItsDescriptionNames() {
        assertEquals(NativeAllocators.defaultAllocator().describe(), allocatorOf("panamap"));
        assertEquals(NativeAllocators.hugePages().describe(), allocatorOf("panamap-huge"));
        assertTrue(Contenders.byName("panamap-huge").description().contains("hugePages()"));
        assertTrue(allocatorOf("panamap-numa-local").startsWith("mmap, NUMA local"),
                allocatorOf("panamap-numa-local"));
        assertTrue(allocatorOf("panamap-numa-interleave").startsWith("mmap, NUMA interleave"),
                allocatorOf("panamap-numa-interleave"));
    }

    private static long doublingsAfterPutting(final String contender, final long[] keys) {
        try (BenchMap map = Contenders.byName(contender).create(keys.length)) {
            for (final long key : keys) {
                map.put(key, Keys.valueFor(key));
            }
            assertEquals(keys.length, map.size());
            return doublings(map.stats());
        }
    }

    private static long stringDoublingsAfterPutting(final String contender, final String[] ids) {
        final byte[] record = new byte[StringBenchMap.VALUE_SIZE];
        try (StringBenchMap map = Contenders.byName(contender).createStringMap(ids.length)) {
            for (int i = 0; i < ids.length; i++) {
                StringKeys.fillRecord(i, record);
                map.put(ids[i], record);
            }
            assertEquals(ids.length, map.size());
            return doublings(map.stats());
        }
    }

    private static long doublings(final String stats) {
        final Matcher matcher = DOUBLINGS.matcher(stats);
        assertTrue(matcher.find(), stats);
        return Long.parseLong(matcher.group(1));
    }

    private static long bytesAllocatedByPuts(final String contender, final long[] keys) {
        try (BenchMap map = Contenders.byName(contender).create(keys.length)) {
            final long before = THREADS.getCurrentThreadAllocatedBytes();
            for (final long key : keys) {
                map.put(key, Keys.valueFor(key));
            }
            final long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertEquals(keys.length, map.size());
            return allocated;
        }
    }

    private static String allocatorOf(final String contender) {
        try (BenchMap map = Contenders.byName(contender).create(N)) {
            final String stats = map.stats();
            final int at = stats.indexOf(" allocator=");
            assertTrue(at >= 0, stats);
            final int placement = stats.indexOf(" placement=", at);
            return stats.substring(at + " allocator=".length(), placement < 0 ? stats.length() : placement);
        }
    }
}
