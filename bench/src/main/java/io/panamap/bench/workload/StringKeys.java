package io.panamap.bench.workload;

import io.panamap.bench.contender.StringBenchMap;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The keys and values of the string-key workloads ({@link KeyType#STRING}); generated before any timing starts.
 *
 * <h2>Keys</h2>
 * Ids of the kind an order or trading system keys its state by: a prefix naming the id's kind, and a
 * 13-digit, zero-padded number, e.g. {@code ORD-0734165502418} or {@code CLORDID-XLON-0011520391873}. The six
 * prefixes ({@link #PREFIXES}) are equally likely and make keys of 16 to 26 ASCII characters,
 * {@value StringBenchMap#AVERAGE_KEY_LENGTH} on average. The number of key {@code i} is {@code i} under a
 * seeded permutation of {@code [0, 2^40)}: every key is distinct without a set to check against, and
 * successive keys look unrelated. Many keys share long prefixes and differ only in a few digits, as real ids
 * do, which is what a string hash has to spread.
 *
 * <h2>Values</h2>
 * A record of {@value StringBenchMap#VALUE_SIZE} bytes per key: eight little-endian words, word {@code j} of key
 * {@code i} being {@link #recordWord recordWord(i, j)}, so a get can be checked ({@link StringBenchMap#checksum}
 * reads the first and the last word).
 *
 * <h2>Lookups</h2>
 * A realistic lookup passes a {@code String} the caller already has, which is not the instance the map
 * stored: one parsed from a request, say. {@link #lookups} makes such strings, equal to the stored ones but
 * with arrays of their own, so that {@code HashMap} compares characters rather than finding the same
 * instance. A {@code String} caches its hash code once computed; lookup strings reused across rounds
 * therefore pay for {@code String.hashCode()} once, which favours {@code HashMap} (panamap and Chronicle Map
 * hash the key's bytes on every lookup).
 */
public final class StringKeys {

    /** What comes before the number; their lengths (3 to 13) average 7, so keys average 20 characters. */
    public static final List<String> PREFIXES = List.of("TR-", "ORD-", "EXEC-", "QUOTE-", "ALLOC-2026-",
            "CLORDID-XLON-");
    /** Digits of the number: 2^40 - 1 has 13. */
    static final int DIGITS = 13;
    private static final long NUMBER_MASK = (1L << 40) - 1;

    private StringKeys() {
    }

    /** The {@code n} distinct keys of {@code seed}, key {@code i} at index {@code i}. */
    public static String[] ids(final int n, final long seed) {
        final String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = id(i, seed);
        }
        return ids;
    }

    /** Key {@code index} of {@code seed}. */
    public static String id(final long index, final long seed) {
        if (index < 0 || index > NUMBER_MASK) {
            throw new IllegalArgumentException("key index out of range: " + index);
        }
        final String prefix = PREFIXES.get((int) Long.remainderUnsigned(mix(index ^ seed), PREFIXES.size()));
        final char[] chars = new char[prefix.length() + DIGITS];
        prefix.getChars(0, prefix.length(), chars, 0);
        long number = number(index, seed);
        for (int i = chars.length - 1; i >= prefix.length(); i--) {
            chars[i] = (char) ('0' + number % 10);
            number /= 10;
        }
        return new String(chars);
    }

    /**
     * A seeded permutation of {@code [0, 2^40)}: adding a constant, multiplying by an odd number and xor-ing
     * with a right shift are each one-to-one on 40-bit numbers, so distinct indexes give distinct numbers. The
     * constant added is the seed mixed, so that nearby seeds do not give shifted copies of one sequence.
     */
    static long number(final long index, final long seed) {
        long x = (index + mix(seed)) & NUMBER_MASK;
        x = (x * 0x9E3779B97F4A7C15L) & NUMBER_MASK;
        x ^= x >>> 21;
        x = (x * 0xBF58476D1CE4E5B9L) & NUMBER_MASK;
        x ^= x >>> 19;
        return x;
    }

    /** A random order of {@code 0 .. n-1} (Fisher-Yates): which key each lookup asks for. */
    public static int[] shuffledIndexes(final int n, final long seed) {
        final int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            final int j = random.nextInt(i + 1);
            final int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /**
     * Lookup keys: for each entry of {@code order}, a new {@code String} equal to {@code ids[order[j]]} with its
     * own character array and no cached hash code.
     */
    public static String[] lookups(final String[] ids, final int[] order) {
        final String[] lookups = new String[order.length];
        for (int j = 0; j < order.length; j++) {
            lookups[j] = new String(ids[order[j]].toCharArray());
        }
        return lookups;
    }

    /** Word {@code word} (0 to 7) of the record of key {@code index}. */
    public static long recordWord(final long index, final int word) {
        return mix(index * 8 + word + 1);
    }

    /** Writes the record of key {@code index} into the first {@value StringBenchMap#VALUE_SIZE} bytes of an array. */
    public static void fillRecord(final long index, final byte[] record) {
        for (int word = 0; word < StringBenchMap.VALUE_SIZE / Long.BYTES; word++) {
            StringBenchMap.RECORD_WORDS.set(record, word * Long.BYTES, recordWord(index, word));
        }
    }

    /** What a get of key {@code index} returns: {@link StringBenchMap#checksum} of its record. */
    public static long expectedGet(final long index) {
        return recordWord(index, 0) + recordWord(index, StringBenchMap.VALUE_SIZE / Long.BYTES - 1);
    }

    /** The sum of {@link #expectedGet} over {@code order}: what one round of gets in that order adds up to. */
    public static long checksum(final int[] order) {
        long sum = 0;
        for (final int index : order) {
            sum += expectedGet(index);
        }
        return sum;
    }

    /** The first {@code count} entries of {@code order}'s checksum. */
    static long checksum(final int[] order, final int count) {
        long sum = 0;
        for (int j = 0; j < count; j++) {
            sum += expectedGet(order[j]);
        }
        return sum;
    }

    /** SplitMix64's finalizer: a one-to-one 64-bit mix. */
    private static long mix(final long value) {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
