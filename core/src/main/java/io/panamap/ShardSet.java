package io.panamap;

import io.panamap.layout.BucketLayout;
import io.panamap.memory.MemoryBudgetExceededException;
import io.panamap.memory.NativeAllocator;
import io.panamap.memory.NativeAllocators;
import io.panamap.memory.NativeBlock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.StampedLock;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;

/**
 * What both concurrent maps are made of, apart from their typed front ends: 2^k shard tables with one
 * {@link StampedLock} each, the shard choice, the optimistic-read protocol, the operations that visit every
 * shard under its lock, and the optional {@link BackgroundEvacuator}.
 *
 * <p>The optimistic read (see {@link ConcurrentLongLongMap} for why it is safe) is written out in the
 * front ends' read methods rather than passed a lambda here: a capturing lambda per read would be garbage
 * on the hottest path. What they share is {@link #raced}, the one decision that needs care.
 */
final class ShardSet implements AutoCloseable {

    /** Most shards: 2^12 keeps the shard bits (44..55) clear of the bucket index's (up to 40). */
    static final int MAX_LOG_SHARDS = 12;
    /** The tophash's first bit: the shard bits sit right below it. */
    private static final int TOPHASH_SHIFT = 56;

    final HashTable[] tables;
    final StampedLock[] locks;
    /**
     * Per shard, the thread running a caller's function under that shard's write lock ({@code computeIfAbsent},
     * {@code merge}), else null. Only that thread ever compares itself with it, so plain accesses do: it reads
     * its own writes, and no other thread can see itself there.
     */
    private final Thread[] callbackThreads;
    /** The hash seed of every shard: the map's. */
    final long seed;
    private final int shardShift;
    private final int shardMask;
    private final String owner;
    private BackgroundEvacuator evacuator;
    private volatile boolean closed;

    ShardSet(final int logShards, final String owner) {
        final int count = 1 << logShards;
        this.tables = new HashTable[count];
        this.locks = new StampedLock[count];
        this.callbackThreads = new Thread[count];
        for (int shard = 0; shard < count; shard++) {
            locks[shard] = new StampedLock();
        }
        this.seed = ThreadLocalRandom.current().nextLong();
        this.shardShift = TOPHASH_SHIFT - logShards;
        this.shardMask = count - 1;
        this.owner = owner;
    }

    /** Registers shard {@code shard}'s table, giving it the map's seed and its index. */
    void adopt(final int shard, final HashTable table, final Options options) {
        table.useFixedSeed(seed);
        table.keepRetiredMappings(options.retiredMappingsPerShard());
        table.shard = shard;
        table.budgetShare = options.budgetShare();
        tables[shard] = table;
    }

    /** Starts the background evacuator, if asked for ({@code workNanos > 0}). */
    void startEvacuator(final long workNanos, final long periodNanos) {
        if (workNanos > 0) {
            evacuator = new BackgroundEvacuator(tables, locks, workNanos, periodNanos);
        }
    }

    int count() {
        return tables.length;
    }

    /**
     * Whether a background evacuator is scheduled for these shards: from the build, if asked for, until close().
     * One still scheduled after close() would keep waking for the closed shards, and keep them reachable, for good.
     */
    boolean evacuatorScheduled() {
        return evacuator != null && evacuator.scheduled();
    }

    /** The shard of a key hashed under {@link #seed}: hash bits 56-k..55. */
    int shardOf(final long hash) {
        return (int) (hash >>> shardShift) & shardMask;
    }

    /**
     * Optimistic attempts a read makes before it takes the read lock. A stamp fails while a writer holds the
     * shard, and a write holds it for a few hundred nanoseconds: spinning that long is far cheaper than
     * queueing on the lock and parking, which cost a read 469 ns on average, against 46 ns uncontended,
     * in {@code ConcurrentMapBenchmark.getPut} with 8 shards.
     */
    static final int OPTIMISTIC_ATTEMPTS = 64;

    /**
     * Attempts a write makes at the shard's lock before it queues on it. Two writers meet in a shard now and
     * then; the holder leaves within a few hundred nanoseconds, and {@code StampedLock.writeLock()} would
     * instead enqueue a wait node (heap garbage: 0.25 B per put in {@code ConcurrentMapBenchmark.put} with
     * two writers) and may park the thread.
     */
    static final int WRITE_LOCK_ATTEMPTS = 64;

    /**
     * Shard {@code shard}'s write lock: spins on {@code tryWriteLock} for a while, then queues, unless the caller is
     * the thread running a function under that very lock (see {@link #runningCallback}).
     */
    long lockForWrite(final int shard) {
        final StampedLock lock = locks[shard];
        for (int attempt = 0; attempt < WRITE_LOCK_ATTEMPTS; attempt++) {
            final long stamp = lock.tryWriteLock();
            if (stamp != 0) {
                return stamp;
            }
            Thread.onSpinWait();
        }
        checkNotInCallback(shard);
        return lock.writeLock();
    }

    /** Shard {@code shard}'s read lock, unless the caller would wait for itself (see {@link #lockForWrite}). */
    long readLock(final int shard) {
        final StampedLock lock = locks[shard];
        final long stamp = lock.tryReadLock();
        if (stamp != 0) {
            return stamp;
        }
        checkNotInCallback(shard);
        return lock.readLock();
    }

    /**
     * Marks the current thread as running a caller's function under shard {@code shard}'s write lock, which it
     * holds; {@link #callbackDone} ends it. A {@code StampedLock} is not reentrant: should the function touch the
     * same shard, its thread would wait for itself for ever, silently. Marked, it gets an exception instead,
     * found only once a lock attempt has failed, so that uncontended locking pays nothing for it.
     */
    void runningCallback(final int shard) {
        callbackThreads[shard] = Thread.currentThread();
    }

    void callbackDone(final int shard) {
        callbackThreads[shard] = null;
    }

    private void checkNotInCallback(final int shard) {
        if (callbackThreads[shard] == Thread.currentThread()) {
            throw new IllegalStateException("a function running under " + owner + " shard " + shard
                    + "'s write lock (computeIfAbsent, merge) called into that shard, and would wait for itself for"
                    + " ever: it must not touch the map");
        }
    }

    /** {@link #checkNotInCallback} for every shard: for what locks them all, such as {@link #close}. */
    private void checkNotInAnyCallback() {
        for (int shard = 0; shard < callbackThreads.length; shard++) {
            checkNotInCallback(shard);
        }
    }

    /**
     * Whether an optimistic read that threw {@code e} was racing a write (its stamp no longer validates): then
     * it is retried under the read lock. Otherwise the exception is real (a closed map, a bad argument) and is
     * thrown; for a closed map, as the map's own, since a read that met closed memory has only the JDK's
     * "Already closed" to say.
     */
    void raced(final StampedLock lock, final long stamp, final RuntimeException e) {
        if (lock.validate(stamp)) {
            if (closed) {
                throw new IllegalStateException(owner + " is closed", e);
            }
            throw e;
        }
    }

    /** Runs {@code action} for each shard in turn, under that shard's write lock. */
    void forEachWriteLocked(final IntConsumer action) {
        for (int shard = 0; shard < tables.length; shard++) {
            final long stamp = lockForWrite(shard);
            try {
                action.accept(shard);
            } finally {
                locks[shard].unlockWrite(stamp);
            }
        }
    }

    /** The sum of {@code action} over the shards, each run in turn under that shard's write lock. */
    long sumWriteLocked(final IntToLongFunction action) {
        final long[] sum = {0};
        forEachWriteLocked(shard -> sum[0] += action.applyAsLong(shard));
        return sum[0];
    }

    /**
     * Trims every shard, one lock at a time, for its share of {@code expectedSize} entries but never below
     * {@code smallestShardSize} (what its first page holds, {@link Options#perShardSize}): a drained shard
     * trimmed below its first array would go through again the growths that array spared it, each a mapping
     * of its own, to hold what the page it kept mapped already could.
     *
     * @param trim trims shard {@code shard} for {@code entries} entries and returns the bytes it gave back
     * @return the bytes no longer charged to the shards
     * @throws IllegalArgumentException if {@code expectedSize} is negative (nothing is changed)
     */
    long trimEachShard(final long expectedSize, final long smallestShardSize, final ShardTrim trim) {
        if (expectedSize < 0) {
            throw new IllegalArgumentException("expected size must not be negative: " + expectedSize);
        }
        final long perShard = Math.max(shareOf(expectedSize, count()), smallestShardSize);
        return sumWriteLocked(shard -> trim.trimToSize(shard, perShard));
    }

    /**
     * What each of {@code shards} shards is sized for when the map is for {@code expectedSize} keys: its even
     * share, and five standard deviations more. Keys fall into shards at random, so a shard's count varies by
     * about the square root of its share; sized for the share alone, one of 128 shards made for 20,000 keys
     * (157 each, 208 before a doubling) now and then got more than 208 and doubled. With the margin a presized
     * map's shards stay presized (a shard passes it with a chance of about 3 in 10 million). The margin is
     * small beside large shares (2% of 60,000); where it crosses a B threshold it doubles the shards' arrays
     * (220 keys take 2^6 buckets where 157 took 2^5), unless a memory budget made for the share alone would
     * not hold them.
     */
    static long shareOf(final long expectedSize, final int shards) {
        final long share = Math.ceilDiv(expectedSize, shards);
        if (shards == 1 || share == 0) {
            return share; // one shard gets every key: no variance
        }
        return share + (long) Math.ceil(5 * Math.sqrt(share));
    }

    /** {@link #trimEachShard}'s view of one shard. */
    @FunctionalInterface
    interface ShardTrim {
        long trimToSize(int shard, long expectedSize);
    }

    /** Runs {@code action} for each shard in turn, under that shard's read lock. */
    void forEachReadLocked(final IntConsumer action) {
        for (int shard = 0; shard < tables.length; shard++) {
            final long stamp = readLock(shard);
            try {
                action.accept(shard);
            } finally {
                locks[shard].unlockRead(stamp);
            }
        }
    }

    /** Live entries in all shards, each read under its lock. */
    long size() {
        final long[] size = new long[1];
        forEachReadLocked(shard -> size[0] += tables[shard].size());
        return size[0];
    }

    /**
     * Evacuates growing shards for about {@code timeBudget} in all; true when none is left growing. The first
     * growing shard gets at least one clock check's worth of chains however small the budget (as a single
     * table's {@code evacuate} does), so a caller that loops until this returns true always gets there.
     */
    boolean evacuate(final Duration timeBudget) {
        checkOpen();
        final long budget = HashTable.budgetNanos(timeBudget);
        final long start = System.nanoTime();
        boolean allDone = true;
        boolean sliced = false;
        for (int shard = 0; shard < tables.length; shard++) {
            if (!tables[shard].isGrowing()) {
                continue;
            }
            final long left = budget - (System.nanoTime() - start);
            if (left <= 0 && sliced) {
                return false;
            }
            sliced = true;
            final long stamp = lockForWrite(shard);
            try {
                allDone &= tables[shard].evacuateForAsWrite(left);
            } finally {
                locks[shard].unlockWrite(stamp);
            }
        }
        return allDone;
    }

    /**
     * Every shard's stats, each under its read lock, with the totals. A shard's placement (where its array's pages
     * are, from an allocator that reports it) is asked for after the lock is released: a NUMA allocator queries
     * every page, which takes time in proportion to the array, and a stats() call from a monitoring thread must not
     * hold up the shard's writers for that long.
     */
    ShardedStats stats() {
        checkOpen();
        final List<MapStats> all = new ArrayList<>(tables.length);
        for (int shard = 0; shard < tables.length; shard++) {
            final HashTable table = tables[shard];
            final MapStats locked;
            final NativeBlock current;
            final long stamp = readLock(shard);
            try {
                locked = table.stats(false);
                current = table.currentBlock();
            } finally {
                locks[shard].unlockRead(stamp);
            }
            all.add(locked.withPlacement(placementOf(shard, current)));
        }
        return ShardedStats.of(all, evacuator == null ? 0 : evacuator.slices(),
                evacuator == null ? 0 : evacuator.busyNanos());
    }

    /**
     * Where the pages of {@code current}, the array shard {@code shard} had when its stats were read, are. Should a
     * growth or a close have freed that array since, the shard is asked again under its lock, as it now is.
     */
    private String placementOf(final int shard, final NativeBlock current) {
        try {
            return tables[shard].placementOf(current);
        } catch (final IllegalStateException freed) {
            final long stamp = readLock(shard);
            try {
                return tables[shard].stats(true).placement();
            } finally {
                locks[shard].unlockRead(stamp);
            }
        }
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException(owner + " is closed");
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** The map's name, as its messages give it ("ConcurrentLongLongMap 'positions'"). */
    String owner() {
        return owner;
    }

    /** Stops the evacuator, then closes every shard under its write lock. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        checkNotInAnyCallback(); // before anything is closed: a close refused halfway would leave shards open
        closed = true;
        if (evacuator != null) {
            evacuator.close();
        }
        forEachWriteLocked(shard -> {
            if (tables[shard] != null) {
                tables[shard].closeAs(owner);
            }
        });
    }

    /** Emptied retired mappings a concurrent map keeps, over all its shards, by default. */
    static final int KEPT_RETIRED_MAPPINGS = 2048;

    /** A page: the least any mapping takes, so a shard's first array may as well fill it. */
    static final long FIRST_ARRAY_BYTES = 4096;

    /** The options both concurrent maps' builders share. */
    static final class Options {
        int logShards = defaultLogShards();
        /** Retired arrays each shard keeps mapped (see HashTable.keepRetiredMappings); -1: the default. */
        int retiredMappingsPerShard = -1;
        long expectedSize;
        IntFunction<NativeAllocator> allocators = shard -> NativeAllocators.defaultAllocator();
        long memoryBudget = Long.MAX_VALUE;
        /** The caller's name for the map, or null (see {@link #mapName}). */
        String name;
        boolean backgroundMemoryWork = true;
        long backgroundWorkNanos;
        long backgroundPeriodNanos;

        /**
         * 64 shards per available processor, rounded up to a power of two (128 on 2 processors). With 4 per
         * processor (8 here), two threads met in a shard often enough that a get during another thread's puts
         * cost 126 ns against 67 ns with 512 shards ({@code ConcurrentMapBenchmark.getPut}); an empty shard
         * costs one small mapping.
         */
        private static int defaultLogShards() {
            final int wanted = 64 * Runtime.getRuntime().availableProcessors();
            return Math.min(MAX_LOG_SHARDS, 32 - Integer.numberOfLeadingZeros(Math.max(1, wanted - 1)));
        }

        void shards(final int count) {
            if (count < 1 || Integer.bitCount(count) != 1 || count > 1 << MAX_LOG_SHARDS) {
                throw new IllegalArgumentException("shard count must be a power of two from 1 to "
                        + (1 << MAX_LOG_SHARDS) + ": " + count);
            }
            logShards = Integer.numberOfTrailingZeros(count);
        }

        void expectedSize(final long entries) {
            if (entries < 0) {
                throw new IllegalArgumentException("expected size must not be negative: " + entries);
            }
            expectedSize = entries;
        }

        void allocators(final IntFunction<NativeAllocator> perShard) {
            allocators = Objects.requireNonNull(perShard, "perShard");
        }

        /** {@code type}, named as the builder's {@code name(...)} asked ("ConcurrentLongLongMap 'positions'"). */
        String mapName(final String type) {
            return name == null ? type : TableNames.named(type, name);
        }

        void memoryBudget(final long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("memory budget must be positive: " + bytes);
            }
            memoryBudget = bytes;
        }

        /** The longest period the evacuator is scheduled with: what a long counts in nanoseconds (some 292 years). */
        private static final Duration LONGEST_PERIOD = Duration.ofNanos(Long.MAX_VALUE);

        void backgroundEvacuation(final Duration work, final Duration period) {
            if (work.isNegative() || work.isZero() || period.compareTo(work) < 0) {
                throw new IllegalArgumentException("background evacuation needs 0 < work <= period, not "
                        + work + " per " + period);
            }
            if (period.compareTo(LONGEST_PERIOD) > 0) {
                throw new IllegalArgumentException("background evacuation needs a period of at most " + LONGEST_PERIOD
                        + ", not " + period);
            }
            backgroundWorkNanos = work.toNanos();
            backgroundPeriodNanos = period.toNanos();
        }

        /**
         * The size each shard is made for: its share of {@link #expectedSize}, but at least what fills the first
         * page of memory. A table's first array is one mapping of whole pages whatever its B, so a shard that
         * started at Go's single bucket would go through four or five growths (each a mapping, a pre-fault and
         * a retired array to give back) before it used more memory than it already holds. With 128 shards
         * that is 512 of the 1,536 growths of a map growing to 2M keys. The first page is not charged against
         * a budget too small for it.
         */
        long perShardSize(final BucketLayout layout) {
            final int shards = 1 << logShards;
            long size = shareOf(expectedSize, shards);
            if (BucketArray.initialCommittedBytes(layout, HashTable.logSizeFor(size)) > perShardBudget()) {
                size = Math.ceilDiv(expectedSize, shards); // the margin must not cost a budget made for the share
            }
            return Math.max(size, smallestShardSize(layout));
        }

        /** What a shard's first array, one page, holds: the least it is made for, or trimmed to. */
        long smallestShardSize(final BucketLayout layout) {
            return entriesFor(firstLogBuckets(layout, perShardBudget()));
        }

        /** The largest B whose main buckets and Go's spares fit in one page and in {@code budget}. */
        static int firstLogBuckets(final BucketLayout layout, final long budget) {
            final long room = Math.min(FIRST_ARRAY_BYTES, budget);
            int logBuckets = 0;
            while (BucketArray.initialCommittedBytes(layout, logBuckets + 1) <= room) {
                logBuckets++;
            }
            return logBuckets;
        }

        /** The expected size for which Go's makemap picks exactly {@code logBuckets}: 6.5 per bucket. */
        static long entriesFor(final int logBuckets) {
            return logBuckets == 0 ? 0 : 13L << (logBuckets - 1);
        }

        /**
         * By default a map keeps {@link ShardSet#KEPT_RETIRED_MAPPINGS} emptied mappings in all, at least one per
         * shard: 16 per shard with 128 shards, every doubling from a shard's first page (B = 4) to B = 20 (some
         * 870M keys in all), and few enough that a process with many maps stays far below the kernel's limit on
         * mappings (65,530 by default). Beyond that, the oldest are freed as before.
         */
        int retiredMappingsPerShard() {
            return retiredMappingsPerShard >= 0 ? retiredMappingsPerShard
                    : Math.max(1, KEPT_RETIRED_MAPPINGS >> logShards);
        }

        /**
         * A shard's failure while the map is built, restated for the map when the budget refused it: the budget
         * the shard's message names is its share of the map's, which a caller cannot tell from the figure alone.
         */
        RuntimeException shardFailure(final RuntimeException failure, final int shard, final String mapName) {
            if (failure instanceof MemoryBudgetExceededException refused && memoryBudget != Long.MAX_VALUE) {
                final MemoryBudgetExceededException restated = new MemoryBudgetExceededException(
                        "the first array of " + mapName + " shard " + shard + budgetShare(),
                        refused.budgetBytes(), refused.usedBytes(), refused.requestedBytes());
                restated.initCause(refused);
                return restated;
            }
            return failure;
        }

        /** How a shard's budget refusal says that the budget is its share of the map's ("" for no budget). */
        String budgetShare() {
            return memoryBudget == Long.MAX_VALUE ? "" : ", whose budget is 1/" + (1 << logShards) + " of the map's "
                    + memoryBudget + " bytes (fewer shards, or a larger budget, give each more)";
        }

        long perShardBudget() {
            return memoryBudget == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, memoryBudget >> logShards);
        }

        NativeAllocator allocatorOf(final int shard) {
            return Objects.requireNonNull(allocators.apply(shard), "allocator of shard " + shard);
        }
    }
}
