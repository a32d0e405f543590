package io.panamap;

import io.panamap.layout.BucketLayout;
import io.panamap.layout.TopHash;
import io.panamap.memory.MemoryBudgetExceededException;
import io.panamap.memory.MemoryLimits;
import io.panamap.memory.NativeAllocator;
import io.panamap.memory.NativeBlock;
import io.panamap.memory.NativeMemoryException;
import io.panamap.memory.MemoryWorker;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * The table engine: the one place that owns the bucket arrays, growth, evacuation, deletion
 * compaction and memory accounting. Typed front ends ({@link LongLongMap}, and the typed maps built on
 * the same engine) do their own key comparison on the hot path and call in here for everything that
 * knows about growth.
 *
 * <h2>Design (Go's classic map, {@code runtime/map.go}, 1.19–1.23)</h2>
 *
 * <p>A table is an array of 2^B buckets of 8 slots ({@link BucketLayout}). A key's 64-bit hash picks
 * its bucket with its low B bits and gives the slot's tophash byte from its top byte; a bucket that
 * fills up chains overflow buckets. The average load is kept at most 6.5 entries per bucket
 * ({@code loadFactorNum/loadFactorDen = 13/2}): the insert of a new key that would pass it starts a
 * <em>doubling</em>. Long chains with a low load (many inserts and deletes) start a <em>same-size
 * growth</em> instead, which compacts the chains: when the overflow buckets created since the last
 * growth reach 2^min(B,15) (counted exactly below B = 16, and with probability 1/2^(B-15) per bucket
 * above, so that the counter estimates overflow/2^(B-15) — Go's {@code incrnoverflow}).
 *
 * <p>Growth is incremental. {@link #hashGrow} only installs a new array (allocating it is O(1): lazily
 * faulted mmap) and keeps the old one as {@code oldBuckets}; {@code oldBuckets != null} <em>is</em> the
 * definition of "growing". Every later write first calls {@link #arrayToWrite}, which evacuates the old
 * chain at the evacuation mark {@code nevacuate}, then writes in the key's old chain if that has not
 * moved yet, or else in the new array (Go moves the key's own chain first and writes only in the new
 * array; {@link #arrayToWrite} says why panamap does not). A doubling sends
 * each entry to X (same index) or Y (index + old bucket count) by the newly significant hash bit; every
 * old slot is marked {@code evacuatedX/Y/Empty} so that tophash[0] of a chain head tells whether the
 * chain has moved. Reads never evacuate: a lookup reads the old chain while it is not yet evacuated
 * ({@link #arrayToRead}). The mark advances past already evacuated chains, looking at most 1024 ahead;
 * when it reaches the old bucket count the growth is finished and the old array is freed — handed to
 * the {@link MemoryWorker}, because unmapping hundreds of MiB takes milliseconds and must not land on the
 * insert that happened to finish the growth (a small table keeps it a while first: {@link #keepsUntilLarge}).
 *
 * <p>Delete marks the slot {@code emptyOne}, then turns a trailing run of {@code emptyOne} into
 * {@code emptyRest} (walking backwards across overflow buckets), so lookups can stop early. When the
 * count drops to zero, and on {@link #clear}, the hash seed is drawn anew (Go issue 25237).
 *
 * <h2>Where panamap differs from Go, and why</h2>
 * <ul>
 *   <li>During a growth a write moves the chain at the mark and writes a key whose old chain has not
 *       moved yet in that chain; Go also moves the key's own chain first (one random chain, two random
 *       destinations) and writes only in the new array ({@link #arrayToWrite}). Before moving anything it
 *       loads the head of its own chain and the next chain's overflow bucket, so that those cache misses
 *       overlap the move instead of following it.
 *   <li>The array a doubling needs is mapped and pre-faulted by the {@link MemoryWorker} once the count
 *       reaches 5/8 of the threshold ({@link #requestPreparation}); the insert that starts the growth
 *       adopts it. Mapping inline is the fallback, O(1) but about 10 µs interpreted, and the fresh
 *       pages would then fault on the writer as evacuation touches them. Overflow buckets past Go's
 *       spares are pre-faulted the same way, a chunk ahead of the next one handed out
 *       ({@link #prefaultMoreOverflow}).
 *   <li>Memory is native, one mapping per bucket array: main buckets, then Go's 2^(B-4) preallocated
 *       spares, then a reserved overflow area of 2·2^B + 8 buckets in all, touched only when used.
 *       Go allocates overflow beyond its spares from the heap one bucket at a time; keeping them in
 *       the same mapping keeps every link inside one bounds-checked segment. The area cannot run out:
 *       a doubling to B moves at most 3.75·2^B entries (≤ 0.47·2^B overflow buckets) while at most
 *       0.5·2^B writes happen (one old chain moves per write), a same-size growth at most 7.5·2^B
 *       entries (≤ 0.94·2^B) during 2^B writes, and outside growth the overflow rule replaces the
 *       array at 2^B overflow buckets (B &lt; 16; above that the estimate is off by far less than 2^B
 *       with overwhelming probability). An old array, which takes writes into chains that have not moved
 *       yet, gains at most one overflow bucket per write of its growth: at most 2·2^B in all. Should an
 *       old area still be full, or a bucket past Go's spares not fit in the memory budget, the write moves
 *       its chain and writes in the new array ({@link #canLinkOverflow}).
 *   <li>The old array is freed on a background thread, not by the garbage collector; below 2^13 buckets,
 *       only once the table has retired an array of 2^13 or more ({@link #keepsUntilLarge}). The next
 *       array is mapped ahead of its growth, and an owner who knows the table has stopped growing can give
 *       it and the kept small arrays back ({@link #releaseSpareMemory}); Go has neither. Nor does Go shrink a
 *       table: {@link #trimToSize(long)} does, when its owner calls it.
 *   <li>Keys and values stored out of line (typed maps: variable-length ones, and fixed-size ones over 128
 *       bytes) live in an {@link OutOfLineStore} the table owns, not on a garbage-collected heap. Evacuation
 *       copies slots verbatim, so a block changes owner with its entry and nothing here knows about it.
 *       What Go's GC gives for free, that an iterator on an old array may still read key bytes a growth
 *       has moved, is kept by queueing frees while any iterator runs ({@link #iterationsActive}).
 *   <li>{@link #clear} maps a fresh array of the same B (O(1)) instead of re-zeroing the old one in
 *       place (O(table)), and retires the old one like a finished growth.
 *   <li>Iterators pin the arrays they read ({@link BucketArray#pins}) where Go relies on the GC
 *       keeping them alive; a retired array is freed when its last pin goes.
 *   <li>The "concurrent map writes" check raises {@link ConcurrentModificationException} instead of
 *       killing the process; the flag is written with opaque stores so the JIT cannot drop it.
 * </ul>
 *
 * <p>Not thread-safe: one writer at a time, and no reads concurrent with a write (both are detected,
 * best effort, like Go's {@code hashWriting}). Memory safety does not depend on that detection: every
 * access is bounds-checked against a live segment of a shared arena, so a misuse ends in an exception.
 */
final class HashTable {

    /** Go's {@code loadFactorNum}: the table doubles above 13/2 = 6.5 entries per bucket. */
    static final int LOAD_FACTOR_NUM = 13;
    /** Go's {@code loadFactorDen}. */
    static final int LOAD_FACTOR_DEN = 2;
    /**
     * Bytes faulted in per worker task: about a millisecond of work. Each step holds the process's
     * memory-map lock for reading, so any thread's mmap waits for the step in progress (64 MiB steps made a
     * writer's own mmap wait up to 63 ms). And other requests get a turn between steps (in one call, faulting
     * in a multi-GiB array held the only worker for seconds, and the writer's overflow requests waited behind
     * it: a 6.6 ms put at 157M entries, where the writer touched those buckets itself).
     */
    static final long PREFAULT_STEP_BYTES = 2L << 20;
    /**
     * The smallest array the memory worker is asked to prepare: 2^15 buckets, 4.7 MB. A table asks at 5/8 of its
     * threshold and reaches its growth 3/8 of 13·2^(B-1) inserts later: for the doubling to 2^14, some 20,000
     * inserts, 1.3-1.8 ms, while the worker, between tasks, looks at its queue every 2 ms ({@code MemoryWorker}).
     * Asked for that array, the worker had it mapped in 55-58% of growths; the others mapped their own (p50
     * 9-12 µs against 1.2-1.5 µs for taking the prepared one), and those coincided now and then with the worker's
     * own mapping of the array nobody would take: in 1,000 builds per run of {@code ./panamap probe growth-starts},
     * p99 69-98 µs and max 157-682 µs at that insert. Mapped by the table itself, always: p50 7.5-9.8 µs, p99
     * 21-22 µs, max 75-91 µs. The doubling to 2^15, 40,000 inserts after its request, found its array ready in
     * 995-999 builds of 1,000 (p99 3-6 µs). Asking from 2^14 on was chosen once from a scratch loop that
     * labelled each doubling by the size it left, which made the doubling to 2^14 look like the one to 2^15
     * (docs/PERFORMANCE-HISTORY.md, "The first prepared array").
     */
    static final int MIN_PREPARED_LOG_SIZE = 15;
    /**
     * Retired arrays of fewer buckets than this are freed only once the table has retired a larger one: see
     * {@link #keepsUntilLarge}. The 2^(MIN_PREPARED_LOG_SIZE - 1) array is the last one a table maps itself;
     * the 2^(this) one is retired when that doubling ends.
     */
    static final int KEEP_RETIRED_BELOW_LOG_SIZE = MIN_PREPARED_LOG_SIZE - 2;
    /**
     * Bytes given back per worker task when freeing: about a millisecond of work, for the lock's sake as above
     * (unmapping a faulted-in 300 MiB array in one call made a concurrent mmap wait 7-9 ms). Larger than a
     * pre-fault step because giving pages back flushes their TLB entries on every CPU running the process, an
     * interrupt of 5-20 µs to the writer on this VM: once per step, or once per ~20 MiB within one (the
     * kernel's batch). In 2 MiB steps, freeing 300 MiB interrupted another thread ~155 times; in 32 MiB steps,
     * 13-24 times, as unmapping in one call did (11-13).
     */
    static final long DISCARD_STEP_BYTES = 32L << 20;
    /**
     * Overflow buckets pre-faulted per request once Go's spares are used up: at least this (512 KiB of
     * long→long buckets), and a 32nd of the array's buckets in large arrays, so that a 10M build hands the
     * memory worker a few dozen such requests, not a hundred (each may cost its insert a wake-up of the worker).
     */
    static final long OVERFLOW_PREFAULT_CHUNK = 3640;
    /** How far {@code nevacuate} may skip over already evacuated chains in one step (Go: 1024). */
    static final int EVACUATION_LOOKAHEAD = 1024;
    /** Above this B, overflow buckets are counted approximately (Go: 15, as noverflow is 16 bits). */
    static final int EXACT_OVERFLOW_COUNT_MAX_B = 15;
    /** Largest supported B: 2^40 buckets of 144 bytes would be 158 TiB. */
    static final int MAX_LOG_SIZE = 40;
    private static final long CACHE_LINE = 64;

    private static final VarHandle STATE;
    /** {@link #state} bit: a write is in progress (Go's {@code hashWriting}). */
    private static final int WRITING = 1;
    /** {@link #state} bit: the table is closed. */
    private static final int CLOSED_BIT = 2;
    private static final VarHandle PREPARED;
    /** Stored in {@link #prepared} by {@link #close}: a late preparation then frees its array itself. */
    private static final Object CLOSED = new Object();
    /**
     * Stored in {@link #prepared} by {@link #releaseSpareMemory}: a preparation still under way frees its array
     * instead of offering it, until the table asks for its next one.
     */
    private static final Object WITHDRAWN = new Object();

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(HashTable.class, "state", int.class);
            PREPARED = MethodHandles.lookup().findVarHandle(HashTable.class, "prepared", Object.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        // The first event class initialized in a JVM brings up the Flight Recorder's machinery (some 300
        // classes, about 70 ms here), recording or not: here, with the first table, not in its first growth.
        TableEvents.initialize();
    }

    /** How the engine rehashes a stored key: evacuation and iteration need it, nothing else. */
    interface KeyHasher {
        /** The hash, under {@code seed}, of the key stored at {@code keyOffset} of a bucket array's {@code segment}. */
        long hashStoredKey(MemorySegment segment, long keyOffset, long seed);
    }

    final BucketLayout layout;
    /**
     * Where the second and third cache lines of a bucket start, as far as it has them (a 144-byte bucket in a
     * 16-byte aligned array spans three; a smaller one ends sooner): what {@link #overflowAhead} loads.
     */
    private final long secondLine;
    private final long thirdLine;
    final KeyHasher hasher;
    private final NativeAllocator allocator;
    private final long memoryBudget;
    private final boolean backgroundMemoryWork;
    private final String owner;
    /**
     * The expected size the table was built for: no next array is prepared before it is reached, unless a trim
     * took the table below the size it was built with (see {@link #install}).
     */
    private final long expectedSize;
    /** Go's B for {@link #expectedSize}: the array the table was built with. */
    private final int presizedLogSize;

    /** The current array: every write goes here. */
    BucketArray buckets;
    /** The array being evacuated, or null: non-null exactly while growing. */
    BucketArray oldBuckets;
    /** The growth in progress keeps the bucket count (Go's {@code sameSizeGrow} flag). */
    boolean sameSizeGrow;
    /** Every old chain below this index has been evacuated. */
    long nevacuate;
    /** Live entries. */
    long count;
    /** Overflow buckets created since the last growth (approximate above B = 15). */
    long noverflow;
    /**
     * During a growth, the overflow buckets linked into old chains that have not moved yet: a bound on the
     * overflow buckets their moves can still take in the current array (see {@link #evacuationReserve}).
     */
    private long unmovedOldOverflow;
    /** Per-table hash seed (Go's {@code hash0}). */
    long seed;
    /** Bumped by {@link #clear}: iterators started before a clear stop. */
    long clearEpoch;
    boolean closed;
    /**
     * What closed the table, for "... is closed" messages: its owner, or the concurrent map that closed all of its
     * shards at once (whose user never closed a shard). Written before {@link #closed}.
     */
    private String closedBy;

    /** Entries at which the next insert of a new key must start a doubling (Go's overLoadFactor). */
    private long growAt;
    /** Entries at which to ask the memory worker for the next array, ahead of {@link #growAt}. */
    private long prepareAt;
    /** Whether a preparation was requested for the current array (writer thread only). */
    private boolean preparationRequested;
    /**
     * The bytes and B of the array the memory worker was asked to prepare, charged to the budget from the
     * request until it is published (then it is charged as the prepared array), taken, or let go (writer thread
     * only; 0 bytes when none is asked for). Charged from the request, not from its publication, so that
     * nothing the writer does meanwhile can spend the room the worker is mapping.
     */
    private long preparingBytes;
    private int preparingLogSize;
    /**
     * The request the memory worker's next array must answer: each request, and each request the writer gives up
     * on, moves it on, and the worker frees an array that answers an older one instead of publishing it. So an
     * array is charged from its request until it is taken, let go, or given up on, and a given-up one is never
     * faulted in (it is freed while still untouched). Written by the writer, read by the worker.
     */
    private volatile long preparationGeneration;
    /** The array a trim is moving out of: its own until the move ends, so that close() frees it meanwhile. */
    private BucketArray trimSource;
    /**
     * The next bucket array, mapped by the memory worker (which may still be faulting it in), or null, or
     * {@link #CLOSED}, or {@link #WITHDRAWN}. Written by the worker, taken by the writer in {@link #hashGrow}
     * (and dropped by it in {@link #releaseSpareMemory}): with {@link BucketArray#letGo}, the only state the
     * writer and the worker share.
     */
    @SuppressWarnings("unused")
    private volatile Object prepared;

    private long randomState;
    /**
     * {@link #WRITING} and {@link #CLOSED_BIT}: every operation starts with one opaque load of this word
     * and one comparison. Opaque (not plain) so the JIT can neither drop the store that sets WRITING nor
     * hoist the load out of a caller's loop; on x86 and ARM it costs what a plain access costs.
     */
    @SuppressWarnings("unused")
    private int state;
    /**
     * Out-of-line storage of the keys and values too large for a slot, or null (long → long): its
     * memory is charged against the same budget, and it is cleared and closed with the table.
     */
    private OutOfLineStore storage;
    /**
     * The seed was given by the owner (a concurrent map picks shards with the same hash) and is never redrawn:
     * a shard cannot change its keys' hashes without moving them to other shards.
     */
    private boolean fixedSeed;
    /** This table's index among a concurrent map's shards, or -1: for events and stats. */
    int shard = -1;
    /**
     * What a budget refusal adds for a shard whose budget is its share of a concurrent map's: ", whose budget is
     * 1/n of the map's ..." ("" otherwise), since the share, not the map's budget, is what ran out.
     */
    String budgetShare = "";
    /** When the growth in progress started ({@link System#nanoTime}). */
    private long growthStartNanos;
    /** Time spent with two arrays by growths that have ended. */
    private long twoArrayNanos;
    /** The JFR event of the growth in progress, committed when it ends; null when not growing. */
    private TableEvents.Growth growthEvent;
    /** Iterators started and not yet stopped: while any runs, out-of-line bytes are freed late. */
    private int activeIterators;
    /** Retired arrays kept alive by iterator pins. */
    private final List<BucketArray> pinnedRetired = new ArrayList<>(2);
    /**
     * Retired arrays whose pages were given back but whose mappings are kept, oldest first (see
     * {@link #keepRetiredMappings}); closed when more than {@link #retiredMappingsKept} pile up, and on close.
     */
    private final ArrayDeque<NativeBlock> emptiedMappings = new ArrayDeque<>();
    private int retiredMappingsKept;
    /**
     * Arrays below {@link #KEEP_RETIRED_BELOW_LOG_SIZE} buckets retired by a doubling, kept mapped (pages and
     * all) until the table stops mapping arrays itself, then freed together; see {@link #keepsUntilLarge}.
     * At most one per size below it, 2^0 to 2^12 buckets: together about the size of the 2^13 array whose
     * retirement frees them.
     */
    private final List<BucketArray> keptSmallRetired = new ArrayList<>(KEEP_RETIRED_BELOW_LOG_SIZE);
    private long keptSmallRetiredBytes;
    /**
     * Held by the memory worker while it advises a range of the table's memory (faults pages in ahead of use,
     * gives a kept mapping's pages back), and by any other thread that frees memory the worker may be advising
     * ({@link #close}, and a closed table freeing what a racing write mapped): a range must never be advised
     * after it was unmapped, since its addresses may belong to another mapping by then. Not the table's
     * monitor, which a writer takes at the end of every growth and must not wait on a step of advice.
     */
    private final Object adviceLock = new Object();
    private long pinnedRetiredBytes;

    private long doublings;
    private long sameSizeGrowths;
    private long growthsFinished;

    HashTable(final BucketLayout layout, final KeyHasher hasher, final NativeAllocator allocator,
              final long expectedSize, final long memoryBudget, final boolean backgroundMemoryWork,
              final String owner) {
        if (expectedSize < 0) {
            throw new IllegalArgumentException("expected size must not be negative: " + expectedSize);
        }
        if (memoryBudget <= 0) {
            throw new IllegalArgumentException("memory budget must be positive: " + memoryBudget);
        }
        this.layout = layout;
        this.secondLine = Math.min(CACHE_LINE, layout.bucketSize() - Long.BYTES);
        this.thirdLine = Math.min(2 * CACHE_LINE, layout.bucketSize() - Long.BYTES);
        this.hasher = hasher;
        this.allocator = allocator;
        this.memoryBudget = memoryBudget;
        this.backgroundMemoryWork = backgroundMemoryWork;
        this.owner = owner;
        this.expectedSize = expectedSize;
        this.randomState = ThreadLocalRandom.current().nextLong();
        this.seed = nextRandom();
        final int logSize = logSizeFor(expectedSize);
        this.presizedLogSize = logSize;
        if (logSize > MAX_LOG_SIZE) {
            // logSizeFor stops counting at 2^60 (Go's overLoadFactor does too), so say "more than" the limit.
            throw new IllegalArgumentException("expected size " + expectedSize + " needs more than the 2^"
                    + MAX_LOG_SIZE + " buckets supported, which hold " + LOAD_FACTOR_NUM * ((1L << MAX_LOG_SIZE)
                    / LOAD_FACTOR_DEN) + " entries at Go's load factor");
        }
        if (backgroundMemoryWork) {
            MemoryWorker.start(); // its first hand-off, at the first growth, would otherwise start a thread
        }
        install(allocateArray(logSize));
        // The first inserts would otherwise fault in the array's pages one by one: a presized table's, and
        // the single page of a default table's first bucket (its first put took 15-78 µs after warm-up). Done
        // here, on the constructing thread: in the background it raced the first inserts, which then waited
        // on pages being faulted in (1.4-1.8 ms stalls in the first few hundred operations of the open loop).
        try {
            decidePrefault(buckets);
            if (!buckets.faultsInLazily) {
                buckets.prefaultedUpTo = buckets.bucketCount + buckets.preallocatedSpares;
                allocator.prefault(buckets.block, 0, layout.bytesFor(buckets.prefaultedUpTo));
            }
        } catch (final RuntimeException | Error e) { // a hint that must not throw; one that does leaks nothing
            close();
            throw e;
        }
        // The first access of each kind to native memory in a JVM links its accessor (method handles are
        // spun): done here, by writing the first bucket's tophash word and byte back unchanged, instead of by
        // the JVM's first insert, whose 0.9 ms this took to 0.3-0.4 ms.
        buckets.setTophashes(0, buckets.tophashes(0));
        buckets.setTophash(0, 0, buckets.tophash(0, 0));
    }

    /**
     * Makes {@code array} the current one and derives the thresholds that depend on its size.
     *
     * <p>Every array a table maps becomes its own here, under the monitor {@link #close} holds. A write racing
     * a close() from another thread (a misuse the state word catches only at best: its plain check and store
     * can overwrite the closed bit) must not link memory that close() has not seen: that memory would never be
     * freed, and the closed table would go on working in it. So a closed table frees the array and refuses.
     */
    private void install(final BucketArray array) {
        synchronized (this) {
            if (closed) {
                freeOffWorker(array.block);
                throw closedException();
            }
            buckets = array;
        }
        final long threshold = array.logSize == 0
                ? BucketLayout.SLOTS
                : Math.max(BucketLayout.SLOTS, LOAD_FACTOR_NUM * ((1L << array.logSize) / LOAD_FACTOR_DEN));
        growAt = array.logSize >= 60 ? Long.MAX_VALUE : threshold;
        // A doubling installs an array at half its threshold and finishes evacuating near 58%; asking at
        // 5/8 leaves 3/8 of the inserts to the next doubling for the worker to populate the next array
        // (~0.4 s/GiB with 4 KiB pages; huge pages fresh from the host take up to ~2 s/GiB). Asking earlier,
        // in the put that ends the evacuation (one wake-up of the worker for both tasks), would keep a table
        // that stops growing between 50% and 5/8 with a next array it never uses, twice its own size.
        // A presized table prepares nothing below its expected size, unless a trim took it below that size.
        final long presizedFloor = array.logSize >= presizedLogSize ? expectedSize + 1 : 0;
        prepareAt = Math.max(growAt - growAt * 3 / 8, presizedFloor);
        preparationRequested = false;
    }

    /** Go's {@code makemap}: the smallest B whose load factor admits {@code hint} entries. */
    static int logSizeFor(final long hint) {
        int logSize = 0;
        while (overLoadFactor(hint, logSize)) {
            logSize++;
        }
        return logSize;
    }

    /** Go's {@code overLoadFactor}: more than 8 entries and more than 6.5 per bucket. */
    static boolean overLoadFactor(final long count, final int logSize) {
        if (count <= BucketLayout.SLOTS) {
            return false;
        }
        if (logSize >= 60) {
            return false;
        }
        return count > LOAD_FACTOR_NUM * ((1L << logSize) / LOAD_FACTOR_DEN);
    }

    /** Go's {@code tooManyOverflowBuckets}: about as many overflow buckets as buckets. */
    static boolean tooManyOverflowBuckets(final long noverflow, final int logSize) {
        return noverflow >= 1L << Math.min(logSize, EXACT_OVERFLOW_COUNT_MAX_B);
    }

    // ---------------------------------------------------------------- state checks

    boolean isGrowing() {
        return oldBuckets != null;
    }

    /** Entry check of every write: open, and no other write in progress. */
    void beginWrite() {
        final int current = (int) STATE.getOpaque(this);
        if (current != 0) {
            throw refused(current, "concurrent map writes on ");
        }
        STATE.setOpaque(this, WRITING);
    }

    /** Exit of every write (in a finally block). */
    void endWrite() {
        final int current = (int) STATE.getOpaque(this);
        if (current != WRITING) {
            throw refused(current & ~WRITING, "concurrent map writes on ");
        }
        STATE.setOpaque(this, 0);
    }

    /**
     * Entry check of every read: a plain load, as Go's own check of {@code hashWriting} is. Reads are
     * the hottest path and nothing depends on this check for memory safety, so it stays best effort
     * (the JIT may hoist it out of a reader's loop); writes keep opaque stores, which the JIT cannot drop.
     */
    void beginRead() {
        final int current = state;
        if (current != 0) {
            throw refused(current, "concurrent map read and map write on ");
        }
    }

    /** Check of every iterator step. */
    void beginIterationStep() {
        final int current = (int) STATE.getOpaque(this);
        if (current != 0) {
            throw refused(current, "concurrent map iteration and map write on ");
        }
    }

    private RuntimeException refused(final int current, final String concurrentMessage) {
        if ((current & CLOSED_BIT) != 0) {
            return closedException();
        }
        return new ConcurrentModificationException(concurrentMessage + owner);
    }

    void checkOpen() {
        if (closed) {
            throw closedException();
        }
    }

    private IllegalStateException closedException() {
        final String by = closedBy;
        return new IllegalStateException((by == null ? owner : by) + " is closed");
    }

    // ---------------------------------------------------------------- reads

    /**
     * The array a lookup of {@code hash} must search: the old one while the key's old chain has not
     * been evacuated yet, otherwise the current one. Index the result with {@code hash & array.mask}.
     */
    BucketArray arrayToRead(final long hash) {
        final BucketArray old = oldBuckets;
        return old != null && notYetMoved(old, hash & old.mask) ? old : buckets;
    }

    /**
     * Whether old chain {@code oldIndex} still holds its entries. Every chain below the mark has moved
     * (the mark only passes moved chains), so only a chain at or above it is looked at: that saves a
     * lookup or a write whose chain has moved a cache miss in the old array (Go reads the old tophash
     * every time).
     */
    private boolean notYetMoved(final BucketArray old, final long oldIndex) {
        return oldIndex >= nevacuate && !old.isEvacuated(oldIndex);
    }

    // ---------------------------------------------------------------- writes

    /** The current array when no growth is under way (a write then moves nothing first), else null. */
    BucketArray bucketsUnlessGrowing() {
        return oldBuckets == null ? buckets : null;
    }

    /** Whether the insert of a new key must start a growth first (Go's mapassign step 6). */
    boolean needsGrowthBeforeInsert() {
        if (oldBuckets != null) {
            return false;
        }
        return count + 1 > growAt
                || tooManyOverflowBuckets(noverflow, buckets.logSize)
                || buckets.overflowRemaining() == 0;
    }

    /**
     * Starts the growth an insert needs first ({@link #needsGrowthBeforeInsert}), and returns true; or returns
     * false, and the insert goes on without one, when it is a same-size growth the budget cannot admit and
     * the insert needs no new memory for it: a free slot in its chain, or an overflow bucket to take (charged
     * as usual). A same-size growth only compacts a table whose chains grew long (Go's
     * {@code tooManyOverflowBuckets}); refusing the insert instead refused keys the table had room for, and
     * for good, since the overflow count that asks for the growth only resets with one: after deletes, every
     * new key. It is tried again at the next insert that needs it. A doubling is never skipped.
     *
     * @param freeSlotInChain whether the key's chain has a free slot
     * @throws MemoryBudgetExceededException or {@link NativeMemoryException} with nothing changed
     */
    boolean growBeforeInsert(final boolean freeSlotInChain) {
        final int logSize = buckets.logSize;
        final boolean sameSize = !overLoadFactor(count + 1, logSize);
        if (sameSize && (freeSlotInChain || buckets.overflowRemaining() > 0) && !growthAdmitted(logSize)) {
            return false;
        }
        hashGrow();
        return true;
    }

    /**
     * Whether the budget admits a growth to 2^{@code newLogSize} buckets: its array, unless the prepared one
     * (charged already, from its request on) is there to be taken, and its moves' reserve. Kept small arrays,
     * and a prepared array of another size, are let go first if that makes the room; the growth's own prepared
     * array is not (its bytes would only move from the charge to the need, and its pre-faulting be lost).
     */
    private boolean growthAdmitted(final int newLogSize) {
        if (growthBytes(newLogSize) <= available()) {
            return true;
        }
        releaseKeptSmallRetired();
        if (!preparedFor(newLogSize)) {
            dropPrepared();
        }
        return growthBytes(newLogSize) <= available();
    }

    /** What a growth to 2^{@code newLogSize} buckets adds to {@link #chargedBytes}. */
    private long growthBytes(final int newLogSize) {
        return (preparedFor(newLogSize) ? 0 : BucketArray.initialCommittedBytes(layout, newLogSize))
                + growthReserve(newLogSize);
    }

    /** Whether an array of 2^{@code logSize} buckets is prepared, or being prepared (and so charged already). */
    private boolean preparedFor(final int logSize) {
        return preparingBytes > 0 && preparingLogSize == logSize
                || PREPARED.get(this) instanceof BucketArray ready && ready.logSize == logSize;
    }

    /** The {@link #evacuationReserve} a growth to 2^{@code newLogSize} buckets starts with. */
    private long growthReserve(final int newLogSize) {
        return layout.bytesFor(Math.max(0, buckets.overflowUsed() - BucketArray.preallocatedSpares(newLogSize)));
    }

    /**
     * Starts a growth: doubling if the next insert would pass the load factor, same-size otherwise.
     * Only installs the new array; entries move later, in {@link #arrayToWrite}.
     *
     * @throws MemoryBudgetExceededException or {@link NativeMemoryException} with nothing changed
     */
    void hashGrow() {
        final int extra = overLoadFactor(count + 1, buckets.logSize) ? 1 : 0;
        final int newLogSize = buckets.logSize + extra;
        if (newLogSize > MAX_LOG_SIZE) {
            throw new NativeMemoryException(owner + " cannot grow past 2^" + MAX_LOG_SIZE + " buckets");
        }
        if (growthReserve(newLogSize) > 0 && !growthAdmitted(newLogSize)) {
            refuse(growthBytes(newLogSize), arrayPurpose(newLogSize)); // the array alone is checked when taken
        }
        final BucketArray next = adoptPreparedOrAllocate(newLogSize);
        if (preparingBytes > 0 && preparingLogSize == newLogSize) {
            abandonPreparation(); // the growth outran the worker: what it maps now is of no use
        }
        final long oldOverflow = buckets.overflowUsed();
        oldBuckets = buckets;
        install(next);
        unmovedOldOverflow = oldOverflow;
        sameSizeGrow = extra == 0;
        nevacuate = 0;
        noverflow = 0;
        if (extra == 1) {
            doublings++;
        } else {
            sameSizeGrowths++;
        }
        growthStarted(oldBuckets.logSize, next);
    }

    private void growthStarted(final int oldLogSize, final BucketArray next) {
        growthStartNanos = System.nanoTime();
        final TableEvents.GrowthStart start = new TableEvents.GrowthStart();
        if (start.shouldCommit()) {
            start.table = owner;
            start.shard = shard;
            start.oldLogBuckets = oldLogSize;
            start.newLogBuckets = next.logSize;
            start.sameSize = sameSizeGrow;
            start.entries = count;
            start.newArrayBytes = next.committedBytes();
            start.commit();
        }
        final TableEvents.Growth growth = new TableEvents.Growth();
        if (growth.isEnabled()) {
            growth.begin();
            growth.table = owner;
            growth.shard = shard;
            growth.oldLogBuckets = oldLogSize;
            growth.newLogBuckets = next.logSize;
            growth.sameSize = sameSizeGrow;
            growth.entries = count;
            growth.newArrayBytes = next.committedBytes();
            growthEvent = growth;
        }
    }

    /** Accounts for the time with two arrays, and commits the growth's event. */
    private void growthEnded(final boolean abandoned) {
        twoArrayNanos += System.nanoTime() - growthStartNanos;
        final TableEvents.Growth growth = growthEvent;
        growthEvent = null;
        if (growth != null) {
            growth.abandoned = abandoned;
            growth.commit();
        }
    }

    private BucketArray adoptPreparedOrAllocate(final int logSize) {
        // Take the prepared array only if it is the right size: a same-size growth leaves the doubling's
        // array waiting for the doubling that will follow.
        final Object ready = PREPARED.get(this);
        if (ready instanceof BucketArray array && array.logSize == logSize && PREPARED.compareAndSet(this, array, null)) {
            if (logSize == preparingLogSize) {
                // Charged as this array from now on. It may answer an older request than the last (published
                // just before that request's generation moved on): the last one is of no use now either.
                abandonPreparation();
            }
            array.prefaultedUpTo = array.faultsInLazily ? 0 : array.bucketCount + array.preallocatedSpares;
            final long needed = BucketArray.initialCommittedBytes(layout, logSize);
            if (!budgetAdmits(needed)) {
                release(array);
                refuse(needed, arrayPurpose(logSize));
            }
            return array;
        }
        return allocateArray(logSize);
    }

    /**
     * What an array of 2^{@code logSize} buckets is for, in words, for the message of a refusal; called
     * before the array is installed. Spelled out only when refusing: a growth runs code too cold to be
     * compiled, where concatenating this text on every growth took 20-40 µs of the insert that starts it.
     */
    private String arrayPurpose(final int logSize) {
        if (buckets == null) {
            return "the initial array for expected size " + expectedSize;
        }
        if (logSize < buckets.logSize) {
            return "trim to 2^" + logSize + " buckets";
        }
        return (logSize > buckets.logSize ? "growth to 2^" : "same-size growth at 2^") + logSize + " buckets";
    }

    /**
     * Called when the count reaches {@link #prepareAt}: asks the memory worker to map the array the
     * next doubling will need and fault in its buckets and spares, so that the insert that starts the
     * growth only has to take it. Skipped when the budget could not admit that growth anyway.
     */
    private void requestPreparation() {
        if (oldBuckets != null) {
            return; // still evacuating into the current array: ask again on a later insert
        }
        preparationRequested = true;
        final int logSize = buckets.logSize + 1;
        if (logSize > MAX_LOG_SIZE || logSize < MIN_PREPARED_LOG_SIZE) {
            return;
        }
        final Object existing = PREPARED.get(this);
        if (existing instanceof BucketArray ready) {
            if (ready.logSize == logSize) {
                return;
            }
            // Left over from a growth that outran the worker: of no use any more.
            if (PREPARED.compareAndSet(this, ready, null)) {
                release(ready);
            }
        }
        final long needed = BucketArray.initialCommittedBytes(layout, logSize);
        if (needed > available()) {
            return;
        }
        final NativeAllocator preparer = preparer(); // before anything is charged for it
        PREPARED.compareAndSet(this, WITHDRAWN, null); // an owner's release covers only what was asked before
        preparingBytes = needed;
        preparingLogSize = logSize;
        MemoryWorker.execute(new Prepare(this, logSize, ++preparationGeneration, preparer));
    }

    /**
     * The allocator the memory worker is to prepare the next array with, asked on the writer
     * ({@link NativeAllocator#forWorkHandedOverByCallingThread}), or the table's own if asking fails: this runs in
     * an insert whose entry is already stored and counted, which an exception would make look as if it had failed.
     */
    private NativeAllocator preparer() {
        try {
            return Objects.requireNonNullElse(allocator.forWorkHandedOverByCallingThread(), allocator);
        } catch (final RuntimeException e) {
            return allocator; // a placement hint lost: the worker's pages land where it runs
        }
    }

    /**
     * What the process can still make resident, in bytes ({@link MemoryLimits#availableBytes}); tests replace it
     * to play a machine or a container short of memory.
     */
    static volatile LongSupplier memoryHeadroom = MemoryLimits::availableBytes;

    /**
     * Rules out pre-faulting {@code array} (and, later, its overflow buckets) if the process could not hold its
     * buckets and spares twice over: faulting them in would not fail but, with the machine or the process's
     * cgroup out of memory, bring the OOM killer on the JVM. Its pages then fault in as writes touch them, as
     * a growing table's did before the memory worker. Decided once per array, never on a write.
     */
    private void decidePrefault(final BucketArray array) {
        final long bytes = layout.bytesFor(array.bucketCount + array.preallocatedSpares);
        array.faultsInLazily = !MemoryLimits.canPrefault(bytes, memoryHeadroom);
    }

    /** Runs on the memory worker, for request {@code generation}. */
    private void prepare(final int logSize, final long generation, final NativeAllocator preparer) {
        final BucketArray array;
        try {
            array = newArray(logSize, preparer);
        } catch (final RuntimeException e) {
            return; // the growth will map inline, and report the failure there
        }
        if (generation != preparationGeneration) {
            array.block.close(); // the writer gave up on this request: it is no longer charged
            return;
        }
        decidePrefault(array); // before it is published: the writer reads the decision when it adopts the array
        if (publish(array)) {
            if (generation != preparationGeneration && PREPARED.compareAndSet(this, array, null)) {
                array.block.close(); // given up on while being published: freed before a page is touched
                return;
            }
            if (!array.faultsInLazily) {
                new PrefaultDoubling(this, array, layout.bytesFor(array.bucketCount / 2),
                        layout.bytesFor(array.bucketCount + array.preallocatedSpares)).run();
            }
        }
    }

    /**
     * Offers a prepared array to the writer, keeping whichever of it and a waiting one is newer.
     *
     * @return whether {@code array} is the one offered now (false: it has been freed)
     */
    private boolean publish(final BucketArray array) {
        while (true) {
            final Object current = PREPARED.get(this);
            if (current == CLOSED || current == WITHDRAWN
                    || current instanceof BucketArray other && other.logSize >= array.logSize) {
                array.block.close();
                return false;
            }
            if (PREPARED.compareAndSet(this, current, array)) {
                if (current instanceof BucketArray stale) {
                    stale.block.close();
                }
                return true;
            }
        }
    }

    /**
     * The array a write of a key with hash {@code hash} works in, after the evacuation work it owes: while a
     * growth is in progress, the old chain at the mark moves (as in Go), then the key's old chain is written
     * in place if it has not moved yet. Outside a growth, the current array.
     *
     * <p>Go differs here: its write also first moves the old chain it is about to use (a random chain, to two
     * random new buckets: three cache misses and up to a chain of work on top of the mark's) and writes only
     * in the new array. Writing in an old chain that has not moved yet is as correct: that chain is where
     * lookups, iterators and the evacuation look for the key until it moves. Each write during a growth then
     * does half of Go's work, in order, and a doubling lasts the old bucket count in writes instead of about
     * 0.69 of it. Measured against Go's order, alternating builds of 10M (docs/PERFORMANCE-HISTORY.md): the same
     * build time and p90, p99 of a put 1.01-1.08 against 1.15-1.17 µs. Two chains at the mark per write
     * were measured too: 5% off the build and 7% off p90, but p99 4% up; for a table made for its tail, one.
     * So were two chains every second write (Go's pace, paid in pairs): 3% off the build, but p99 15% and
     * p99.9 25% up, since the write that moves two is the p99.
     */
    BucketArray arrayToWrite(final long hash) {
        final BucketArray old = oldBuckets;
        if (old == null) {
            return buckets;
        }
        // The write's own first cache miss, the head of its chain in whichever array holds it, starts before the
        // evacuation work, so that the two overlap; after it, in Go's order, the miss waited for the moved chain's
        // instructions. So does the miss of the next write's evacuation (overflowAhead). Alternating grow runs at
        // 10M (docs/PERFORMANCE-HISTORY.md, "A write's own miss first", "The next chain's overflow bucket"): the
        // growing build 7% faster, p90 to p99.9 of a put 6-7% lower with the first; p99 and p99.9 another 5%
        // lower with the second. Nothing is decided early: the evacuation moves only the chain at the mark, and
        // may end the growth.
        final long oldIndex = hash & old.mask;
        final long mark = nevacuate;
        final boolean unmoved = notYetMoved(old, oldIndex);
        final BucketArray current = buckets;
        final long headWord = unmoved ? 0
                : current.segment.get(BucketLayout.WORD, current.headOffset(hash & current.mask));
        final long aheadWord = overflowAhead(old, mark + 1);
        evacuate(mark);
        if (oldBuckets == null) {
            return buckets;
        }
        if ((headWord ^ aheadWord) == BucketArray.ARBITRARY_WORD) {
            // Only so that the JIT keeps the two loads: the same answer, read again from the chain's marks (the
            // chain at the mark has moved by now). Stored words decide this branch, and a caller can choose
            // them, so it must not answer differently.
            return notYetMoved(old, oldIndex) ? old : buckets;
        }
        return unmoved && oldIndex != mark ? old : buckets;
    }

    /**
     * Whether an insert into {@code array} may link an overflow bucket: always in the current array (its
     * area is sized for the worst case, see the class comment); in an old array only while its area has room
     * and, past Go's spares, the memory budget too. Otherwise the writer moves the key's old chain
     * ({@link #evacuateChainOf}) and writes in the current array, as Go would, so that a table near its
     * budget refuses no write that Go's order would have taken.
     */
    boolean canLinkOverflow(final BucketArray array) {
        if (array == buckets) {
            return true;
        }
        return array.overflowRemaining() > 0 && layout.bytesFor(overflowCharge(array)) <= available();
    }

    /**
     * Buckets the budget must admit for a write to link an overflow bucket in {@code array}: what that adds to
     * {@link #chargedBytes}. In the current array, the bucket once Go's spares are spoken for; during a growth
     * the moves still to come count on them too ({@link #evacuationReserve}). In an old array, the bucket past
     * its own spares, and one more in the reserve once the current array's spares are spoken for: the chain's
     * move may take it later.
     */
    private long overflowCharge(final BucketArray array) {
        final BucketArray current = buckets;
        final long pendingMoves = oldBuckets == null ? 0 : unmovedOldOverflow;
        final long currentCharge = current.overflowUsed() + pendingMoves >= current.preallocatedSpares ? 1 : 0;
        if (array == current) {
            return currentCharge;
        }
        return (array.overflowUsed() >= array.preallocatedSpares ? 1 : 0) + currentCharge;
    }

    /**
     * Loads the lines of the overflow bucket of old chain {@code index}, if it has one, so that the next write,
     * which moves that chain, finds them in cache. The hardware prefetcher brings the old heads and the new
     * buckets in order, but an overflow bucket lies anywhere in the overflow area, and its miss, which could start
     * only once the head's link had arrived, was the slowest step of moving a chain; when a doubling starts,
     * chains hold 6.5 entries on average, so many have one. Returns the words' XOR, only to be compared (the
     * comparison keeps the loads, see {@link #arrayToWrite}).
     */
    private long overflowAhead(final BucketArray old, final long index) {
        if (index >= old.bucketCount) {
            return 0;
        }
        final long overflow = old.next(old.headOffset(index));
        if (overflow == BucketArray.NONE) {
            return 0;
        }
        final MemorySegment segment = old.segment;
        return segment.get(BucketLayout.WORD, overflow) ^ segment.get(BucketLayout.WORD, overflow + secondLine)
                ^ segment.get(BucketLayout.WORD, overflow + thirdLine);
    }

    /** Moves the old chain {@code hash} belongs to now (a write that could not fit in it). */
    void evacuateChainOf(final long hash) {
        evacuate(hash & oldBuckets.mask);
    }

    /**
     * Finishes the growth in progress, if any, by evacuating every remaining chain now. This is O(old
     * array): for owners who choose when to pay (e.g. between trading sessions), never called on the
     * write path.
     */
    void finishGrowth() {
        evacuateFor(Long.MAX_VALUE);
    }

    /**
     * Moves every entry into the array Go's {@code makemap} would pick for the current count (or for
     * {@code expectedEntries}, if more), when that has fewer buckets than the current one, and gives back what
     * {@link #releaseSpareMemory} gives back. Go's maps never shrink; a table that a burst filled and deletes
     * emptied keeps its largest array. O(table), on the calling thread, for owners who choose when to pay; a
     * growth in progress is finished first.
     *
     * <p>Each chain of 2^B buckets lands whole in bucket {@code index & newMask} of the smaller array (the
     * entries' hashes already agree on those bits), so nothing is rehashed. The old slots are marked
     * evacuated with their keys left in place, as a growth leaves them: an iterator started before walks its
     * snapshot on and looks each key up again in the live table, so it still yields every entry present
     * throughout exactly once.
     *
     * @return the change in the bytes charged to the table: what it gave back, less the smaller array. While a
     *         cursor still reads the old array, that array stays charged until the cursor lets go, and the
     *         figure can be negative
     * @throws MemoryBudgetExceededException or {@link NativeMemoryException} if the smaller array cannot be had:
     *         the entries and the array stay as they were (a growth in progress has been finished)
     */
    long trimToSize(final long expectedEntries) {
        if (expectedEntries < 0) {
            throw new IllegalArgumentException("expected size must not be negative: " + expectedEntries);
        }
        finishGrowth();
        final long before = committedBytes();
        final BucketArray from = buckets;
        final int logSize = logSizeFor(Math.max(count, expectedEntries));
        if (logSize >= from.logSize) {
            return releaseSpareMemory();
        }
        // The move fills each new chain's buckets in turn, so it takes at most count / 8 overflow buckets: with
        // those past the new array's spares admitted now, it is never refused halfway.
        final long moveReserve = layout.bytesFor(Math.max(0, count / BucketLayout.SLOTS
                - BucketArray.preallocatedSpares(logSize)));
        final long needed = BucketArray.initialCommittedBytes(layout, logSize) + moveReserve;
        if (moveReserve > 0 && !budgetAdmits(needed)) {
            refuse(needed, arrayPurpose(logSize));
        }
        final TableEvents.Trim event = new TableEvents.Trim();
        event.begin();
        final BucketArray to = allocateArray(logSize); // may drop the spare arrays first, if the budget needs it
        releaseSpareMemory(); // the prepared array is for a doubling of this one: of no use now
        trimSource = from; // published to close() by install's monitor
        install(to); // first, so that the overflow buckets the moves take are counted, as in a growth
        noverflow = 0;
        if (count > 0) { // an empty table moves and marks nothing: after a clear its array was never touched
            moveEveryEntry(from, to);
        }
        synchronized (this) {
            trimSource = null;
            retire(from);
        }
        final long released = before - committedBytes();
        if (event.shouldCommit()) {
            event.table = owner;
            event.shard = shard;
            event.oldLogBuckets = from.logSize;
            event.newLogBuckets = logSize;
            event.entries = count;
            event.releasedBytes = released;
            event.commit();
        }
        return released;
    }

    /**
     * The move of {@link #trimToSize(long)}: chains {@code d}, {@code d + 2^newB}, ... of {@code from} are appended
     * to bucket {@code d} of {@code to}, and their slots marked evacuated (buckets with nothing live are left
     * untouched: iterators skip empty slots either way).
     */
    private void moveEveryEntry(final BucketArray from, final BucketArray to) {
        for (long destination = 0; destination < to.bucketCount; destination++) {
            long toBucket = to.headOffset(destination);
            int toSlot = 0;
            for (long source = destination; source < from.bucketCount; source += to.bucketCount) {
                for (long b = from.headOffset(source); b != BucketArray.NONE; b = from.next(b)) {
                    final long tophashes = from.tophashes(b);
                    final long emptySlots = TopHash.empty(tophashes);
                    if (emptySlots == TopHash.SLOT_BITS) {
                        continue;
                    }
                    long marks = (emptySlots >>> 7) * TopHash.EVACUATED_EMPTY;
                    for (long live = ~emptySlots & TopHash.SLOT_BITS; live != 0; live &= live - 1) {
                        final int slot = TopHash.firstSlot(live);
                        if (toSlot == BucketLayout.SLOTS) {
                            toBucket = newOverflow(to, toBucket, true);
                            toSlot = 0;
                        }
                        copySlot(layout, from.segment, b, slot, to.segment, toBucket, toSlot++,
                                (int) (tophashes >>> (Byte.SIZE * slot)) & 0xFF);
                        marks |= (long) TopHash.EVACUATED_X << (Byte.SIZE * slot);
                    }
                    from.setTophashes(b, marks);
                }
            }
        }
    }

    /** Chains evacuated between two looks at the clock: a few microseconds of work. */
    static final int CHAINS_PER_CLOCK_CHECK = 16;

    /**
     * Evacuates old chains, in order, for about {@code budgetNanos} (the clock is read every
     * {@value #CHAINS_PER_CLOCK_CHECK} chains, so a slice may run over by that much work). Beyond Go, where
     * only writes evacuate and a table nobody writes keeps two arrays forever.
     *
     * @return true when no growth is left in progress
     */
    boolean evacuateFor(final long budgetNanos) {
        if (oldBuckets == null) {
            return true;
        }
        final TableEvents.EvacuationSlice event = new TableEvents.EvacuationSlice();
        event.begin();
        final long start = System.nanoTime();
        long chains = 0;
        do {
            for (int i = 0; i < CHAINS_PER_CLOCK_CHECK && oldBuckets != null; i++) {
                evacuate(nevacuate);
                chains++;
            }
        } while (oldBuckets != null && System.nanoTime() - start < budgetNanos);
        if (event.shouldCommit()) {
            event.table = owner;
            event.shard = shard;
            event.chains = chains;
            event.finished = oldBuckets == null;
            event.budget = budgetNanos;
            event.commit();
        }
        return oldBuckets == null;
    }

    /**
     * A front end's {@code evacuate(timeBudget)} in nanoseconds: one too long for a {@code long} of them (about
     * 292 years, e.g. {@code ChronoUnit.FOREVER}) means no limit, where {@link java.time.Duration#toNanos} throws.
     */
    static long budgetNanos(final java.time.Duration timeBudget) {
        try {
            return timeBudget.toNanos();
        } catch (final ArithmeticException tooLong) {
            return timeBudget.isNegative() ? 0 : Long.MAX_VALUE;
        }
    }

    /** {@link #evacuateFor} as a write of its own, for a front end's {@code evacuate(budget)}. */
    boolean evacuateForAsWrite(final long budgetNanos) {
        beginWrite();
        try {
            return evacuateFor(budgetNanos);
        } finally {
            endWrite();
        }
    }

    /**
     * Makes {@code fixed} the hash seed for good: the table never redraws it (Go redraws it when the table
     * empties or is cleared). For shards of a concurrent map, which pick the shard from the same hash.
     * Only while the table is empty.
     */
    void useFixedSeed(final long fixed) {
        if (count != 0) {
            throw new IllegalStateException("the seed of " + owner + " can only be fixed while it is empty");
        }
        seed = fixed;
        fixedSeed = true;
    }

    /** Time the table has held two arrays: ended growths, plus the one in progress so far. */
    long timeWithTwoArraysNanos() {
        return twoArrayNanos + (oldBuckets == null ? 0 : System.nanoTime() - growthStartNanos);
    }

    private void evacuate(final long oldBucket) {
        final BucketArray from = oldBuckets;
        final long newbit = from.bucketCount;
        final long head = from.headOffset(oldBucket);
        if (!TopHash.isEvacuatedMark(from.tophash(head, 0))) {
            moveChain(from, head, oldBucket, newbit);
        }
        if (oldBucket == nevacuate) {
            advanceEvacuationMark(newbit);
        }
    }

    private void moveChain(final BucketArray from, final long head, final long oldBucket, final long newbit) {
        final BucketArray to = buckets;
        // Each destination may need one overflow bucket per source bucket: make sure before moving
        // anything, so that a (theoretical) exhausted area cannot leave a chain half evacuated. A chain is
        // at most its head plus every overflow bucket the old array handed out, so the O(1) bound settles it
        // almost always; walking the chain to count (a cache miss per bucket) is left for when it does not.
        final long chainBound = 1 + from.overflowUsed();
        if (to.overflowRemaining() < 2 * chainBound && to.overflowRemaining() < 2 * from.chainLength(head)) {
            // Unreachable with a random seed (see the bound in the class comment); fails before moving anything.
            throw new IllegalStateException("overflow area of " + owner + " exhausted during evacuation:"
                    + " hash distribution is pathological");
        }
        // Which half an entry goes to is a coin toss per entry, so the loop below does not branch on it:
        // a mispredicted branch per entry cost more than the move itself, and it also discarded the work
        // the processor had started ahead (the write's own lookup, which follows). The destination bucket
        // and slot are picked with masks, and only the slots that hold an entry are visited.
        //
        // The segments, the layout and the hasher are held in locals: the loop's rare call (newOverflow) would
        // otherwise make the compiled loop reload each field, and re-check each segment's class, per entry
        // (about 190 instructions per moved entry before, 140 after; docs/PERFORMANCE-HISTORY.md).
        final MemorySegment source = from.segment;
        final MemorySegment destination = to.segment;
        final BucketLayout slots = layout;
        final KeyHasher rehash = hasher;
        final long rehashSeed = seed;
        final long yBit = sameSizeGrow ? 0 : 1;
        long xBucket = to.headOffset(oldBucket);
        long xSlot = 0;
        long yBucket = sameSizeGrow ? BucketArray.NONE : to.headOffset(oldBucket + newbit);
        long ySlot = 0;
        long chainBuckets = 0;
        for (long b = head; b != BucketArray.NONE; b = from.next(b)) {
            chainBuckets++;
            // The eight tophash bytes are read once and their evacuation marks written back as one word.
            final long tophashes = from.tophashes(b);
            final long emptySlots = TopHash.empty(tophashes);
            long marks = (emptySlots >>> 7) * TopHash.EVACUATED_EMPTY;
            for (long live = ~emptySlots & TopHash.SLOT_BITS; live != 0; live &= live - 1) {
                final int slot = TopHash.firstSlot(live);
                final int top = (int) (tophashes >>> (Byte.SIZE * slot)) & 0xFF;
                if (top < TopHash.MIN_TOP_HASH) {
                    throw new IllegalStateException("bad tophash " + top + " in an unevacuated chain of " + owner);
                }
                // y is 1 when the entry goes to the Y half (the hash has the new bit), else 0.
                final long hash = rehash.hashStoredKey(source, b + slots.keyOffset(slot), rehashSeed);
                final long y = hash >>> from.logSize & yBit;
                marks |= (TopHash.EVACUATED_X + y) << (Byte.SIZE * slot);
                if ((xSlot ^ ((xSlot ^ ySlot) & -y)) == BucketLayout.SLOTS) {
                    // The destination bucket is full: chain an overflow bucket to it (rare: load is 3.25 per bucket).
                    if (y == 0) {
                        xBucket = newOverflow(to, xBucket, true);
                        xSlot = 0;
                    } else {
                        yBucket = newOverflow(to, yBucket, true);
                        ySlot = 0;
                    }
                }
                final long toBucket = xBucket ^ ((xBucket ^ yBucket) & -y);
                final int toSlot = (int) (xSlot ^ ((xSlot ^ ySlot) & -y));
                copySlot(slots, source, b, slot, destination, toBucket, toSlot, top);
                xSlot += 1 - y;
                ySlot += y;
            }
            from.setTophashes(b, marks);
        }
        unmovedOldOverflow -= chainBuckets - 1;
    }

    private static void copySlot(final BucketLayout slots, final MemorySegment from, final long fromBucket,
                                 final int fromSlot, final MemorySegment to, final long toBucket, final int toSlot,
                                 final int top) {
        copyField(from, fromBucket + slots.keyOffset(fromSlot), to, toBucket + slots.keyOffset(toSlot),
                slots.keySlotSize());
        copyField(from, fromBucket + slots.valueOffset(fromSlot), to, toBucket + slots.valueOffset(toSlot),
                slots.valueSlotSize());
        to.set(BucketLayout.BYTE, toBucket + BucketLayout.tophashOffset(toSlot), (byte) top);
    }

    private static void copyField(final MemorySegment from, final long fromOffset, final MemorySegment to,
                                  final long toOffset, final int size) {
        if (size == Long.BYTES) {
            to.set(BucketLayout.WORD, toOffset, from.get(BucketLayout.WORD, fromOffset));
        } else if (size > 0) {
            MemorySegment.copy(from, fromOffset, to, toOffset, size);
        }
    }

    private void advanceEvacuationMark(final long newbit) {
        nevacuate++;
        final long stop = Math.min(nevacuate + EVACUATION_LOOKAHEAD, newbit);
        while (nevacuate != stop && oldBuckets.isEvacuated(nevacuate)) {
            nevacuate++;
        }
        if (nevacuate == newbit) {
            final BucketArray finished = oldBuckets;
            finished.retiredByDoubling = !sameSizeGrow;
            oldBuckets = null;
            unmovedOldOverflow = 0;
            sameSizeGrow = false;
            growthsFinished++;
            growthEnded(false);
            retire(finished);
        }
    }

    /**
     * Appends an overflow bucket to the chain whose last bucket is {@code lastBucket} and returns its
     * offset. Inserts are charged against the budget once Go's preallocated spares are used up, and in an old
     * chain also for the bucket its move may take later ({@link #evacuationReserve}). Evacuation is not
     * checked: what it can take was admitted with the growth (or the trim), so it never has to be refused
     * halfway.
     */
    long newOverflow(final BucketArray array, final long lastBucket, final boolean forEvacuation) {
        if (!forEvacuation) {
            final long charge = overflowCharge(array);
            if (charge > 0) {
                checkBudget(layout.bytesFor(charge), "an overflow bucket");
            }
        }
        final long bucket = array.takeOverflowBucket();
        if (array == oldBuckets) {
            unmovedOldOverflow++; // only a write links one there, into a chain that has not moved
        }
        if (backgroundMemoryWork && array.nextOverflow + overflowPrefaultChunk(array) / 2 > array.prefaultedUpTo
                && array.prefaultedUpTo > 0) {
            prefaultMoreOverflow(array);
        }
        if (array == buckets) {
            // The count decides same-size growth of the current array; an old one is on its way out.
            incrementOverflowCount(array.logSize);
        }
        array.link(lastBucket, bucket);
        return bucket;
    }

    /**
     * Overflow buckets are handed out in order, from the end of Go's spares on. Past the spares they
     * were not pre-faulted with the array, so their first touch would fault on the writer (usually
     * microseconds, up to milliseconds on memory the host has reclaimed): keep the memory worker one
     * chunk ahead of the next one. Arrays mapped inline (no preparation) are left as they are.
     */
    private void prefaultMoreOverflow(final BucketArray array) {
        final long from = Math.max(array.prefaultedUpTo, array.nextOverflow);
        final long to = Math.min(array.capacity, from + overflowPrefaultChunk(array));
        if (to <= from) {
            return;
        }
        array.prefaultedUpTo = to;
        prefaultRange(array, from, to);
    }

    private static long overflowPrefaultChunk(final BucketArray array) {
        return Math.max(OVERFLOW_PREFAULT_CHUNK, array.bucketCount / 32);
    }

    private void prefaultRange(final BucketArray array, final long fromBucket, final long toBucket) {
        final long offset = layout.bytesFor(fromBucket);
        final long length = layout.bytesFor(toBucket - fromBucket);
        MemoryWorker.execute(new PrefaultStep(this, array, offset, offset + length));
    }

    private void incrementOverflowCount(final int logSize) {
        if (logSize <= EXACT_OVERFLOW_COUNT_MAX_B) {
            noverflow++;
            return;
        }
        final long mask = (1L << (logSize - EXACT_OVERFLOW_COUNT_MAX_B)) - 1;
        if ((nextRandom() & mask) == 0) {
            noverflow++;
        }
    }

    /** Records a new entry (after its slot is written). */
    void entryAdded() {
        if (++count >= prepareAt && !preparationRequested && backgroundMemoryWork) {
            requestPreparation();
        }
    }

    /**
     * Frees slot {@code slot} of bucket {@code bucket} (in the chain headed by {@code head} of
     * {@code array}: the current array, or during a growth an old one whose chain has not moved) and compacts the trailing run of empty slots to
     * {@code emptyRest}, walking backwards across overflow buckets as Go's {@code mapdelete} does.
     * The caller has cleared what it needs to of the key and value.
     */
    void removeSlot(final BucketArray array, final long head, long bucket, int slot) {
        array.setTophash(bucket, slot, TopHash.EMPTY_ONE);
        if (followedByEmptyRest(array, bucket, slot)) {
            while (true) {
                array.setTophash(bucket, slot, TopHash.EMPTY_REST);
                if (slot == 0) {
                    if (bucket == head) {
                        break;
                    }
                    final long successor = bucket;
                    bucket = head;
                    while (array.next(bucket) != successor) {
                        bucket = array.next(bucket);
                    }
                    slot = BucketLayout.SLOTS - 1;
                } else {
                    slot--;
                }
                if (array.tophash(bucket, slot) != TopHash.EMPTY_ONE) {
                    break;
                }
            }
        }
        count--;
        if (count == 0 && !fixedSeed) {
            // Go draws a new seed here so that an attacker who learnt something about this one starts over.
            seed = nextRandom();
        }
    }

    private static boolean followedByEmptyRest(final BucketArray array, final long bucket, final int slot) {
        if (slot == BucketLayout.SLOTS - 1) {
            final long next = array.next(bucket);
            return next == BucketArray.NONE || array.tophash(next, 0) == TopHash.EMPTY_REST;
        }
        return array.tophash(bucket, slot + 1) == TopHash.EMPTY_REST;
    }

    /**
     * Removes every entry in O(1): drops any growth, maps a fresh array with the same B (Go keeps B too)
     * and retires the old ones, and draws a new seed. Falls back to zeroing in place, O(array), if the fresh
     * array cannot be mapped, or would not fit the budget beside the arrays a cursor still reads.
     */
    void clear() {
        final BucketArray current = buckets;
        BucketArray fresh = null;
        if (budgetAdmits(BucketArray.initialCommittedBytes(layout, current.logSize) - bytesClearFrees())) {
            try {
                fresh = newArray(current.logSize);
            } catch (final NativeMemoryException e) {
                fresh = null;
            }
        }
        if (fresh != null) {
            install(fresh); // first: on a table closed meanwhile it refuses before anything has changed
        }
        if (oldBuckets != null) {
            retire(oldBuckets);
            oldBuckets = null;
            growthEnded(true);
        }
        if (fresh != null) {
            retire(current);
        } else {
            current.segment.asSlice(0, current.layout.bytesFor(current.nextOverflow)).fill((byte) 0);
            current.nextOverflow = current.bucketCount;
        }
        sameSizeGrow = false;
        nevacuate = 0;
        noverflow = 0;
        count = 0;
        if (!fixedSeed) {
            seed = nextRandom();
        }
        clearEpoch++;
        if (storage != null) {
            storage.clear(); // every iterator started before this stops at its next step, unread
        }
    }

    /** What a clear() stops charging at once: the arrays it retires that no cursor reads, and the reserve. */
    private synchronized long bytesClearFrees() {
        long bytes = evacuationReserve();
        if (buckets.pins == 0) {
            bytes += buckets.committedBytes();
        }
        if (oldBuckets != null && oldBuckets.pins == 0) {
            bytes += oldBuckets.committedBytes();
        }
        return bytes;
    }

    // ---------------------------------------------------------------- memory

    private BucketArray allocateArray(final int logSize) {
        final long needed = BucketArray.initialCommittedBytes(layout, logSize);
        if (!budgetAdmits(needed)) {
            refuse(needed, arrayPurpose(logSize));
        }
        try {
            return newArray(logSize);
        } catch (final NativeMemoryException e) {
            allocatorFailed(arrayPurpose(logSize), BucketArray.mappedBytes(layout, logSize), e);
            throw e;
        }
    }

    /** Records, as a JFR event, that the allocator refused {@code bytes} for {@code purpose}. */
    void allocatorFailed(final String purpose, final long bytes, final RuntimeException failure) {
        final TableEvents.AllocatorFailure event = new TableEvents.AllocatorFailure();
        if (event.shouldCommit()) {
            event.table = owner;
            event.shard = shard;
            event.purpose = purpose;
            event.bytes = bytes;
            event.allocator = allocator.describe();
            event.message = failure.getMessage();
            event.commit();
        }
    }

    private BucketArray newArray(final int logSize) {
        return newArray(logSize, allocator);
    }

    /** {@link #newArray(int)} from {@code from}: the table's allocator, or what it chose for the memory worker. */
    private BucketArray newArray(final int logSize, final NativeAllocator from) {
        final NativeBlock block = allocate(from, BucketArray.mappedBytes(layout, logSize));
        try {
            return new BucketArray(layout, block, logSize);
        } catch (final RuntimeException e) {
            block.close(); // an allocator that handed out too little: nothing else holds the block to free it
            throw e;
        }
    }

    /**
     * {@code allocator.allocate(bytes)}, refusing a block that breaks {@link NativeAllocator}'s contract (none at
     * all, or fewer bytes than asked) with a message naming the allocator. The table would otherwise fail later,
     * on some access, with nothing to say why; a short block is freed, since nothing else holds it.
     */
    static NativeBlock allocate(final NativeAllocator allocator, final long bytes) {
        final NativeBlock block = allocator.allocate(bytes);
        if (block == null) {
            throw new IllegalStateException("allocator " + allocator.describe() + " returned no block for " + bytes
                    + " bytes");
        }
        if (block.byteSize() < bytes) {
            block.close();
            throw new IllegalArgumentException("block of " + block.byteSize() + " bytes from allocator "
                    + allocator.describe() + " is too small for the " + bytes + " bytes asked");
        }
        return block;
    }

    /**
     * Gives the table the storage its typed front end keeps out of line, so that the budget, the stats,
     * {@link #clear} and {@link #close} cover it too. Called once, right after construction.
     */
    void attachStorage(final OutOfLineStore store) {
        if (storage != null) {
            throw new IllegalStateException("storage already attached to " + owner);
        }
        storage = store;
    }

    /** The out-of-line storage, or null if none is attached. */
    OutOfLineStore storage() {
        return storage;
    }

    /**
     * Refuses, with {@link MemoryBudgetExceededException}, {@code needed} more bytes the budget has no room for.
     * Out-of-line storage asks for every page its slabs first hand out blocks in: a table with no budget answers
     * without adding up what it holds.
     */
    void admit(final long needed, final String purpose) {
        if (memoryBudget != Long.MAX_VALUE) {
            checkBudget(needed, purpose);
        }
    }

    private void checkBudget(final long needed, final String purpose) {
        if (!budgetAdmits(needed)) {
            refuse(needed, purpose);
        }
    }

    /** Whether the budget has room for {@code needed} more bytes, once a prepared array is dropped if need be. */
    private boolean budgetAdmits(final long needed) {
        if (needed <= available()) {
            return true;
        }
        // A prepared array and kept small ones are only conveniences: make room before refusing.
        dropPrepared();
        releaseKeptSmallRetired();
        return needed <= available();
    }

    /** What the budget has left: not committed, and not reserved for the evacuation under way. */
    private long available() {
        return memoryBudget - chargedBytes();
    }

    /**
     * What the budget has given out: the bytes committed, those reserved for the evacuation under way, and the
     * array the memory worker is preparing until it is published (one read of the shared slot decides which of
     * the two counts it, so it is never counted twice or not at all).
     */
    long chargedBytes() {
        final Object prepared = PREPARED.get(this);
        final boolean published = prepared instanceof BucketArray ready && ready.logSize == preparingLogSize;
        return committedBytes(prepared) + evacuationReserve() + (published ? 0 : preparingBytes);
    }

    /**
     * The bytes the evacuation under way may still need beyond what the current array has committed: its moves
     * take overflow buckets there, and past Go's spares each is charged. Moving an old chain of k buckets takes
     * at most k - 1 overflow buckets (its entries fill k buckets, and split between two heads they fill at most
     * k + 1), so the overflow buckets still linked into unmoved old chains bound it. Admitted with the growth
     * ({@link #hashGrow}) and kept free of other uses, so that no move is ever refused and no growth is left
     * half done, and the table never holds more than its budget.
     */
    private long evacuationReserve() {
        if (oldBuckets == null) {
            return 0;
        }
        final BucketArray current = buckets;
        final long spares = current.preallocatedSpares;
        final long used = current.overflowUsed();
        return layout.bytesFor(Math.max(spares, used + unmovedOldOverflow) - Math.max(spares, used));
    }

    /** Throws {@link MemoryBudgetExceededException} for {@code needed} bytes the budget has no room for. */
    private void refuse(final long needed, final String purpose) {
        final long used = chargedBytes();
        final TableEvents.MemoryBudgetRejection event = new TableEvents.MemoryBudgetRejection();
        if (event.shouldCommit()) {
            event.table = owner;
            event.shard = shard;
            event.purpose = purpose;
            event.budget = memoryBudget;
            event.used = used;
            event.needed = needed;
            event.commit();
        }
        throw new MemoryBudgetExceededException(purpose + " of " + owner + budgetShare, memoryBudget, used, needed);
    }

    /** Lets go of the prepared array, and gives up on a preparation under way (the worker then frees it). */
    private void dropPrepared() {
        abandonPreparation();
        final Object current = PREPARED.get(this);
        if (current instanceof BucketArray ready && PREPARED.compareAndSet(this, ready, null)) {
            release(ready);
        }
    }

    /**
     * Gives up on the preparation asked for, if any: it is no longer charged, and the worker frees its array
     * instead of publishing it. One it has already published is still charged, as the prepared array.
     */
    private void abandonPreparation() {
        if (preparingBytes > 0) {
            preparationGeneration++;
            preparingBytes = 0;
        }
    }

    /**
     * Whether the array the next doubling of {@code current} needs is there. A published array can also be
     * stale: one the worker finished after a growth had mapped its own (it is released at the next request).
     */
    private static boolean nextArrayReady(final BucketArray current, final BucketArray ready) {
        return ready != null && ready.logSize > current.logSize;
    }

    /** The prepared next array, if the memory worker has published one. */
    private BucketArray preparedArray() {
        return PREPARED.get(this) instanceof BucketArray ready ? ready : null;
    }

    /**
     * Bytes charged against the budget: every live array's main buckets, spares and overflow used,
     * including a prepared next array and the small retired arrays kept for a while (see keepsUntilLarge).
     */
    long committedBytes() {
        return committedBytes(PREPARED.get(this));
    }

    private long committedBytes(final Object prepared) {
        final BucketArray ready = prepared instanceof BucketArray array ? array : null;
        long bytes = pinnedRetiredBytes + keptSmallRetiredBytes + (ready == null ? 0 : ready.committedBytes());
        if (storage != null) {
            bytes += storage.committedBytes();
        }
        if (buckets != null) {
            bytes += buckets.committedBytes();
        }
        if (oldBuckets != null) {
            bytes += oldBuckets.committedBytes();
        }
        if (trimSource != null) {
            bytes += trimSource.committedBytes();
        }
        return bytes;
    }

    /** Of {@link #committedBytes}, what {@link #releaseSpareMemory} would give back now, {@code ready} included. */
    private long spareBytes(final BucketArray ready) {
        return keptSmallRetiredBytes + (ready == null ? 0 : ready.committedBytes());
    }

    /** Bytes of address space mapped for live arrays and kept retired ones (only touched pages use memory). */
    long reservedBytes() {
        return reservedBytes(preparedArray());
    }

    /**
     * {@link #reservedBytes()} with the prepared array a caller has read already ({@code null}: none). Under the
     * table's monitor, as the lists it walks change: a concurrent map's {@code stats()} runs beside cursor steps of
     * other threads, which let go of retired arrays.
     */
    private synchronized long reservedBytes(final BucketArray ready) {
        long bytes = 0;
        for (final BucketArray array : liveArrays(ready)) {
            bytes += array.block.byteSize();
        }
        for (final NativeBlock block : emptiedMappings) {
            bytes += block.byteSize();
        }
        if (storage != null) {
            bytes += storage.reservedBytes();
        }
        return bytes;
    }

    /** Every array still mapped: live, prepared, pinned by an iterator or kept. */
    private List<BucketArray> liveArrays() {
        return liveArrays(preparedArray());
    }

    /** Under the table's monitor: iterators' pins and retirements change the retired lists meanwhile. */
    private synchronized List<BucketArray> liveArrays(final BucketArray ready) {
        final List<BucketArray> arrays = new ArrayList<>(pinnedRetired);
        arrays.addAll(keptSmallRetired);
        if (ready != null) {
            arrays.add(ready);
        }
        if (buckets != null) {
            arrays.add(buckets);
        }
        if (oldBuckets != null) {
            arrays.add(oldBuckets);
        }
        if (trimSource != null) {
            arrays.add(trimSource);
        }
        return arrays;
    }

    /**
     * An array nobody writes any more: freed now, or when the last iterator reading it lets go. The writer takes
     * it out of the table before it gets here; a close() from another thread in between (a misuse: it races the
     * write) did not see it, so on a closed table it is freed at once, not kept where nothing frees it again.
     */
    private synchronized void retire(final BucketArray array) {
        if (closed) {
            freeOffWorker(array.block);
            return;
        }
        array.retired = true;
        if (array.pins == 0) {
            releaseRetired(array);
        } else {
            pinnedRetired.add(array);
            pinnedRetiredBytes += array.committedBytes();
        }
    }

    /**
     * Keeps up to {@code count} retired arrays mapped, their pages given back to the operating system
     * ({@code MADV_DONTNEED}, on the memory worker), instead of freeing each one at once. For the shards of a
     * concurrent map. Freeing a mapping means closing its shared arena, a handshake with every Java thread, plus
     * an {@code munmap} that interrupts the other CPUs to flush their TLBs: 1,024 of each while two threads
     * fill a 128-shard map to 2M keys, and they made its p99.9 twice and its p99.99 1.5 times what they were
     * without them. Readers are as safe as before: an optimistic reader of a retired array reads zeros
     * (or what was there) and fails its stamp, since the array was retired under the shard's write lock.
     * Only with background memory work and an allocator that can give pages back.
     */
    void keepRetiredMappings(final int count) {
        retiredMappingsKept = backgroundMemoryWork && allocator.discards() ? Math.max(0, count) : 0;
    }

    /**
     * Frees a retired array nobody pins any more, keeps its emptied mapping (see keepRetiredMappings), or
     * keeps it whole for a while (see keepsUntilLarge).
     */
    private void releaseRetired(final BucketArray array) {
        if (retiredMappingsKept > 0) {
            array.letGo = true;
            keepEmptied(array.block);
        } else if (keepsUntilLarge(array)) {
            keptSmallRetired.add(array);
            keptSmallRetiredBytes += array.committedBytes();
        } else {
            if (array.logSize >= KEEP_RETIRED_BELOW_LOG_SIZE) {
                releaseKeptSmallRetired(); // the table maps no array itself any more
            }
            release(array);
        }
    }

    /**
     * Whether a retired array is kept mapped instead of freed: one that a doubling retired, below
     * {@link #KEEP_RETIRED_BELOW_LOG_SIZE}, with background memory work. A small table maps each new array
     * itself (see {@link #MIN_PREPARED_LOG_SIZE}), and its evacuation faults in the new array's pages as it
     * goes; freeing the old array on the memory worker, an {@code munmap} that holds the process's memory-map
     * lock for writing, came a few hundred µs to a few ms after a doubling ended: often during the next
     * doubling, whose own mapping and faults then waited for it. In 1,000 builds to 60K (the loop of
     * {@code ./panamap probe growth-starts}: puts timed, the worker idle before each build), the inserts that
     * started the doublings to 2^9-2^12 took 31-80 µs at p99 when freeing at once, 5-10 µs when keeping
     * (docs/PERFORMANCE-HISTORY.md; measured when tables mapped their own arrays up to 2^13 buckets, and kept those
     * below 2^12). Giving the pages back
     * instead (madvise, which takes the lock for reading but still interrupts the writer's CPU to flush its
     * TLB) left 12-24 µs. Arrays that a same-size growth or clear() retired are freed at once, so that churn
     * cannot pile them up: at most one array per size is kept. The cost is memory: a table that stops growing
     * before its doubling to 2^14 buckets has ended (about 61,000 entries) keeps about as much again as its
     * current array (1.2 MB at most), until it is closed or its owner calls {@link #releaseSpareMemory}.
     */
    private boolean keepsUntilLarge(final BucketArray array) {
        return backgroundMemoryWork && array.retiredByDoubling && array.logSize < KEEP_RETIRED_BELOW_LOG_SIZE;
    }

    /** Frees the small retired arrays kept so far (see keepsUntilLarge); returns the bytes they were charged. */
    private synchronized long releaseKeptSmallRetired() {
        final long released = keptSmallRetiredBytes;
        for (final BucketArray array : keptSmallRetired) {
            release(array);
        }
        keptSmallRetired.clear();
        keptSmallRetiredBytes = 0;
        return released;
    }

    private void release(final BucketArray array) {
        array.letGo = true;
        if (!backgroundMemoryWork) {
            array.block.close();
        } else if (allocator.discards()) {
            MemoryWorker.execute(new GiveBackInSteps(this, array.block, 0, true));
        } else {
            MemoryWorker.releaseLater(array.block);
        }
    }

    /**
     * Queues the discard of {@code block}'s pages on the memory worker and keeps the mapping; frees the oldest
     * kept mapping beyond {@link #retiredMappingsKept}, also on the worker, so after its own discard. A
     * discard holds {@link #adviceLock} and does nothing once the table is closed: {@link #close} frees the
     * kept mappings under the same lock, and a range must never be advised after it was unmapped (the
     * addresses may belong to another mapping by then).
     */
    private void keepEmptied(final NativeBlock block) {
        emptiedMappings.addLast(block);
        MemoryWorker.execute(new GiveBackInSteps(this, block, 0, false));
        while (emptiedMappings.size() > retiredMappingsKept) {
            MemoryWorker.releaseLater(emptiedMappings.removeFirst());
        }
    }

    /** Gives back the pages of one step of a block; false once the table or the block is closed. */
    private boolean discardUnlessClosed(final NativeBlock block, final long fromByte, final long toByte) {
        synchronized (adviceLock) {
            if (closed || !block.isAlive()) {
                return false;
            }
            allocator.discard(block, fromByte, toByte - fromByte);
            return true;
        }
    }

    /**
     * Faults in one step of {@code array} on the memory worker; false once the table has let the array go or
     * freed it, or the allocator failed (the pages are then faulted in by their first writes instead).
     */
    private boolean prefaultUnlessFreed(final BucketArray array, final long fromByte, final long length) {
        synchronized (adviceLock) {
            if (array.letGo || !array.block.isAlive()) {
                return false;
            }
            try {
                allocator.prefault(array.block, fromByte, length);
                return true;
            } catch (final RuntimeException e) {
                return false;
            }
        }
    }

    /** Frees a block from a thread other than the memory worker, which may be advising it (see adviceLock). */
    private void freeOffWorker(final NativeBlock block) {
        synchronized (adviceLock) {
            block.close();
        }
    }

    /*
     * Pins are taken and dropped by iterators, which may run on reader threads while no writer is active
     * (several at once): the few operations on them are synchronized. They happen once per chain an
     * iterator switches arrays on, never per entry.
     */
    synchronized void pin(final BucketArray array) {
        array.pins++;
    }

    synchronized void iterationStarted() {
        activeIterators++;
    }

    synchronized void iterationStopped() {
        activeIterators--;
    }

    /**
     * Whether an iterator may still read a slot a growth has already copied. Such a slot of an old array
     * still points at out-of-line key bytes, which the iterator reads to look the key up again (Go's
     * GC keeps them alive); so while this holds, freed out-of-line bytes are only queued. A plain read:
     * iterators run on the writer's thread, or on readers while no write is in progress.
     */
    boolean iterationsActive() {
        return activeIterators != 0;
    }

    synchronized void unpin(final BucketArray array) {
        array.pins--;
        if (array.pins == 0 && array.retired && !closed && pinnedRetired.remove(array)) {
            pinnedRetiredBytes -= array.committedBytes();
            releaseRetired(array);
        }
    }

    // ---------------------------------------------------------------- the front ends' shared operations

    /** Live entries, for a front end's {@code size()}. */
    long size() {
        checkOpen();
        return count;
    }

    /** {@link #clear} as a write of its own, for a front end's {@code clear()}. */
    void clearAsWrite() {
        beginWrite();
        try {
            clear();
        } finally {
            endWrite();
        }
    }

    /**
     * Gives back the memory held only for growths to come: the prepared next array (with the preparation
     * still under way, if any) and the small retired arrays kept a while (see {@link #keepsUntilLarge}). For an
     * owner who knows the table has stopped growing: a table grown to 10M entries holds a prepared array of
     * 2^22 buckets, about twice its own. It covers what the table has asked for: one that has not reached 5/8
     * of its threshold yet asks when it does. The growth a released array was for, should it come, maps its
     * array on the writing thread and faults its pages in as it writes.
     *
     * @return the bytes no longer charged to the table (unmapped on the memory worker soon after)
     */
    long releaseSpareMemory() {
        long released = 0;
        while (true) {
            final Object current = PREPARED.get(this);
            if (current == CLOSED) {
                break;
            }
            if (PREPARED.compareAndSet(this, current, WITHDRAWN)) {
                if (current instanceof BucketArray ready) {
                    released += ready.committedBytes();
                    release(ready);
                }
                break;
            }
        }
        abandonPreparation();
        return released + releaseKeptSmallRetired();
    }

    /** {@link #trimToSize(long)} as a write of its own, for a front end's {@code trimToSize()}. */
    long trimToSizeAsWrite(final long expectedEntries) {
        beginWrite();
        try {
            return trimToSize(expectedEntries);
        } finally {
            endWrite();
        }
    }

    /** {@link #releaseSpareMemory} as a write of its own, for a front end's {@code releaseSpareMemory()}. */
    long releaseSpareMemoryAsWrite() {
        beginWrite();
        try {
            return releaseSpareMemory();
        } finally {
            endWrite();
        }
    }

    /** {@link #finishGrowth} as a write of its own, for a front end's {@code finishGrowth()}. */
    void finishGrowthAsWrite() {
        beginWrite();
        try {
            finishGrowth();
        } finally {
            endWrite();
        }
    }

    /** Frees every array now, on the calling thread. Idempotent. */
    void close() {
        closeAs(owner);
    }

    /**
     * {@link #close()}, for a concurrent map closing its shards: later uses say that {@code closedBy} (the map)
     * is closed, not the shard the use reached.
     */
    synchronized void closeAs(final String closedBy) {
        if (closed) {
            return;
        }
        this.closedBy = closedBy;
        closed = true;
        STATE.getAndBitwiseOr(this, CLOSED_BIT);
        if (PREPARED.getAndSet(this, CLOSED) instanceof BucketArray ready) {
            freeOffWorker(ready.block);
        }
        for (final BucketArray array : liveArrays()) {
            freeOffWorker(array.block);
        }
        pinnedRetired.clear();
        pinnedRetiredBytes = 0;
        keptSmallRetired.clear(); // closed with the live arrays above
        keptSmallRetiredBytes = 0;
        synchronized (adviceLock) {
            for (final NativeBlock block : emptiedMappings) {
                // Those already handed to the worker (beyond the count kept) are not here any more.
                block.close();
            }
        }
        emptiedMappings.clear();
        if (oldBuckets != null) {
            growthEnded(true);
        }
        oldBuckets = null;
        if (storage != null) {
            storage.close();
        }
        // Again, for a write that was between its check of the state word and its store when the bit was set
        // above, and overwrote it: its later operations then see the closed table at their first check.
        STATE.getAndBitwiseOr(this, CLOSED_BIT);
    }

    // ---------------------------------------------------------------- memory-worker tasks

    // The writer hands these over on paths it takes a few times per growth: too rarely for the JIT to keep
    // them compiled (a deoptimization sends them back to the interpreter for good), and in the interpreter
    // creating a lambda (invokedynamic) took 12-17 µs of the insert. Plain classes cost a few hundred ns there.

    /** Maps and pre-faults the array of 2^{@code logSize} buckets the next doubling will need. */
    private static final class Prepare implements Runnable {
        private final HashTable table;
        private final int logSize;
        private final long generation;
        /** The allocator the writer chose for this work ({@link NativeAllocator#forWorkHandedOverByCallingThread}). */
        private final NativeAllocator preparer;

        Prepare(final HashTable table, final int logSize, final long generation, final NativeAllocator preparer) {
            this.table = table;
            this.logSize = logSize;
            this.generation = generation;
            this.preparer = preparer;
        }

        @Override
        public void run() {
            table.prepare(logSize, generation, preparer);
        }
    }

    /**
     * Faults in the array prepared for a doubling in the order its evacuation will write it, a step at a time
     * (see {@link PrefaultStep}): old chain i moves to new buckets i and i + half, so both halves are
     * faulted in from their starts side by side, then the spare overflow buckets, which fill up last.
     *
     * <p>Front to back, a growth that started before the worker was done (it takes the array as it is) wrote
     * from its first put into the second half's first pages, the ones the worker would reach last. With
     * 4 KiB pages that is a page fault per 4 KiB; with huge pages fresh from the host, 5 ms per 2 MiB page
     * on this VM: 5.0-5.5 ms puts a few dozen writes into the doubling to 2^19, in four of five builds of a
     * scratch loop.
     */
    private static final class PrefaultDoubling implements Runnable {
        private final HashTable table;
        private final BucketArray array;
        private final long halfBytes;
        private final long endBytes;
        /** Bytes of each half faulted in so far. */
        private long doneInEachHalf;

        PrefaultDoubling(final HashTable table, final BucketArray array, final long halfBytes, final long endBytes) {
            this.table = table;
            this.array = array;
            this.halfBytes = halfBytes;
            this.endBytes = endBytes;
        }

        @Override
        public void run() {
            if (doneInEachHalf == halfBytes) {
                new PrefaultStep(table, array, 2 * halfBytes, endBytes).run();
                return;
            }
            final long length = Math.min(PREFAULT_STEP_BYTES / 2, halfBytes - doneInEachHalf);
            if (!table.prefaultUnlessFreed(array, doneInEachHalf, length)
                    || !table.prefaultUnlessFreed(array, halfBytes + doneInEachHalf, length)) {
                return; // let go meanwhile (clear, close, a newer array, releaseSpareMemory), or the advice failed
            }
            doneInEachHalf += length;
            MemoryWorker.execute(this); // behind whatever was asked for meanwhile
        }
    }

    /**
     * Faults in a range of an array a step at a time (a prepared array's spares, overflow buckets ahead of their
     * use; a prepared array's buckets go in their own order, see {@link PrefaultDoubling}), each step queued
     * behind whatever was asked for meanwhile, and stops once the table has let the array go or freed it.
     *
     * <p>A prepared array is published before its pages are faulted in, not after: a growth that starts before
     * the worker is done takes it as it is (its writes fault in whatever the worker has not reached yet; that
     * is safe, since faulting in changes no byte). Publishing after the last step sent such a growth to map an
     * array of its own, and mapping waits for the process's memory-map lock, which each step holds for
     * reading: 0.4-9.5 ms inserts at 26,624-106,496 entries in a scratch loop of 10M builds. The steps are
     * small for the same reason (see {@link #PREFAULT_STEP_BYTES}).
     */
    private static final class PrefaultStep implements Runnable {
        private final HashTable table;
        private final BucketArray array;
        private final long toByte;
        /** Where the next step starts. */
        private long fromByte;

        PrefaultStep(final HashTable table, final BucketArray array, final long fromByte, final long toByte) {
            this.table = table;
            this.array = array;
            this.fromByte = fromByte;
            this.toByte = toByte;
        }

        @Override
        public void run() {
            if (fromByte >= toByte) {
                return;
            }
            final long stepEnd = Math.min(toByte, fromByte + PREFAULT_STEP_BYTES);
            if (!table.prefaultUnlessFreed(array, fromByte, stepEnd - fromByte)) {
                return; // let go meanwhile (clear, close, a newer array, releaseSpareMemory), or the advice failed
            }
            fromByte = stepEnd;
            if (fromByte < toByte) {
                MemoryWorker.execute(this);
            }
        }
    }

    /**
     * Gives a block's pages back on the worker, a step at a time ({@link #DISCARD_STEP_BYTES}), then, for a block
     * the table has let go of, unmaps the emptied mapping, which is quick. Unmapping a large array in one call
     * held the memory-map lock for as long as the kernel took to free its pages, and any mmap waited (7-9 ms
     * for 300 MiB). A kept mapping (see {@link #keepRetiredMappings}) stays mapped; its steps stop once the
     * table or the mapping is closed, since {@link #close} frees kept mappings under the same lock and a range
     * must never be advised after it was unmapped. A let-go block is held by nothing else: only this task
     * unmaps it.
     */
    private static final class GiveBackInSteps implements Runnable {
        private final HashTable table;
        private final NativeBlock block;
        private final long fromByte;
        private final boolean thenUnmap;

        GiveBackInSteps(final HashTable table, final NativeBlock block, final long fromByte, final boolean thenUnmap) {
            this.table = table;
            this.block = block;
            this.fromByte = fromByte;
            this.thenUnmap = thenUnmap;
        }

        @Override
        public void run() {
            final long stepEnd = Math.min(block.byteSize(), fromByte + DISCARD_STEP_BYTES);
            boolean more;
            try {
                more = table.discardUnlessClosed(block, fromByte, stepEnd) && stepEnd < block.byteSize();
            } catch (final RuntimeException e) {
                more = false; // an allocator that cannot give pages back: unmapping frees them anyway
            }
            if (more) {
                MemoryWorker.execute(new GiveBackInSteps(table, block, stepEnd, thenUnmap));
            } else if (thenUnmap) {
                block.close();
            }
        }
    }

    // ---------------------------------------------------------------- misc

    long nextRandom() {
        randomState = io.panamap.hash.Hashing.splitMixAdvance(randomState);
        return io.panamap.hash.Hashing.splitMixOutput(randomState);
    }

    MapStats stats() {
        return stats(true);
    }

    /**
     * The stats, with the current array's placement only if {@code withPlacement} ({@code ""} otherwise): asking
     * an allocator where every page is can take time proportional to the array's pages, and a concurrent map
     * asks it after the shard's lock is released (see {@link #placementOf}).
     */
    MapStats stats(final boolean withPlacement) {
        checkOpen();
        final BucketArray current = buckets;
        final BucketArray old = oldBuckets;
        // Read once: the memory worker may publish an array at any moment, and one snapshot must count it in all
        // of its figures (ready, committed, spare, reserved) or in none.
        final Object prepared = PREPARED.get(this);
        final BucketArray ready = prepared instanceof BucketArray array ? array : null;
        return new MapStats(
                count,
                current.logSize,
                current.bucketCount,
                current.overflowUsed(),
                noverflow,
                old != null,
                sameSizeGrow,
                old == null ? 0 : nevacuate,
                old == null ? 0 : old.bucketCount,
                doublings,
                sameSizeGrowths,
                growthsFinished,
                nextArrayReady(current, ready),
                committedBytes(prepared),
                spareBytes(ready),
                reservedBytes(ready),
                memoryBudget,
                allocator.describe(),
                withPlacement ? allocator.placement(current.block) : "",
                timeWithTwoArraysNanos());
    }

    /** The current array's memory, for {@link #placementOf}: read under the lock that stats are read under. */
    NativeBlock currentBlock() {
        return buckets.block;
    }

    /**
     * Where {@code block}'s pages are, as the table's allocator reports it.
     *
     * @throws IllegalStateException if the block has been freed (the table retired and freed it, or was closed)
     */
    String placementOf(final NativeBlock block) {
        return allocator.placement(block);
    }

    /** Where the arrays are, for tools outside Java. */
    NativeView nativeView() {
        checkOpen();
        final BucketArray old = oldBuckets;
        return new NativeView(layout, buckets.base, buckets.logSize, old == null ? 0 : old.base,
                old == null ? 0 : old.logSize, old == null ? 0 : nevacuate, old != null && sameSizeGrow, count);
    }

    String owner() {
        return owner;
    }
}
