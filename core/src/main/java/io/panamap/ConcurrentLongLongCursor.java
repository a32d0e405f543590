package io.panamap;

/**
 * A cursor over a {@link ConcurrentLongLongMap}: shard after shard, each step under that shard's read lock,
 * held only for the step, so writers carry on between steps. The entry is copied out under the lock, so
 * {@link #key()} and {@link #value()} stay what they were when the cursor reached it. Per shard, Go's
 * guarantees hold (see {@link LongLongCursor}). Close a cursor you do not run to the end: until then it
 * keeps its shard's arrays alive.
 *
 * <p>{@link #reset()} starts a new walk with the same cursor. The first walk creates a cursor for each shard it
 * reaches; later walks reuse them, so a cursor reset for each periodic scan allocates nothing once it has walked
 * every shard (except as {@link LongLongCursor} says of a growth that a walk outlives).
 */
public final class ConcurrentLongLongCursor implements AutoCloseable {

    private final LongLongMap[] shards;
    private final ShardSet set;
    /** Each shard's cursor, made when a walk first reaches the shard and reused by every later walk. */
    private final LongLongCursor[] cursors;
    private LongLongCursor current;
    private int shard = -1;
    private long key;
    private long value;
    private boolean positioned;

    ConcurrentLongLongCursor(final LongLongMap[] shards, final ShardSet set) {
        this.shards = shards;
        this.set = set;
        this.cursors = new LongLongCursor[shards.length];
    }

    /** Moves to the next entry; false when every shard has been walked. */
    public boolean next() {
        positioned = false;
        while (true) {
            if (current == null) {
                if (shard + 1 == shards.length) {
                    return false;
                }
                shard++;
                final long stamp = set.readLock(shard);
                try {
                    if (cursors[shard] == null) {
                        cursors[shard] = shards[shard].cursor();
                    } else {
                        cursors[shard].reset();
                    }
                    current = cursors[shard];
                } finally {
                    set.locks[shard].unlockRead(stamp);
                }
            }
            final long stamp = set.readLock(shard);
            try {
                if (current.next()) {
                    key = current.key();
                    value = current.value();
                    positioned = true;
                    return true;
                }
            } finally {
                set.locks[shard].unlockRead(stamp);
            }
            current = null; // exhausted: it has let go of its arrays
        }
    }

    /** The current key. */
    public long key() {
        checkPositioned();
        return key;
    }

    /** The current value, as it was when the cursor reached the entry. */
    public long value() {
        checkPositioned();
        return value;
    }

    private void checkPositioned() {
        if (!positioned) {
            throw new IllegalStateException("cursor is not on an entry: call next() and check that it returned true");
        }
    }

    /** Starts a new walk over the map's current contents, from its first shard (see the class comment). */
    public void reset() {
        close();
        shard = -1;
    }

    /** Ends the walk and lets go of the arrays it holds. Idempotent; {@link #reset()} starts again. */
    @Override
    public void close() {
        positioned = false;
        if (current != null) {
            final long stamp = set.readLock(shard);
            try {
                current.close();
            } finally {
                set.locks[shard].unlockRead(stamp);
            }
            current = null;
        }
        shard = shards.length - 1;
    }
}
