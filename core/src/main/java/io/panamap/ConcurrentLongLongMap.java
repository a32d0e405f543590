package io.panamap;

import io.panamap.hash.Hashing;
import io.panamap.layout.BucketLayout;
import io.panamap.memory.NativeAllocator;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.StampedLock;
import java.util.function.IntFunction;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;

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
 * only if no write to that shard started meanwhile; otherwise it tries again, up to 64 times, spinning while a
 * writer holds the shard, and only then runs under the shard's read lock. A racing write can make the
 * optimistic run read a half-written entry (discarded: the stamp fails), follow a stale link (it stays in
 * bounds: every access is checked against its segment) or meet an array the write retired. A shard keeps its
 * retired arrays mapped (with background memory work and an allocator that gives pages back, as mmap does),
 * their pages given back on the memory worker, so such a reader reads zeros or stale bytes and its stamp
 * fails; it frees them, by closing their shared arena, only beyond its share of 2,048 per map and on close.
 * Closing a shared arena is the JDK's own safe point: it waits for every thread that is inside an access to
 * that memory, and later accesses throw {@link IllegalStateException} instead of touching it. The optimistic
 * read treats that, and anything else a race can make a read throw, as a failed stamp. So a read never
 * returns a torn pair or a value from freed memory, and never crashes.
 *
 * <h2>Writes</h2>
 * Every write takes its shard's write lock, once, allocation-free, including the compute-style
 * {@link #putIfAbsent}, {@link #replace}, {@link #addTo} and {@link #merge}. Writers of different shards
 * never wait for each other, and an optimistic read never holds a writer up. What takes a shard's read lock
 * does, for as long as it holds it: a read whose optimistic attempts all failed, a cursor step, and
 * {@link #size()} and {@link #stats()}, for one lookup or one shard each. Waiting for a shard's lock is
 * not interruptible: an interrupted thread waits on, and keeps its interrupt status.
 *
 * <p>Queueing on a shard's lock is the one heap allocation of reads and writes: {@link StampedLock} allocates
 * a wait node for a read whose optimistic attempts all failed, and for a write that found the lock still held
 * after its spins. It happens when a thread is descheduled while it holds a shard, as on a machine with fewer
 * cores than busy threads; reads and writes that do not queue allocate nothing.
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
    public static final int MAX_LOG_SHARDS = ShardSet.MAX_LOG_SHARDS;

    /** A read of one shard, given the key's hash: the optimistic run and the locked retry run the same one. */
    @FunctionalInterface
    private interface ShardRead {
        long read(HashTable table, long hash, long key, long argument);
    }

    /** A write to one shard, under its write lock. */
    @FunctionalInterface
    private interface ShardWrite {
        /** {@code other}: a second value some writes take (a missing value, an expected value), else unused. */
        long write(LongLongMap shard, long key, long value, long other, LongBinaryOperator merger);
    }

    // Non-capturing, so each is one shared instance: passing them allocates nothing.
    private static final ShardRead LOOKUP = LongLongMap::lookup;
    private static final ShardRead CONTAINS = (table, hash, key, unused) -> LongLongMap.contains(table, hash, key) ? 1 : 0;
    private static final ShardWrite PUT = (shard, key, value, ifAbsent, merger) -> shard.put(key, value, ifAbsent);
    private static final ShardWrite PUT_IF_ABSENT = (shard, key, value, unused, merger) -> shard.putIfAbsent(key, value);
    private static final ShardWrite REPLACE = (shard, key, value, unused, merger) -> shard.replace(key, value);
    private static final ShardWrite REPLACE_IF_VALUE = (shard, key, value, expected, merger) ->
            shard.replace(key, expected, value) ? 1 : 0;
    private static final ShardWrite ADD_TO = (shard, key, value, unused, merger) -> shard.addTo(key, value);
    private static final ShardWrite MERGE = (shard, key, value, unused, merger) -> shard.merge(key, value, merger);
    private static final ShardWrite REMOVE = (shard, key, unused, ifAbsent, merger) -> shard.remove(key, ifAbsent);
    private static final ShardWrite REMOVE_IF_VALUE = (shard, key, unused, expected, merger) ->
            shard.removeIfValue(key, expected) ? 1 : 0;

    private final ShardSet set;
    private final LongLongMap[] shards;
    private final long missingValue;
    /** The least a shard is trimmed for (see {@link ShardSet#trimEachShard}). */
    private final long smallestShardSize;

    private ConcurrentLongLongMap(final Builder builder) {
        final ShardSet.Options options = builder.options;
        this.smallestShardSize = options.smallestShardSize(BucketLayout.LONG_LONG);
        final String name = options.mapName("ConcurrentLongLongMap");
        this.set = new ShardSet(options.logShards, name);
        this.shards = new LongLongMap[set.count()];
        this.missingValue = builder.missingValue;
        int shard = 0;
        try {
            for (; shard < shards.length; shard++) {
                shards[shard] = LongLongMap.builder()
                        .expectedSize(options.perShardSize(BucketLayout.LONG_LONG))
                        .allocator(options.allocatorOf(shard))
                        .memoryBudget(options.perShardBudget())
                        .missingValue(missingValue)
                        .backgroundMemoryWork(options.backgroundMemoryWork)
                        .owner(name + " shard " + shard)
                        .build();
                set.adopt(shard, shards[shard].table(), options);
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

    /** Options for a new map. */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ reads

    /** The value for {@code key}, or {@link #missingValue()}. */
    public long get(final long key) {
        return read(key, missingValue, LOOKUP);
    }

    /** The value for {@code key}, or {@code defaultValue}: optimistic first, under the read lock if that fails. */
    public long getOrDefault(final long key, final long defaultValue) {
        return read(key, defaultValue, LOOKUP);
    }

    /** Whether {@code key} has an entry. */
    public boolean containsKey(final long key) {
        return read(key, 0, CONTAINS) != 0;
    }

    /** The optimistic read, and its retry under the shard's read lock when a write raced it. */
    private long read(final long key, final long argument, final ShardRead operation) {
        final long hash = Hashing.hashLong(key, set.seed);
        final int shard = set.shardOf(hash);
        final HashTable table = set.tables[shard];
        final StampedLock lock = set.locks[shard];
        for (int attempt = 0; attempt < ShardSet.OPTIMISTIC_ATTEMPTS; attempt++) {
            final long stamp = lock.tryOptimisticRead(); // 0 while a writer holds the shard
            if (stamp != 0) {
                try {
                    final long result = operation.read(table, hash, key, argument);
                    if (lock.validate(stamp)) {
                        return result;
                    }
                } catch (final RuntimeException e) {
                    set.raced(lock, stamp, e);
                }
            }
            Thread.onSpinWait();
        }
        final long readStamp = set.readLock(shard);
        try {
            table.beginRead();
            return operation.read(table, hash, key, argument);
        } finally {
            lock.unlockRead(readStamp);
        }
    }

    // ------------------------------------------------------------------ writes

    /** Maps {@code key} to {@code value}; returns the previous value or {@link #missingValue()}. */
    public long put(final long key, final long value) {
        return write(key, value, missingValue, null, PUT);
    }

    /**
     * Maps {@code key} to {@code value}; returns the previous value, or {@code ifAbsent} if the key was absent, so
     * that a caller can tell a stored {@link #missingValue()} from no entry, as {@link LongLongMap#put(long, long,
     * long)} does.
     */
    public long put(final long key, final long value, final long ifAbsent) {
        return write(key, value, ifAbsent, null, PUT);
    }

    /** Inserts unless present; returns the value already there or {@link #missingValue()}. */
    public long putIfAbsent(final long key, final long value) {
        return write(key, value, 0, null, PUT_IF_ABSENT);
    }

    /** Replaces only if present; returns the previous value or {@link #missingValue()}. */
    public long replace(final long key, final long value) {
        return write(key, value, 0, null, REPLACE);
    }

    /** Adds {@code delta} atomically (inserting it if absent); returns the new value. */
    public long addTo(final long key, final long delta) {
        return write(key, delta, 0, null, ADD_TO);
    }

    /**
     * Stores {@code merger.applyAsLong(existing, value)}, or {@code value} if absent, atomically; returns what
     * it stored. The merger runs under the shard's write lock: keep it short, and do not touch the map in it. While
     * it runs, every read and write of that shard waits, of any key (a {@code ConcurrentHashMap} read would not). A
     * merger that calls into its own shard (even for a {@code get}) would wait for its own thread for ever; it
     * gets an {@link IllegalStateException} instead. A merger that throws leaves the entry as it was and the
     * shard unlocked; its exception reaches the caller.
     */
    public long merge(final long key, final long value, final LongBinaryOperator merger) {
        return write(key, value, 0, Objects.requireNonNull(merger, "merger"), MERGE);
    }

    /**
     * The value for {@code key}; if there is none, {@code mappingFunction}'s value for it, stored and returned,
     * atomically: for a key that stays absent, one thread's function runs and the others get its value, as
     * {@code ConcurrentHashMap.computeIfAbsent} does. A present key is found by an optimistic read, without a lock.
     * The function runs under the shard's write lock, as {@link #merge}'s merger does, with the same rules: keep
     * it short and off the map (a call into its own shard gets an {@link IllegalStateException}); if it throws,
     * nothing is stored and its exception reaches the caller. A non-capturing lambda allocates nothing.
     */
    public long computeIfAbsent(final long key, final LongUnaryOperator mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        final long hash = Hashing.hashLong(key, set.seed);
        final int shard = set.shardOf(hash);
        final HashTable table = set.tables[shard];
        final StampedLock lock = set.locks[shard];
        final long stamp = lock.tryOptimisticRead(); // one attempt: a raced or absent key goes to the lock
        if (stamp != 0) {
            try {
                final long value = LongLongMap.lookup(table, hash, key, missingValue);
                if (isPresent(table, hash, key, value) && lock.validate(stamp)) {
                    return value;
                }
            } catch (final RuntimeException e) {
                set.raced(lock, stamp, e);
            }
        }
        final long writeStamp = set.lockForWrite(shard);
        try {
            final LongLongMap map = shards[shard];
            table.beginRead();
            final long present = LongLongMap.lookup(table, hash, key, missingValue);
            if (isPresent(table, hash, key, present)) {
                return present; // another thread's function ran meanwhile
            }
            final long computed;
            set.runningCallback(shard);
            try {
                computed = mappingFunction.applyAsLong(key);
            } finally {
                set.callbackDone(shard);
            }
            map.put(key, computed);
            return computed;
        } finally {
            lock.unlockWrite(writeStamp);
        }
    }

    /**
     * Whether {@code value}, what a lookup of {@code key} returned, is an entry's: a second lookup is needed only
     * when it equals the missing value, which an entry may also hold.
     */
    private boolean isPresent(final HashTable table, final long hash, final long key, final long value) {
        return value != missingValue || LongLongMap.contains(table, hash, key);
    }

    /**
     * Maps {@code key} to {@code newValue} only if it is now mapped to {@code expectedValue}, atomically: a
     * compare-and-set ({@code ConcurrentMap.replace(key, oldValue, newValue)}). Allocates nothing.
     *
     * @return whether the value was replaced
     */
    public boolean replace(final long key, final long expectedValue, final long newValue) {
        return write(key, newValue, expectedValue, null, REPLACE_IF_VALUE) != 0;
    }

    /**
     * Removes the entry for {@code key} only if it is mapped to {@code expectedValue}, atomically
     * ({@code ConcurrentMap.remove(key, value)}; see {@link LongLongMap#removeIfValue}). Allocates nothing.
     *
     * @return whether the entry was removed
     */
    public boolean removeIfValue(final long key, final long expectedValue) {
        return write(key, 0, expectedValue, null, REMOVE_IF_VALUE) != 0;
    }

    /** Removes {@code key}; returns its value or {@link #missingValue()}. */
    public long remove(final long key) {
        return write(key, 0, missingValue, null, REMOVE);
    }

    /**
     * Removes {@code key}; returns its value, or {@code ifAbsent} if there was none (see
     * {@link #put(long, long, long)}).
     */
    public long remove(final long key, final long ifAbsent) {
        return write(key, 0, ifAbsent, null, REMOVE);
    }

    private long write(final long key, final long value, final long other, final LongBinaryOperator merger,
                       final ShardWrite operation) {
        final int shard = set.shardOf(Hashing.hashLong(key, set.seed));
        final StampedLock lock = set.locks[shard];
        final long stamp = set.lockForWrite(shard);
        try {
            if (merger == null) {
                return operation.write(shards[shard], key, value, other, null);
            }
            set.runningCallback(shard);
            try {
                return operation.write(shards[shard], key, value, other, merger);
            } finally {
                set.callbackDone(shard);
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Empties every shard, one after the other. */
    public void clear() {
        set.forEachWriteLocked(shard -> shards[shard].clear());
    }

    // ------------------------------------------------------------------ growth

    /** Finishes every shard's growth now, one shard (and one lock) at a time. */
    public void finishGrowth() {
        set.forEachWriteLocked(shard -> shards[shard].finishGrowth());
    }

    /**
     * Gives back every shard's memory held only for growths to come, one shard (and one lock) at a time (see
     * {@link LongLongMap#releaseSpareMemory()}).
     *
     * @return the bytes no longer charged to the shards
     */
    public long releaseSpareMemory() {
        return set.sumWriteLocked(shard -> shards[shard].releaseSpareMemory());
    }

    /**
     * Shrinks every shard to the smallest array that holds its entries, one shard (and one lock) at a time
     * (see {@link LongLongMap#trimToSize()}): O(shard) under each lock. A shard keeps at least the page its
     * first array filled. Should a shard's smaller array be refused, the exception ends the call there: the
     * shards before it are trimmed, the others unchanged.
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
                (shard, perShard) -> shards[shard].trimToSize(perShard));
    }

    /**
     * Evacuates growing shards for about {@code timeBudget} in all, each under its own lock.
     *
     * @return true when no shard is left growing
     */
    public boolean evacuate(final Duration timeBudget) {
        return set.evacuate(timeBudget);
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

    /**
     * A cursor over all shards; each step takes one shard's read lock, briefly. Reuse it with
     * {@link ConcurrentLongLongCursor#reset()}: once it has walked every shard, a walk allocates nothing.
     */
    public ConcurrentLongLongCursor cursor() {
        set.checkOpen();
        return new ConcurrentLongLongCursor(shards, set);
    }

    /** Live entries, summed over the shards (each read under its lock, one after the other). */
    public long size() {
        return set.size();
    }

    /** Whether there are no entries. */
    public boolean isEmpty() {
        return size() == 0;
    }

    /** Number of shards (a power of two). */
    public int shardCount() {
        return set.count();
    }

    /** What reads and writes return for "no entry". */
    public long missingValue() {
        return missingValue;
    }

    /** Totals and every shard's stats, each shard read under its read lock (its placement just after). */
    public ShardedStats stats() {
        return set.stats();
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return set.isClosed();
    }

    /**
     * Stops the background evacuator and frees every shard, each under its write lock. Idempotent. Other
     * threads must be done with the map: a call racing this one gets {@link IllegalStateException}.
     */
    @Override
    public void close() {
        set.close();
    }

    /** Its name, as its messages give it, and its shard count, or that it is closed. */
    @Override
    public String toString() {
        return set.owner() + (set.isClosed() ? "[closed]" : "[shards=" + set.count() + "]");
    }

    /** Options for a {@link ConcurrentLongLongMap}. */
    public static final class Builder {
        private final ShardSet.Options options = new ShardSet.Options();
        private long missingValue;

        private Builder() {
        }

        /** The number of shards: a power of two from 1 to 2^{@value #MAX_LOG_SHARDS} (default: 64 per CPU, rounded up). */
        public Builder shards(final int count) {
            options.shards(count);
            return this;
        }

        /** Entries the whole map should hold without growing; each shard is presized for its share. */
        public Builder expectedSize(final long entries) {
            options.expectedSize(entries);
            return this;
        }

        /** One allocator for every shard. */
        public Builder allocator(final NativeAllocator allocator) {
            Objects.requireNonNull(allocator, "allocator");
            options.allocators(shard -> allocator);
            return this;
        }

        /**
         * An allocator per shard, e.g. to bind shards to NUMA nodes:
         * {@code allocators(shard -> NumaAllocator.bind(shard % nodes))}.
         */
        public Builder allocators(final IntFunction<NativeAllocator> perShard) {
            options.allocators(perShard);
            return this;
        }

        /**
         * A name for the map, so that an application's maps can be told apart: its messages and JFR events
         * then say {@code ConcurrentLongLongMap 'positions' shard 3} where they said
         * {@code ConcurrentLongLongMap shard 3}.
         *
         * @throws IllegalArgumentException if {@code name} is blank or more than one line
         */
        public Builder name(final String name) {
            TableNames.named("", name); // refused now, not when the map is built
            options.name = name;
            return this;
        }

        /** Native bytes for the whole map, split evenly between shards (each shard refuses past its share). */
        public Builder memoryBudget(final long bytes) {
            options.memoryBudget(bytes);
            return this;
        }

        /** What reads and writes return for "no entry" (default 0). */
        public Builder missingValue(final long value) {
            this.missingValue = value;
            return this;
        }

        /** See {@link LongLongMap.Builder#backgroundMemoryWork}. */
        public Builder backgroundMemoryWork(final boolean background) {
            options.backgroundMemoryWork = background;
            return this;
        }

        /** Retired arrays each shard keeps mapped, emptied (0: free each at once); for tests of both paths. */
        Builder retiredMappingsPerShard(final int count) {
            options.retiredMappingsPerShard = count;
            return this;
        }

        /** Runs the background evacuator with its defaults: at most about 1 ms of work per 100 ms. */
        public Builder backgroundEvacuation() {
            return backgroundEvacuation(Duration.ofMillis(1), Duration.ofMillis(100));
        }

        /**
         * Runs the background evacuator: at most about {@code work} of evacuation per {@code period}. A period
         * that starts late is not made up for: each ends with a pause of {@code period - work} (at least 50 µs).
         */
        public Builder backgroundEvacuation(final Duration work, final Duration period) {
            options.backgroundEvacuation(work, period);
            return this;
        }

        /** The map. */
        public ConcurrentLongLongMap build() {
            return new ConcurrentLongLongMap(this);
        }
    }
}
