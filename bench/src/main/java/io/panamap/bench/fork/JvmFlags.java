package io.panamap.bench.fork;

import io.panamap.bench.contender.Contender;

import java.util.ArrayList;
import java.util.List;

/** The flags a child JVM is started with. */
public final class JvmFlags {

    /**
     * Flags every child needs whatever the parent had: FFM without warnings. A contender that needs more
     * (a peer library reaching into JDK internals, say) lists its own in {@link Contender#jvmFlags()}, so
     * that no other contender's JVM is started with them.
     */
    static final List<String> REQUIRED = List.of("--enable-native-access=ALL-UNNAMED");

    /** Room for a 10M-entry HashMap with boxed keys and values plus its growth, with margin. */
    static final String DEFAULT_MAX_HEAP = "-Xmx12g";

    /**
     * Pre-touching the heap would take 15-30 s on this machine for 12 GiB and would make on-heap maps
     * look as if their memory were always warm, unlike native maps; the warm-up pass does this fairly.
     */
    static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";

    private JvmFlags() {
    }

    /**
     * The child's flags: the parent's own (so {@code PANAMAP_JAVA_OPTS} reaches the children, an {@code -Xmx}
     * included), without {@value #PRE_TOUCH}, plus {@link #REQUIRED} if missing, {@value #DEFAULT_MAX_HEAP}
     * unless a maximum heap was given, and the contender's own flags.
     */
    public static List<String> forChild(final List<String> parentFlags, final Contender contender) {
        final List<String> flags = new ArrayList<>();
        for (final String flag : parentFlags) {
            if (!flag.equals(PRE_TOUCH)) {
                flags.add(flag);
            }
        }
        for (final String required : REQUIRED) {
            if (!flags.contains(required)) {
                flags.add(required);
            }
        }
        if (flags.stream().noneMatch(f -> f.startsWith("-Xmx") || f.startsWith("-XX:MaxHeapSize="))) {
            flags.add(DEFAULT_MAX_HEAP);
        }
        for (final String flag : contender.jvmFlags()) {
            if (!flags.contains(flag)) {
                flags.add(flag);
            }
        }
        return flags;
    }
}
