package io.panamap;

import io.panamap.hash.Hashing;
import io.panamap.layout.TopHash;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Go's mapdelete marks a freed slot emptyOne and turns a trailing run of them into emptyRest, walking back
 * through earlier buckets of the chain (GO_BMAP_REFERENCE.md §7). Lookups stop at emptyRest, and tools that
 * compare bucket bytes with Go's see the same marks.
 */
class DeleteCompactionTest {

    /** The tophash bytes of a bucket, slot 0 first. */
    private static int[] tophashes(final BucketArray array, final long bucket) {
        final int[] bytes = new int[8];
        for (int slot = 0; slot < bytes.length; slot++) {
            bytes[slot] = array.tophash(bucket, slot);
        }
        return bytes;
    }

    private static int top(final HashTable table, final long key) {
        return TopHash.of(Hashing.hashLong(key, table.seed));
    }

    @Test
    void shouldMarkSlotsAsGoDidInTheMeasuredExample() {
        // [a b c d e - - -]: delete c -> [a b 1 d e 0 0 0]; delete e -> [a b 1 d 0 0 0 0]; delete d -> [a b 0 ...].
        try (LongLongMap map = LongLongMap.builder().expectedSize(8).build()) {
            final HashTable table = map.table();
            for (long key = 1; key <= 5; key++) {
                map.put(key, key);
            }
            final BucketArray array = table.buckets;
            final long head = array.headOffset(0);
            final int a = top(table, 1);
            final int b = top(table, 2);
            final int d = top(table, 4);
            map.remove(3);
            assertEquals(Arrays.toString(new int[] {a, b, 1, d, top(table, 5), 0, 0, 0}),
                    Arrays.toString(tophashes(array, head)));
            map.remove(5);
            assertEquals(Arrays.toString(new int[] {a, b, 1, d, 0, 0, 0, 0}),
                    Arrays.toString(tophashes(array, head)));
            map.remove(4);
            assertEquals(Arrays.toString(new int[] {a, b, 0, 0, 0, 0, 0, 0}),
                    Arrays.toString(tophashes(array, head)));
            TableInvariants.check(map);
        }
    }

    @Test
    void theTrailingRunShouldBeCompactedBackThroughAMiddleOverflowBucket() {
        // 17 keys of one chain at B = 2: a head and two overflow buckets holding 8, 8 and 1 entries. Emptying the
        // middle bucket leaves emptyOne there (the last bucket still holds an entry); removing that entry must
        // turn the whole run into emptyRest: the last bucket's slot, then every slot of the middle bucket (found
        // by walking the chain from its head), stopping at the head's last slot, which is live.
        try (LongLongMap map = LongLongMap.builder().expectedSize(26).build()) {
            final HashTable table = map.table();
            final long[] chain = new long[17];
            int found = 0;
            for (long key = 1; found < chain.length; key++) {
                if ((Hashing.hashLong(key, table.seed) & table.buckets.mask) == 0) {
                    chain[found++] = key;
                }
            }
            for (final long key : chain) {
                map.put(key, key);
            }
            final BucketArray array = table.buckets;
            final long head = array.headOffset(0);
            final long middle = array.next(head);
            final long last = array.next(middle);
            assertEquals(BucketArray.NONE, array.next(last), "the chain should have three buckets");
            final String headBefore = Arrays.toString(tophashes(array, head));

            for (int i = 8; i < 16; i++) {
                assertEquals(chain[i], map.remove(chain[i]));
            }
            assertEquals("[1, 1, 1, 1, 1, 1, 1, 1]", Arrays.toString(tophashes(array, middle)));
            assertEquals(chain[16], map.remove(chain[16]));

            assertEquals("[0, 0, 0, 0, 0, 0, 0, 0]", Arrays.toString(tophashes(array, last)));
            assertEquals("[0, 0, 0, 0, 0, 0, 0, 0]", Arrays.toString(tophashes(array, middle)));
            assertEquals(headBefore, Arrays.toString(tophashes(array, head)), "the head is untouched");
            TableInvariants.check(map);
        }
    }
}
