package io.panamap;

/** Receives one entry of a {@link LongLongMap}: primitive, so iterating boxes nothing. */
@FunctionalInterface
public interface LongLongConsumer {

    /** Called once per entry. */
    void accept(long key, long value);
}
