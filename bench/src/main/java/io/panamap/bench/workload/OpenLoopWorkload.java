package io.panamap.bench.workload;

import io.panamap.bench.contender.BenchMap;
import io.panamap.bench.contender.Contender;
import io.panamap.bench.result.OpenLoopResult;

/**
 * {@code open-loop}: {@link OpenLoopStream}'s fixed-rate stream of gets of present keys and puts of new ones,
 * each operation's latency measured from its intended start, on a {@code long → long} map that starts empty.
 */
final class OpenLoopWorkload implements Workload {

    static final String NAME = "open-loop";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a fixed-rate stream of 90% gets of present keys and 10% puts of new keys into a map that starts"
                + " empty; every operation's latency measured from its intended start time";
    }

    @Override
    public OpenLoopResult run(final Contender contender, final RunSpec spec) {
        final long[] keys = Keys.random(OpenLoopStream.putsIn(spec.openLoopOperations()), spec.seed());
        return new LongStream(keys).measure(contender, spec);
    }

    /** The stream's operations on {@code long} keys. */
    private static final class LongStream extends OpenLoopStream {
        private final long[] keys;
        private BenchMap map;

        LongStream(final long[] keys) {
            this.keys = keys;
        }

        @Override
        void openMap(final Contender contender, final int capacity) {
            map = contender.create(capacity);
        }

        @Override
        void closeMap() {
            map.close();
        }

        @Override
        void putNew(final int index) {
            final long key = keys[index];
            map.put(key, Keys.valueFor(key));
        }

        @Override
        void getPresent(final int index) {
            final long key = keys[index];
            if (map.get(key) != Keys.valueFor(key)) {
                throw new IllegalStateException("the map returned a wrong value for key " + key);
            }
        }

        @Override
        long mapSize() {
            return map.size();
        }

        @Override
        String mapStats() {
            return map.stats();
        }
    }
}
