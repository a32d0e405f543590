package io.panamap;

import io.panamap.codec.Codec;
import io.panamap.hash.BytesHash;
import io.panamap.layout.BucketLayout;
import io.panamap.layout.TopHash;
import io.panamap.memory.NativeAllocator;
import io.panamap.memory.NativeAllocators;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A hash table from any key type to any value type, its buckets in native memory laid out as Go lays out
 * a {@code map[K]V} and grown by the same engine as {@link LongLongMap} (incremental evacuation, no
 * pause, nothing for the garbage collector). {@link Codec}s write keys and values straight into bucket
 * slots and read them back.
 *
 * <pre>{@code
 * try (OffHeapMap<CharSequence, byte[]> orders = OffHeapMap.builder(Codecs.utf8(), Codecs.bytes()).build()) {
 *     orders.put("ORD-1", payload);
 *     byte[] p = orders.get("ORD-1");
 *     MemorySegment v = orders.getView(someStringBuilder);    // no copy, no garbage: valid until the next write
 * }
 * }</pre>
 *
 * <h2>Where keys and values live (Go's rule)</h2>
 * A fixed-size key or value of up to 128 bytes is stored in the bucket; a larger one out of line, behind an
 * 8-byte address; a variable-length one ({@code byte[]}, strings, segments) out of line, the slot holding
 * its address and length (16 bytes, Go's string header). So {@code map[string]int64} buckets are 208
 * bytes, {@code map[string]string} 272 and {@code map[int64]int8} 88, as in Go ({@link #layout()}).
 * Out-of-line bytes live in storage this table owns and charges to its memory budget; removing or
 * replacing an entry frees or reuses them ({@link #storageStats()} reports use and fragmentation).
 *
 * <h2>Keys are their bytes</h2>
 * Keys are hashed (a seeded wyhash-class hash, {@link BytesHash}) and compared by their encodings, so a
 * key codec must encode equal keys to equal bytes ({@link Codec}). It also means a key can be looked up
 * by its encoding directly ({@link #containsEncodedKey}, {@link #getViewByEncodedKey}), e.g. the UTF-8
 * bytes of a string-keyed entry straight from a network buffer.
 *
 * <h2>Garbage</h2>
 * A lookup allocates nothing: the key is encoded into a per-thread buffer that grows only to the
 * longest key seen. What a read returns may: {@link #get} decodes a new object. The garbage-free reads
 * are {@link #containsKey}, {@link #getUsing} (decodes into an object the caller reuses, for codecs of
 * mutable types), {@link #copyValue} (copies the encoding into the caller's memory) and the write methods
 * {@link #set}, {@link #setIfAbsent}, {@link #setIfPresent} and {@link #delete}, which do not decode what they
 * replace.
 * {@link #getView} returns a read-only segment over the stored bytes, not a copy, which is valid only until
 * the next write to the table (a later write may move, overwrite or free those bytes; reading a view after
 * {@link #close()} throws {@link IllegalStateException}).
 *
 * <h2>Threads</h2>
 * As {@link LongLongMap}: one writer at a time and no reads during a write (detected, best effort, with
 * {@link java.util.ConcurrentModificationException}); reads from several threads at once are fine.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class OffHeapMap<K, V> implements AutoCloseable {

    /** What {@link #upsert} and {@link #removeEntry} return when they have no decoded value to give back. */
    static final Object INSERTED = new Object();
    static final Object PRESENT = new Object();
    static final Object ABSENT = new Object();

    private final String name;
    private final BucketLayout layout;
    private final SlotCodec<K> keys;
    private final SlotCodec<V> values;
    private final HashTable table;

    /** The bucket layout for these codecs, by Go's size rule (for a concurrent map's shards too). */
    static BucketLayout layoutOf(final Codec<?> keyCodec, final Codec<?> valueCodec) {
        return layoutOf(new SlotCodec<>(keyCodec), new SlotCodec<>(valueCodec));
    }

    private static BucketLayout layoutOf(final SlotCodec<?> keys, final SlotCodec<?> values) {
        if (keys.fixedSize == 0) {
            throw new IllegalArgumentException("key codec " + keys.codec.name() + " has size 0: keys need bytes");
        }
        return BucketLayout.forSizes(keys.typeSize(), values.typeSize());
    }

    /** {@code type<key codec, value codec>}: how a typed table, or a concurrent map of them, names itself. */
    static String nameOf(final String type, final Codec<?> keyCodec, final Codec<?> valueCodec) {
        return type + "<" + keyCodec.name() + ", " + valueCodec.name() + ">";
    }

    private OffHeapMap(final Builder<K, V> builder) {
        this.keys = new SlotCodec<>(builder.keyCodec);
        this.values = new SlotCodec<>(builder.valueCodec);
        this.name = builder.owner != null ? builder.owner : nameOf("OffHeapMap", builder.keyCodec, builder.valueCodec);
        this.layout = layoutOf(keys, values);
        final SlotCodec<K> keySide = keys;
        this.table = new HashTable(layout, (segment, keyOffset, seed) -> keySide.hashStored(segment, keyOffset, seed),
                builder.allocator, builder.expectedSize, builder.memoryBudget, builder.backgroundMemoryWork, name);
        final HashTable engine = table;
        final OutOfLineStore.BudgetGuard guard = new OutOfLineStore.BudgetGuard() {
            @Override
            public void admit(final long bytes, final String purpose) {
                engine.admit(bytes, purpose);
            }

            @Override
            public void allocatorFailed(final String purpose, final long bytes, final RuntimeException failure) {
                engine.allocatorFailed(purpose, bytes, failure);
            }
        };
        final OutOfLineStore store = new OutOfLineStore(builder.allocator, guard, name, builder.backgroundMemoryWork);
        table.attachStorage(store);
        keys.attach(store);
        values.attach(store);
    }

    /** Options for a table whose keys and values {@code keyCodec} and {@code valueCodec} encode. */
    public static <K, V> Builder<K, V> builder(final Codec<K> keyCodec, final Codec<V> valueCodec) {
        return new Builder<>(keyCodec, valueCodec);
    }

    // ------------------------------------------------------------------ reads

    /** The value for {@code key}, decoded, or null if there is none. */
    public V get(final K key) {
        return getOrDefault(key, null);
    }

    /** The value for {@code key}, decoded, or {@code defaultValue} if there is none. */
    public V getOrDefault(final K key, final V defaultValue) {
        final HashTable t = table;
        t.beginRead();
        return readValue(encodeKey(key, t.seed), defaultValue);
    }

    /*
     * The reads of an already encoded key, without the misuse check: also the optimistic reads of
     * ConcurrentOffHeapMap, which validate what they return (a racing write can make them read garbage or
     * throw, but not crash: every access is checked against its segment).
     */

    V readValue(final StagingBuffer k, final V defaultValue) {
        final BucketArray array = table.arrayToRead(k.hash);
        final long position = find(array, k.hash, k.segment, 0, k.length);
        return position < 0 ? defaultValue : values.read(array.segment, valueSlot(position));
    }

    V readValueUsing(final StagingBuffer k, final V reuse) {
        final BucketArray array = table.arrayToRead(k.hash);
        final long position = find(array, k.hash, k.segment, 0, k.length);
        return position < 0 ? null : values.readUsing(array.segment, valueSlot(position), reuse);
    }

    boolean containsEncoded(final StagingBuffer k) {
        return find(table.arrayToRead(k.hash), k.hash, k.segment, 0, k.length) >= 0;
    }

    long copyValueEncoded(final StagingBuffer k, final MemorySegment target, final long offset) {
        final BucketArray array = table.arrayToRead(k.hash);
        final long position = find(array, k.hash, k.segment, 0, k.length);
        return position < 0 ? -1 : values.copyTo(array.segment, valueSlot(position), target, offset);
    }

    /*
     * A concurrent map's optimistic copyValue and getUsing stage the value first (SlotCodec.stage): the caller's
     * memory or object is only written from bytes whose read was validated.
     */

    /** Copies the value to {@code staged}: its length, -1 if absent, or {@link SlotCodec#NOT_STAGED}. */
    long stageValueEncoded(final StagingBuffer k, final StagingBuffer staged) {
        final BucketArray array = table.arrayToRead(k.hash);
        final long position = find(array, k.hash, k.segment, 0, k.length);
        return position < 0 ? -1 : values.stage(array.segment, valueSlot(position), staged);
    }

    long copyStagedValue(final StagingBuffer staged, final MemorySegment target, final long offset) {
        return values.copyStaged(staged, target, offset);
    }

    V readStagedValue(final StagingBuffer staged) {
        return values.readStaged(staged);
    }

    V readStagedValueUsing(final StagingBuffer staged, final V reuse) {
        return values.readStagedUsing(staged, reuse);
    }

    /**
     * The value for {@code key} decoded into {@code reuse} (for a value codec of a mutable type; others
     * decode a new object), or null if there is none. With such a codec this allocates nothing.
     */
    public V getUsing(final K key, final V reuse) {
        final HashTable t = table;
        t.beginRead();
        return readValueUsing(encodeKey(key, t.seed), reuse);
    }

    /** Whether {@code key} has an entry. Allocates nothing. */
    public boolean containsKey(final K key) {
        final HashTable t = table;
        t.beginRead();
        return containsEncoded(encodeKey(key, t.seed));
    }

    /**
     * A read-only view of the encoded value for {@code key}, or null if there is none: no copy, but valid
     * only until the next write to this table (see the class comment).
     */
    public MemorySegment getView(final K key) {
        final HashTable t = table;
        t.beginRead();
        final StagingBuffer k = encodeKey(key, t.seed);
        final BucketArray array = t.arrayToRead(k.hash);
        final long position = find(array, k.hash, k.segment, 0, k.length);
        return position < 0 ? null : values.view(array.segment, valueSlot(position));
    }

    /**
     * Copies the encoded value for {@code key} to {@code target} at {@code offset}. Allocates nothing.
     *
     * @return the value's length in bytes, or -1 if there is no entry
     * @throws IndexOutOfBoundsException if the value does not fit (nothing is copied)
     * @throws IllegalArgumentException if {@code target} is read-only (nothing is copied)
     */
    public long copyValue(final K key, final MemorySegment target, final long offset) {
        final HashTable t = table;
        t.beginRead();
        return copyValueEncoded(encodeKey(key, t.seed), target, offset);
    }

    /** Whether a key whose encoding is all of {@code encodedKey} has an entry. Allocates nothing. */
    public boolean containsEncodedKey(final MemorySegment encodedKey) {
        final HashTable t = table;
        t.beginRead();
        final long length = checkedKeyLength(encodedKey);
        final long hash = BytesHash.hash(encodedKey, 0, length, t.seed);
        return find(t.arrayToRead(hash), hash, encodedKey, 0, length) >= 0;
    }

    /**
     * A read-only view of the encoded value of the key whose encoding is all of {@code encodedKey}, or null:
     * valid until the next write, as {@link #getView}.
     */
    public MemorySegment getViewByEncodedKey(final MemorySegment encodedKey) {
        final HashTable t = table;
        t.beginRead();
        final long length = checkedKeyLength(encodedKey);
        final long hash = BytesHash.hash(encodedKey, 0, length, t.seed);
        final BucketArray array = t.arrayToRead(hash);
        final long position = find(array, hash, encodedKey, 0, length);
        return position < 0 ? null : values.view(array.segment, valueSlot(position));
    }

    /**
     * The value of the key whose encoding is all of {@code encodedKey}, decoded into {@code reuse} as
     * {@link #getUsing} does, or null if there is none.
     */
    public V getUsingEncodedKey(final MemorySegment encodedKey, final V reuse) {
        final HashTable t = table;
        t.beginRead();
        final long length = checkedKeyLength(encodedKey);
        final long hash = BytesHash.hash(encodedKey, 0, length, t.seed);
        final BucketArray array = t.arrayToRead(hash);
        final long position = find(array, hash, encodedKey, 0, length);
        return position < 0 ? null : values.readUsing(array.segment, valueSlot(position), reuse);
    }

    private long checkedKeyLength(final MemorySegment encodedKey) {
        Objects.requireNonNull(encodedKey, "encodedKey");
        final long length = encodedKey.byteSize();
        if (keys.fixedSize != Codec.VARIABLE_SIZE && length != keys.fixedSize) {
            throw new IllegalArgumentException("an encoded " + keys.codec.name() + " key is " + keys.fixedSize
                    + " bytes, not " + length);
        }
        return length;
    }

    /** Encodes {@code key} into this thread's key buffer and hashes it. */
    StagingBuffer encodeKey(final K key, final long seed) {
        Objects.requireNonNull(key, "key");
        final StagingBuffer buffer = StagingBuffer.forCurrentThread().key;
        final long length = keys.encodedLength(key);
        buffer.ensureCapacity(length);
        keys.codec.encode(key, buffer.segment, 0);
        buffer.length = length;
        buffer.hash = BytesHash.hash(buffer.bytes, 0, (int) length, seed);
        return buffer;
    }

    /**
     * Where the key encoded as {@code length} bytes at {@code offset} of {@code key} is in {@code array}:
     * {@code bucketOffset * 8 + slot}, or -1. Tophashes are compared eight at a time; only slots whose
     * tophash matches have their key compared.
     */
    private long find(final BucketArray array, final long hash, final MemorySegment key, final long offset,
                      final long length) {
        final MemorySegment segment = array.segment;
        final int top = TopHash.of(hash);
        long bucket = layout.bucketOffset(hash & array.mask);
        while (true) {
            final long tophashes = segment.get(BucketLayout.WORD, bucket);
            for (long match = TopHash.matching(tophashes, top); match != 0; match &= match - 1) {
                final int slot = TopHash.firstSlot(match);
                if (keys.matches(segment, bucket + layout.keyOffset(slot), key, offset, length)) {
                    return bucket << BucketLayout.SLOT_BITS | slot;
                }
            }
            if (TopHash.hasEmptyRest(tophashes)) {
                return -1;
            }
            final long link = segment.get(BucketLayout.WORD, bucket + layout.overflowOffset());
            if (link == 0) {
                return -1;
            }
            bucket = link - array.base;
        }
    }

    private long keySlot(final long position) {
        return (position >>> BucketLayout.SLOT_BITS) + layout.keyOffset((int) position & (BucketLayout.SLOTS - 1));
    }

    private long valueSlot(final long position) {
        return (position >>> BucketLayout.SLOT_BITS) + layout.valueOffset((int) position & (BucketLayout.SLOTS - 1));
    }

    // ------------------------------------------------------------------ writes

    /**
     * Maps {@code key} to {@code value}.
     *
     * @return the previous value, decoded, or null if the key was absent
     */
    @SuppressWarnings("unchecked")
    public V put(final K key, final V value) {
        final Object previous = upsert(key, value, true, true);
        return previous == INSERTED ? null : (V) previous;
    }

    /**
     * Maps {@code key} to {@code value} without decoding what it replaces: garbage-free.
     *
     * @return true if the key was new
     */
    public boolean set(final K key, final V value) {
        return upsert(key, value, true, false) == INSERTED;
    }

    /**
     * Maps {@code key} to {@code value} unless it already has a value, which is then left as it is.
     *
     * @return true if {@code value} was inserted
     */
    public boolean setIfAbsent(final K key, final V value) {
        return upsert(key, value, false, false) == INSERTED;
    }

    /**
     * Maps {@code key} to {@code value} unless it already has a value, which is then left as it is
     * ({@code Map.putIfAbsent}).
     *
     * @return the value already there, decoded, or null if {@code value} was inserted
     */
    @SuppressWarnings("unchecked")
    public V putIfAbsent(final K key, final V value) {
        final Object previous = upsert(key, value, false, true);
        return previous == INSERTED ? null : (V) previous;
    }

    /**
     * Maps {@code key} to {@code value} only if it already has a value, without decoding what it replaces: the
     * garbage-free {@link #replace}, for a state change that must not bring back an entry already removed.
     *
     * @return true if the key had a value, now replaced; false if it had none, and nothing was inserted
     */
    public boolean setIfPresent(final K key, final V value) {
        final long valueLength = measure(value);
        return replaceEncoded(encodeKey(key, table.seed), value, valueLength, false) != ABSENT;
    }

    /**
     * Maps {@code key} to {@code newValue} only if its value is now {@code expectedValue}, compared by their
     * encodings as keys are ({@code Map.replace(key, oldValue, newValue)}): a compare-and-set. Neither value is
     * decoded.
     *
     * @return whether the value was replaced
     */
    public boolean replace(final K key, final V expectedValue, final V newValue) {
        Objects.requireNonNull(expectedValue, "expectedValue"); // null means "whatever it is" to replaceEncoded
        final long expectedLength = measure(expectedValue);
        final long valueLength = measure(newValue);
        return replaceEncoded(encodeKey(key, table.seed), expectedValue, expectedLength, newValue, valueLength, false)
                != ABSENT;
    }

    /**
     * Removes the entry for {@code key} only if its value is {@code expectedValue}, compared by their encodings
     * ({@code Map.remove(key, value)}). Nothing is decoded.
     *
     * @return whether the entry was removed
     */
    public boolean remove(final K key, final V expectedValue) {
        Objects.requireNonNull(expectedValue, "expectedValue"); // null means "any value" to removeEncoded
        final long expectedLength = measure(expectedValue);
        return removeEncoded(encodeKey(key, table.seed), expectedValue, expectedLength, false) != ABSENT;
    }

    /**
     * Maps {@code key} to {@code value} only if it already has a value ({@code Map.replace}).
     *
     * @return the previous value, decoded, or null if there was none (and nothing was inserted)
     */
    @SuppressWarnings("unchecked")
    public V replace(final K key, final V value) {
        final long valueLength = measure(value);
        final Object previous = replaceEncoded(encodeKey(key, table.seed), value, valueLength, true);
        return previous == ABSENT ? null : (V) previous;
    }

    /**
     * The value for {@code key}, decoded; if there is none, {@code mappingFunction}'s value for it, stored and
     * returned ({@code Map.computeIfAbsent}). The function runs outside any write, so it may read this map (a
     * loader that consults other entries, say). If it returns null, nothing is stored and null is returned; if
     * it throws, nothing is stored and its exception reaches the caller. Should the function itself store a
     * value for the key, that value is kept and returned.
     */
    @SuppressWarnings("unchecked")
    public V computeIfAbsent(final K key, final Function<? super K, ? extends V> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        final V present = get(key);
        if (present != null) {
            return present;
        }
        final V computed = mappingFunction.apply(key);
        if (computed == null) {
            return null;
        }
        final Object previous = upsert(key, computed, false, true); // encodes again: the function may have used
        return previous == INSERTED ? computed : (V) previous;      // this thread's key buffer
    }

    /**
     * The write path. A failure (budget, codec, native memory) leaves every entry as it was: keys and
     * values are encoded or staged before anything they would replace is touched.
     *
     * <p>The chain walk has the shape of {@link LongLongMap}'s put on purpose, not by copy: there a key
     * compare is one {@code long} load the JIT keeps inline, here it is {@link SlotCodec#matches}. Every
     * decision about growth (when, how, where an overflow bucket comes from) is {@link HashTable}'s in both.
     */
    private Object upsert(final K key, final V value, final boolean overwrite, final boolean decodePrevious) {
        final long valueLength = measure(value);
        return upsertEncoded(encodeKey(key, table.seed), value, valueLength, overwrite, decodePrevious);
    }

    /**
     * The encoded length of {@code value}, asked of its codec before the key is encoded: the key goes into this
     * thread's one key buffer, which a codec that (against {@link Codec}'s rule) looked something up in any map
     * while measuring would overwrite, storing the entry under that other key.
     */
    long measure(final V value) {
        Objects.requireNonNull(value, "value");
        return values.encodedLength(value);
    }

    /**
     * {@link #upsert} of a key already encoded (and hashed under this table's seed) in {@code k}, its value
     * {@link #measure measured} first.
     */
    Object upsertEncoded(final StagingBuffer k, final V value, final long valueLength, final boolean overwrite,
                         final boolean decodePrevious) {
        final HashTable t = table;
        t.beginWrite();
        try {
            releaseDeferredFrees(t);
            final StagingBuffer.Pair staging = StagingBuffer.forCurrentThread();
            final int top = TopHash.of(k.hash);
            while (true) {
                final BucketArray array = t.arrayToWrite(k.hash);
                final long index = k.hash & array.mask;
                final MemorySegment segment = array.segment;
                long bucket = layout.bucketOffset(index);
                long freeBucket = -1;
                int freeSlot = 0;
                while (true) {
                    final long tophashes = segment.get(BucketLayout.WORD, bucket);
                    for (long match = TopHash.matching(tophashes, top); match != 0; match &= match - 1) {
                        final int slot = TopHash.firstSlot(match);
                        if (keys.matches(segment, bucket + layout.keyOffset(slot), k.segment, 0, k.length)) {
                            final long valueOffset = bucket + layout.valueOffset(slot);
                            final Object previous = decodePrevious ? values.read(segment, valueOffset) : PRESENT;
                            if (overwrite) {
                                values.replace(value, valueLength, segment, valueOffset, staging.value,
                                        t.iterationsActive());
                            }
                            return previous;
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
                    final long link = segment.get(BucketLayout.WORD, bucket + layout.overflowOffset());
                    if (link == 0) {
                        break;
                    }
                    bucket = link - array.base;
                }
                if (t.needsGrowthBeforeInsert() && t.growBeforeInsert(freeBucket >= 0)) {
                    continue;
                }
                if (freeBucket < 0) {
                    if (!t.canLinkOverflow(array)) {
                        t.evacuateChainOf(k.hash);
                        continue;
                    }
                    freeBucket = t.newOverflow(array, bucket, false);
                    freeSlot = 0;
                }
                final long keyOffset = freeBucket + layout.keyOffset(freeSlot);
                keys.storeEncoded(segment, keyOffset, k.segment, 0, k.length);
                try {
                    values.storeNew(value, valueLength, segment, freeBucket + layout.valueOffset(freeSlot));
                } catch (final RuntimeException | Error e) {
                    keys.release(segment, keyOffset, false);
                    throw e;
                }
                segment.set(BucketLayout.BYTE, freeBucket + BucketLayout.tophashOffset(freeSlot), (byte) top);
                t.entryAdded();
                return INSERTED;
            }
        } finally {
            t.endWrite();
        }
    }

    /**
     * {@link #replace} of a key already encoded in {@code k}: the value of an entry already there is replaced,
     * as {@link #upsertEncoded} replaces it (encoded or staged before the old one is touched); nothing is inserted.
     */
    Object replaceEncoded(final StagingBuffer k, final V value, final long valueLength, final boolean decodePrevious) {
        return replaceEncoded(k, null, 0, value, valueLength, decodePrevious);
    }

    /**
     * {@link #replaceEncoded}, only if the entry's value is {@code expected} (its encoding, {@code expectedLength}
     * bytes, equals the stored one), or whatever it is for a null {@code expected}. Returns {@link #ABSENT} if it
     * replaced nothing.
     */
    Object replaceEncoded(final StagingBuffer k, final V expected, final long expectedLength, final V value,
                          final long valueLength, final boolean decodePrevious) {
        final HashTable t = table;
        t.beginWrite();
        try {
            releaseDeferredFrees(t);
            if (t.count == 0) {
                return ABSENT;
            }
            final BucketArray array = t.arrayToWrite(k.hash);
            final long position = find(array, k.hash, k.segment, 0, k.length);
            if (position < 0) {
                return ABSENT;
            }
            final MemorySegment segment = array.segment;
            final long valueOffset = valueSlot(position);
            if (expected != null && !holdsValue(segment, valueOffset, expected, expectedLength)) {
                return ABSENT;
            }
            final Object previous = decodePrevious ? values.read(segment, valueOffset) : PRESENT;
            values.replace(value, valueLength, segment, valueOffset, StagingBuffer.forCurrentThread().value,
                    t.iterationsActive());
            return previous;
        } finally {
            t.endWrite();
        }
    }

    /**
     * Removes the entry for {@code key}.
     *
     * @return the removed value, decoded, or null if there was none
     */
    @SuppressWarnings("unchecked")
    public V remove(final K key) {
        final Object previous = removeEntry(key, true);
        return previous == ABSENT ? null : (V) previous;
    }

    /**
     * Removes the entry for {@code key} without decoding its value: garbage-free.
     *
     * @return true if there was one
     */
    public boolean delete(final K key) {
        return removeEntry(key, false) != ABSENT;
    }

    private Object removeEntry(final K key, final boolean decodePrevious) {
        return removeEncoded(encodeKey(key, table.seed), decodePrevious);
    }

    /** {@link #removeEntry} of a key already encoded in {@code k}. */
    Object removeEncoded(final StagingBuffer k, final boolean decodePrevious) {
        return removeEncoded(k, null, 0, decodePrevious);
    }

    /** {@link #removeEncoded}, only if the entry's value is {@code expected} (any, for null), as {@link #replaceEncoded}. */
    Object removeEncoded(final StagingBuffer k, final V expected, final long expectedLength,
                         final boolean decodePrevious) {
        final HashTable t = table;
        t.beginWrite();
        try {
            releaseDeferredFrees(t);
            if (t.count == 0) {
                return ABSENT;
            }
            final BucketArray array = t.arrayToWrite(k.hash);
            final long index = k.hash & array.mask;
            final long position = find(array, k.hash, k.segment, 0, k.length);
            if (position < 0) {
                return ABSENT;
            }
            final MemorySegment segment = array.segment;
            final long valueOffset = valueSlot(position);
            if (expected != null && !holdsValue(segment, valueOffset, expected, expectedLength)) {
                return ABSENT;
            }
            final Object previous = decodePrevious ? values.read(segment, valueOffset) : PRESENT;
            final boolean deferFree = t.iterationsActive();
            keys.release(segment, keySlot(position), deferFree);
            values.release(segment, valueOffset, deferFree);
            t.removeSlot(array, layout.bucketOffset(index), position >>> BucketLayout.SLOT_BITS,
                    (int) position & (BucketLayout.SLOTS - 1));
            return previous;
        } finally {
            t.endWrite();
        }
    }

    /**
     * Whether the value stored at {@code valueOffset} is {@code expected}: their encodings are equal, as keys are
     * compared. {@code expected} is encoded into this thread's value buffer, which a replace reuses only after.
     */
    private boolean holdsValue(final MemorySegment segment, final long valueOffset, final V expected,
                               final long expectedLength) {
        final StagingBuffer encoded = StagingBuffer.forCurrentThread().value;
        encoded.ensureCapacity(expectedLength);
        values.codec.encode(expected, encoded.segment, 0);
        return values.matches(segment, valueOffset, encoded.segment, 0, expectedLength);
    }

    /** Frees the out-of-line bytes queued while iterators ran, once none does. */
    private static void releaseDeferredFrees(final HashTable t) {
        final OutOfLineStore store = t.storage();
        if (store.hasDeferred() && !t.iterationsActive()) {
            store.releaseDeferred();
        }
    }

    /** Removes every entry and frees all out-of-line storage, in O(1) for the buckets; B is kept. */
    public void clear() {
        table.clearAsWrite();
    }

    // ------------------------------------------------------------------ iteration

    /** Calls {@code action} once per entry, decoded, in Go's randomised order. */
    public void forEach(final BiConsumer<? super K, ? super V> action) {
        Objects.requireNonNull(action, "action");
        try (OffHeapCursor<K, V> cursor = cursor()) {
            while (cursor.next()) {
                action.accept(cursor.key(), cursor.value());
            }
        }
    }

    /** A reusable cursor over the entries, positioned before the first; stepping allocates nothing. */
    public OffHeapCursor<K, V> cursor() {
        final OffHeapCursor<K, V> cursor = new OffHeapCursor<>(this, table, keys, values);
        cursor.reset();
        return cursor;
    }

    /**
     * For a cursor meeting a slot a growth has copied: finds the live entry of the key stored at
     * {@code keyOffset} of {@code array} and positions {@code cursor} on it.
     *
     * @return false if the key is no longer in the table
     */
    boolean readLive(final BucketArray array, final long keyOffset, final OffHeapCursor<K, V> cursor) {
        final HashTable t = table;
        final MemorySegment bytes = keys.bytesSegment(array.segment, keyOffset);
        final long offset = keys.bytesOffset(array.segment, keyOffset, bytes);
        final long length = keys.length(array.segment, keyOffset);
        final long hash = BytesHash.hash(bytes, offset, length, t.seed);
        final BucketArray live = t.arrayToRead(hash);
        final long position = find(live, hash, bytes, offset, length);
        if (position < 0) {
            return false;
        }
        cursor.position(live.segment, keySlot(position), valueSlot(position));
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

    /** Evacuates every chain still waiting in a growth in progress, now (see {@link LongLongMap#finishGrowth()}). */
    public void finishGrowth() {
        table.finishGrowthAsWrite();
    }

    /**
     * Gives back the bucket arrays held only for growths to come (see {@link LongLongMap#releaseSpareMemory()}),
     * and frees the out-of-line bytes of entries removed while a cursor was open, if none is open now (a put or
     * delete would free them too). The out-of-line store keeps its slabs.
     *
     * @return the bytes no longer charged to the table
     */
    public long releaseSpareMemory() {
        return releaseDeferredFreesAsWrite() + table.releaseSpareMemoryAsWrite();
    }

    /**
     * Moves every entry into the smallest array that holds them (see {@link LongLongMap#trimToSize()}), and frees
     * the out-of-line bytes of entries removed while a cursor was open, as {@link #releaseSpareMemory()} does. Keys
     * and values stored out of line stay where they are.
     *
     * @return the bytes no longer charged to the table
     */
    public long trimToSize() {
        return trimToSize(0);
    }

    /** {@link #trimToSize()}, leaving room for {@code expectedSize} entries (see {@link LongLongMap#trimToSize(long)}). */
    public long trimToSize(final long expectedSize) {
        if (expectedSize < 0) { // refused before anything changes, as the table refuses it
            return table.trimToSizeAsWrite(expectedSize);
        }
        return releaseDeferredFreesAsWrite() + table.trimToSizeAsWrite(expectedSize);
    }

    /** {@link #releaseDeferredFrees} as a write of its own; returns the bytes no longer charged. */
    private long releaseDeferredFreesAsWrite() {
        final HashTable t = table;
        t.beginWrite();
        try {
            final long before = t.committedBytes();
            releaseDeferredFrees(t);
            return before - t.committedBytes();
        } finally {
            t.endWrite();
        }
    }

    /** Evacuates a growth in progress for about {@code timeBudget} (see {@link LongLongMap#evacuate}). */
    public boolean evacuate(final java.time.Duration timeBudget) {
        return table.evacuateForAsWrite(HashTable.budgetNanos(timeBudget));
    }

    /** Shape, growth progress and memory of the table; committed and reserved bytes include out-of-line storage. */
    public MapStats stats() {
        return table.stats();
    }

    /** Use and fragmentation of the out-of-line storage of keys and values. */
    public StorageStats storageStats() {
        table.checkOpen();
        return table.storage().stats();
    }

    /** The bucket layout: Go's for a map of these key and value sizes. */
    public BucketLayout layout() {
        return layout;
    }

    /** The key codec. */
    public Codec<K> keyCodec() {
        return keys.codec;
    }

    /** The value codec. */
    public Codec<V> valueCodec() {
        return values.codec;
    }

    /** Where the buckets are in native memory, for tools outside Java (see {@link NativeView}). */
    public NativeView nativeView() {
        return table.nativeView();
    }

    /** The engine, for the invariant checker and white-box tests of this package. */
    HashTable table() {
        return table;
    }

    SlotCodec<K> keySlots() {
        return keys;
    }

    SlotCodec<V> valueSlots() {
        return values;
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return table.closed;
    }

    /**
     * Frees all native memory, buckets and out-of-line storage; every later use throws {@link IllegalStateException}.
     * Nothing else frees it: a table dropped unclosed keeps its memory until the JVM exits.
     */
    @Override
    public void close() {
        table.close();
    }

    @Override
    public String toString() {
        return table.closed ? name + "[closed]" : name + "[size=" + table.count + "]";
    }

    /**
     * Options for an {@link OffHeapMap}.
     *
     * @param <K> the key type
     * @param <V> the value type
     */
    public static final class Builder<K, V> {
        private final Codec<K> keyCodec;
        private final Codec<V> valueCodec;
        private long expectedSize;
        private NativeAllocator allocator = NativeAllocators.defaultAllocator();
        private long memoryBudget = Long.MAX_VALUE;
        private boolean backgroundMemoryWork = true;
        private String owner;

        private Builder(final Codec<K> keyCodec, final Codec<V> valueCodec) {
            this.keyCodec = Objects.requireNonNull(keyCodec, "keyCodec");
            this.valueCodec = Objects.requireNonNull(valueCodec, "valueCodec");
        }

        /** Size the buckets for this many entries up front, as Go's {@code make(map, n)} (see {@link LongLongMap.Builder#expectedSize}). */
        public Builder<K, V> expectedSize(final long entries) {
            if (entries < 0) {
                throw new IllegalArgumentException("expected size must not be negative: " + entries);
            }
            this.expectedSize = entries;
            return this;
        }

        /** Where bucket arrays and out-of-line storage come from (default: lazily faulted mmap). */
        public Builder<K, V> allocator(final NativeAllocator nativeAllocator) {
            this.allocator = Objects.requireNonNull(nativeAllocator, "allocator");
            return this;
        }

        /**
         * The most native memory the table may hold, in bytes: every live bucket array (main buckets, Go's
         * spares, overflow buckets) plus the out-of-line storage of keys and values. A write that would need
         * more throws {@link io.panamap.memory.MemoryBudgetExceededException} and changes no entry. It may leave
         * the table holding a little more than before (a page a storage class, an overflow bucket), all of it
         * within the budget and used by the next writes.
         */
        public Builder<K, V> memoryBudget(final long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("memory budget must be positive: " + bytes);
            }
            this.memoryBudget = bytes;
            return this;
        }

        /** Whether mapping, pre-faulting and unmapping arrays runs in the background (see {@link LongLongMap.Builder#backgroundMemoryWork}). */
        public Builder<K, V> backgroundMemoryWork(final boolean background) {
            this.backgroundMemoryWork = background;
            return this;
        }

        /**
         * A name for the table, so that an application's tables can be told apart: its messages and JFR events
         * then say {@code OffHeapMap<utf8, bytes> 'orders'} where they said {@code OffHeapMap<utf8, bytes>}.
         *
         * @throws IllegalArgumentException if {@code name} is blank or more than one line
         */
        public Builder<K, V> name(final String name) {
            this.owner = TableNames.named(nameOf("OffHeapMap", keyCodec, valueCodec), name);
            return this;
        }

        /**
         * The name the table gives itself in messages and events, in full (a concurrent map names its shards);
         * by default {@code OffHeapMap<key codec, value codec>}.
         */
        Builder<K, V> owner(final String name) {
            this.owner = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * The table, with its first bucket array mapped (see {@link LongLongMap.Builder#build()}).
         *
         * @throws io.panamap.memory.MemoryBudgetExceededException if the {@link #memoryBudget} cannot hold that
         *         first array
         * @throws io.panamap.memory.NativeMemoryException if the allocator cannot map it
         * @throws IllegalArgumentException if the expected size needs more than 2^40 buckets, or the key codec
         *         has size 0
         */
        public OffHeapMap<K, V> build() {
            return new OffHeapMap<>(this);
        }
    }
}
