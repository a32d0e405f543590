package io.panamap;

import java.lang.invoke.MethodHandles;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The JDK Flight Recorder events panamap emits, all in one place, all under the category "panamap".
 * Read them with {@code jfr print --events io.panamap.Growth recording.jfr} (or {@code io.panamap.*}).
 *
 * <ul>
 *   <li>{@code io.panamap.GrowthStart}: a growth has installed its new array (instant);
 *   <li>{@code io.panamap.Growth}: a growth, from its start to the moment its last old chain moved and the
 *       old array was retired (a duration: how long the table held two arrays);
 *   <li>{@code io.panamap.EvacuationSlice}: one call of an owner's {@code evacuate(budget)} or
 *       {@code finishGrowth()} that found a growth in progress, or one slice of the background evacuator. The chain each write during a
 *       growth moves is not an event: far too many, and the {@code Growth} event covers them;
 *   <li>{@code io.panamap.Trim}: an owner's {@code trimToSize()} that moved the entries into a smaller array
 *       (a duration: the whole move, on the owner's thread);
 *   <li>{@code io.panamap.MemoryBudgetRejection}: a write refused because the table's budget had no room;
 *   <li>{@code io.panamap.AllocatorFailure}: the allocator could not provide a bucket array or out-of-line storage.
 * </ul>
 *
 * <p>Every event names the table ({@code table}: its type, such as {@code LongLongMap},
 * {@code OffHeapMap<utf8, bytes>} or {@code ConcurrentLongLongMap shard 3}, so tables of one type share a name)
 * and, for a shard of a concurrent map, its shard index ({@code shard}, -1 otherwise). Emitting costs nothing measurable: growths, slices
 * and failures are rare, and an event that is not enabled in the recording is dropped at {@code commit}.
 */
final class TableEvents {

    private static final String CATEGORY = "panamap";

    private TableEvents() {
    }

    /**
     * Initializes every event class now. The first initialization in a JVM loads the Flight Recorder's own
     * classes, whether a recording runs or not (about 70 ms here): called when the first table is created,
     * so that it is not paid by the insert that starts the first growth, or by a write refused by the budget.
     */
    static void initialize() {
        final MethodHandles.Lookup lookup = MethodHandles.lookup();
        for (final Class<?> event : new Class<?>[] {GrowthStart.class, Growth.class, EvacuationSlice.class,
                Trim.class, MemoryBudgetRejection.class, AllocatorFailure.class}) {
            try {
                lookup.ensureInitialized(event);
            } catch (final IllegalAccessException e) {
                throw new AssertionError("TableEvents cannot initialize its own " + event.getName(), e);
            }
        }
    }

    @Name("io.panamap.GrowthStart")
    @Label("Growth Start")
    @Category(CATEGORY)
    @Description("A table installed a new bucket array and began evacuating the old one")
    @StackTrace(false)
    static final class GrowthStart extends Event {
        @Label("Table") String table;
        @Label("Shard") int shard;
        @Label("Old B") int oldLogBuckets;
        @Label("New B") int newLogBuckets;
        @Label("Same-Size") boolean sameSize;
        @Label("Entries") long entries;
        @Label("New Array") @DataAmount long newArrayBytes;
    }

    @Name("io.panamap.Growth")
    @Label("Growth")
    @Category(CATEGORY)
    @Description("A whole growth: from its new array's installation until the old array was retired")
    @StackTrace(false)
    static final class Growth extends Event {
        @Label("Table") String table;
        @Label("Shard") int shard;
        @Label("Old B") int oldLogBuckets;
        @Label("New B") int newLogBuckets;
        @Label("Same-Size") boolean sameSize;
        @Label("Entries At Start") long entries;
        @Label("New Array") @DataAmount long newArrayBytes;
        @Label("Abandoned") @Description("Ended by clear() or close() before it finished") boolean abandoned;
    }

    @Name("io.panamap.EvacuationSlice")
    @Label("Evacuation Slice")
    @Category(CATEGORY)
    @Description("Evacuation outside the write path: an owner's evacuate(budget) or finishGrowth(), or a background slice")
    @StackTrace(false)
    static final class EvacuationSlice extends Event {
        @Label("Table") String table;
        @Label("Shard") int shard;
        @Label("Chains Visited") long chains;
        @Label("Growth Finished") boolean finished;
        @Label("Budget") @Timespan(Timespan.NANOSECONDS) long budget;
    }

    @Name("io.panamap.Trim")
    @Label("Trim")
    @Category(CATEGORY)
    @Description("An owner's trimToSize() moved every entry into a smaller array")
    @StackTrace(false)
    static final class Trim extends Event {
        @Label("Table") String table;
        @Label("Shard") int shard;
        @Label("Old B") int oldLogBuckets;
        @Label("New B") int newLogBuckets;
        @Label("Entries") long entries;
        @Label("Released") @Description("Committed bytes given back, net of the smaller array (negative while a cursor still reads the old one)") @DataAmount long releasedBytes;
    }

    @Name("io.panamap.MemoryBudgetRejection")
    @Label("Memory Budget Rejection")
    @Category(CATEGORY)
    @Description("A write was refused because the table's memory budget had no room for it")
    static final class MemoryBudgetRejection extends Event {
        @Label("Table") String table;
        @Label("Shard") int shard;
        @Label("Purpose") String purpose;
        @Label("Budget") @DataAmount long budget;
        @Label("Used") @DataAmount long used;
        @Label("Needed") @DataAmount long needed;
    }

    @Name("io.panamap.AllocatorFailure")
    @Label("Allocator Failure")
    @Category(CATEGORY)
    @Description("The allocator could not provide native memory for a bucket array or out-of-line storage")
    static final class AllocatorFailure extends Event {
        @Label("Table") String table;
        @Label("Shard") int shard;
        @Label("Purpose") String purpose;
        @Label("Size") @DataAmount long bytes;
        @Label("Allocator") String allocator;
        @Label("Message") String message;
    }
}
