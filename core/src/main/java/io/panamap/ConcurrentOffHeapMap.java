package io.panamap;

import io.panamap.codec.Codec;
import io.panamap.memory.NativeAllocator;
import io.panamap.memory.NativeAllocators;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.StampedLock;
import java.util.function.BiConsumer;
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
 *   <li>An optimistic read may decode a half-written value (the codec sees bytes a write is changing); the
 *       result is dropped unless the shard's stamp is still valid, and whatever the codec throws on such
 *       bytes is treated as the race it is: the read is run again under the read lock. A codec must
 *       therefore tolerate arbitrary bytes without side effects beyond its return value or exception.
 *   <li>There is no {@code getView}: a view of stored bytes is only valid until the next write, which
 *       another thread may make at any moment. {@link #copyValue} and {@link #getUsing} read into the
 *       caller's memory or object instead, garbage-free.
 *   <li>{@link #forEach} decodes each entry under its shard's read lock, one entry at a time, and calls the
 *       action outside the lock.
 * </ul>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class ConcurrentOffHeapMap<K, V> implements AutoCloseable {

    private static final int TOPHASH_SHIFT = 56;

    private final List<OffHeapMap<K, V>> shards;
    private final HashTable[] tables;
    private final StampedLock[] locks;
    private final int shardShift;
    private final int shardMask;
    private final BackgroundEvacuator evacuator;
    private volatile boolean closed;

    private ConcurrentOffHeapMap(final Builder<K, V> builder) {
        final int count = 1 << builder.logShards;
        final long seed = ThreadLocalRandom.current().nextLong();
        this.shardShift = TOPHASH_SHIFT - builder.logShards;
        this.shardMask = count - 1;
        this.shards = new ArrayList<>(count);
        this.tables = new HashTable[count];
        this.locks = new StampedLock[count];
        final long perShardSize = (builder.expectedSize + count - 1) / count;
        final long perShardBudget = builder.memoryBudget == Long.MAX_VALUE ? Long.MAX_VALUE
                : Math.max(1, builder.memoryBudget / count);
        try {
            for (int i = 0; i < count; i++) {
                final OffHeapMap<K, V> shard = OffHeapMap.builder(builder.keyCodec, builder.valueCodec)
                        .expectedSize(perShardSize)
                        .allocator(Objects.requireNonNull(builder.allocators.apply(i), "allocator of shard " + i))
                        .memoryBudget(perShardBudget)
                        .backgroundMemoryWork(builder.backgroundMemoryWork)
                        .owner("ConcurrentOffHeapMap shard " + i)
                        .build();
                shard.table().useFixedSeed(seed);
                shard.table().shard = i;
                shards.add(shard);
                tables[i] = shard.table();
                locks[i] = new StampedLock();
            }
        } catch (final RuntimeException | Error e) {
            shards.forEach(OffHeapMap::close);
            throw e;
        }
        this.evacuator = builder.backgroundWorkNanos > 0
                ? new BackgroundEvacuator(tables, locks, builder.backgroundWorkNanos, builder.backgroundPeriodNanos)
                : null;
    }

    /** Options for a map whose keys and values {@code keyCodec} and {@code valueCodec} encode. */
    public static <K, V> Builder<K, V> builder(final Codec<K> keyCodec, final Codec<V> valueCodec) {
        return new Builder<>(keyCodec, valueCodec);
    }

    /** Encodes {@code key} into this thread's buffer, hashed under the map's seed (every shard's). */
    private StagingBuffer encode(final K key) {
        return shards.get(0).encodeKey(key, tables[0].seed);
    }

    private int shardOf(final long hash) {
        return (int) (hash >>> shardShift) & shardMask;
    }

    // ------------------------------------------------------------------ reads

    /** The value for {@code key}, decoded, or null. */
    public V get(final K key) {
        return getOrDefault(key, null);
    }

    /** The value for {@code key}, decoded, or {@code defaultValue}. */
    public V getOrDefault(final K key, final V defaultValue) {
        final StagingBuffer k = encode(key);
        final int shard = shardOf(k.hash);
        final StampedLock lock = locks[shard];
        final long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            try {
                final V value = shards.get(shard).readValue(k, defaultValue);
                if (lock.validate(stamp)) {
                    return value;
                }
            } catch (final RuntimeException raced) {
                rethrowUnlessRaced(lock, stamp, raced);
            }
        }
        final long readStamp = lock.readLock();
        try {
            checkShardOpen(shard);
            return shards.get(shard).readValue(k, defaultValue);
        } finally {
            lock.unlockRead(readStamp);
        }
    }

    /** The value for {@code key} decoded into {@code reuse} (codecs of mutable types: garbage-free), or null. */
    public V getUsing(final K key, final V reuse) {
        final StagingBuffer k = encode(key);
        final int shard = shardOf(k.hash);
        final StampedLock lock = locks[shard];
        final long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            try {
                final V value = shards.get(shard).readValueUsing(k, reuse);
                if (lock.validate(stamp)) {
                    return value;
                }
            } catch (final RuntimeException raced) {
                rethrowUnlessRaced(lock, stamp, raced);
            }
        }
        final long readStamp = lock.readLock();
        try {
            checkShardOpen(shard);
            return shards.get(shard).readValueUsing(k, reuse);
        } finally {
            lock.unlockRead(readStamp);
        }
    }

    /** Whether {@code key} has an entry. Allocates nothing. */
    public boolean containsKey(final K key) {
        final StagingBuffer k = encode(key);
        final int shard = shardOf(k.hash);
        final StampedLock lock = locks[shard];
        final long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            try {
                final boolean found = shards.get(shard).containsEncoded(k);
                if (lock.validate(stamp)) {
                    return found;
                }
            } catch (final RuntimeException raced) {
                rethrowUnlessRaced(lock, stamp, raced);
            }
        }
        final long readStamp = lock.readLock();
        try {
            checkShardOpen(shard);
            return shards.get(shard).containsEncoded(k);
        } finally {
            lock.unlockRead(readStamp);
        }
    }

    /**
     * Copies the encoded value of {@code key} to {@code target} at {@code offset}; returns its length, or -1.
     * Allocates nothing. An optimistic copy that a write raced is made again under the read lock, so what
     * {@code target} holds on return is one consistent value.
     */
    public long copyValue(final K key, final MemorySegment target, final long offset) {
        final StagingBuffer k = encode(key);
        final int shard = shardOf(k.hash);
        final StampedLock lock = locks[shard];
        final long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            try {
                final long length = shards.get(shard).copyValueEncoded(k, target, offset);
                if (lock.validate(stamp)) {
                    return length;
                }
            } catch (final RuntimeException raced) {
                rethrowUnlessRaced(lock, stamp, raced);
            }
        }
        final long readStamp = lock.readLock();
        try {
            checkShardOpen(shard);
            return shards.get(shard).copyValueEncoded(k, target, offset);
        } finally {
            lock.unlockRead(readStamp);
        }
    }

    private static void rethrowUnlessRaced(final StampedLock lock, final long stamp, final RuntimeException e) {
        if (lock.validate(stamp)) {
            throw e;
        }
    }

    private void checkShardOpen(final int shard) {
        tables[shard].checkOpen();
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

    private Object write(final K key, final V value, final boolean overwrite, final boolean decodePrevious) {
        Objects.requireNonNull(value, "value");
        final StagingBuffer k = encode(key);
        final int shard = shardOf(k.hash);
        final long stamp = locks[shard].writeLock();
        try {
            return shards.get(shard).upsertEncoded(k, value, overwrite, decodePrevious);
        } finally {
            locks[shard].unlockWrite(stamp);
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
        final StagingBuffer k = encode(key);
        final int shard = shardOf(k.hash);
        final long stamp = locks[shard].writeLock();
        try {
            return shards.get(shard).removeEncoded(k, decodePrevious);
        } finally {
            locks[shard].unlockWrite(stamp);
        }
    }

    /** Empties every shard, one after the other. */
    public void clear() {
        forEachShardLocked(OffHeapMap::clear);
    }

    /** Finishes every shard's growth now, one shard (and one lock) at a time. */
    public void finishGrowth() {
        forEachShardLocked(OffHeapMap::finishGrowth);
    }

    /**
     * Evacuates growing shards for about {@code timeBudget} in all; true when none is left growing. As
     * {@link ConcurrentLongLongMap#evacuate}, the first growing shard gets at least one clock check's worth.
     */
    public boolean evacuate(final Duration timeBudget) {
        if (closed) {
            throw new IllegalStateException("ConcurrentOffHeapMap is closed");
        }
        final long deadline = System.nanoTime() + timeBudget.toNanos();
        boolean allDone = true;
        boolean sliced = false;
        for (int shard = 0; shard < tables.length; shard++) {
            if (!tables[shard].isGrowing()) {
                continue;
            }
            final long left = deadline - System.nanoTime();
            if (left <= 0 && sliced) {
                return false;
            }
            sliced = true;
            final long stamp = locks[shard].writeLock();
            try {
                allDone &= tables[shard].evacuateForAsWrite(left);
            } finally {
                locks[shard].unlockWrite(stamp);
            }
        }
        return allDone;
    }

    private void forEachShardLocked(final java.util.function.Consumer<OffHeapMap<K, V>> action) {
        for (int shard = 0; shard < tables.length; shard++) {
            final long stamp = locks[shard].writeLock();
            try {
                action.accept(shards.get(shard));
            } finally {
                locks[shard].unlockWrite(stamp);
            }
        }
    }

    // ------------------------------------------------------------------ iteration and the rest

    /**
     * Calls {@code action} once per entry, shard after shard. Each entry is decoded under its shard's read
     * lock, taken for that one entry; the action runs outside any lock. Per shard, Go's guarantees hold.
     */
    public void forEach(final BiConsumer<? super K, ? super V> action) {
        Objects.requireNonNull(action, "action");
        for (int shard = 0; shard < tables.length; shard++) {
            final StampedLock lock = locks[shard];
            OffHeapCursor<K, V> cursor = null;
            try {
                while (true) {
                    final K key;
                    final V value;
                    final long stamp = lock.readLock();
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
                    final long stamp = lock.readLock();
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
        long size = 0;
        for (int shard = 0; shard < tables.length; shard++) {
            final long stamp = locks[shard].readLock();
            try {
                size += shards.get(shard).size();
            } finally {
                locks[shard].unlockRead(stamp);
            }
        }
        return size;
    }

    /** Number of shards. */
    public int shardCount() {
        return tables.length;
    }

    /** Totals and every shard's stats. */
    public ShardedStats stats() {
        final List<MapStats> all = new ArrayList<>(tables.length);
        for (int shard = 0; shard < tables.length; shard++) {
            final long stamp = locks[shard].readLock();
            try {
                all.add(shards.get(shard).stats());
            } finally {
                locks[shard].unlockRead(stamp);
            }
        }
        return ShardedStats.of(all, evacuator == null ? 0 : evacuator.slices(),
                evacuator == null ? 0 : evacuator.busyNanos());
    }

    /** Out-of-line storage summed over the shards. */
    public StorageStats storageStats() {
        long blocks = 0;
        long requested = 0;
        long allocated = 0;
        long committed = 0;
        long reserved = 0;
        for (int shard = 0; shard < tables.length; shard++) {
            final long stamp = locks[shard].readLock();
            try {
                final StorageStats one = shards.get(shard).storageStats();
                blocks += one.blocks();
                requested += one.requestedBytes();
                allocated += one.allocatedBytes();
                committed += one.committedBytes();
                reserved += one.reservedBytes();
            } finally {
                locks[shard].unlockRead(stamp);
            }
        }
        return new StorageStats(blocks, requested, allocated, committed, reserved);
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed;
    }

    /** Stops the background evacuator and frees every shard, each under its write lock. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (evacuator != null) {
            evacuator.close();
        }
        forEachShardLocked(OffHeapMap::close);
    }

    @Override
    public String toString() {
        return closed ? "ConcurrentOffHeapMap[closed]" : "ConcurrentOffHeapMap[shards=" + tables.length + "]";
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
        private int logShards = Math.min(ConcurrentLongLongMap.MAX_LOG_SHARDS,
                32 - Integer.numberOfLeadingZeros(Math.max(1, 4 * Runtime.getRuntime().availableProcessors() - 1)));
        private long expectedSize;
        private IntFunction<NativeAllocator> allocators = shard -> NativeAllocators.defaultAllocator();
        private long memoryBudget = Long.MAX_VALUE;
        private boolean backgroundMemoryWork = true;
        private long backgroundWorkNanos;
        private long backgroundPeriodNanos;

        private Builder(final Codec<K> keyCodec, final Codec<V> valueCodec) {
            this.keyCodec = Objects.requireNonNull(keyCodec, "keyCodec");
            this.valueCodec = Objects.requireNonNull(valueCodec, "valueCodec");
        }

        /** The number of shards: a power of two from 1 to 2^12. */
        public Builder<K, V> shards(final int count) {
            if (count < 1 || Integer.bitCount(count) != 1 || count > 1 << ConcurrentLongLongMap.MAX_LOG_SHARDS) {
                throw new IllegalArgumentException("shard count must be a power of two from 1 to "
                        + (1 << ConcurrentLongLongMap.MAX_LOG_SHARDS) + ": " + count);
            }
            this.logShards = Integer.numberOfTrailingZeros(count);
            return this;
        }

        /** Entries the whole map should hold without growing. */
        public Builder<K, V> expectedSize(final long entries) {
            if (entries < 0) {
                throw new IllegalArgumentException("expected size must not be negative: " + entries);
            }
            this.expectedSize = entries;
            return this;
        }

        /** One allocator for every shard. */
        public Builder<K, V> allocator(final NativeAllocator allocator) {
            Objects.requireNonNull(allocator, "allocator");
            this.allocators = shard -> allocator;
            return this;
        }

        /** An allocator per shard (e.g. NUMA binding). */
        public Builder<K, V> allocators(final IntFunction<NativeAllocator> perShard) {
            this.allocators = Objects.requireNonNull(perShard, "perShard");
            return this;
        }

        /** Native bytes for the whole map, buckets and out-of-line storage, split evenly between shards. */
        public Builder<K, V> memoryBudget(final long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("memory budget must be positive: " + bytes);
            }
            this.memoryBudget = bytes;
            return this;
        }

        /** See {@link LongLongMap.Builder#backgroundMemoryWork}. */
        public Builder<K, V> backgroundMemoryWork(final boolean background) {
            this.backgroundMemoryWork = background;
            return this;
        }

        /** Runs the background evacuator with its defaults: at most about 1 ms of work per 100 ms. */
        public Builder<K, V> backgroundEvacuation() {
            return backgroundEvacuation(Duration.ofMillis(1), Duration.ofMillis(100));
        }

        /** Runs the background evacuator: at most about {@code work} of evacuation per {@code period}. */
        public Builder<K, V> backgroundEvacuation(final Duration work, final Duration period) {
            if (work.isNegative() || work.isZero() || period.compareTo(work) < 0) {
                throw new IllegalArgumentException("background evacuation needs 0 < work <= period, not "
                        + work + " per " + period);
            }
            this.backgroundWorkNanos = work.toNanos();
            this.backgroundPeriodNanos = period.toNanos();
            return this;
        }

        /** The map. */
        public ConcurrentOffHeapMap<K, V> build() {
            return new ConcurrentOffHeapMap<>(this);
        }
    }
}
