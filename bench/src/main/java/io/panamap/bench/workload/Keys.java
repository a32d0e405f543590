package io.panamap.bench.workload;

import java.util.SplittableRandom;

/** The keys and values every workload uses; generated before any timing starts. */
public final class Keys {

    private Keys() {
    }

    /** {@code n} random 64-bit keys from a {@link SplittableRandom} seeded with {@code seed}. */
    public static long[] random(final int n, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = random.nextLong();
        }
        return keys;
    }

    /**
     * A copy of {@code keys} in a random order (Fisher-Yates). Lookups in insertion order would favour maps
     * whose memory follows insertion order (HashMap's boxed entries are allocated in that order).
     */
    public static long[] shuffled(final long[] keys, final long seed) {
        final long[] copy = keys.clone();
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = copy.length - 1; i > 0; i--) {
            final int j = random.nextInt(i + 1);
            final long swap = copy[i];
            copy[i] = copy[j];
            copy[j] = swap;
        }
        return copy;
    }

    /**
     * The value stored with {@code key}: a function of the key (so a get can be checked), and never the key
     * itself (so a map that returned keys instead of values would be caught).
     */
    public static long valueFor(final long key) {
        return ~key;
    }

    /** The sum of {@link #valueFor} over {@code keys}: what one round of gets of these keys must add up to. */
    public static long checksum(final long[] keys) {
        return checksum(keys, keys.length);
    }

    /** {@link #checksum(long[])} of the first {@code count} keys. */
    public static long checksum(final long[] keys, final int count) {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += valueFor(keys[i]);
        }
        return sum;
    }
}
