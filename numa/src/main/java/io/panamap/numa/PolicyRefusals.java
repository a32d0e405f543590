package io.panamap.numa;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How often the kernel refused a best-effort {@link NumaAllocator}'s policy, so that its {@code describe()} does
 * not claim a placement the pages never got. A table allocates from its writer and from its background memory
 * worker, so the counts are atomic; two atomic adds cost next to nothing beside the mmap and mbind they count.
 */
final class PolicyRefusals {

    private final AtomicLong mappings = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();
    /** Written before {@link #refusals} is incremented: a reader that sees a refusal sees its errno, or a later one. */
    private volatile int lastErrno;

    /** Counts a mapping whose policy is being set (before its refusal, if any: a reading never has more refusals). */
    void mapped() {
        mappings.incrementAndGet();
    }

    /** Counts a refusal of the policy with {@code errno}. */
    void refused(final int errno) {
        lastErrno = errno;
        refusals.incrementAndGet();
    }

    /**
     * "" while the kernel has refused nothing, else e.g.
     * {@code " (refused by the kernel for 3 of 5 mappings: EINVAL; default placement)"}.
     */
    String describe() {
        // Refusals first: every one read here had its mapping counted already, so "n of m" never has n > m.
        final long refused = refusals.get();
        if (refused == 0) {
            return "";
        }
        return " (refused by the kernel for " + refused + " of " + mappings.get() + " mappings: "
                + NumaSyscalls.errnoName(lastErrno) + "; default placement)";
    }
}
