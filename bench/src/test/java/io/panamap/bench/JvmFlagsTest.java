package io.panamap.bench;

import io.panamap.bench.contender.Contender;
import io.panamap.bench.contender.Contenders;
import io.panamap.bench.fork.JvmFlags;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JvmFlagsTest {

    private static final Contender PANAMAP = Contenders.byName("panamap");

    @Test
    void shouldAddTheRequiredFlagsAndALargeHeapToABareJvm() {
        assertEquals(List.of("--enable-native-access=ALL-UNNAMED", "-Xmx12g"),
                JvmFlags.forChild(List.of(), PANAMAP));
    }

    @Test
    void shouldKeepTheParentsFlagsOnceAndItsHeapButNotPreTouch() {
        final List<String> flags = JvmFlags.forChild(List.of("--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Xmx4g", "-XX:+AlwaysPreTouch", "-XX:+UseParallelGC"),
                PANAMAP);
        assertEquals(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-Xmx4g", "-XX:+UseParallelGC"), flags);
    }

    @Test
    void shouldAddAContendersOwnFlags() {
        final Contender needy = new Contender("needy", "test", true, List.of("-Dneedy=true"), n -> null);
        final List<String> flags = JvmFlags.forChild(List.of("-XX:MaxHeapSize=1g"), needy);
        assertTrue(flags.contains("-Dneedy=true"));
        assertFalse(flags.contains("-Xmx12g"));
    }
}
