package io.panamap.bench.workload;

import io.panamap.bench.contender.Contender;
import io.panamap.bench.contender.StringBenchMap;
import io.panamap.bench.result.GetResult;

/**
 * {@code get-str}: on a map built with N string ids and their 64-byte records, look every key up once per
 * round, in a shuffled order, and time each round as a whole. The phases are {@link GetWorkload}'s: build, then
 * {@link GetRounds}'s.
 *
 * <p>A get copies the key's record into the adapter's reused array and returns the sum of its first and last
 * words ({@link StringBenchMap#get}); every round's sum is checked against the one the keys imply. The lookup
 * keys are {@link StringKeys#lookups}: equal to the stored keys, separate instances, made before the build.
 */
final class StringGetWorkload implements Workload {

    static final String NAME = KeyType.STRING.workload("get");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public KeyType keyType() {
        return KeyType.STRING;
    }

    @Override
    public String description() {
        return "on a map built with N string ids and 64-byte records, get every key once per round in shuffled"
                + " order, copying its record into a reused array; each round timed as a whole (best and median of"
                + " the timed rounds)";
    }

    @Override
    public GetResult run(final Contender contender, final RunSpec spec) {
        GcMeter.prepare();
        final int n = spec.n();
        final String[] keys = StringKeys.ids(n, spec.seed());
        final int[] order = StringKeys.shuffledIndexes(n, spec.seed() + 1);
        final String[] lookups = StringKeys.lookups(keys, order);

        try (StringBenchMap map = contender.createStringMap(n)) {
            spec.progress().accept("building the map (untimed)");
            final byte[] record = new byte[StringBenchMap.VALUE_SIZE];
            for (int i = 0; i < n; i++) {
                StringKeys.fillRecord(i, record);
                map.put(keys[i], record);
            }
            return GetRounds.measure(contender, spec, new StringLookups(map, lookups, order));
        }
    }

    /** The round loops over string keys; {@code order[i]} is the index of the key {@code lookups[i]} equals. */
    private record StringLookups(StringBenchMap map, String[] lookups, int[] order) implements GetRounds.Loops {

        @Override
        public int roundSize() {
            return lookups.length;
        }

        @Override
        public long getAll(final int count) {
            final StringBenchMap map = this.map;
            final String[] lookups = this.lookups;
            long sum = 0;
            for (int i = 0; i < count; i++) {
                sum += map.get(lookups[i]);
            }
            return sum;
        }

        @Override
        public long timedGets(final int count, final IntervalRecorder latency) {
            final StringBenchMap map = this.map;
            final String[] lookups = this.lookups;
            long sum = 0;
            for (int i = 0; i < count; i++) {
                final String key = lookups[i];
                final long start = System.nanoTime();
                sum += map.get(key);
                final long end = System.nanoTime();
                latency.record(end - start, end);
            }
            return sum;
        }

        @Override
        public long checksum(final int count) {
            return StringKeys.checksum(order, count);
        }

        @Override
        public String mapStats() {
            return map.stats();
        }
    }
}
