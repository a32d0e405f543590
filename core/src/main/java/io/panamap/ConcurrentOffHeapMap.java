package io.panamap;

import io.panamap.codec.Codec;
import io.panamap.layout.BucketLayout;
import io.panamap.memory.NativeAllocator;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.StampedLock;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * {@link OffHeapMap} for many threads: 2^k shards, each a typed table with its own {@link StampedLock}, chosen
 * from bits of the key's hash the shards do not use, growing independently; reads optimistic and validated,
 * writes under their shard's write lock. Everything {@link ConcurrentLongLongMap} says about shards, reads,
 * reclamation and growth holds here too; what differs:
 *
 * <ul>
 *   <li>A key is encoded once, into the calling thread's buffer, and that encoding is hashed once and
 *       used both to pick the shard and inside it.
 *   <li>A value codec never decodes the shard's memory optimistically: a racing write could unmap it under
 *       the codec (a delete unmaps a dedicated block), and a codec that reads raw addresses, as Chronicle's
 *       {@code MarshallableCodec} does, would then crash the JVM. {@link #get}, {@link #copyValue} and
 *       {@link #getUsing} copy the value into a per-thread buffer first and use it only once the shard's
 *       stamp validates that copy; a value too long for it ({@link SlotCodec#MAX_STAGED_READ}) is read under
 *       the shard's read lock.
 *   <li>There is no {@code getView}: a view of stored bytes is only valid until the next write, which
 *       another thread may make at any moment. {@link #copyValue} and {@link #getUsing} read into the
 *       caller's memory or object instead, garbage-free, and write it only from a validated copy.
 *   <li>{@link #forEach} decodes each entry under its shard's read lock, one entry at a time, and calls the
 *       action outside the lock.
 * </ul>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class ConcurrentOffHeapMap<K, V> implements AutoCloseable {

    /** A read of one shard, given the encoded key: the optimistic run and the locked retry run the same one. */
    @FunctionalInterface
    private interface ShardRead {
        Object read(OffHeapMap<?, ?> shard, StagingBuffer key, Object argument);
    }

    // Non-capturing, so each is one shared instance: passing them allocates nothing.
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final ShardRead GET = (shard, key, defaultValue) -> ((OffHeapMap) shard).readValue(key, defaultValue);
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final ShardRead GET_USING = (shard, key, reuse) -> ((OffHeapMap) shard).readValueUsing(key, reuse);
    private static final ShardRead CONTAINS = (shard, key, unused) -> shard.containsEncoded(key);

    private final ShardSet set;
    private final List<OffHeapMap<K, V>> shards;
    /** The least a shard is trimmed for (see {@link ShardSet#trimEachShard}). */
    private final long smallestShardSize;

    private ConcurrentOffHeapMap(final Builder<K, V> builder) {
        final ShardSet.Options options = builder.options;
        // Named as the single-writer map is, with its codecs; a shard adds its index after them.
        final String name = options.mapName(OffHeapMap.nameOf("ConcurrentOffHeapMap", builder.keyCodec,
                builder.valueCodec));
        this.set = new ShardSet(options.logShards, name);
        this.shards = new ArrayList<>(set.count());
        final BucketLayout layout = OffHeapMap.layoutOf(builder.keyCodec, builder.valueCodec);
        this.smallestShardSize = options.smallestShardSize(layout);
        int shard = 0;
        try {
            for (; shard < set.count(); shard++) {
                shards.add(OffHeapMap.builder(builder.keyCodec, builder.valueCodec)
                        .expectedSize(options.perShardSize(layout))
                        .allocator(options.allocatorOf(shard))
                        .memoryBudget(options.perShardBudget())
                        .backgroundMemoryWork(options.backgroundMemoryWork)
                        .owner(name + " shard " + shard)
                        .build());
                set.adopt(shard, shards.get(shard).table(), options);
            }
        } catch (final RuntimeException e) {
            set.close();
            throw options.shardFailure(e, shard, name);
        } catch (final Error e) {
            set.close();
            throw e;
        }
        set.startEvacuator(options.backgroundWorkNanos, options.backgroundPeriodNanos);
    }

    /** Options for a map whose keys and values {@code keyCodec} and {@code valueCodec} encode. */
    public static <K, V> Builder<K, V> builder(final Codec<K> keyCodec, final Codec<V> valueCodec) {
        return new Builder<>(keyCodec, valueCodec);
    }

    /** Encodes {@code key} into this thread's buffer, hashed under the map's seed (every shard's). */
    private StagingBuffer encode(final K key) {
        return shards.get(0).encodeKey(key, set.seed);
    }

    // ------------------------------------------------------------------ reads

    /** The value for {@code key}, decoded, or null. */
    public V get(final K key) {
        return getOrDefault(key, null);
    }

    /**
     * The value for {@code key}, decoded, or {@code defaultValue}. Staged as {@link #getUsing} is: the codec
     * decodes a validated copy, never the shard's memory, which a racing write may unmap under it (a delete
     * unmaps a dedicated block, a clear the storage's regions). A codec that reads through the segment would
     * only throw there, but one that reads raw addresses (Chronicle's {@code MarshallableCodec}) crashed the JVM.
     */
    @SuppressWarnings("unchecked")
    public V getOrDefault(final K key, final V defaultValue) {
        final StagingBuffer k = encode(key);
        final int shard = set.shardOf(k.hash);
        final StagingBuffer staged = StagingBuffer.forCurrentThread().value;
        final long length = stageValue(k, shard, staged);
        if (length != SlotCodec.NOT_STAGED) {
            return length < 0 ? defaultValue : shards.get(shard).readStagedValue(staged);
        }
        return (V) readLocked(shard, k, defaultValue, GET);
    }

    /**
     * The value for {@code key} decoded into {@code reuse} (codecs of mutable types: garbage-free), or null. A
     * raced read never reaches {@code reuse}: the codec decodes into it only the bytes of one consistent value,
     * and is not called when this returns null.
     */
    @SuppressWarnings("unchecked")
    public V getUsing(final K key, final V reuse) {
        final StagingBuffer k = encode(key);
        final int shard = set.shardOf(k.hash);
        final StagingBuffer staged = StagingBuffer.forCurrentThread().value;
        final long length = stageValue(k, shard, staged);
        if (length != SlotCodec.NOT_STAGED) {
            return length < 0 ? null : shards.get(shard).readStagedValueUsing(staged, reuse);
        }
        return (V) readLocked(shard, k, reuse, GET_USING);
    }

    /** Whether {@code key} has an entry. Allocates nothing, unless it queues for the shard's read lock. */
    public boolean containsKey(final K key) {
        return (Boolean) read(key, null, CONTAINS);
    }

    /**
     * The optimistic read, and its retry under the shard's read lock when a write raced it. Only for reads
     * whose raced attempts leave nothing behind but garbage to collect: {@code operation} may see bytes a write
     * is changing.
     */
    private Object read(final K key, final Object argument, final ShardRead operation) {
        final StagingBuffer k = encode(key);
        final int shard = set.shardOf(k.hash);
        final OffHeapMap<K, V> map = shards.get(shard);
        final StampedLock lock = set.locks[shard];
        for (int attempt = 0; attempt < ShardSet.OPTIMISTIC_ATTEMPTS; attempt++) {
            final long stamp = lock.tryOptimisticRead(); // 0 while a writer holds the shard
            if (stamp != 0) {
                try {
                    final Object result = operation.read(map, k, argument);
                    if (lock.validate(stamp)) {
                        return result;
                    }
                } catch (final RuntimeException e) {
                    set.raced(lock, stamp, e);
                }
            }
            Thread.onSpinWait();
        }
        return readLocked(shard, k, argument, operation);
    }

    private Object readLocked(final int shard, final StagingBuffer k, final Object argument,
                              final ShardRead operation) {
        final long readStamp = set.readLock(shard);
        try {
            set.tables[shard].beginRead();
            return operation.read(shards.get(shard), k, argument);
        } finally {
            set.locks[shard].unlockRead(readStamp);
        }
    }

    /**
     * Copies the encoded value of {@code key} to {@code target} at {@code offset}; returns its length, or -1.
     * Allocates nothing, unless it queues for the shard's read lock (a {@link StampedLock} wait node: see
     * {@link ConcurrentLongLongMap}). Writes nothing of {@code target} but the value's bytes, and those from one
     * consistent value: nothing at all when it returns -1 or throws. (Written out rather than a {@link ShardRead}: its
     * {@code long} result would be boxed.)
     *
     * @throws IndexOutOfBoundsException if the value does not fit
     * @throws IllegalArgumentException if {@code target} is read-only
     */
    public long copyValue(final K key, final MemorySegment target, final long offset) {
        final StagingBuffer k = encode(key);
        final int shard = set.shardOf(k.hash);
        final StagingBuffer staged = StagingBuffer.forCurrentThread().value;
        final long length = stageValue(k, shard, staged);
        if (length != SlotCodec.NOT_STAGED) {
            return length < 0 ? -1 : shards.get(shard).copyStagedValue(staged, target, offset);
        }
        final long readStamp = set.readLock(shard);
        try {
            set.tables[shard].beginRead();
            return shards.get(shard).copyValueEncoded(k, target, offset);
        } finally {
            set.locks[shard].unlockRead(readStamp);
        }
    }

    /**
     * The optimistic read of {@link #get}, {@link #copyValue} and {@link #getUsing}. It copies the value into this
     * thread's {@code staged} buffer, not the caller's memory or object, because a raced attempt may copy bytes being
     * rewritten or freed (another key's, even) and a retry need not overwrite them all: it may find a shorter
     * value, or none. Only a validated copy leaves the buffer. Returns the value's length, -1 if absent, or
     * {@link SlotCodec#NOT_STAGED} for the caller to read under the shard's read lock instead: a value too long
     * to stage, or a shard whose writers raced every attempt.
     */
    private long stageValue(final StagingBuffer k, final int shard, final StagingBuffer staged) {
        final OffHeapMap<K, V> map = shards.get(shard);
        final StampedLock lock = set.locks[shard];
        for (int attempt = 0; attempt < ShardSet.OPTIMISTIC_ATTEMPTS; attempt++) {
            final long stamp = lock.tryOptimisticRead();
            if (stamp != 0) {
                try {
                    final long length = map.stageValueEncoded(k, staged);
                    if (lock.validate(stamp)) {
                        return length;
                    }
                } catch (final RuntimeException e) {
                    set.raced(lock, stamp, e);
                }
            }
            Thread.onSpinWait();
        }
        return SlotCodec.NOT_STAGED;
    }

    // ------------------------------------------------------------------ writes

    /** Maps {@code key} to {@code value}; returns the previous value, decoded, or null. */
    @SuppressWarnings("unchecked")
    public V put(final K key, final V value) {
        final Object previous = write(key, value, true, true);
        return previous == OffHeapMap.INSERTED ? null : (V) previous;
    }

    /** Maps {@code key} to {@code value} without decoding what it replaces; true if the key was new. */
    public boolean set(final K key, final V value) {
        return write(key, value, true, false) == OffHeapMap.INSERTED;
    }

    /** Inserts unless present (atomically); true if inserted. */
    public boolean setIfAbsent(final K key, final V value) {
        return write(key, value, false, false) == OffHeapMap.INSERTED;
    }

    /**
     * Replaces only if present (atomically), without decoding what it replaces: the garbage-free {@link #replace},
     * for a state change that must not bring back an entry another thread has removed meanwhile.
     *
     * @return true if the key had a value, now replaced; false if it had none, and nothing was inserted
     */
    public boolean setIfPresent(final K key, final V value) {
        return replaceEntry(key, null, value, false) != OffHeapMap.ABSENT;
    }

    /**
     * Maps {@code key} to {@code value} unless it already has a value (atomically), {@code Map.putIfAbsent}.
     *
     * @return the value already there, decoded (left unchanged), or null if {@code value} was inserted
     */
    @SuppressWarnings("unchecked")
    public V putIfAbsent(final K key, final V value) {
        final Object previous = write(key, value, false, true);
        return previous == OffHeapMap.INSERTED ? null : (V) previous;
    }

    /**
     * Maps {@code key} to {@code value} only if it already has a value (atomically), {@code Map.replace}.
     *
     * @return the previous value, decoded, or null if there was none (and nothing was inserted)
     */
    @SuppressWarnings("unchecked")
    public V replace(final K key, final V value) {
        final Object previous = replaceEntry(key, null, value, true);
        return previous == OffHeapMap.ABSENT ? null : (V) previous;
    }

    /**
     * Maps {@code key} to {@code newValue} only if its value is now {@code expectedValue}, compared by their
     * encodings, atomically: a compare-and-set ({@code ConcurrentMap.replace(key, oldValue, newValue)}). Neither
     * value is decoded.
     *
     * @return whether the value was replaced
     */
    public boolean replace(final K key, final V expectedValue, final V newValue) {
        Objects.requireNonNull(expectedValue, "expectedValue"); // null means "whatever it is" to replaceEntry
        return replaceEntry(key, expectedValue, newValue, false) != OffHeapMap.ABSENT;
    }

    /**
     * Removes the entry for {@code key} only if its value is {@code expectedValue}, compared by their encodings,
     * atomically ({@code ConcurrentMap.remove(key, value)}). Nothing is decoded.
     *
     * @return whether the entry was removed
     */
    public boolean remove(final K key, final V expectedValue) {
        Objects.requireNonNull(expectedValue, "expectedValue"); // null means "whatever it is" to removeEntry
        return removeEntry(key, expectedValue, false) != OffHeapMap.ABSENT;
    }

    /**
     * The value for {@code key}, decoded; if there is none, {@code mappingFunction}'s value for it, stored and
     * returned, atomically: for a key that stays absent, one thread's function runs and the others get its value,
     * as {@code ConcurrentHashMap.computeIfAbsent} does. A present key is found by an optimistic read, without a
     * lock. The function runs under the shard's write lock: keep it short, and do not touch the map in it (a
     * function that calls into its own shard gets an {@link IllegalStateException}, where it would otherwise wait
     * for itself for ever). While it runs, every read and write of that shard waits, of any key (a
     * {@code ConcurrentHashMap} read would not): a slow loader is better called first, its value stored with
     * {@link #putIfAbsent} or {@link #setIfAbsent}. If it returns null nothing is stored and null is returned; if
     * it throws, nothing is stored, the shard is unlocked and its exception reaches the caller.
     */
    @SuppressWarnings("unchecked")
    public V computeIfAbsent(final K key, final Function<? super K, ? extends V> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        final V present = get(key);
        if (present != null) {
            return present;
        }
        final int shard = set.shardOf(encode(key).hash);
        final long stamp = set.lockForWrite(shard);
        try {
            final OffHeapMap<K, V> map = shards.get(shard);
            set.tables[shard].beginRead();
            final V raced = map.readValue(encode(key), null); // another thread's function may have run meanwhile
            if (raced != null) {
                return raced;
            }
            final V computed;
            set.runningCallback(shard);
            try {
                computed = mappingFunction.apply(key);
            } finally {
                set.callbackDone(shard);
            }
            if (computed == null) {
                return null;
            }
            // Encoded again, after the value is measured: the function may have used this thread's key buffer (for
            // another map, say).
            final long valueLength = map.measure(computed);
            final Object previous = map.upsertEncoded(encode(key), computed, valueLength, false, true);
            return previous == OffHeapMap.INSERTED ? computed : (V) previous;
        } finally {
            set.locks[shard].unlockWrite(stamp);
        }
    }

    /**
     * A replace under the key's shard lock, only if its value is {@code expected} (whatever it is, for null); the
     * values are measured before the key takes this thread's buffer.
     */
    private Object replaceEntry(final K key, final V expected, final V value, final boolean decodePrevious) {
        final OffHeapMap<K, V> any = shards.get(0);
        final long expectedLength = expected == null ? 0 : any.measure(expected);
        final long valueLength = any.measure(value);
        final StagingBuffer k = encode(key);
        final int shard = set.shardOf(k.hash);
        final long stamp = set.lockForWrite(shard);
        try {
            return shards.get(shard).replaceEncoded(k, expected, expectedLength, value, valueLength, decodePrevious);
        } finally {
            set.locks[shard].unlockWrite(stamp);
        }
    }

    private Object write(final K key, final V value, final boolean overwrite, final boolean decodePrevious) {
        final long valueLength = shards.get(0).measure(value); // before the key takes this thread's buffer
        final StagingBuffer k = encode(key);
        final int shard = set.shardOf(k.hash);
        final long stamp = set.lockForWrite(shard);
        try {
            return shards.get(shard).upsertEncoded(k, value, valueLength, overwrite, decodePrevious);
        } finally {
            set.locks[shard].unlockWrite(stamp);
        }
    }

    /** Removes {@code key}; returns its value, decoded, or null. */
    @SuppressWarnings("unchecked")
    public V remove(final K key) {
        final Object previous = removeEntry(key, true);
        return previous == OffHeapMap.ABSENT ? null : (V) previous;
    }

    /** Removes {@code key} without decoding its value; true if there was one. */
    public boolean delete(final K key) {
        return removeEntry(key, false) != OffHeapMap.ABSENT;
    }

    private Object removeEntry(final K key, final boolean decodePrevious) {
        return removeEntry(key, null, decodePrevious);
    }

    /** A remove under the key's shard lock, only if its value is {@code expected} (any, for null). */
    private Object removeEntry(final K key, final V expected, final boolean decodePrevious) {
        final long expectedLength = expected == null ? 0 : shards.get(0).measure(expected); // before the key
        final StagingBuffer k = encode(key);
        final int shard = set.shardOf(k.hash);
        final long stamp = set.lockForWrite(shard);
        try {
            return shards.get(shard).removeEncoded(k, expected, expectedLength, decodePrevious);
        } finally {
            set.locks[shard].unlockWrite(stamp);
        }
    }

    /** Empties every shard, one after the other. */
    public void clear() {
        set.forEachWriteLocked(shard -> shards.get(shard).clear());
    }

    /** Finishes every shard's growth now, one shard (and one lock) at a time. */
    public void finishGrowth() {
        set.forEachWriteLocked(shard -> shards.get(shard).finishGrowth());
    }

    /**
     * Gives back every shard's bucket arrays held only for growths to come, one shard (and one lock) at a time
     * (see {@link LongLongMap#releaseSpareMemory()}), and the out-of-line bytes of entries removed while a
     * {@link #forEach} was in the shard, if none is now (see {@link OffHeapMap#releaseSpareMemory()}).
     *
     * @return the bytes no longer charged to the shards
     */
    public long releaseSpareMemory() {
        return set.sumWriteLocked(shard -> shards.get(shard).releaseSpareMemory());
    }

    /**
     * Shrinks every shard to the smallest array that holds its entries, one shard (and one lock) at a time
     * (see {@link LongLongMap#trimToSize()}): O(shard) under each lock, freeing what {@link #releaseSpareMemory()}
     * frees. A shard keeps at least the page its first array filled. Should a shard's smaller array be refused,
     * the exception ends the call there: the shards before it are trimmed, the others unchanged.
     *
     * @return the bytes no longer charged to the shards
     */
    public long trimToSize() {
        return trimToSize(0);
    }

    /**
     * {@link #trimToSize()}, leaving each shard room for its share of {@code expectedSize} entries, as a map
     * built with that expected size has (see {@link LongLongMap#trimToSize(long)}): refilling to it starts no
     * growth unless the keys fall unevenly enough to fill a shard's array.
     *
     * @return the bytes no longer charged to the shards
     * @throws IllegalArgumentException if {@code expectedSize} is negative (nothing is changed)
     */
    public long trimToSize(final long expectedSize) {
        return set.trimEachShard(expectedSize, smallestShardSize,
                (shard, perShard) -> shards.get(shard).trimToSize(perShard));
    }

    /** Evacuates growing shards for about {@code timeBudget} in all; true when none is left growing. */
    public boolean evacuate(final Duration timeBudget) {
        return set.evacuate(timeBudget);
    }

    // ------------------------------------------------------------------ iteration and the rest

    /**
     * Calls {@code action} once per entry, shard after shard. Each entry is decoded under its shard's read
     * lock, taken for that one entry; the action runs outside any lock. Per shard, Go's guarantees hold.
     */
    public void forEach(final BiConsumer<? super K, ? super V> action) {
        Objects.requireNonNull(action, "action");
        set.checkOpen();
        for (int shard = 0; shard < set.count(); shard++) {
            final StampedLock lock = set.locks[shard];
            OffHeapCursor<K, V> cursor = null;
            try {
                while (true) {
                    final K key;
                    final V value;
                    final long stamp = set.readLock(shard);
                    try {
                        if (cursor == null) {
                            cursor = shards.get(shard).cursor();
                        }
                        if (!cursor.next()) {
                            break;
                        }
                        key = cursor.key();
                        value = cursor.value();
                    } finally {
                        lock.unlockRead(stamp);
                    }
                    action.accept(key, value);
                }
            } finally {
                if (cursor != null) {
                    final long stamp = set.readLock(shard);
                    try {
                        cursor.close();
                    } finally {
                        lock.unlockRead(stamp);
                    }
                }
            }
        }
    }

    /** Live entries, summed over the shards. */
    public long size() {
        return set.size();
    }

    /** Whether there are no entries. */
    public boolean isEmpty() {
        return size() == 0;
    }

    /** Number of shards. */
    public int shardCount() {
        return set.count();
    }

    /** Totals and every shard's stats. */
    public ShardedStats stats() {
        return set.stats();
    }

    /** Out-of-line storage summed over the shards. */
    public StorageStats storageStats() {
        final List<StorageStats> all = new ArrayList<>(set.count());
        set.forEachReadLocked(shard -> all.add(shards.get(shard).storageStats()));
        return StorageStats.sum(all);
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return set.isClosed();
    }

    /** Stops the background evacuator and frees every shard, each under its write lock. Idempotent. */
    @Override
    public void close() {
        set.close();
    }

    /** Its name, as its messages give it, and its shard count, or that it is closed. */
    @Override
    public String toString() {
        return set.owner() + (set.isClosed() ? "[closed]" : "[shards=" + set.count() + "]");
    }

    /**
     * Options for a {@link ConcurrentOffHeapMap}; as {@link ConcurrentLongLongMap.Builder}.
     *
     * @param <K> the key type
     * @param <V> the value type
     */
    public static final class Builder<K, V> {
        private final Codec<K> keyCodec;
        private final Codec<V> valueCodec;
        private final ShardSet.Options options = new ShardSet.Options();

        private Builder(final Codec<K> keyCodec, final Codec<V> valueCodec) {
            this.keyCodec = Objects.requireNonNull(keyCodec, "keyCodec");
            this.valueCodec = Objects.requireNonNull(valueCodec, "valueCodec");
        }

        /** The number of shards: a power of two from 1 to 2^12 (default: 64 per CPU, rounded up). */
        public Builder<K, V> shards(final int count) {
            options.shards(count);
            return this;
        }

        /** Entries the whole map should hold without growing. */
        public Builder<K, V> expectedSize(final long entries) {
            options.expectedSize(entries);
            return this;
        }

        /** One allocator for every shard. */
        public Builder<K, V> allocator(final NativeAllocator allocator) {
            Objects.requireNonNull(allocator, "allocator");
            options.allocators(shard -> allocator);
            return this;
        }

        /** An allocator per shard (e.g. NUMA binding). */
        public Builder<K, V> allocators(final IntFunction<NativeAllocator> perShard) {
            options.allocators(perShard);
            return this;
        }

        /**
         * A name for the map, so that an application's maps can be told apart: its messages and JFR events
         * then say {@code ConcurrentOffHeapMap<utf8, bytes> 'positions' shard 3} where they said
         * {@code ConcurrentOffHeapMap<utf8, bytes> shard 3}.
         *
         * @throws IllegalArgumentException if {@code name} is blank or more than one line
         */
        public Builder<K, V> name(final String name) {
            TableNames.named("", name); // refused now, not when the map is built
            options.name = name;
            return this;
        }

        /**
         * Native bytes for the whole map, buckets and out-of-line storage, split evenly between shards, each of
         * which refuses past its share. Out-of-line storage is charged to a shard's share by the 4 KiB page as
         * its slabs hand blocks out.
         */
        public Builder<K, V> memoryBudget(final long bytes) {
            options.memoryBudget(bytes);
            return this;
        }

        /** See {@link LongLongMap.Builder#backgroundMemoryWork}. */
        public Builder<K, V> backgroundMemoryWork(final boolean background) {
            options.backgroundMemoryWork = background;
            return this;
        }

        /** Retired arrays each shard keeps mapped, emptied (0: free each at once); for tests of both paths. */
        Builder<K, V> retiredMappingsPerShard(final int count) {
            options.retiredMappingsPerShard = count;
            return this;
        }

        /** Runs the background evacuator with its defaults: at most about 1 ms of work per 100 ms. */
        public Builder<K, V> backgroundEvacuation() {
            return backgroundEvacuation(Duration.ofMillis(1), Duration.ofMillis(100));
        }

        /**
         * Runs the background evacuator: at most about {@code work} of evacuation per {@code period}. A period
         * that starts late is not made up for: each ends with a pause of {@code period - work} (at least 50 µs).
         */
        public Builder<K, V> backgroundEvacuation(final Duration work, final Duration period) {
            options.backgroundEvacuation(work, period);
            return this;
        }

        /** The map. */
        public ConcurrentOffHeapMap<K, V> build() {
            return new ConcurrentOffHeapMap<>(this);
        }
    }
}
