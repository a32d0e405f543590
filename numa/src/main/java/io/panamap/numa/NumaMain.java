package io.panamap.numa;

/** {@code ./panamap numa}: prints this machine's NUMA topology. */
public final class NumaMain {

    private NumaMain() {
    }

    public static void main(final String[] args) {
        System.out.print(NumaTopology.detect().describe());
        System.out.println("placement calls: " + (NumaSyscalls.available() ? "mbind, move_pages and"
                + " sched_setaffinity through libc" : "not available on this platform"));
    }
}
