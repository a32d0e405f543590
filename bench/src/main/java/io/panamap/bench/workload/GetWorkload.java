package io.panamap.bench.workload;

import io.panamap.bench.contender.BenchMap;
import io.panamap.bench.contender.Contender;
import io.panamap.bench.result.GetResult;

/**
 * {@code get}: on a map built with N keys (the contender's usual way, untimed), look every key up once per
 * round, in a shuffled order, and time each round as a whole.
 *
 * <p>Phases: generate and shuffle the keys; build the map; then {@link GetRounds}'s.
 */
final class GetWorkload implements Workload {

    @Override
    public String name() {
        return "get";
    }

    @Override
    public String description() {
        return "on a map built with N random keys, get every key once per round in shuffled order;"
                + " each round timed as a whole (best and median of the timed rounds)";
    }

    @Override
    public GetResult run(final Contender contender, final RunSpec spec) {
        GcMeter.prepare();
        final int n = spec.n();
        final long[] keys = Keys.random(n, spec.seed());
        final long[] lookups = Keys.shuffled(keys, spec.seed() + 1);

        try (BenchMap map = contender.create(n)) {
            spec.progress().accept("building the map (untimed)");
            for (final long key : keys) {
                map.put(key, Keys.valueFor(key));
            }
            return GetRounds.measure(contender, spec, new LongLookups(map, lookups));
        }
    }

    /** The round loops over {@code long} keys. */
    private record LongLookups(BenchMap map, long[] lookups) implements GetRounds.Loops {

        @Override
        public int roundSize() {
            return lookups.length;
        }

        @Override
        public long getAll(final int count) {
            final BenchMap map = this.map;
            final long[] lookups = this.lookups;
            long sum = 0;
            for (int i = 0; i < count; i++) {
                sum += map.get(lookups[i]);
            }
            return sum;
        }

        @Override
        public long timedGets(final int count, final IntervalRecorder latency) {
            final BenchMap map = this.map;
            final long[] lookups = this.lookups;
            long sum = 0;
            for (int i = 0; i < count; i++) {
                final long key = lookups[i];
                final long start = System.nanoTime();
                sum += map.get(key);
                final long end = System.nanoTime();
                latency.record(end - start, end);
            }
            return sum;
        }

        @Override
        public long checksum(final int count) {
            return Keys.checksum(lookups, count);
        }

        @Override
        public String mapStats() {
            return map.stats();
        }
    }
}
