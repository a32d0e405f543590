package io.panamap.layout;

/**
 * The states a tophash byte can hold, and the SWAR helpers that test all eight bytes of a bucket at
 * once.
 *
 * <p>A tophash byte below {@link #MIN_TOP_HASH} is a state code; anything else is the top byte of a
 * live key's hash (bumped by {@link #MIN_TOP_HASH} when it would collide with a state code, so values
 * 5..9 are twice as likely as the others, as in Go).
 *
 * <p>The eight tophash bytes of a bucket are read as one little-endian {@code long}: slot {@code i} is
 * bits {@code 8i .. 8i+7}. The helpers below return a mask with bit {@code 8i+7} set for every slot
 * that satisfies the test, so {@code Long.numberOfTrailingZeros(mask) >>> 3} is the first such slot.
 * Every test is exact (no false positives), so callers never re-check the byte.
 */
public final class TopHash {

    /** Slot empty, and every later slot of this bucket and of its overflow buckets is empty too. */
    public static final int EMPTY_REST = 0;
    /** Slot empty; something live may follow it. */
    public static final int EMPTY_ONE = 1;
    /** Slot was live and has been copied to the X (same index) half of the new array. */
    public static final int EVACUATED_X = 2;
    /** Slot was live and has been copied to the Y (index + old bucket count) half of the new array. */
    public static final int EVACUATED_Y = 3;
    /** Slot was empty when its bucket was evacuated. */
    public static final int EVACUATED_EMPTY = 4;
    /** Smallest tophash of a live entry. */
    public static final int MIN_TOP_HASH = 5;

    private static final long LOW_BITS = 0x0101_0101_0101_0101L;
    private static final long LOW_7_BITS = 0x7F7F_7F7F_7F7F_7F7FL;
    /** Bit 7 of every byte: the mask bit of each slot, as the helpers below return it. */
    public static final long SLOT_BITS = 0x8080_8080_8080_8080L;
    /** Clears bit 0 of every byte: the bytes that become zero were 0 or 1, i.e. empty slots. */
    private static final long EMPTY_CLASS_MASK = 0xFEFE_FEFE_FEFE_FEFEL;

    private TopHash() {
    }

    /** The tophash Go stores for a key with this 64-bit hash: its top byte, moved clear of the states. */
    public static int of(final long hash) {
        final int top = (int) (hash >>> 56);
        return top < MIN_TOP_HASH ? top + MIN_TOP_HASH : top;
    }

    /** Whether a tophash byte (as unsigned int) denotes an empty slot ({@code emptyRest} or {@code emptyOne}). */
    public static boolean isEmpty(final int tophash) {
        return tophash <= EMPTY_ONE;
    }

    /** Whether a chain head's first tophash byte says the chain has been evacuated. */
    public static boolean isEvacuatedMark(final int firstTophash) {
        return firstTophash > EMPTY_ONE && firstTophash < MIN_TOP_HASH;
    }

    /** Mask of the slots of {@code tophashes} whose byte equals {@code top}. */
    public static long matching(final long tophashes, final int top) {
        return zeroBytes(tophashes ^ (LOW_BITS * top));
    }

    /** Mask of the slots that are empty ({@code emptyRest} or {@code emptyOne}). */
    public static long empty(final long tophashes) {
        return zeroBytes(tophashes & EMPTY_CLASS_MASK);
    }

    /** Whether any slot holds {@code emptyRest}: nothing further along the chain can be live. */
    public static boolean hasEmptyRest(final long tophashes) {
        return zeroBytes(tophashes) != 0;
    }

    /** Exact zero-byte detector: bit 7 of each byte of the result is set iff that byte of x is zero. */
    private static long zeroBytes(final long x) {
        return ~(((x & LOW_7_BITS) + LOW_7_BITS) | x | LOW_7_BITS);
    }

    /** The slot a mask bit (from {@link #matching}, {@link #empty}) stands for: the lowest one set. */
    public static int firstSlot(final long mask) {
        return Long.numberOfTrailingZeros(mask) >>> 3;
    }
}
