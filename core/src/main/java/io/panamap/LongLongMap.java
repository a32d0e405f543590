package io.panamap;

import io.panamap.hash.Hashing;
import io.panamap.layout.BucketLayout;
import io.panamap.layout.TopHash;
import io.panamap.memory.NativeAllocator;
import io.panamap.memory.NativeAllocators;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * A {@code long → long} hash table whose buckets live in native memory, laid out and grown exactly like
 * Go's classic runtime map: growth never copies the table in one go and never gives the garbage
 * collector anything to do.
 *
 * <pre>{@code
 * try (LongLongMap map = new LongLongMap()) {
 *     map.put(42, 7);
 *     long v = map.get(42);                 // 7
 *     long w = map.getOrDefault(43, -1);    // -1
 *     map.forEach((k, val) -> ...);
 * }
 * }</pre>
 *
 * <h2>Values, and telling "absent" apart</h2>
 * Every {@code long} is a valid key and a valid value. Methods that return a value return the table's
 * {@link #missingValue()} (0 unless configured) — or the {@code ifAbsent} argument of their overload —
 * when there is no entry. When that value could also be stored, ask exactly: {@link #containsKey}, or
 * compare {@link #size()} before and after: {@code put} inserted iff the size grew, {@code remove}
 * removed iff it shrank. Both are plain field reads and allocate nothing.
 *
 * <h2>Threads</h2>
 * Single writer, like Go's map: one thread may write at a time, and reads must not run concurrently
 * with a write. A second writer, or a read during a write, is detected on a best-effort basis and
 * answered with {@link java.util.ConcurrentModificationException}. Reads from several threads with no
 * writer are fine. Use after {@link #close()} throws {@link IllegalStateException}; even a racing close
 * cannot crash the JVM, because every access goes through a bounds- and liveness-checked segment.
 *
 * <h2>Cost</h2>
 * {@code get}, {@code put}, {@code remove} and cursor steps allocate nothing on the Java heap. A write
 * during a growth also moves one old chain (about a dozen entries; two in the rare case that its own old
 * chain is full and has no overflow room left).
 */
public final class LongLongMap implements AutoCloseable {

    /** The layout: a compile-time constant, so every offset below folds into the instruction. */
    private static final BucketLayout L = BucketLayout.LONG_LONG;
    private static final long LINK = L.overflowOffset();
    /**
     * Key 7 (offset 64) and value 7 (offset 128) lie in the second and third of the three cache lines a
     * 144-byte bucket spans when the array is 16-byte aligned (mappings are page-aligned): a lookup loads them
     * to fetch all three at once. Elsewhere only the speed of a lookup would differ.
     */
    private static final long LINE_1 = L.keyOffset(BucketLayout.SLOTS - 1);
    private static final long LINE_2 = L.valueOffset(BucketLayout.SLOTS - 1);
    static {
        // The lookup fast path reads "slot 8" when nothing matches: those offsets must stay in the bucket.
        if (L.valueOffset(BucketLayout.SLOTS) + Long.BYTES > L.bucketSize()
                || L.keyOffset(BucketLayout.SLOTS) + Long.BYTES > L.bucketSize()) {
            throw new ExceptionInInitializerError("LongLongMap's lookup assumes slot 8 offsets inside the bucket");
        }
    }

    private static final HashTable.KeyHasher LONG_KEYS =
            (segment, keyOffset, seed) -> Hashing.hashLong(segment.get(BucketLayout.WORD, keyOffset), seed);

    private final HashTable table;
    private final long missingValue;

    /** An empty table with the default allocator and no budget. */
    public LongLongMap() {
        this(builder());
    }

    private LongLongMap(final Builder builder) {
        this.table = new HashTable(L, LONG_KEYS, builder.allocator, builder.expectedSize, builder.memoryBudget,
                builder.backgroundMemoryWork, builder.owner);
        this.missingValue = builder.missingValue;
    }

    /** An empty table sized, as Go's {@code make(map, n)} is, to hold {@code expectedSize} entries without growing. */
    public static LongLongMap withExpectedSize(final long expectedSize) {
        return builder().expectedSize(expectedSize).build();
    }

    /** Options for a new table. */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ reads

    /** The value for {@code key}, or {@link #missingValue()} if there is none. */
    public long get(final long key) {
        return getOrDefault(key, missingValue);
    }

    /** The value for {@code key}, or {@code defaultValue} if there is none. */
    public long getOrDefault(final long key, final long defaultValue) {
        final HashTable t = table;
        t.beginRead();
        return lookup(t, Hashing.hashLong(key, t.seed), key, defaultValue);
    }

    /**
     * The lookup itself, given the key's hash under the table's seed, without the misuse check: also the
     * optimistic read of {@link ConcurrentLongLongMap}, which runs it while a writer may be active and
     * validates the result afterwards (a racing write can make it read garbage, or throw, but not crash).
     */
    static long lookup(final HashTable t, final long hash, final long key, final long defaultValue) {
        final BucketArray array = t.arrayToRead(hash);
        final MemorySegment segment = array.segment;
        final int top = TopHash.of(hash);
        long bucket = L.bucketOffset(hash & array.mask);
        // Each turn tries the first slot whose tophash matches, with its key and value loaded together. With
        // no match the slot is 8, whose "key" and "value" offsets (72, 136) still lie inside this bucket, so
        // the loads are harmless and the key test fails. Almost every lookup returns on its first turn.
        //
        // The bucket's other two cache lines are fetched together with its first: the value is always in
        // one of them, the key often, and which is known only once the tophash word has arrived, so
        // without this a lookup waits for two memory latencies in a row. The hit test compares the two words
        // with an arbitrary constant only so that the JIT cannot drop their loads; should they ever equal
        // it, the same slot is tried again. Measured at 10M (docs/PERFORMANCE-HISTORY.md, "Lookups"): single
        // gets 13-25% faster from p50 to p99.9, a stream of independent lookups 12-15% slower (it keeps
        // fewer lookups in flight).
        //
        // The rare rest (a second tophash match, an overflow bucket, a miss) is the same loop, not a call:
        // a call the JIT does not inline (one taken by ~3% of lookups is not) makes the caller keep its
        // live values on the stack around it and re-read them, and every table field, on each lookup. The
        // method must stay small enough to be inlined (docs/PERFORMANCE-HISTORY.md, "The chain walk in
        // line").
        long tophashes = segment.get(BucketLayout.WORD, bucket);
        long otherLines = segment.get(BucketLayout.WORD, bucket + LINE_1)
                ^ segment.get(BucketLayout.WORD, bucket + LINE_2);
        long match = TopHash.matching(tophashes, top);
        while (true) {
            final int slot = TopHash.firstSlot(match);
            final long candidateKey = segment.get(BucketLayout.WORD, bucket + L.keyOffset(slot));
            final long candidateValue = segment.get(BucketLayout.WORD, bucket + L.valueOffset(slot));
            if (candidateKey == key && match != 0) {
                if (otherLines != BucketArray.ARBITRARY_WORD) {
                    return candidateValue;
                }
                otherLines = ~BucketArray.ARBITRARY_WORD;
            } else if (match != 0) {
                match &= match - 1;
            } else {
                if (TopHash.hasEmptyRest(tophashes)) {
                    return defaultValue;
                }
                final long link = segment.get(BucketLayout.WORD, bucket + LINK);
                if (link == 0) {
                    return defaultValue;
                }
                bucket = link - array.base;
                tophashes = segment.get(BucketLayout.WORD, bucket);
                match = TopHash.matching(tophashes, top);
            }
        }
    }

    /** Whether {@code key} has an entry. */
    public boolean containsKey(final long key) {
        final HashTable t = table;
        t.beginRead();
        return contains(t, Hashing.hashLong(key, t.seed), key);
    }

    /** {@link #containsKey} given the hash, without the misuse check (see {@link #lookup}). */
    static boolean contains(final HashTable t, final long hash, final long key) {
        return find(t.arrayToRead(hash), hash, key) >= 0;
    }

    /**
     * Where {@code key} is in {@code array}: {@code bucketOffset * 8 + slot}, or -1. A bucket's eight
     * tophash bytes are compared at once (SWAR); only slots whose tophash matches have their key read.
     */
    private static long find(final BucketArray array, final long hash, final long key) {
        final MemorySegment segment = array.segment;
        final int top = TopHash.of(hash);
        long bucket = L.bucketOffset(hash & array.mask);
        while (true) {
            final long tophashes = segment.get(BucketLayout.WORD, bucket);
            for (long match = TopHash.matching(tophashes, top); match != 0; match &= match - 1) {
                final int slot = TopHash.firstSlot(match);
                if (segment.get(BucketLayout.WORD, bucket + L.keyOffset(slot)) == key) {
                    return bucket << BucketLayout.SLOT_BITS | slot;
                }
            }
            if (TopHash.hasEmptyRest(tophashes)) {
                return -1;
            }
            final long link = segment.get(BucketLayout.WORD, bucket + LINK);
            if (link == 0) {
                return -1;
            }
            bucket = link - array.base;
        }
    }

    private static long valueAt(final long position) {
        return (position >>> BucketLayout.SLOT_BITS) + L.valueOffset((int) position & (BucketLayout.SLOTS - 1));
    }

    // ------------------------------------------------------------------ writes

    /**
     * Maps {@code key} to {@code value}.
     *
     * @return the previous value, or {@link #missingValue()} if the key was absent
     */
    public long put(final long key, final long value) {
        return update(key, value, missingValue, PUT, null);
    }

    /**
     * Maps {@code key} to {@code value}.
     *
     * @return the previous value, or {@code ifAbsent} if the key was absent
     */
    public long put(final long key, final long value, final long ifAbsent) {
        return update(key, value, ifAbsent, PUT, null);
    }

    /**
     * Maps {@code key} to {@code value} unless it already has a value.
     *
     * @return the value already present (left unchanged), or {@link #missingValue()} if {@code value} was inserted
     */
    public long putIfAbsent(final long key, final long value) {
        return update(key, value, missingValue, PUT_IF_ABSENT, null);
    }

    /**
     * Maps {@code key} to {@code value} only if it already has a value.
     *
     * @return the previous value, or {@link #missingValue()} if there was none (and nothing was inserted)
     */
    public long replace(final long key, final long value) {
        return update(key, value, missingValue, REPLACE, null);
    }

    /**
     * Adds {@code delta} to the value of {@code key}, inserting {@code delta} if there is none: a counter.
     *
     * @return the value after the addition
     */
    public long addTo(final long key, final long delta) {
        return update(key, delta, 0, ADD, null);
    }

    /**
     * Maps {@code key} to {@code merger.applyAsLong(existing, value)} if it has a value, else to
     * {@code value}; {@code Map.merge} for primitives. A non-capturing lambda allocates nothing.
     *
     * @return the value now stored
     */
    public long merge(final long key, final long value, final LongBinaryOperator merger) {
        Objects.requireNonNull(merger, "merger");
        return update(key, value, 0, MERGE, merger);
    }

    /**
     * The value for {@code key}; if there is none, {@code mappingFunction}'s value for it, stored and returned
     * ({@code Map.computeIfAbsent} for primitives; every {@code long} is a value, so there is no "store nothing").
     * The function runs outside any write, so it may read this map. If it throws, nothing is stored and its
     * exception reaches the caller; should it store a value for the key itself, that value is kept and returned.
     * A non-capturing lambda allocates nothing.
     */
    public long computeIfAbsent(final long key, final LongUnaryOperator mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        final HashTable t = table;
        t.beginRead();
        final long hash = Hashing.hashLong(key, t.seed);
        final BucketArray array = t.arrayToRead(hash);
        final long position = find(array, hash, key);
        if (position >= 0) {
            return array.segment.get(BucketLayout.WORD, valueAt(position));
        }
        final long computed = mappingFunction.applyAsLong(key);
        final long entries = t.count;
        final long present = update(key, computed, 0, PUT_IF_ABSENT, null);
        return t.count > entries ? computed : present;
    }

    /** {@link #update} modes: what happens to an existing value, and whether an absent key is inserted. */
    private static final int PUT = 0;
    private static final int PUT_IF_ABSENT = 1;
    private static final int REPLACE = 2;
    private static final int ADD = 3;
    private static final int MERGE = 4;

    /**
     * Every write of a value. {@code mode} decides what an existing value becomes (PUT, REPLACE: {@code
     * value}; ADD: the sum; MERGE: the merger's result; PUT_IF_ABSENT: unchanged) and whether an absent key is
     * inserted (all but REPLACE). Returns the previous value for PUT, PUT_IF_ABSENT and REPLACE, the new one
     * for ADD and MERGE, and {@code ifAbsent} when PUT, PUT_IF_ABSENT or REPLACE found no entry.
     *
     * <p>Most writes, outside a growth, are settled in the key's head bucket: its first tophash match is the
     * key, or there is no match and the bucket holds an {@code emptyRest} slot (so the chain holds no such key)
     * and the insert needs no growth. That case is written here, within the JIT's bytecode limit for inlining
     * it (with {@code mode} a constant) into the caller; everything else is {@link #updateInChain}, a call.
     * Compiled on its own, with every mode in it, this method is over HotSpot's machine-code limit for inlining
     * ({@code InlineSmallCode}): a caller compiled after that calls it, as every write did before. In a plain
     * loop of puts that is the usual order (docs/PERFORMANCE-HISTORY.md, "A plain loop of puts does not inline
     * the write"). Measured in the bench's loop, which inlines it (docs/PERFORMANCE-HISTORY.md, "A write's
     * head-bucket case in line"): the presized 10M build ~20% faster.
     */
    private long update(final long key, final long value, final long ifAbsent, final int mode,
                        final LongBinaryOperator merger) {
        final HashTable t = table;
        t.beginWrite();
        try {
            final long hash = Hashing.hashLong(key, t.seed);
            final int top = TopHash.of(hash);
            final BucketArray array = t.bucketsUnlessGrowing();
            if (array != null) {
                final MemorySegment segment = array.segment;
                final long bucket = L.bucketOffset(hash & array.mask);
                final long tophashes = segment.get(BucketLayout.WORD, bucket);
                final long match = TopHash.matching(tophashes, top);
                if (match == 0) {
                    if (TopHash.hasEmptyRest(tophashes) && mode != REPLACE && !t.needsGrowthBeforeInsert()) {
                        return insert(t, segment, bucket, TopHash.firstSlot(TopHash.empty(tophashes)), top, key,
                                value, ifAbsent, mode);
                    }
                } else {
                    final int slot = TopHash.firstSlot(match);
                    if (segment.get(BucketLayout.WORD, bucket + L.keyOffset(slot)) == key) {
                        return applyToExisting(segment, bucket + L.valueOffset(slot), value, mode, merger);
                    }
                }
            }
            return updateInChain(t, hash, top, key, value, ifAbsent, mode, merger);
        } finally {
            t.endWrite();
        }
    }

    /**
     * {@link #update} past its head-bucket case: the whole chain, during a growth too. {@code hash} and {@code top}
     * are the key's, under the seed, which no write changes.
     */
    private static long updateInChain(final HashTable t, final long hash, final int top, final long key,
                                      final long value, final long ifAbsent, final int mode,
                                      final LongBinaryOperator merger) {
        while (true) {
            final BucketArray array = t.arrayToWrite(hash);
            final long index = hash & array.mask;
            final MemorySegment segment = array.segment;
            long bucket = L.bucketOffset(index);
            long freeBucket = -1;
            int freeSlot = 0;
            while (true) {
                final long tophashes = segment.get(BucketLayout.WORD, bucket);
                for (long match = TopHash.matching(tophashes, top); match != 0; match &= match - 1) {
                    final int slot = TopHash.firstSlot(match);
                    if (segment.get(BucketLayout.WORD, bucket + L.keyOffset(slot)) == key) {
                        return applyToExisting(segment, bucket + L.valueOffset(slot), value, mode, merger);
                    }
                }
                if (freeBucket < 0) {
                    final long empty = TopHash.empty(tophashes);
                    if (empty != 0) {
                        freeBucket = bucket;
                        freeSlot = TopHash.firstSlot(empty);
                    }
                }
                if (TopHash.hasEmptyRest(tophashes)) {
                    break;
                }
                final long link = segment.get(BucketLayout.WORD, bucket + LINK);
                if (link == 0) {
                    break;
                }
                bucket = link - array.base;
            }
            if (mode == REPLACE) {
                return ifAbsent;
            }
            if (t.needsGrowthBeforeInsert() && t.growBeforeInsert(freeBucket >= 0)) {
                continue;
            }
            if (freeBucket < 0) {
                if (!t.canLinkOverflow(array)) {
                    t.evacuateChainOf(hash);
                    continue;
                }
                freeBucket = t.newOverflow(array, bucket, false);
                freeSlot = 0;
            }
            return insert(t, segment, freeBucket, freeSlot, top, key, value, ifAbsent, mode);
        }
    }

    /** What an existing value becomes in {@code mode}, and what the write returns (see {@link #update}). */
    private static long applyToExisting(final MemorySegment segment, final long valueOffset, final long value,
                                        final int mode, final LongBinaryOperator merger) {
        final long previous = segment.get(BucketLayout.WORD, valueOffset);
        if (mode == PUT || mode == REPLACE) {
            segment.set(BucketLayout.WORD, valueOffset, value);
        } else if (mode == ADD || mode == MERGE) {
            final long updated = mode == ADD ? previous + value : merger.applyAsLong(previous, value);
            segment.set(BucketLayout.WORD, valueOffset, updated);
            return updated;
        }
        return previous;
    }

    /** Stores a new entry in a free slot; the tophash last, so that the slot is complete when it is seen. */
    private static long insert(final HashTable t, final MemorySegment segment, final long bucket, final int slot,
                               final int top, final long key, final long value, final long ifAbsent, final int mode) {
        segment.set(BucketLayout.WORD, bucket + L.keyOffset(slot), key);
        segment.set(BucketLayout.WORD, bucket + L.valueOffset(slot), value);
        segment.set(BucketLayout.BYTE, bucket + BucketLayout.tophashOffset(slot), (byte) top);
        t.entryAdded();
        return mode == ADD || mode == MERGE ? value : ifAbsent;
    }

    /**
     * Removes the entry for {@code key}.
     *
     * @return the removed value, or {@link #missingValue()} if there was none
     */
    public long remove(final long key) {
        return remove(key, missingValue);
    }

    /**
     * Removes the entry for {@code key}.
     *
     * @return the removed value, or {@code ifAbsent} if there was none
     */
    public long remove(final long key, final long ifAbsent) {
        return remove(key, ifAbsent, false, 0);
    }

    /** {@link #remove(long, long)}, only if {@code key}'s value is {@code expected} when {@code onlyIf}. */
    private long remove(final long key, final long ifAbsent, final boolean onlyIf, final long expected) {
        final HashTable t = table;
        t.beginWrite();
        try {
            if (t.count == 0) {
                return ifAbsent;
            }
            final long hash = Hashing.hashLong(key, t.seed);
            final BucketArray array = t.arrayToWrite(hash);
            final long head = L.bucketOffset(hash & array.mask);
            final long position = find(array, hash, key);
            if (position < 0) {
                return ifAbsent;
            }
            final long valueOffset = valueAt(position);
            final long previous = array.segment.get(BucketLayout.WORD, valueOffset);
            if (onlyIf && previous != expected) {
                return ifAbsent;
            }
            // Go clears the value of a deleted slot (and a pointer-free key is left as it is).
            array.segment.set(BucketLayout.WORD, valueOffset, 0L);
            t.removeSlot(array, head, position >>> BucketLayout.SLOT_BITS,
                    (int) position & (BucketLayout.SLOTS - 1));
            return previous;
        } finally {
            t.endWrite();
        }
    }

    /**
     * Maps {@code key} to {@code newValue} only if it is now mapped to {@code expectedValue}: {@code Map.replace(key,
     * oldValue, newValue)}, a compare-and-set for the concurrent map's callers.
     *
     * @return whether the value was replaced
     */
    public boolean replace(final long key, final long expectedValue, final long newValue) {
        // One pass, as remove's: the slot found is the one to write, in whichever array holds the key's chain.
        final HashTable t = table;
        t.beginWrite();
        try {
            if (t.count == 0) {
                return false;
            }
            final long hash = Hashing.hashLong(key, t.seed);
            final BucketArray array = t.arrayToWrite(hash);
            final long position = find(array, hash, key);
            if (position < 0 || array.segment.get(BucketLayout.WORD, valueAt(position)) != expectedValue) {
                return false;
            }
            array.segment.set(BucketLayout.WORD, valueAt(position), newValue);
            return true;
        } finally {
            t.endWrite();
        }
    }

    /**
     * Removes the entry for {@code key} only if it is mapped to {@code expectedValue}: {@code Map.remove(key,
     * value)}, under another name since {@link #remove(long, long)} takes a missing value.
     *
     * @return whether the entry was removed
     */
    public boolean removeIfValue(final long key, final long expectedValue) {
        final long entries = table.count;
        remove(key, 0, true, expectedValue);
        return table.count < entries;
    }

    /** Removes every entry in O(1); B is kept, as in Go, and a new hash seed is drawn. */
    public void clear() {
        table.clearAsWrite();
    }

    // ------------------------------------------------------------------ iteration

    /** Calls {@code action} once per entry, in Go's randomised order. */
    public void forEach(final LongLongConsumer action) {
        Objects.requireNonNull(action, "action");
        try (LongLongCursor cursor = cursor()) {
            while (cursor.next()) {
                action.accept(cursor.key(), cursor.value());
            }
        }
    }

    /**
     * A cursor over the entries, positioned before the first. Reuse it with {@link LongLongCursor#reset()}:
     * stepping allocates nothing.
     */
    public LongLongCursor cursor() {
        final LongLongCursor cursor = new LongLongCursor(this, table);
        cursor.reset();
        return cursor;
    }

    /** Used by cursors that meet an evacuated slot: the live value of {@code key}, if any. */
    boolean readLive(final long key, final LongLongCursor into) {
        final HashTable t = table;
        final long hash = Hashing.hashLong(key, t.seed);
        final BucketArray array = t.arrayToRead(hash);
        final long position = find(array, hash, key);
        if (position < 0) {
            return false;
        }
        into.set(key, array.segment.get(BucketLayout.WORD, valueAt(position)));
        return true;
    }

    // ------------------------------------------------------------------ the rest

    /** Live entries. */
    public long size() {
        return table.size();
    }

    /** Whether there are no entries. */
    public boolean isEmpty() {
        return size() == 0;
    }

    /** What {@link #get}, {@link #put(long, long)} and {@link #remove(long)} return for "no entry". */
    public long missingValue() {
        return missingValue;
    }

    /**
     * Evacuates every chain still waiting in a growth in progress, now. O(old array): for owners who
     * choose when to pay, e.g. between bursts; writes do this work a little at a time anyway.
     */
    public void finishGrowth() {
        table.finishGrowthAsWrite();
    }

    /**
     * Evacuates old chains of a growth in progress for about {@code timeBudget}, then returns: beyond Go, whose
     * tables evacuate only on writes and so keep both arrays for as long as nobody writes. For owners who
     * have a moment to spare (an idle loop, a timer) and want the old array gone. However small the budget (zero
     * or negative included), a growth in progress moves at least {@value HashTable#CHAINS_PER_CLOCK_CHECK} old
     * chains, so that a loop calling this until it returns true gets there.
     *
     * @return true when no growth is left in progress
     */
    public boolean evacuate(final java.time.Duration timeBudget) {
        return table.evacuateForAsWrite(HashTable.budgetNanos(timeBudget));
    }

    /**
     * Gives back the memory held only for growths to come: the next array, which the memory worker maps and
     * faults in once a table of 2^14 buckets or more passes 5/8 of its growth threshold, and the retired arrays
     * below 2^13 buckets that a table keeps until it retires one of 2^13 (about 61,000 entries; see "Memory"
     * in the README). For the owner of a long-lived table that has stopped growing: a table grown to 10M
     * entries holds a prepared next array of about twice its own size (32 bytes per entry become about 96).
     * The table keeps every entry and its speed. Only what the table has asked for is released: one that has
     * not reached 5/8 of its threshold yet asks when it does. Should the growth a released array was for come
     * after all, it maps its array on the writing thread and faults its pages in as it writes (what the worker
     * would have done ahead of it); the worker prepares the array after that one as usual.
     *
     * @return the bytes no longer charged to the table ({@link MapStats#committedBytes()}): what
     *         {@link MapStats#spareBytes()} showed; the memory worker unmaps them shortly after
     * @throws IllegalStateException if the table is closed
     */
    public long releaseSpareMemory() {
        return table.releaseSpareMemoryAsWrite();
    }

    /**
     * Moves every entry into the smallest array that holds them within Go's load factor (Go's {@code makemap}
     * for {@link #size()}), when that is smaller than the current one, and gives back what
     * {@link #releaseSpareMemory()} gives back. Go's maps never shrink: a table a burst filled and deletes
     * emptied keeps its largest array. This is O(table), on the calling thread (a growth in progress is
     * finished first), for owners who choose when to pay; nothing else in the table works this way. Cursors
     * started before go on and yield every entry present throughout exactly once, as during a growth. The
     * next insert after a trim to a full array starts a doubling, as it would in a table built for that size.
     *
     * @return the bytes no longer charged to the table ({@link MapStats#committedBytes()}), net of the smaller
     *         array; negative while a cursor started before still reads the old array, which stays charged until
     *         the cursor lets go
     * @throws io.panamap.memory.MemoryBudgetExceededException if the budget cannot hold the smaller array
     *         beside the current one while entries move (or {@link io.panamap.memory.NativeMemoryException} if
     *         the allocator refuses it): the entries and the array stay as they were, a growth in progress
     *         finished
     * @throws IllegalStateException if the table is closed
     */
    public long trimToSize() {
        return table.trimToSizeAsWrite(0);
    }

    /**
     * {@link #trimToSize()}, leaving room for {@code expectedSize} entries (or {@link #size()}, if more): the
     * array Go's {@code makemap} picks for that many, so that refilling to it starts no growth.
     *
     * @throws IllegalArgumentException if {@code expectedSize} is negative (nothing is changed)
     */
    public long trimToSize(final long expectedSize) {
        return table.trimToSizeAsWrite(expectedSize);
    }

    /** Shape, growth progress and memory of the table. */
    public MapStats stats() {
        return table.stats();
    }

    /** The engine, for the invariant checker and white-box tests of this package. */
    HashTable table() {
        return table;
    }

    /**
     * Where this table's buckets are in native memory, for tools that read them from outside Java (see
     * {@link NativeView}). Reading that memory is the caller's risk; the table itself is not affected.
     *
     * @throws IllegalStateException if the table is closed
     */
    public NativeView nativeView() {
        return table.nativeView();
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return table.closed;
    }

    /**
     * Frees all native memory now; every later use throws {@link IllegalStateException}. Idempotent. Nothing else
     * frees it: a table dropped unclosed keeps its memory until the JVM exits.
     */
    @Override
    public void close() {
        table.close();
    }

    /** Its name, as its messages give it, and its size, or that it is closed. */
    @Override
    public String toString() {
        return table.owner() + (table.closed ? "[closed]" : "[size=" + table.count + "]");
    }

    /** Options for a {@link LongLongMap}. */
    public static final class Builder {
        private long expectedSize;
        private NativeAllocator allocator = NativeAllocators.defaultAllocator();
        private long memoryBudget = Long.MAX_VALUE;
        private long missingValue;
        private boolean backgroundMemoryWork = true;
        /** How the table names itself in messages, stats and events. */
        private String owner = "LongLongMap";

        private Builder() {
        }

        /**
         * Size the table for this many entries up front, choosing B exactly as Go's {@code makemap}. The
         * array's buckets and spares are faulted in by the constructor (about 0.1 s for the 306 MiB of a
         * 10M-entry table here), so the inserts that fill them do not pay first touches.
         */
        public Builder expectedSize(final long entries) {
            if (entries < 0) {
                throw new IllegalArgumentException("expected size must not be negative: " + entries);
            }
            this.expectedSize = entries;
            return this;
        }

        /** Where bucket arrays come from (default: lazily faulted mmap, 4 KiB pages). */
        public Builder allocator(final NativeAllocator allocator) {
            this.allocator = Objects.requireNonNull(allocator, "allocator");
            return this;
        }

        /**
         * The most native memory the table may hold, in bytes: main buckets, Go's preallocated spares and
         * overflow buckets of every live array (during a growth, old and new). A write that would need more
         * throws {@link io.panamap.memory.MemoryBudgetExceededException} and changes nothing.
         */
        public Builder memoryBudget(final long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("memory budget must be positive: " + bytes);
            }
            this.memoryBudget = bytes;
            return this;
        }

        /** What reads and writes return for "no entry" (default 0). */
        public Builder missingValue(final long value) {
            this.missingValue = value;
            return this;
        }

        /**
         * Whether the memory work that is not O(1) runs on the background
         * {@link io.panamap.memory.MemoryWorker} (default): mapping and pre-faulting the array the next
         * growth will need, and unmapping the arrays growths retire. When off, a growth maps its array
         * inline (about 10 µs, plus page faults as evacuation touches it) and retired arrays are unmapped
         * by the write that retires them (about 24 µs per MiB). Turn it off only for an application
         * without a spare core, or for deterministic tests.
         */
        public Builder backgroundMemoryWork(final boolean background) {
            this.backgroundMemoryWork = background;
            return this;
        }

        /**
         * A name for the table, so that an application's tables can be told apart: its messages and JFR events
         * then say "LongLongMap 'orders'" where they said "LongLongMap".
         *
         * @throws IllegalArgumentException if {@code name} is blank or more than one line
         */
        public Builder name(final String name) {
            this.owner = TableNames.named("LongLongMap", name);
            return this;
        }

        /** The name the table gives itself in messages and events, whole (a concurrent map names its shards). */
        Builder owner(final String name) {
            this.owner = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * The table, with its first array mapped (and, for an {@link #expectedSize}, faulted in).
         *
         * @throws io.panamap.memory.MemoryBudgetExceededException if the {@link #memoryBudget} cannot hold that
         *         first array (for the expected size, as Go's {@code makemap} picks it; 144 bytes at the least)
         * @throws io.panamap.memory.NativeMemoryException if the allocator cannot map it
         * @throws IllegalArgumentException if the expected size needs more than 2^40 buckets
         */
        public LongLongMap build() {
            return new LongLongMap(this);
        }
    }
}
