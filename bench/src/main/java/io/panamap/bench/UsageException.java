package io.panamap.bench;

/** A command line the harness cannot run; the message says what is wrong in the user's terms. */
public final class UsageException extends Exception {

    public UsageException(final String message) {
        super(message);
    }
}
