package io.panamap;

/**
 * A cursor over a {@link ConcurrentLongLongMap}: shard after shard, each step under that shard's read lock,
 * held only for the step, so writers carry on between steps. The entry is copied out under the lock, so
 * {@link #key()} and {@link #value()} stay what they were when the cursor reached it. Per shard, Go's
 * guarantees hold (see {@link LongLongCursor}). Close a cursor you do not run to the end: until then it
 * keeps its shard's arrays alive.
 */
public final class ConcurrentLongLongCursor implements AutoCloseable {

    private final LongLongMap[] shards;
    private final ShardSet set;
    private LongLongCursor current;
    private int shard = -1;
    private long key;
    private long value;
    private boolean positioned;

    ConcurrentLongLongCursor(final LongLongMap[] shards, final ShardSet set) {
        this.shards = shards;
        this.set = set;
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
                    current = shards[shard].cursor();
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

    /** Ends the walk and lets go of the arrays it holds. Idempotent. */
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
