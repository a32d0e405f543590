package io.panamap.nativetests;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Misuse ends in exceptions, never in a JVM crash: checked in a JVM of its own, so a crash fails only this test. */
class MisuseTest {

    private static final int ROUNDS = 300;

    @Test
    void useAfterCloseAndCloseFromAnotherThreadShouldEndInExceptionsNotACrash() throws Exception {
        final ForkedJvm.Result result = ForkedJvm.run(MisuseMain.class, List.of("-Xmx256m"),
                List.of(Integer.toString(ROUNDS)), 300);
        System.out.println(result.output().strip());
        assertEquals(0, result.exitCode(), "the JVM must survive: " + result.output());
        assertFalse(result.output().contains("hs_err") || result.output().contains("SIGSEGV"), result.output());
        assertFalse(result.output().contains("UNEXPECTED"), result.output());
        assertEquals(6, result.value("AFTER_CLOSE", "refused"), "every operation on a closed table throws");
        assertEquals(ROUNDS, result.value("CLOSE_RACE", "rounds"));
        // Closing under a running writer must have stopped it with an exception in most rounds (a round whose
        // writer finished 5M operations before the close is possible, but not the rule).
        assertTrue(result.value("CLOSE_RACE", "stopped") > ROUNDS / 2, result.output());
    }
}
