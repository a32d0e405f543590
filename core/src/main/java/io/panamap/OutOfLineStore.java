package io.panamap;

import io.panamap.memory.MemoryBudgetExceededException;
import io.panamap.memory.MemoryWorker;
import io.panamap.memory.NativeAllocator;
import io.panamap.memory.NativeBlock;
import io.panamap.memory.NativeMemoryException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The out-of-line storage of one table: the bytes of variable-length keys and values (strings, byte
 * arrays) and of fixed-size ones over 128 bytes, whose bucket slots hold only an absolute native address
 * (and, for variable-length ones, the length). This class hands out and takes back those blocks; the
 * table decides what goes in them.
 *
 * <h2>Layout</h2>
 *
 * <pre>
 *  regions: one NativeBlock each, reserved address space (lazily backed), each twice the last, up to 1 GiB
 *  +---------------------------------+ +--------------------------------------------------+
 *  | region 0: 4 MiB = slabs 0..15   | | region 1: 8 MiB = slabs 16..47                   | ... 1 GiB, 1 GiB, ...
 *  +---------------------------------+ +--------------------------------------------------+
 *         |
 *         v  one slab: 256 KiB serving one size class (here 40 bytes)
 *  0      40     80     120    160                  40·bump                     262 120  262 144
 *  +------+------+------+------+------+----  ...  ---+---------------------------+--------+
 *  | live | free | live | live | free |               |  not handed out yet       |  tail  |
 *  |      |  next+-------------^ next=-1              |  (never touched: no RAM)  | unused |
 *  +------+------+------+------+------+----  ...  ---+---------------------------+--------+
 *  a free block's first 8 bytes hold the offset in the slab of the next free block (-1: none)
 *
 *  size classes (bytes), 4 per doubling, 49 in all:
 *    16 | 20 24 28 32 | 40 48 56 64 | 80 96 112 128 | 160 ... | 40 Ki 48 Ki 56 Ki 64 Ki
 *
 *  dedicated blocks: anything over 64 KiB gets its own NativeBlock, rounded up to a page, unmapped when freed
 * </pre>
 *
 * <h2>Why slabs and size classes</h2>
 *
 * <p>Out-of-line blocks are small, many and of every length, and they are allocated and freed by the
 * table's one writer on its insert and delete paths, which must not allocate on the Java heap. A slab
 * holds blocks of one size only, so any of its free blocks fits any request of its class: allocating is
 * popping the slab's free list (or bumping its high-water mark), freeing is pushing, both O(1), with no
 * splitting, coalescing or searching, as in jemalloc's small bins and mimalloc's pages. Each class keeps a
 * doubly linked list of its slabs that have room; a slab whose last block is freed leaves the list, its
 * pages are given back to the operating system ({@link NativeAllocator#discard}) and it goes on a stack of
 * free slabs that any class may take next. All bookkeeping lives in primitive arrays indexed by a global
 * slab number, grown only when a region is added, so steady-state allocation and freeing allocate nothing
 * on the Java heap.
 *
 * <p>Classes 20 and 28 are multiples of 4, every class from 32 up is a multiple of 8 (the step of a
 * doubling from 2^g is 2^(g-2), at least 8 from 32 on). Rounding 20 and 28 up to 24 and 32 would give 8-byte
 * alignment everywhere but break the waste bound (17 bytes in a 24-byte block wastes 29%), and the blocks
 * hold bytes copied in and out, which need no alignment; the free-list link is read unaligned.
 *
 * <h2>Fragmentation, honestly</h2>
 * <ul>
 *   <li><b>Internal</b>, inside a block: a length {@code l} over 16 bytes gets a class {@code c < 1.25·l},
 *       so less than 20% of a block is wasted; lengths of 16 or less all take 16 bytes. A slab's tail
 *       ({@code 256 KiB mod c}) is at most 12.5% of it (the 56 KiB class fits 4 blocks), and under 2% for
 *       classes up to 4 KiB. A dedicated block wastes less than one 4 KiB page (under 6%).
 *   <li><b>External</b>, between blocks: a slab is given back as soon as its last block is freed, and a
 *       class only takes a new slab when every slab it has is full, so a class never holds more slabs than
 *       its live blocks needed at their peak. A slab that regains room after being full goes to the head of
 *       its class's list, so the fullest slabs are refilled first and sparse ones get the chance to drain.
 *       Blocks never move (bucket slots hold their addresses), so nothing compacts: the worst case is one
 *       live block pinning each slab, e.g. one 16-byte block in 256 KiB, after a free pattern that leaves
 *       every slab nearly empty. {@link #fragmentation()} reports where a store stands.
 * </ul>
 *
 * <h2>Regions</h2>
 *
 * <p>Slabs are carved from regions of reserved address space. Reserving is nearly free with mmap (pages
 * are backed on first touch) but not with every allocator (the portable arena fallback zeroes it all), and
 * it shows as reserved bytes; doubling keeps a store's reservation within twice what it uses (plus the
 * first 4 MiB), while the number of regions stays logarithmic (9 for the first 2 GiB), so the sorted
 * table that finds an address's region stays short. Regions stop growing at 1 GiB, beyond which doubling
 * would reserve gigabytes to get one more slab.
 *
 * <h2>Budget</h2>
 *
 * <p>{@link #committedBytes()} is what the table charges against its memory budget: the pages of each slab
 * in use from its start to the end of the last block it has handed out (the pages its blocks can have
 * touched), plus the size of every dedicated block. Charging whole slabs instead would make a table that stores
 * a few short strings in each of several classes, or a concurrent map's shards with small shares of a
 * budget, refuse at a fraction of what they hold. The {@link BudgetGuard} is asked before a block is handed
 * out past a slab's last charged page (a new slab's first block included) and before a dedicated block is
 * mapped; a refusal changes nothing. Regions are not charged (address space only), nor is the Java-heap
 * bookkeeping (28 bytes per slab).
 *
 * <h2>Threads and misuse</h2>
 *
 * <p>The table's single writer calls every method but {@link #regionOf}, which reader threads may call
 * while no writer is active: it only reads fields. Every native access goes through the segment of a
 * region or dedicated block, owned by its own shared arena, so a misuse (an access after {@link #close},
 * a stale address) ends in an exception and never in a crash. {@link #free} refuses what it can tell
 * cheaply: an address outside every region and dedicated block, a length of another class than the slab's,
 * an address that is not the start of a handed-out block, a block of a slab with no live blocks, and a
 * block freed twice in a row. A double free that is not caught (another block of the slab was freed in
 * between) puts the block on its free list twice, so it would later be handed out twice: two keys would
 * share bytes, which stays memory-safe (the block is inside the slab) but is wrong.
 */
final class OutOfLineStore implements AutoCloseable {

    /** Asks the table whether it may commit more native memory. */
    @FunctionalInterface
    interface BudgetGuard {

        /** A guard that admits everything: a store without a budget. */
        BudgetGuard UNLIMITED = (bytes, purpose) -> {
        };

        /**
         * Returns if the table may commit {@code bytes} more, for {@code purpose} (e.g. "slab pages of
         * 40-byte out-of-line blocks"); otherwise throws, and the store changes nothing.
         *
         * @throws MemoryBudgetExceededException to refuse
         */
        void admit(long bytes, String purpose);

        /** Told when the allocator refused {@code bytes} for {@code purpose} (the table records it); default: nothing. */
        default void allocatorFailed(final String purpose, final long bytes, final RuntimeException failure) {
        }
    }

    /** log2 of {@link #SLAB_BYTES}. */
    static final int SLAB_SHIFT = 18;
    /**
     * Bytes of one slab: 256 KiB. Large enough that the largest class still fits 4 blocks (tail waste at
     * most 12.5%) and that a class of short strings takes a new slab only every few thousand blocks; small
     * enough that a slab pinned by one live block holds little. A slab commits only the pages its blocks were
     * handed out in ({@link #committedBytes}). A multiple of the page size, so giving a slab back drops whole
     * pages.
     */
    static final long SLAB_BYTES = 1L << SLAB_SHIFT;
    /** log2 of {@link #MIN_CLASS_BYTES}. */
    static final int LOG2_MIN_CLASS = 4;
    /** The smallest class: room for the 8-byte free-list link, and short keys do not need their own classes. */
    static final int MIN_CLASS_BYTES = 1 << LOG2_MIN_CLASS;
    /** log2 of {@link #CLASSES_PER_DOUBLING}. */
    static final int LOG2_CLASSES_PER_DOUBLING = 2;
    /** Classes between a power of two and the next (jemalloc's spacing): a block is less than 1.25× its length. */
    static final int CLASSES_PER_DOUBLING = 1 << LOG2_CLASSES_PER_DOUBLING;
    /**
     * The largest class, a quarter slab: longer blocks are rare enough that a mapping of their own (a few
     * microseconds, and a page of waste at most) costs less than the slab tails larger classes would leave.
     */
    static final int MAX_CLASS_BYTES = (int) (SLAB_BYTES / 4);
    /**
     * The first region: 16 slabs, room for 16 classes before a second reservation. Only address space with
     * mmap; with the eager arena fallback it is 4 MiB of zeroes, which a table with out-of-line data can
     * afford.
     */
    static final long FIRST_REGION_BYTES = 4L << 20;
    /** The largest region: 4096 slabs. */
    static final long MAX_REGION_BYTES = 1L << 30;
    /** Regions up to this index double; later ones are {@link #MAX_REGION_BYTES}. */
    private static final int REGION_DOUBLINGS = Long.numberOfTrailingZeros(MAX_REGION_BYTES / FIRST_REGION_BYTES);
    /** Dedicated blocks are rounded up to this: mmap hands out whole pages anyway, so the capacity is exact. */
    static final long PAGE_BYTES = 4096;

    /** Bytes of each class, smallest first. */
    private static final int[] CLASS_BYTES;
    /** Blocks of each class in one slab. */
    private static final int[] BLOCKS_PER_SLAB;
    /** What a slab of each class is for, as the budget guard is told; built once so taking a slab allocates nothing. */
    private static final String[] SLAB_PURPOSE;
    /** Number of size classes (49). */
    static final int CLASS_COUNT;

    static {
        final int[] sizes = new int[Long.SIZE * CLASSES_PER_DOUBLING];
        int count = 0;
        sizes[count++] = MIN_CLASS_BYTES;
        for (int group = LOG2_MIN_CLASS; sizes[count - 1] < MAX_CLASS_BYTES; group++) {
            final int step = 1 << (group - LOG2_CLASSES_PER_DOUBLING);
            for (int i = 1; i <= CLASSES_PER_DOUBLING; i++) {
                sizes[count++] = (1 << group) + i * step;
            }
        }
        CLASS_COUNT = count;
        CLASS_BYTES = Arrays.copyOf(sizes, count);
        BLOCKS_PER_SLAB = new int[count];
        SLAB_PURPOSE = new String[count];
        for (int c = 0; c < count; c++) {
            BLOCKS_PER_SLAB[c] = (int) (SLAB_BYTES / CLASS_BYTES[c]);
            SLAB_PURPOSE[c] = "slab pages of " + CLASS_BYTES[c] + "-byte out-of-line blocks";
        }
    }

    /** "None": an empty list, a slab with no class, a free list's end, an address in no extent. */
    private static final int NONE = -1;
    /** {@link #extentRegion} of a dedicated block. */
    private static final int DEDICATED = -1;
    /** The free-list link in a free block: unaligned because classes 20 and 28 are only 4-byte aligned. */
    private static final ValueLayout.OfLong LINK = ValueLayout.JAVA_LONG_UNALIGNED;
    /** Initial length of the region arrays (they double). */
    private static final int INITIAL_REGIONS = 16;
    /** Initial length of the extent arrays (they double). */
    private static final int INITIAL_EXTENTS = 16;
    /** Initial length of the deferred-free arrays (they double). */
    private static final int INITIAL_DEFERRED = 16;
    /**
     * {@link #recentBase} and {@link #recentEnd} while there is no region: a range no address is in (an
     * address ≥ 1 with a length ≤ 0 − address, which is negative).
     */
    private static final long NO_RECENT_BASE = 1;
    /** See {@link #NO_RECENT_BASE}. */
    private static final long NO_RECENT_END = 0;

    private final NativeAllocator allocator;
    private final BudgetGuard budget;
    private final String owner;

    // ---- regions, in the order they were reserved
    /** Each region's mapping. */
    private NativeBlock[] regionBlock = new NativeBlock[INITIAL_REGIONS];
    /** Each region's segment, through which every access to its slabs goes. */
    private MemorySegment[] regionSegment = new MemorySegment[INITIAL_REGIONS];
    /** Each region's native address. */
    private long[] regionBase = new long[INITIAL_REGIONS];
    /** Global number of each region's first slab. */
    private int[] regionFirstSlab = new int[INITIAL_REGIONS];
    /** Regions reserved. */
    private int regionCount;

    // ---- the most recently reserved region, which lookups try first
    /** Its index, or {@link #NONE}. */
    private int recentRegion = NONE;
    /** Its address, or {@link #NO_RECENT_BASE}. */
    private long recentBase = NO_RECENT_BASE;
    /** Its end address, or {@link #NO_RECENT_END}. */
    private long recentEnd = NO_RECENT_END;
    /** Its segment, or null. */
    private MemorySegment recentSegment;

    // ---- extents: every region and dedicated block, sorted by address, for lookups by address
    /** Start addresses, ascending. */
    private long[] extentBase = new long[INITIAL_EXTENTS];
    /** End addresses (exclusive). */
    private long[] extentEnd = new long[INITIAL_EXTENTS];
    /** Segments. */
    private MemorySegment[] extentSegment = new MemorySegment[INITIAL_EXTENTS];
    /** Mappings. */
    private NativeBlock[] extentBlock = new NativeBlock[INITIAL_EXTENTS];
    /** The region index, or {@link #DEDICATED}. */
    private int[] extentRegion = new int[INITIAL_EXTENTS];
    /** Extents in use. */
    private int extentCount;

    // ---- slabs, by global number (region by region, in address order within a region)
    /** Size class, or {@link #NONE} while the slab is free. */
    private int[] slabClass = new int[0];
    /** Live (handed-out, not freed) blocks. */
    private int[] slabLive = new int[0];
    /** Blocks handed out by bumping so far: blocks at or past {@code bump × class} were never handed out. */
    private int[] slabBump = new int[0];
    /** Offset in the slab of the first free block, or {@link #NONE}. */
    private int[] slabFreeHead = new int[0];
    /** Next slab in its class's list of slabs with room, or on the free-slab stack; {@link #NONE} at the end. */
    private int[] slabNext = new int[0];
    /** Previous slab in its class's list of slabs with room, or {@link #NONE} at the head. */
    private int[] slabPrev = new int[0];
    /** The region the slab is in. */
    private int[] slabRegion = new int[0];
    /** Slabs in all reserved regions. */
    private int slabCount;
    /** Slabs at or above this number have never been taken since their region was reserved (or cleared). */
    private int nextFreshSlab;
    /** Top of the stack of released slabs, or {@link #NONE}. */
    private int freeSlabTop = NONE;
    /** Per class, the first slab with room, or {@link #NONE}. */
    private final int[] partialHead = new int[CLASS_COUNT];

    // ---- frees waiting for iterators to let go of the old bytes
    /** Addresses of the deferred frees. */
    private long[] deferredAddress = new long[INITIAL_DEFERRED];
    /** Their lengths. */
    private long[] deferredLength = new long[INITIAL_DEFERRED];
    /** Deferred frees queued. */
    private int deferredCount;

    // ---- accounting
    /** Slabs serving a class. */
    private int slabsInUse;
    /** The pages of those slabs their blocks were handed out in (see {@link #committedBytes}). */
    private long slabPageBytes;
    /** Dedicated blocks live. */
    private long dedicatedBlocks;
    /** Their bytes. */
    private long dedicatedBytes;
    /** Bytes of address space in regions and dedicated blocks. */
    private long reservedBytes;
    /** Blocks handed out and not freed (deferred frees included). */
    private long liveBlocks;
    /** Sum of the lengths of the live blocks. */
    private long requestedBytes;
    /** Sum of the sizes (class or dedicated) of the live blocks. */
    private long allocatedBytes;
    /** Set by {@link #close}. */
    private boolean closed;

    /** Whether the next region is mapped ahead of need by the {@link MemoryWorker} (the table's choice). */
    private final boolean background;
    /** Whether the mapping of the region after the newest was asked for (writer thread only). */
    private boolean regionRequested;
    /**
     * The next region, mapped by the memory worker, or null, or {@link #CLOSED_MARK}: the one field the worker
     * and the writer share. Mapping inline on the writer is only the fallback: an mmap waits for the process's
     * address-space lock, which the same worker may be holding for tens of milliseconds while it pre-faults
     * the table's next bucket array (a 6-14 ms put was measured exactly there, at 576,807 string keys).
     */
    @SuppressWarnings("unused")
    private volatile Object preparedRegion;
    private static final Object CLOSED_MARK = new Object();
    private static final VarHandle PREPARED_REGION;

    static {
        try {
            PREPARED_REGION = MethodHandles.lookup().findVarHandle(OutOfLineStore.class, "preparedRegion", Object.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * An empty store; nothing is mapped until the first allocation.
     *
     * @param allocator where regions and dedicated blocks come from (the table's allocator)
     * @param budget    asked before a slab first hands out blocks in a page, and before a dedicated block is mapped
     * @param owner     the table, as messages name it
     */
    OutOfLineStore(final NativeAllocator allocator, final BudgetGuard budget, final String owner) {
        this(allocator, budget, owner, false);
    }

    /**
     * An empty store that, with {@code background}, has the {@link MemoryWorker} map each next region once
     * half of the newest one's slabs are in use, so that allocating never waits for an mmap.
     */
    OutOfLineStore(final NativeAllocator allocator, final BudgetGuard budget, final String owner,
                   final boolean background) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.budget = Objects.requireNonNull(budget, "budget");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.background = background;
        Arrays.fill(partialHead, NONE);
    }

    // ---------------------------------------------------------------- allocation

    /**
     * A block of at least {@code length} bytes (exactly {@link #capacityOf} bytes); its contents are
     * unspecified. On any exception nothing has changed.
     *
     * @return the block's absolute native address; reach it through {@link #regionOf}
     * @throws IllegalArgumentException      if {@code length} is less than 1
     * @throws MemoryBudgetExceededException if the budget guard refuses the slab pages or dedicated block needed
     * @throws NativeMemoryException         if the allocator cannot map a region or dedicated block
     */
    long allocate(final long length) {
        checkOpen();
        if (length < 1) {
            throw new IllegalArgumentException("an out-of-line block must be at least 1 byte long, not " + length);
        }
        if (length > MAX_CLASS_BYTES) {
            return allocateDedicated(length);
        }
        final int sizeClass = classIndex(length);
        final int classBytes = CLASS_BYTES[sizeClass];
        // The budget is charged by the page as a slab's blocks are first handed out, so it is asked before
        // anything changes: for the pages a bump past the slab's last touched page adds (a new slab's first).
        final int head = partialHead[sizeClass];
        final long newPages = head == NONE ? pageRounded(classBytes)
                : slabFreeHead[head] != NONE ? 0 : pagesAdded((long) slabBump[head] * classBytes, classBytes);
        if (newPages != 0) {
            budget.admit(newPages, SLAB_PURPOSE[sizeClass]);
        }
        final int slab = head != NONE ? head : takeSlab(sizeClass);
        final int region = slabRegion[slab];
        final long slabStart = slabStart(slab);
        final long block;
        if (slabFreeHead[slab] != NONE) {
            block = slabFreeHead[slab];
            final long next = regionSegment[region].get(LINK, slabStart + block);
            if (next != NONE && (next < 0 || next >= (long) slabBump[slab] * classBytes)) {
                throw new IllegalStateException("the free list of slab " + slab + " of " + describeOwner()
                        + " is damaged: the free block at offset " + block + " links to " + next
                        + " (something wrote into a freed block)");
            }
            slabFreeHead[slab] = (int) next;
        } else {
            // The free list is empty and the slab has room, so it has never handed out its next block.
            block = (long) slabBump[slab] * classBytes;
            slabBump[slab]++;
            slabPageBytes += newPages;
        }
        slabLive[slab]++;
        if (slabLive[slab] == BLOCKS_PER_SLAB[sizeClass]) {
            unlinkPartial(slab, sizeClass);
        }
        liveBlocks++;
        requestedBytes += length;
        allocatedBytes += classBytes;
        return regionBase[region] + slabStart + block;
    }

    /**
     * Frees a block now. {@code length} must be the length it was allocated with (or last resized to with
     * {@link #tryResizeInPlace}), which keeps {@link #requestedBytes()} exact and lets the class be checked.
     *
     * @throws IllegalArgumentException if the address and length are not those of a live block, as far as can
     *                                  be told cheaply (see the class comment); nothing has changed then
     */
    void free(final long address, final long length) {
        checkOpen();
        final int found = checkBlock(address, length);
        if (found < 0) {
            freeDedicated(-1 - found, length);
        } else {
            freeInSlab(found, address, length);
        }
    }

    /**
     * Queues a free until {@link #releaseDeferred}: for a block an iterator may still read (the old copy of
     * a replaced key). The block is checked now and stays live, and counted so, until released. Queuing the
     * same block twice is not detected.
     *
     * @throws IllegalArgumentException as {@link #free} would
     */
    void freeDeferred(final long address, final long length) {
        checkOpen();
        checkBlock(address, length);
        if (deferredCount == deferredAddress.length) {
            deferredAddress = Arrays.copyOf(deferredAddress, 2 * deferredCount);
            deferredLength = Arrays.copyOf(deferredLength, 2 * deferredCount);
        }
        deferredAddress[deferredCount] = address;
        deferredLength[deferredCount] = length;
        deferredCount++;
    }

    /** Whether frees are queued by {@link #freeDeferred}. */
    boolean hasDeferred() {
        return deferredCount > 0;
    }

    /** Frees queued by {@link #freeDeferred} and not yet released. */
    int deferredBlocks() {
        return deferredCount;
    }

    /**
     * Frees every queued block, once no iterator can read them any more. If one turns out not to be live
     * (queued twice, or freed directly meanwhile) it is dropped, the exception thrown, and the rest stay
     * queued.
     */
    void releaseDeferred() {
        checkOpen();
        while (deferredCount > 0) {
            deferredCount--;
            free(deferredAddress[deferredCount], deferredLength[deferredCount]);
        }
    }

    /**
     * The usable bytes of the live block at {@code address} allocated with {@code length}: its class size,
     * or its dedicated block's size. Bytes past {@code length} may be written, but a longer or shorter value
     * is only recorded by {@link #tryResizeInPlace}.
     *
     * @throws IllegalArgumentException as {@link #free} would
     */
    long capacityOf(final long address, final long length) {
        checkOpen();
        final int found = checkBlock(address, length);
        return found < 0 ? extentEnd[-1 - found] - extentBase[-1 - found] : CLASS_BYTES[slabClass[found]];
    }

    /**
     * Records that the live block at {@code address}, allocated with {@code length}, now holds
     * {@code newLength} bytes, if that is the block {@code allocate(newLength)} would give in size: the same
     * class, or a dedicated block of the same page count. Then a replaced value is overwritten in place, and
     * later frees pass {@code newLength}. Otherwise nothing changes and the caller allocates a new block, so
     * a block never holds much less than it could (the waste bound stays true).
     *
     * @return whether the block was resized (keeps its address)
     * @throws IllegalArgumentException as {@link #free} would, or if {@code newLength} is less than 1
     */
    boolean tryResizeInPlace(final long address, final long length, final long newLength) {
        checkOpen();
        final int found = checkBlock(address, length);
        if (newLength < 1) {
            throw new IllegalArgumentException("an out-of-line block must be at least 1 byte long, not " + newLength);
        }
        final boolean sameSize = found < 0
                ? newLength > MAX_CLASS_BYTES && pageRounded(newLength) == extentEnd[-1 - found] - extentBase[-1 - found]
                : newLength <= MAX_CLASS_BYTES && classIndex(newLength) == slabClass[found];
        if (sameSize) {
            requestedBytes += newLength - length;
        }
        return sameSize;
    }

    // ---------------------------------------------------------------- lookup

    /**
     * The segment (a region, or a dedicated block's) that contains {@code [address, address + length)}; the
     * bytes are at {@code address - segment.address()} in it. No allocation and no writes: reader threads
     * call this on every lookup of an out-of-line key, while no writer is active.
     *
     * @throws IllegalArgumentException if no region or dedicated block contains the range
     * @throws IllegalStateException    if the store is closed
     */
    MemorySegment regionOf(final long address, final long length) {
        checkOpen();
        if (address >= recentBase && length >= 0 && length <= recentEnd - address) {
            return recentSegment;
        }
        final int extent = extentContaining(address, length);
        if (extent == NONE) {
            throw new IllegalArgumentException(notHeld(address, length));
        }
        return extentSegment[extent];
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Frees everything: dedicated blocks and every region but the first are unmapped, the first region's
     * pages are given back, deferred frees are dropped and the accounting returns to zero. The store stays
     * usable; every address it handed out is invalid. Under the monitor {@link #close} holds (see
     * {@link #linkExtent}): for a moment the first region is in no extent, where close() would not free it.
     */
    synchronized void clear() {
        checkOpen();
        takePreparedRegion(-1); // mapped ahead for the sizes before the clear: unmapped
        regionRequested = false;
        for (int e = 0; e < extentCount; e++) {
            if (extentRegion[e] != 0) {
                extentBlock[e].close();
            }
        }
        Arrays.fill(extentSegment, 0, extentCount, null);
        Arrays.fill(extentBlock, 0, extentCount, null);
        Arrays.fill(regionBlock, 1, Math.max(1, regionCount), null);
        Arrays.fill(regionSegment, 1, Math.max(1, regionCount), null);
        extentCount = 0;
        regionCount = Math.min(regionCount, 1);
        slabCount = 0;
        reservedBytes = 0;
        if (regionCount == 1) {
            final NativeBlock first = regionBlock[0];
            discardUnlessClosed(first, 0, first.byteSize());
            slabCount = (int) (first.byteSize() >>> SLAB_SHIFT);
            Arrays.fill(slabClass, 0, slabCount, NONE);
            insertExtent(regionBase[0], first.segment(), first, 0);
            reservedBytes = first.byteSize();
        }
        setRecent(regionCount == 1 ? 0 : NONE);
        nextFreshSlab = 0;
        freeSlabTop = NONE;
        Arrays.fill(partialHead, NONE);
        deferredCount = 0;
        slabsInUse = 0;
        slabPageBytes = 0;
        dedicatedBlocks = 0;
        dedicatedBytes = 0;
        liveBlocks = 0;
        requestedBytes = 0;
        allocatedBytes = 0;
    }

    /**
     * Unmaps every region and dedicated block; any later access through a segment {@link #regionOf} returned
     * throws {@link IllegalStateException}, as does every method here but this one and the accessors, which
     * report zeros. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (PREPARED_REGION.getAndSet(this, CLOSED_MARK) instanceof NativeBlock waiting) {
            waiting.close();
        }
        for (int e = 0; e < extentCount; e++) {
            extentBlock[e].close();
        }
        Arrays.fill(extentSegment, 0, extentCount, null);
        Arrays.fill(extentBlock, 0, extentCount, null);
        Arrays.fill(regionBlock, 0, regionCount, null);
        Arrays.fill(regionSegment, 0, regionCount, null);
        extentCount = 0;
        regionCount = 0;
        slabCount = 0;
        setRecent(NONE);
        deferredCount = 0;
        slabsInUse = 0;
        slabPageBytes = 0;
        dedicatedBlocks = 0;
        dedicatedBytes = 0;
        reservedBytes = 0;
        liveBlocks = 0;
        requestedBytes = 0;
        allocatedBytes = 0;
    }

    /** Whether {@link #close} has been called. */
    boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- accounting

    /**
     * Bytes charged against the budget: the pages of the slabs' blocks handed out so far (each slab's, from its
     * start to the end of the last block it has ever handed out, in whole pages) plus every dedicated block's
     * size.
     */
    long committedBytes() {
        return slabPageBytes + dedicatedBytes;
    }

    /**
     * Bytes of address space mapped: every region and dedicated block, and the region the memory worker mapped
     * ahead, if one waits (only touched pages use memory).
     */
    long reservedBytes() {
        return reservedBytes + (PREPARED_REGION.get(this) instanceof NativeBlock ahead ? ahead.byteSize() : 0);
    }

    /** Blocks allocated and not yet freed; blocks queued by {@link #freeDeferred} still count. */
    long liveBlocks() {
        return liveBlocks;
    }

    /** Sum of the lengths the live blocks were allocated (or resized) with. */
    long requestedBytes() {
        return requestedBytes;
    }

    /** Sum of the live blocks' sizes: class sizes, and dedicated blocks' sizes. */
    long allocatedBytes() {
        return allocatedBytes;
    }

    /** The share of committed bytes not holding requested bytes: 1 − requested / committed; 0 when empty. */
    double fragmentation() {
        final long committed = committedBytes();
        return committed == 0 ? 0 : 1 - (double) requestedBytes / committed;
    }

    /** Slabs serving a class. */
    int slabsInUse() {
        return slabsInUse;
    }

    /** Dedicated blocks live. */
    long dedicatedBlocks() {
        return dedicatedBlocks;
    }

    /** Regions reserved. */
    int regionCount() {
        return regionCount;
    }

    /** The accounting as a snapshot for users (0s once closed). */
    StorageStats stats() {
        return new StorageStats(liveBlocks(), requestedBytes(), allocatedBytes(), committedBytes(), reservedBytes());
    }

    /** One line of stats. */
    String describe() {
        if (closed) {
            return describeOwner() + ": closed";
        }
        return String.format(Locale.ROOT, "%s: %d live blocks (%d deferred), requested %d B, allocated %d B,"
                        + " committed %d B (pages of %d slabs of %d KiB, %d dedicated blocks of %d B in all),"
                        + " reserved %d B in %d regions, fragmentation %.1f%%",
                describeOwner(), liveBlocks, deferredCount, requestedBytes, allocatedBytes, committedBytes(),
                slabsInUse, SLAB_BYTES >> 10, dedicatedBlocks, dedicatedBytes, reservedBytes(), regionCount,
                100 * fragmentation());
    }

    @Override
    public String toString() {
        return describe();
    }

    // ---------------------------------------------------------------- size classes

    /** The class of a length from 1 to {@link #MAX_CLASS_BYTES}: the smallest class at least that long. */
    static int classIndex(final long length) {
        if (length <= MIN_CLASS_BYTES) {
            return 0;
        }
        // length - 1 lies in [2^group, 2^(group+1)); its top three bits pick one of the 4 classes above 2^group
        // (or 2^(group+1) itself, the first class of the next doubling).
        final long below = length - 1;
        final int group = Long.SIZE - 1 - Long.numberOfLeadingZeros(below);
        final int quarter = (int) (below >>> (group - LOG2_CLASSES_PER_DOUBLING));
        return ((group - LOG2_MIN_CLASS) << LOG2_CLASSES_PER_DOUBLING) + quarter - (CLASSES_PER_DOUBLING - 1);
    }

    /** Bytes of class {@code sizeClass}. */
    static int classBytes(final int sizeClass) {
        return CLASS_BYTES[sizeClass];
    }

    /** {@code length} rounded up to whole pages: a dedicated block's size. */
    private static long pageRounded(final long length) {
        return (length + PAGE_BYTES - 1) & -PAGE_BYTES;
    }

    /** The bytes of the pages a block of {@code classBytes} at offset {@code handedOut} of a slab first touches. */
    private static long pagesAdded(final long handedOut, final int classBytes) {
        return pageRounded(handedOut + classBytes) - pageRounded(handedOut);
    }

    /** The bytes of the pages {@code slab}'s blocks were handed out in: what it charges to the budget. */
    private long slabPages(final int slab) {
        return pageRounded((long) slabBump[slab] * CLASS_BYTES[slabClass[slab]]);
    }

    // ---------------------------------------------------------------- slabs

    /**
     * A slab for {@code sizeClass}, at the head of its list: a released one if any, else the next fresh one,
     * reserving a region when none is left. The caller has asked the budget for the pages of its first block.
     */
    private int takeSlab(final int sizeClass) {
        final int slab;
        if (freeSlabTop != NONE) {
            slab = freeSlabTop;
            freeSlabTop = slabNext[slab];
        } else {
            if (nextFreshSlab == slabCount) {
                reserveRegion();
            }
            slab = nextFreshSlab++;
            if (background && !regionRequested && slabCount - nextFreshSlab <= slabsOfRegion(regionCount - 1) / 2) {
                requestNextRegion();
            }
        }
        slabClass[slab] = sizeClass;
        slabLive[slab] = 0;
        slabBump[slab] = 0;
        slabFreeHead[slab] = NONE;
        pushPartial(slab, sizeClass);
        slabsInUse++;
        return slab;
    }

    /** Returns a block to its slab, and the slab to the free stack if that was its last block. */
    private void freeInSlab(final int slab, final long address, final long length) {
        final int sizeClass = slabClass[slab];
        final int region = slabRegion[slab];
        final long slabStart = slabStart(slab);
        final long block = address - regionBase[region] - slabStart;
        regionSegment[region].set(LINK, slabStart + block, slabFreeHead[slab]);
        slabFreeHead[slab] = (int) block;
        final boolean wasFull = slabLive[slab] == BLOCKS_PER_SLAB[sizeClass];
        slabLive[slab]--;
        liveBlocks--;
        requestedBytes -= length;
        allocatedBytes -= CLASS_BYTES[sizeClass];
        if (slabLive[slab] == 0) {
            if (!wasFull) {
                unlinkPartial(slab, sizeClass);
            }
            releaseSlab(slab);
        } else if (wasFull) {
            // Nearly full: the best slab to allocate from next, so sparser ones can drain.
            pushPartial(slab, sizeClass);
        }
    }

    /** Gives an empty slab's pages back and puts it on the free stack. */
    private void releaseSlab(final int slab) {
        slabPageBytes -= slabPages(slab);
        slabClass[slab] = NONE;
        slabNext[slab] = freeSlabTop;
        freeSlabTop = slab;
        slabsInUse--;
        // Last: the slab is free whatever the hint does (a custom allocator's discard could throw).
        discardUnlessClosed(regionBlock[slabRegion[slab]], slabStart(slab), SLAB_BYTES);
    }

    /** Offset of {@code slab} in its region. */
    private long slabStart(final int slab) {
        return (long) (slab - regionFirstSlab[slabRegion[slab]]) << SLAB_SHIFT;
    }

    /** Puts {@code slab} at the head of its class's list of slabs with room. */
    private void pushPartial(final int slab, final int sizeClass) {
        final int head = partialHead[sizeClass];
        slabPrev[slab] = NONE;
        slabNext[slab] = head;
        if (head != NONE) {
            slabPrev[head] = slab;
        }
        partialHead[sizeClass] = slab;
    }

    /** Takes {@code slab} out of its class's list of slabs with room. */
    private void unlinkPartial(final int slab, final int sizeClass) {
        final int prev = slabPrev[slab];
        final int next = slabNext[slab];
        if (prev == NONE) {
            partialHead[sizeClass] = next;
        } else {
            slabNext[prev] = next;
        }
        if (next != NONE) {
            slabPrev[next] = prev;
        }
    }

    // ---------------------------------------------------------------- dedicated blocks

    /** A block of its own for a length over {@link #MAX_CLASS_BYTES}. */
    private long allocateDedicated(final long length) {
        if (length > Long.MAX_VALUE - PAGE_BYTES) {
            throw new IllegalArgumentException("an out-of-line block of " + length + " bytes cannot be mapped");
        }
        final long bytes = pageRounded(length);
        final String purpose = "an out-of-line block of " + length + " bytes";
        budget.admit(bytes, purpose);
        final NativeBlock block = allocateReporting(bytes, purpose);
        try {
            ensureExtentCapacity(extentCount + 1);
        } catch (final Throwable t) {
            block.close();
            throw t;
        }
        final long base = block.segment().address();
        linkExtent(base, block.segment(), block, DEDICATED);
        dedicatedBlocks++;
        dedicatedBytes += block.byteSize();
        reservedBytes += block.byteSize();
        liveBlocks++;
        requestedBytes += length;
        allocatedBytes += block.byteSize();
        return base;
    }

    /**
     * Unmaps the dedicated block of extent {@code extent}; if unmapping throws, nothing has changed. Under the
     * monitor close() holds, which walks the extents (see {@link #linkExtent}).
     */
    private synchronized void freeDedicated(final int extent, final long length) {
        checkOpen(); // closed by another thread since the caller looked the block up
        final NativeBlock block = extentBlock[extent];
        block.close();
        removeExtent(extent);
        dedicatedBlocks--;
        dedicatedBytes -= block.byteSize();
        reservedBytes -= block.byteSize();
        liveBlocks--;
        requestedBytes -= length;
        allocatedBytes -= block.byteSize();
    }

    // ---------------------------------------------------------------- regions and extents

    /** Maps {@code bytes}, telling the budget guard (so the table's events show it) if the allocator refuses. */
    private NativeBlock allocateReporting(final long bytes, final String purpose) {
        try {
            return HashTable.allocate(allocator, bytes);
        } catch (final RuntimeException e) {
            budget.allocatorFailed(purpose, bytes, e);
            throw e;
        }
    }

    private static long regionBytes(final int region) {
        return region >= REGION_DOUBLINGS ? MAX_REGION_BYTES : FIRST_REGION_BYTES << region;
    }

    private static int slabsOfRegion(final int region) {
        return (int) (regionBytes(region) >>> SLAB_SHIFT);
    }

    /** Asks the memory worker to map the region after the newest. */
    private void requestNextRegion() {
        regionRequested = true;
        final long bytes = regionBytes(regionCount);
        MemoryWorker.execute(new PrepareRegion(this, bytes));
    }

    /** A plain class, not a lambda: see HashTable's memory-worker tasks. */
    private static final class PrepareRegion implements Runnable {
        private final OutOfLineStore store;
        private final long bytes;

        PrepareRegion(final OutOfLineStore store, final long bytes) {
            this.store = store;
            this.bytes = bytes;
        }

        @Override
        public void run() {
            store.prepareRegion(bytes);
        }
    }

    /** Runs on the memory worker: maps a region and offers it to the writer. */
    private void prepareRegion(final long bytes) {
        final NativeBlock block;
        try {
            block = HashTable.allocate(allocator, bytes);
        } catch (final RuntimeException e) {
            return; // the writer maps it inline, and reports the failure there
        }
        if (!PREPARED_REGION.compareAndSet(this, null, block)) {
            block.close(); // the store was closed, or a region is already waiting
        }
    }

    /** The region the worker mapped, if it is the size wanted; a stale one is unmapped. */
    private NativeBlock takePreparedRegion(final long bytes) {
        final Object ready = PREPARED_REGION.get(this);
        if (ready instanceof NativeBlock block && PREPARED_REGION.compareAndSet(this, ready, null)) {
            if (block.byteSize() == bytes) {
                return block;
            }
            block.close();
        }
        return null;
    }

    /** Maps the next region and makes its slabs fresh; if anything fails, nothing has changed. */
    private void reserveRegion() {
        final int region = regionCount;
        final long bytes = regionBytes(region);
        final int slabs = (int) (bytes >>> SLAB_SHIFT);
        final NativeBlock prepared = takePreparedRegion(bytes);
        final NativeBlock block = prepared != null ? prepared : allocateReporting(bytes, "an out-of-line storage region");
        regionRequested = false;
        try {
            ensureRegionCapacity(region + 1);
            ensureSlabCapacity(slabCount + slabs);
            ensureExtentCapacity(extentCount + 1);
        } catch (final Throwable t) {
            block.close();
            throw t;
        }
        final MemorySegment segment = block.segment();
        regionBlock[region] = block;
        regionSegment[region] = segment;
        regionBase[region] = segment.address();
        regionFirstSlab[region] = slabCount;
        Arrays.fill(slabRegion, slabCount, slabCount + slabs, region);
        Arrays.fill(slabClass, slabCount, slabCount + slabs, NONE);
        linkExtent(segment.address(), segment, block, region);
        regionCount++;
        slabCount += slabs;
        reservedBytes += bytes;
        setRecent(region);
    }

    /** Makes {@code region} (or none, for {@link #NONE}) the one lookups try first. */
    private void setRecent(final int region) {
        recentRegion = region;
        if (region == NONE) {
            recentBase = NO_RECENT_BASE;
            recentEnd = NO_RECENT_END;
            recentSegment = null;
        } else {
            recentBase = regionBase[region];
            recentEnd = regionBase[region] + regionSegment[region].byteSize();
            recentSegment = regionSegment[region];
        }
    }

    /** The extent that contains {@code [address, address + length)}, or {@link #NONE}. */
    private int extentContaining(final long address, final long length) {
        int low = 0;
        int high = extentCount - 1;
        while (low <= high) {
            final int middle = (low + high) >>> 1;
            if (extentBase[middle] <= address) {
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        // high is now the last extent starting at or below address.
        return high >= 0 && length >= 0 && length <= extentEnd[high] - address ? high : NONE;
    }

    /*
     * A close() from another thread can race a write (a misuse the table's state word catches only at best).
     * Mapping and unmapping are rare here, so the two steps that must not interleave with close() hold this
     * monitor, as close() does: a block is linked only into an open store (close() would never free it
     * otherwise), and pages are advised away only while their mapping is still the store's (once unmapped,
     * the addresses may belong to another mapping).
     */

    /** {@link #insertExtent} for a block just mapped: on a closed store the block is unmapped and refused. */
    private synchronized void linkExtent(final long base, final MemorySegment segment, final NativeBlock block,
                                         final int region) {
        if (closed) {
            block.close();
            throw new IllegalStateException(describeOwner() + " is closed");
        }
        insertExtent(base, segment, block, region);
    }

    /** Gives back pages of {@code block} unless the store has been closed (and the block unmapped). */
    private synchronized void discardUnlessClosed(final NativeBlock block, final long offset, final long length) {
        if (!closed) {
            allocator.discard(block, offset, length);
        }
    }

    /** Adds an extent in address order; capacity must have been ensured. */
    private void insertExtent(final long base, final MemorySegment segment, final NativeBlock block, final int region) {
        int at = extentCount;
        while (at > 0 && extentBase[at - 1] > base) {
            at--;
        }
        final int moved = extentCount - at;
        System.arraycopy(extentBase, at, extentBase, at + 1, moved);
        System.arraycopy(extentEnd, at, extentEnd, at + 1, moved);
        System.arraycopy(extentSegment, at, extentSegment, at + 1, moved);
        System.arraycopy(extentBlock, at, extentBlock, at + 1, moved);
        System.arraycopy(extentRegion, at, extentRegion, at + 1, moved);
        extentBase[at] = base;
        extentEnd[at] = base + segment.byteSize();
        extentSegment[at] = segment;
        extentBlock[at] = block;
        extentRegion[at] = region;
        extentCount++;
    }

    /** Removes extent {@code at}. */
    private void removeExtent(final int at) {
        final int moved = extentCount - at - 1;
        System.arraycopy(extentBase, at + 1, extentBase, at, moved);
        System.arraycopy(extentEnd, at + 1, extentEnd, at, moved);
        System.arraycopy(extentSegment, at + 1, extentSegment, at, moved);
        System.arraycopy(extentBlock, at + 1, extentBlock, at, moved);
        System.arraycopy(extentRegion, at + 1, extentRegion, at, moved);
        extentCount--;
        extentSegment[extentCount] = null;
        extentBlock[extentCount] = null;
    }

    /** Grows the region arrays (doubling) to hold at least {@code regions}. */
    private void ensureRegionCapacity(final int regions) {
        if (regions > regionBlock.length) {
            final int length = Math.max(regions, 2 * regionBlock.length);
            regionBlock = Arrays.copyOf(regionBlock, length);
            regionSegment = Arrays.copyOf(regionSegment, length);
            regionBase = Arrays.copyOf(regionBase, length);
            regionFirstSlab = Arrays.copyOf(regionFirstSlab, length);
        }
    }

    /** Grows the slab arrays to hold at least {@code slabs}: only when a region is added. */
    private void ensureSlabCapacity(final int slabs) {
        if (slabs > slabClass.length) {
            slabClass = Arrays.copyOf(slabClass, slabs);
            slabLive = Arrays.copyOf(slabLive, slabs);
            slabBump = Arrays.copyOf(slabBump, slabs);
            slabFreeHead = Arrays.copyOf(slabFreeHead, slabs);
            slabNext = Arrays.copyOf(slabNext, slabs);
            slabPrev = Arrays.copyOf(slabPrev, slabs);
            slabRegion = Arrays.copyOf(slabRegion, slabs);
        }
    }

    /** Grows the extent arrays (doubling) to hold at least {@code extents}. */
    private void ensureExtentCapacity(final int extents) {
        if (extents > extentBase.length) {
            final int length = Math.max(extents, 2 * extentBase.length);
            extentBase = Arrays.copyOf(extentBase, length);
            extentEnd = Arrays.copyOf(extentEnd, length);
            extentSegment = Arrays.copyOf(extentSegment, length);
            extentBlock = Arrays.copyOf(extentBlock, length);
            extentRegion = Arrays.copyOf(extentRegion, length);
        }
    }

    // ---------------------------------------------------------------- checks

    /**
     * Checks that {@code address} and {@code length} name a live block, as far as is cheap, and finds it.
     *
     * @return the block's slab, or {@code -1 - extent} for a dedicated block
     */
    private int checkBlock(final long address, final long length) {
        if (length < 1) {
            throw new IllegalArgumentException("an out-of-line block is at least 1 byte long, not " + length
                    + " (address 0x" + Long.toHexString(address) + ")");
        }
        final int region;
        if (address >= recentBase && length <= recentEnd - address) {
            region = recentRegion;
        } else {
            final int extent = extentContaining(address, length);
            if (extent == NONE) {
                throw new IllegalArgumentException(notHeld(address, length));
            }
            region = extentRegion[extent];
            if (region == DEDICATED) {
                checkDedicated(extent, address, length);
                return -1 - extent;
            }
        }
        if (length > MAX_CLASS_BYTES) {
            throw new IllegalArgumentException(blockAt(address) + " is in a slab, but a block of " + length
                    + " bytes would have its own mapping");
        }
        final long inRegion = address - regionBase[region];
        final int slab = regionFirstSlab[region] + (int) (inRegion >>> SLAB_SHIFT);
        final int sizeClass = slabClass[slab];
        if (sizeClass == NONE) {
            throw new IllegalArgumentException(blockAt(address) + " is in a slab with no live blocks (freed already?)");
        }
        if (sizeClass != classIndex(length)) {
            throw new IllegalArgumentException(blockAt(address) + " is a " + CLASS_BYTES[sizeClass]
                    + "-byte block, but a length of " + length + " takes a " + CLASS_BYTES[classIndex(length)]
                    + "-byte one");
        }
        final long block = inRegion & (SLAB_BYTES - 1);
        final int classBytes = CLASS_BYTES[sizeClass];
        if (block % classBytes != 0 || block >= (long) slabBump[slab] * classBytes) {
            throw new IllegalArgumentException(blockAt(address) + " is not the start of a block handed out");
        }
        if (slabFreeHead[slab] == block) {
            throw new IllegalArgumentException(blockAt(address) + " was freed twice");
        }
        return slab;
    }

    /** Checks that a dedicated block is addressed by its start and a length that takes its size. */
    private void checkDedicated(final int extent, final long address, final long length) {
        if (address != extentBase[extent]) {
            throw new IllegalArgumentException(blockAt(address) + " is inside, not at the start of, the dedicated"
                    + " block at 0x" + Long.toHexString(extentBase[extent]));
        }
        final long bytes = extentEnd[extent] - extentBase[extent];
        if (length <= MAX_CLASS_BYTES || pageRounded(length) != bytes) {
            throw new IllegalArgumentException(blockAt(address) + " is a dedicated block of " + bytes
                    + " bytes, which a length of " + length + " does not take");
        }
    }

    /** "the block at 0x... of (owner)". */
    private String blockAt(final long address) {
        return "the block at 0x" + Long.toHexString(address) + " of " + describeOwner();
    }

    /** The message for a range that no region or dedicated block contains. */
    private String notHeld(final long address, final long length) {
        return "no block of " + describeOwner() + " holds the " + length + " bytes at 0x" + Long.toHexString(address);
    }

    /** "the out-of-line store of (owner)". */
    private String describeOwner() {
        return "the out-of-line store of " + owner;
    }

    /** Throws if the store is closed. */
    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(describeOwner() + " is closed");
        }
    }
}
