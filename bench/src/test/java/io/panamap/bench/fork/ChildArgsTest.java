package io.panamap.bench.fork;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hidden command line from parent to child carries every figure of a run unchanged: a child that read the
 * rate as the stream's length, or its seed as another number, would measure something other than what the
 * report says it did.
 */
class ChildArgsTest {

    /** Every field a value of its own, so that two fields swapped on the way cannot go unnoticed. */
    private static final ChildArgs ALL_DIFFERENT = new ChildArgs("open-loop-str", "panamap-presized", 3, 123_457,
            -0x6A09E667F3BCC909L, 250_000, 7_000_000_001L, 5, true, Path.of("results", "run 1"));

    @Test
    void whatTheParentWritesShouldReadBackAsTheSameRun() {
        assertEquals(ALL_DIFFERENT, ChildArgs.parse(ALL_DIFFERENT.toArgs()));
        final ChildArgs plain = new ChildArgs("grow", "fastutil", 1, 10_000_000, 104_375_405_965_325L, 1_000_000,
                3_000_000_000L, 2, false, null);
        assertEquals(plain, ChildArgs.parse(plain.toArgs()));
    }

    @Test
    void theCommandLineShouldStartWithTheChildFlagAndNameEachValue() {
        final List<String> args = ALL_DIFFERENT.toArgs();
        assertEquals(ChildArgs.CHILD_FLAG, args.getFirst());
        assertEquals(List.of("--child", "--workload", "open-loop-str", "--contender", "panamap-presized", "--run", "3",
                "--n", "123457", "--seed", Long.toString(-0x6A09E667F3BCC909L), "--rate", "250000",
                "--open-loop-nanos", "7000000001", "--threads", "5", "--quick", "true",
                "--histogram-dir", Path.of("results", "run 1").toString()), args);
        assertEquals("open-loop-str-panamap-presized-run3", ALL_DIFFERENT.stem());
    }

    @Test
    void anythingButWhatTheParentWritesShouldBeRefused() {
        final List<String> args = ALL_DIFFERENT.toArgs();
        assertThrows(IllegalArgumentException.class, () -> ChildArgs.parse(args.subList(1, args.size())),
                "no --child first");
        for (final String option : List.of("--workload", "--contender", "--run", "--n", "--seed", "--rate",
                "--open-loop-nanos", "--threads", "--quick")) {
            final List<String> without = new ArrayList<>(args);
            final int at = without.indexOf(option);
            without.subList(at, at + 2).clear();
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ChildArgs.parse(without), "without " + option);
            assertTrue(e.getMessage().startsWith("incomplete child arguments"), e.getMessage());
        }
        final List<String> unknown = new ArrayList<>(args);
        unknown.addAll(List.of("--frobnicate", "1"));
        assertThrows(IllegalArgumentException.class, () -> ChildArgs.parse(unknown));
        assertThrows(IllegalArgumentException.class, () -> ChildArgs.parse(args.subList(0, args.size() - 1)),
                "a last option without its value");
    }
}
