package io.panamap;

import io.panamap.hash.Hashing;
import io.panamap.memory.NativeAllocator;
import io.panamap.memory.NativeAllocators;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.StampedLock;
import java.util.function.IntFunction;
import java.util.function.LongBinaryOperator;

/**
 * A {@code long → long} map for many threads: 2^k shards, each a {@link LongLongMap} with its own lock,
 * each growing on its own, so one growth touches 1/2^k of the data and its evacuation work lands only on
 * the writers of that shard.
 *
 * <pre>{@code
 * try (ConcurrentLongLongMap positions = ConcurrentLongLongMap.builder().shards(16).expectedSize(10_000_000)
 *         .backgroundEvacuation().build()) {
 *     positions.addTo(instrumentId, quantity);        // from any thread, no allocation
 *     long p = positions.get(instrumentId);           // optimistic: no lock taken, no write to shared memory
 * }
 * }</pre>
 *
 * <h2>Which shard</h2>
 * A key is hashed once, with one seed for the whole map, and its shard is taken from hash bits 56-k..55:
 * bits the shard's own table uses neither for the bucket index (the low B ≤ 40 bits) nor for the tophash
 * (the top 8). Every shard therefore uses the map's seed, for good (Go redraws a table's seed when it
 * empties; a shard cannot, or its keys would belong to other shards).
 *
 * <h2>Reads</h2>
 * A read first runs without any lock, under a {@link StampedLock} optimistic stamp, and keeps its result
 * only if no write to that shard started meanwhile; otherwise it runs again under the shard's read lock. A
 * racing write can make the optimistic run read a half-written entry (discarded: the stamp fails), follow a
 * stale link (it stays in bounds: every access is checked against its segment) or meet an array the write
 * retired. Retired arrays are unmapped later, on the memory worker, by closing their shared arena, and
 * closing a shared arena is the JDK's own safe point: it waits for every thread that is inside an access
 * to that memory, and later accesses throw {@link IllegalStateException} instead of touching it. The
 * optimistic read catches that, and anything else a race can make a read throw, and retries under the
 * lock. So a read never returns a torn pair or a value from freed memory, and never crashes.
 *
 * <h2>Writes</h2>
 * Every write takes its shard's write lock, once, allocation-free, including the compute-style
 * {@link #putIfAbsent}, {@link #replace}, {@link #addTo} and {@link #merge}. Writers of different shards
 * never wait for each other; readers never block writers.
 *
 * <h2>Growth without writes</h2>
 * Go evacuates only on writes, so a shard that stops being written keeps both its arrays. {@link #evacuate}
 * and {@link #finishGrowth} let the owner finish growths; {@link Builder#backgroundEvacuation()} runs a
 * background evacuator that does it in small slices (by default at most about 1 ms of work per 100 ms, each
 * shard's lock held for one slice at a time). {@link #stats()} tells how long shards have held two arrays.
 *
 * <h2>Iteration</h2>
 * {@link #cursor()} walks shard after shard, taking the shard's read lock for each step only, so writers
 * go on meanwhile. Per shard, Go's guarantees hold (every entry present for the whole walk is produced
 * exactly once, a removed one is not, an added one may be); across shards, an entry moved by a remove and
 * re-insert is a new entry.
 */
public final class ConcurrentLongLongMap implements AutoCloseable {

    /** Most shards: 2^12 keeps the shard bits (44..55) clear of the bucket index's (up to 40). */
    public static final int MAX_LOG_SHARDS = 12;
    /** The hash bit right above the shard bits: the tophash's first. */
    private static final int TOPHASH_SHIFT = 56;

    private final LongLongMap[] shards;
    private final HashTable[] tables;
    private final StampedLock[] locks;
    private final long seed;
    private final int shardShift;
    private final int shardMask;
    private final long missingValue;
    private final BackgroundEvacuator evacuator;
    private volatile boolean closed;

    private ConcurrentLongLongMap(final Builder builder) {
        final int count = 1 << builder.logShards;
        this.seed = ThreadLocalRandom.current().nextLong();
        this.shardShift = TOPHASH_SHIFT - builder.logShards;
        this.shardMask = count - 1;
        this.missingValue = builder.missingValue;
        this.shards = new LongLongMap[count];
        this.tables = new HashTable[count];
        this.locks = new StampedLock[count];
        final long perShardSize = (builder.expectedSize + count - 1) / count;
        final long perShardBudget = builder.memoryBudget == Long.MAX_VALUE ? Long.MAX_VALUE
                : Math.max(1, builder.memoryBudget / count);
        try {
            for (int i = 0; i < count; i++) {
                final LongLongMap shard = LongLongMap.builder()
                        .expectedSize(perShardSize)
                        .allocator(Objects.requireNonNull(builder.allocators.apply(i), "allocator of shard " + i))
                        .memoryBudget(perShardBudget)
                        .missingValue(builder.missingValue)
                        .backgroundMemoryWork(builder.backgroundMemoryWork)
                        .owner("ConcurrentLongLongMap shard " + i)
                        .build();
                shard.table().useFixedSeed(seed);
                shard.table().shard = i;
                shards[i] = shard;
                tables[i] = shard.table();
                locks[i] = new StampedLock();
            }
        } catch (final RuntimeException | Error e) {
            for (final LongLongMap shard : shards) {
                if (shard != null) {
                    shard.close();
                }
            }
            throw e;
        }
        this.evacuator = builder.backgroundWorkNanos > 0
                ? new BackgroundEvacuator(tables, locks, builder.backgroundWorkNanos, builder.backgroundPeriodNanos)
                : null;
    }

    /** Options for a new map. */
    public static Builder builder() {
        return new Builder();
    }

    private int shardOf(final long hash) {
        return (int) (hash >>> shardShift) & shardMask;
    }

    // ------------------------------------------------------------------ reads

    /** The value for {@code key}, or {@link #missingValue()}. */
    public long get(final long key) {
        return getOrDefault(key, missingValue);
    }

    /** The value for {@code key}, or {@code defaultValue}: optimistic first, under the read lock if that fails. */
    public long getOrDefault(final long key, final long defaultValue) {
        final long hash = Hashing.hashLong(key, seed);
        final int shard = shardOf(hash);
        final StampedLock lock = locks[shard];
        final long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            try {
                final long value = LongLongMap.lookup(tables[shard], hash, key, defaultValue);
                if (lock.validate(stamp)) {
                    return value;
                }
            } catch (final RuntimeException raced) {
                rethrowUnlessRaced(lock, stamp, raced);
            }
        }
        final long readStamp = lock.readLock();
        try {
            return shards[shard].getOrDefault(key, defaultValue);
        } finally {
            lock.unlockRead(readStamp);
        }
    }

    /** Whether {@code key} has an entry. */
    public boolean containsKey(final long key) {
        final long hash = Hashing.hashLong(key, seed);
        final int shard = shardOf(hash);
        final StampedLock lock = locks[shard];
        final long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            try {
                final boolean found = LongLongMap.contains(tables[shard], hash, key);
                if (lock.validate(stamp)) {
                    return found;
                }
            } catch (final RuntimeException raced) {
                rethrowUnlessRaced(lock, stamp, raced);
            }
        }
        final long readStamp = lock.readLock();
        try {
            return shards[shard].containsKey(key);
        } finally {
            lock.unlockRead(readStamp);
        }
    }

    /**
     * An exception from an optimistic read is the race's doing if a write started meanwhile (then the read
     * is retried under the lock); if none did, it is real (a closed map, say) and is thrown.
     */
    private static void rethrowUnlessRaced(final StampedLock lock, final long stamp, final RuntimeException e) {
        if (lock.validate(stamp)) {
            throw e;
        }
    }

    // ------------------------------------------------------------------ writes

    /** Maps {@code key} to {@code value}; returns the previous value or {@link #missingValue()}. */
    public long put(final long key, final long value) {
        final int shard = shardOf(Hashing.hashLong(key, seed));
        final long stamp = locks[shard].writeLock();
        try {
            return shards[shard].put(key, value);
        } finally {
            locks[shard].unlockWrite(stamp);
        }
    }

    /** Inserts unless present; returns the value already there or {@link #missingValue()}. */
    public long putIfAbsent(final long key, final long value) {
        final int shard = shardOf(Hashing.hashLong(key, seed));
        final long stamp = locks[shard].writeLock();
        try {
            return shards[shard].putIfAbsent(key, value);
        } finally {
            locks[shard].unlockWrite(stamp);
        }
    }

    /** Replaces only if present; returns the previous value or {@link #missingValue()}. */
    public long replace(final long key, final long value) {
        final int shard = shardOf(Hashing.hashLong(key, seed));
        final long stamp = locks[shard].writeLock();
        try {
            return shards[shard].replace(key, value);
        } finally {
            locks[shard].unlockWrite(stamp);
        }
    }

    /** Adds {@code delta} atomically (inserting it if absent); returns the new value. */
    public long addTo(final long key, final long delta) {
        final int shard = shardOf(Hashing.hashLong(key, seed));
        final long stamp = locks[shard].writeLock();
        try {
            return shards[shard].addTo(key, delta);
        } finally {
            locks[shard].unlockWrite(stamp);
        }
    }

    /**
     * Stores {@code merger.applyAsLong(existing, value)}, or {@code value} if absent, atomically; returns what
     * it stored. The merger runs under the shard's write lock: keep it short, and do not touch the map in it.
     */
    public long merge(final long key, final long value, final LongBinaryOperator merger) {
        final int shard = shardOf(Hashing.hashLong(key, seed));
        final long stamp = locks[shard].writeLock();
        try {
            return shards[shard].merge(key, value, merger);
        } finally {
            locks[shard].unlockWrite(stamp);
        }
    }

    /** Removes {@code key}; returns its value or {@link #missingValue()}. */
    public long remove(final long key) {
        final int shard = shardOf(Hashing.hashLong(key, seed));
        final long stamp = locks[shard].writeLock();
        try {
            return shards[shard].remove(key);
        } finally {
            locks[shard].unlockWrite(stamp);
        }
    }

    /** Empties every shard, one after the other. */
    public void clear() {
        for (int shard = 0; shard < shards.length; shard++) {
            final long stamp = locks[shard].writeLock();
            try {
                shards[shard].clear();
            } finally {
                locks[shard].unlockWrite(stamp);
            }
        }
    }

    // ------------------------------------------------------------------ growth

    /** Finishes every shard's growth now, one shard (and one lock) at a time. */
    public void finishGrowth() {
        for (int shard = 0; shard < shards.length; shard++) {
            final long stamp = locks[shard].writeLock();
            try {
                shards[shard].finishGrowth();
            } finally {
                locks[shard].unlockWrite(stamp);
            }
        }
    }

    /**
     * Evacuates growing shards for about {@code timeBudget} in all, each under its own lock. The first growing
     * shard gets at least one clock check's worth of chains however small the budget (as
     * {@link LongLongMap#evacuate} does), so a caller that loops until this returns true always gets there.
     *
     * @return true when no shard is left growing
     */
    public boolean evacuate(final Duration timeBudget) {
        checkOpen();
        final long deadline = System.nanoTime() + timeBudget.toNanos();
        boolean allDone = true;
        boolean sliced = false;
        for (int shard = 0; shard < shards.length; shard++) {
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

    // ------------------------------------------------------------------ iteration and the rest

    /** Calls {@code action} for every entry, shard after shard; the action runs outside any lock. */
    public void forEach(final LongLongConsumer action) {
        Objects.requireNonNull(action, "action");
        try (ConcurrentLongLongCursor cursor = cursor()) {
            while (cursor.next()) {
                action.accept(cursor.key(), cursor.value());
            }
        }
    }

    /** A cursor over all shards; each step takes one shard's read lock, briefly. */
    public ConcurrentLongLongCursor cursor() {
        checkOpen();
        return new ConcurrentLongLongCursor(shards, locks);
    }

    /** Live entries, summed over the shards (each read under its lock, one after the other). */
    public long size() {
        long size = 0;
        for (int shard = 0; shard < shards.length; shard++) {
            final long stamp = locks[shard].readLock();
            try {
                size += shards[shard].size();
            } finally {
                locks[shard].unlockRead(stamp);
            }
        }
        return size;
    }

    /** Whether there are no entries. */
    public boolean isEmpty() {
        return size() == 0;
    }

    /** Number of shards (a power of two). */
    public int shardCount() {
        return shards.length;
    }

    /** What reads and writes return for "no entry". */
    public long missingValue() {
        return missingValue;
    }

    /** Totals and every shard's stats, each shard read under its read lock. */
    public ShardedStats stats() {
        final List<MapStats> all = new ArrayList<>(shards.length);
        for (int shard = 0; shard < shards.length; shard++) {
            final long stamp = locks[shard].readLock();
            try {
                all.add(shards[shard].stats());
            } finally {
                locks[shard].unlockRead(stamp);
            }
        }
        return ShardedStats.of(all, evacuator == null ? 0 : evacuator.slices(),
                evacuator == null ? 0 : evacuator.busyNanos());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("ConcurrentLongLongMap is closed");
        }
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops the background evacuator and frees every shard, each under its write lock. Idempotent. Other
     * threads must be done with the map: a call racing this one gets {@link IllegalStateException}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (evacuator != null) {
            evacuator.close();
        }
        for (int shard = 0; shard < shards.length; shard++) {
            final long stamp = locks[shard].writeLock();
            try {
                shards[shard].close();
            } finally {
                locks[shard].unlockWrite(stamp);
            }
        }
    }

    @Override
    public String toString() {
        return closed ? "ConcurrentLongLongMap[closed]" : "ConcurrentLongLongMap[shards=" + shards.length + "]";
    }

    /** Options for a {@link ConcurrentLongLongMap}. */
    public static final class Builder {
        private int logShards = defaultLogShards();
        private long expectedSize;
        private IntFunction<NativeAllocator> allocators = shard -> NativeAllocators.defaultAllocator();
        private long memoryBudget = Long.MAX_VALUE;
        private long missingValue;
        private boolean backgroundMemoryWork = true;
        private long backgroundWorkNanos;
        private long backgroundPeriodNanos;

        private Builder() {
        }

        /** 4 shards per available processor, rounded up to a power of two: writers rarely meet. */
        private static int defaultLogShards() {
            final int wanted = 4 * Runtime.getRuntime().availableProcessors();
            return Math.min(MAX_LOG_SHARDS, 32 - Integer.numberOfLeadingZeros(Math.max(1, wanted - 1)));
        }

        /** The number of shards: a power of two from 1 to 2^{@value #MAX_LOG_SHARDS}. */
        public Builder shards(final int count) {
            if (count < 1 || Integer.bitCount(count) != 1 || count > 1 << MAX_LOG_SHARDS) {
                throw new IllegalArgumentException("shard count must be a power of two from 1 to "
                        + (1 << MAX_LOG_SHARDS) + ": " + count);
            }
            this.logShards = Integer.numberOfTrailingZeros(count);
            return this;
        }

        /** Entries the whole map should hold without growing; each shard is presized for its share. */
        public Builder expectedSize(final long entries) {
            if (entries < 0) {
                throw new IllegalArgumentException("expected size must not be negative: " + entries);
            }
            this.expectedSize = entries;
            return this;
        }

        /** One allocator for every shard. */
        public Builder allocator(final NativeAllocator allocator) {
            Objects.requireNonNull(allocator, "allocator");
            this.allocators = shard -> allocator;
            return this;
        }

        /**
         * An allocator per shard, e.g. to bind shards to NUMA nodes:
         * {@code allocators(shard -> NumaAllocator.bind(shard % nodes))}.
         */
        public Builder allocators(final IntFunction<NativeAllocator> perShard) {
            this.allocators = Objects.requireNonNull(perShard, "perShard");
            return this;
        }

        /** Native bytes for the whole map, split evenly between shards (each shard refuses past its share). */
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

        /** See {@link LongLongMap.Builder#backgroundMemoryWork}. */
        public Builder backgroundMemoryWork(final boolean background) {
            this.backgroundMemoryWork = background;
            return this;
        }

        /** Runs the background evacuator with its defaults: at most about 1 ms of work per 100 ms. */
        public Builder backgroundEvacuation() {
            return backgroundEvacuation(Duration.ofMillis(1), Duration.ofMillis(100));
        }

        /** Runs the background evacuator: at most about {@code work} of evacuation per {@code period}. */
        public Builder backgroundEvacuation(final Duration work, final Duration period) {
            if (work.isNegative() || work.isZero() || period.compareTo(work) < 0) {
                throw new IllegalArgumentException("background evacuation needs 0 < work <= period, not "
                        + work + " per " + period);
            }
            this.backgroundWorkNanos = work.toNanos();
            this.backgroundPeriodNanos = period.toNanos();
            return this;
        }

        /** The map. */
        public ConcurrentLongLongMap build() {
            return new ConcurrentLongLongMap(this);
        }
    }
}
