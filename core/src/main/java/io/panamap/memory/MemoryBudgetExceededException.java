package io.panamap.memory;

/**
 * An operation would have taken a table's native memory beyond the budget it was built with. The
 * message names the budget, what is in use and what the operation needed.
 */
public final class MemoryBudgetExceededException extends NativeMemoryException {

    private static final long serialVersionUID = 1L;

    private final long budgetBytes;
    private final long usedBytes;
    private final long requestedBytes;

    /**
     * @param what           what the memory was for (e.g. "growth to 2^21 buckets")
     * @param budgetBytes    the table's budget
     * @param usedBytes      what the table holds now
     * @param requestedBytes what the operation needed on top
     */
    public MemoryBudgetExceededException(final String what, final long budgetBytes, final long usedBytes,
                                         final long requestedBytes) {
        super("native memory budget exceeded by " + what + ": budget " + budgetBytes + " bytes, in use "
                + usedBytes + " bytes, needed " + requestedBytes + " more bytes");
        this.budgetBytes = budgetBytes;
        this.usedBytes = usedBytes;
        this.requestedBytes = requestedBytes;
    }

    /** The budget, in bytes. */
    public long budgetBytes() {
        return budgetBytes;
    }

    /** Bytes in use when the request was refused. */
    public long usedBytes() {
        return usedBytes;
    }

    /** Bytes the refused operation needed on top of {@link #usedBytes()}. */
    public long requestedBytes() {
        return requestedBytes;
    }
}
