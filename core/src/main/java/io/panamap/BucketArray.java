package io.panamap;

import io.panamap.layout.BucketLayout;
import io.panamap.layout.TopHash;
import io.panamap.memory.NativeBlock;

import java.lang.foreign.MemorySegment;

/**
 * One bucket array: {@code 2^B} buckets followed by its overflow area, in a single native block.
 *
 * <pre>
 *   bucket 0 .. 2^B-1          | Go's preallocated spares (2^(B-4), B ≥ 4) | rest of the overflow area
 *   (indexed by hash &amp; mask)  | handed out first, in order                | reserved, touched only if used
 * </pre>
 *
 * <p>Go allocates overflow buckets beyond its spares one at a time from the heap. Here they come from
 * the same mapping, which is only backed by memory where it is touched, so links stay inside one
 * segment (every access is bounds-checked against it) and a link is turned into an offset by one
 * subtraction. The area is sized so it cannot run out: 2·2^B + 8 buckets, more than the overflow buckets
 * a table of this size can create before the same-size growth rule (overflow ≥ 2^min(B,15)) replaces
 * the array; see {@link HashTable} for the bound.
 *
 * <p>Offsets are always those of {@link BucketLayout}; this class adds nothing but the array-level
 * bookkeeping (which overflow bucket is next, who still reads the array).
 */
final class BucketArray {

    /** "No bucket": the end of a chain. */
    static final long NONE = -1L;
    /**
     * What a word loaded only to start its cache miss early is compared with, so that the JIT keeps the load.
     * Should a bucket ever hold it, the code takes its ordinary path, which gives the same answer.
     */
    static final long ARBITRARY_WORD = 0x5EED_F00D_0BAD_CAFEL;

    final BucketLayout layout;
    final NativeBlock block;
    final MemorySegment segment;
    /** Native address of bucket 0: overflow links are absolute addresses, as in Go. */
    final long base;
    /** log2 of the bucket count (Go's {@code B}). */
    final int logSize;
    final long bucketCount;
    final long mask;
    /** Buckets that fit in the block: main buckets plus the overflow area. */
    final long capacity;
    /** Go's estimate of the overflow buckets this array will need, preallocated by Go and charged up front here. */
    final long preallocatedSpares;
    /** Index of the next unused overflow bucket. */
    long nextOverflow;
    /**
     * Buckets below this index have been (or are being) pre-faulted by the memory worker; the table asks
     * for more as overflow buckets are handed out. Writer thread only.
     */
    long prefaultedUpTo;
    /**
     * Whether pre-faulting this array was ruled out because the process could not hold it twice over
     * ({@link io.panamap.memory.MemoryLimits#canPrefault}): then neither it nor its overflow buckets are faulted
     * in ahead of the writes. Set before the array is published or installed.
     */
    boolean faultsInLazily;
    /** Iterators currently reading this array; it is not freed while any are. */
    int pins;
    /**
     * Growth has finished with (or clear or a trim has dropped) this array; it is freed when the last pin goes,
     * or, if a small table's doubling retired it, kept a while longer (HashTable.keepsUntilLarge).
     */
    boolean retired;
    /** A finished doubling retired this array (not a same-size growth, not clear). */
    boolean retiredByDoubling;
    /**
     * The table has let this array go (to be unmapped, or emptied and kept mapped): the memory worker's
     * pre-fault steps stop at their next look, instead of faulting in pages that are being given back.
     * Set by the thread that lets it go (the writer, or the one whose cursor unpins it last), read by the worker.
     */
    volatile boolean letGo;

    BucketArray(final BucketLayout layout, final NativeBlock block, final int logSize) {
        this.layout = layout;
        this.block = block;
        this.segment = block.segment();
        this.base = segment.address();
        this.logSize = logSize;
        this.bucketCount = 1L << logSize;
        this.mask = bucketCount - 1;
        this.capacity = segment.byteSize() / layout.bucketSize();
        this.preallocatedSpares = preallocatedSpares(logSize);
        this.nextOverflow = bucketCount;
        if (capacity < bucketCount + overflowAreaBuckets(logSize)) {
            throw new IllegalArgumentException("block of " + segment.byteSize() + " bytes is too small for 2^" + logSize
                    + " buckets and their overflow area");
        }
    }

    /** Go's {@code makeBucketArray} spare count: 2^(B-4) once B ≥ 4. */
    static long preallocatedSpares(final int logSize) {
        return logSize >= 4 ? 1L << (logSize - 4) : 0;
    }

    /** Overflow buckets reserved behind 2^B main buckets. */
    static long overflowAreaBuckets(final int logSize) {
        return 2 * (1L << logSize) + 8;
    }

    /** Bytes to map for an array of 2^B buckets plus its overflow area. */
    static long mappedBytes(final BucketLayout layout, final int logSize) {
        return layout.bytesFor((1L << logSize) + overflowAreaBuckets(logSize));
    }

    /** Bytes charged against a budget when an array of 2^B buckets is created: main buckets plus Go's spares. */
    static long initialCommittedBytes(final BucketLayout layout, final int logSize) {
        return layout.bytesFor((1L << logSize) + preallocatedSpares(logSize));
    }

    /** Overflow buckets handed out so far. */
    long overflowUsed() {
        return nextOverflow - bucketCount;
    }

    /** Overflow buckets still available. */
    long overflowRemaining() {
        return capacity - nextOverflow;
    }

    /** Bytes this array is charged: main buckets plus the larger of Go's spares and the overflow used. */
    long committedBytes() {
        return layout.bytesFor(bucketCount + Math.max(preallocatedSpares, overflowUsed()));
    }

    /** Takes the next overflow bucket and returns its offset (its memory is still zero). */
    long takeOverflowBucket() {
        if (nextOverflow >= capacity) {
            throw new IllegalStateException("overflow area of 2^" + logSize + "-bucket array exhausted ("
                    + overflowUsed() + " overflow buckets): hash distribution is pathological");
        }
        return layout.bucketOffset(nextOverflow++);
    }

    /** Offset of the head bucket at {@code index}. */
    long headOffset(final long index) {
        return layout.bucketOffset(index);
    }

    /** All eight tophash bytes of the bucket at {@code bucketOffset}, slot i in bits 8i..8i+7. */
    long tophashes(final long bucketOffset) {
        return segment.get(BucketLayout.WORD, bucketOffset + BucketLayout.TOPHASH_OFFSET);
    }

    /** Writes all eight tophash bytes of the bucket at once (the layout of {@link #tophashes}). */
    void setTophashes(final long bucketOffset, final long tophashes) {
        segment.set(BucketLayout.WORD, bucketOffset + BucketLayout.TOPHASH_OFFSET, tophashes);
    }

    /** The tophash byte of one slot, as an unsigned value. */
    int tophash(final long bucketOffset, final int slot) {
        return Byte.toUnsignedInt(segment.get(BucketLayout.BYTE, bucketOffset + BucketLayout.tophashOffset(slot)));
    }

    void setTophash(final long bucketOffset, final int slot, final int tophash) {
        segment.set(BucketLayout.BYTE, bucketOffset + BucketLayout.tophashOffset(slot), (byte) tophash);
    }

    /** Offset of the next bucket of the chain, or {@link #NONE}. */
    long next(final long bucketOffset) {
        final long link = segment.get(BucketLayout.WORD, bucketOffset + layout.overflowOffset());
        return link == 0 ? NONE : link - base;
    }

    void link(final long bucketOffset, final long nextBucketOffset) {
        segment.set(BucketLayout.WORD, bucketOffset + layout.overflowOffset(), base + nextBucketOffset);
    }

    /** Whether the chain headed by bucket {@code index} has been evacuated: Go looks at tophash[0] only. */
    boolean isEvacuated(final long index) {
        return TopHash.isEvacuatedMark(tophash(headOffset(index), 0));
    }

    /** Buckets in the chain starting at {@code head}. */
    long chainLength(final long head) {
        long length = 0;
        for (long b = head; b != NONE; b = next(b)) {
            length++;
        }
        return length;
    }
}
