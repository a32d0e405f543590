package io.panamap.numa;

/** {@code ./panamap numa}: prints this machine's NUMA topology. */
public final class NumaMain {

    private NumaMain() {
    }

    public static void main(final String[] args) {
        System.out.print(NumaTopology.detect().describe());
        System.out.println("placement calls: " + (NumaSyscalls.available() ? NumaSyscalls.via()
                : "not available on this platform"));
    }
}
