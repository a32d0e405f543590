package io.panamap.bench.result;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An ordered set of named values: what a result record is written to and read from. Keys are short
 * identifiers ({@code put.p99}); values are strings, with typed accessors that fail with a message naming
 * the key.
 */
public final class Fields {

    private final Map<String, String> values = new LinkedHashMap<>();

    /** Stores {@code value} under {@code key}; a key may be stored only once. */
    public Fields put(final String key, final String value) {
        if (!key.matches("[A-Za-z0-9_.]+")) {
            throw new IllegalArgumentException("bad field name: '" + key + "'");
        }
        if (values.putIfAbsent(key, value) != null) {
            throw new IllegalArgumentException("field '" + key + "' written twice");
        }
        return this;
    }

    public Fields put(final String key, final long value) {
        return put(key, Long.toString(value));
    }

    /** Stores {@code value} exactly ({@link Double#toString} round-trips). */
    public Fields put(final String key, final double value) {
        return put(key, Double.toString(value));
    }

    public Fields put(final String key, final long[] value) {
        return put(key, Arrays.stream(value).mapToObj(Long::toString).collect(Collectors.joining(",")));
    }

    /** The value of {@code key}. */
    public String string(final String key) {
        final String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("missing field '" + key + "'");
        }
        return value;
    }

    public long longValue(final String key) {
        try {
            return Long.parseLong(string(key));
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("field '" + key + "' is not a whole number: " + string(key), e);
        }
    }

    public double doubleValue(final String key) {
        try {
            return Double.parseDouble(string(key));
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("field '" + key + "' is not a number: " + string(key), e);
        }
    }

    public long[] longs(final String key) {
        final String value = string(key);
        if (value.isEmpty()) {
            return new long[0];
        }
        try {
            return Arrays.stream(value.split(",")).mapToLong(Long::parseLong).toArray();
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("field '" + key + "' is not a list of whole numbers: " + value, e);
        }
    }

    /** Whether {@code key} is present. */
    public boolean has(final String key) {
        return values.containsKey(key);
    }

    /** All entries, in the order they were stored. */
    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }
}
