package io.panamap.memory;

/**
 * Native memory could not be had: the operating system refused an allocation, or (the subclass
 * {@link MemoryBudgetExceededException}) a table's own budget would be exceeded. A table that throws
 * this has changed nothing: every entry stored before is still there.
 */
public class NativeMemoryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what was asked for and why it failed */
    public NativeMemoryException(final String message) {
        super(message);
    }
}
