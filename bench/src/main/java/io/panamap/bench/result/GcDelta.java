package io.panamap.bench.result;

/**
 * Garbage collections during one measured phase, summed over all of the JVM's collectors.
 *
 * @param count  collections (for G1: young, mixed, full and concurrent cycles)
 * @param millis accumulated collection time as the collectors report it
 */
public record GcDelta(long count, long millis) {

    void writeTo(final Fields fields, final String prefix) {
        fields.put(prefix + ".count", count).put(prefix + ".ms", millis);
    }

    static GcDelta readFrom(final Fields fields, final String prefix) {
        return new GcDelta(fields.longValue(prefix + ".count"), fields.longValue(prefix + ".ms"));
    }
}
