package io.panamap.bench.workload;

import io.panamap.bench.contender.Contender;
import io.panamap.bench.contender.StringBenchMap;
import io.panamap.bench.result.OpenLoopResult;

/**
 * {@code open-loop-str}: {@link OpenLoopStream}'s fixed-rate stream (every {@value OpenLoopStream#PUT_EVERY}th
 * operation a put of a new key, the others gets of present keys chosen at random, each operation's latency
 * measured from its intended start) on a map of string ids to 64-byte records. Same phases.
 *
 * <p>A put fills one reused 64-byte array with the new key's record and puts it (both inside the operation's
 * time; filling is a few ns); a get reads the record into the adapter's array ({@link StringBenchMap#get}) and
 * is checked against the key's record. Gets use {@link StringKeys#lookups} copies of the keys, made before the
 * stream; a copy's hash code is cached once a {@code HashMap} get has computed it, as for any reused
 * {@code String}.
 */
final class StringOpenLoopWorkload implements Workload {

    static final String NAME = KeyType.STRING.workload(OpenLoopWorkload.NAME);

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
        return "a fixed-rate stream of 90% gets of present string ids and 10% puts of new ids with 64-byte records"
                + " into a map that starts empty; every operation's latency measured from its intended start time";
    }

    @Override
    public OpenLoopResult run(final Contender contender, final RunSpec spec) {
        final String[] keys = StringKeys.ids(OpenLoopStream.putsIn(spec.openLoopOperations()), spec.seed());
        return new StringStream(keys, StringKeys.lookups(keys, identity(keys.length))).measure(contender, spec);
    }

    private static int[] identity(final int n) {
        final int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    /** The stream's operations on string keys; {@code lookups[i]} equals {@code keys[i]}. */
    private static final class StringStream extends OpenLoopStream {
        private final String[] keys;
        private final String[] lookups;
        private final byte[] record = new byte[StringBenchMap.VALUE_SIZE];
        private StringBenchMap map;

        StringStream(final String[] keys, final String[] lookups) {
            this.keys = keys;
            this.lookups = lookups;
        }

        @Override
        void openMap(final Contender contender, final int capacity) {
            map = contender.createStringMap(capacity);
        }

        @Override
        void closeMap() {
            map.close();
        }

        @Override
        void putNew(final int index) {
            StringKeys.fillRecord(index, record);
            map.put(keys[index], record);
        }

        @Override
        void getPresent(final int index) {
            if (map.get(lookups[index]) != StringKeys.expectedGet(index)) {
                throw new IllegalStateException("the map returned a wrong record for key " + keys[index]);
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
