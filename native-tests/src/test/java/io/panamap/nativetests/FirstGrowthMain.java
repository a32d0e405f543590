package io.panamap.nativetests;

import io.panamap.LongLongMap;

/**
 * The first table of a fresh JVM: creates it, prints {@code CONSTRUCTED} with whether the memory worker's
 * thread runs, inserts 1,000 keys (eight doublings), then prints {@code GROWN} with the table's size and
 * doublings. Run by {@link FirstGrowthTest} with class loading logged to the same output, so that the test
 * can see what the first growths had to load.
 */
public final class FirstGrowthMain {

    private static final int KEYS = 1_000;

    private FirstGrowthMain() {
    }

    public static void main(final String[] args) {
        try (LongLongMap map = new LongLongMap()) {
            final boolean workerRunning = Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(thread -> thread.getName().equals("panamap-memory-worker"));
            marker("CONSTRUCTED workerRunning=" + workerRunning);
            for (long i = 0; i < KEYS; i++) {
                final long key = NoGcBuildMain.mix(i);
                map.put(key, ~key);
            }
            marker("GROWN size=" + map.size() + " doublings=" + map.stats().doublings());
        }
    }

    /** Prints a line and flushes it, so that it lands between the class-loading log lines where it happened. */
    private static void marker(final String line) {
        System.out.println(line);
        System.out.flush();
    }
}
