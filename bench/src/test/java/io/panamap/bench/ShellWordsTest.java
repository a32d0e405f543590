package io.panamap.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The report's command lines (the parent's and a child's) are meant to be pasted into a shell: they must read
 * back as the arguments that ran, and stay readable where no quoting is needed.
 */
class ShellWordsTest {

    /** Words a shell would otherwise split, expand, glob or cut short. */
    private static final List<String> AWKWARD = List.of("two words", "it's", "", "$HOME", "*", "~", "a\"b",
            "back\\slash", "line\nbreak", "tab\there", ";", "a|b", "a&b", "(x)", "`date`", "!", "#not-a-comment",
            "'", "''", "x'y'z");

    @Test
    void wordsThatNeedNoQuotingShouldStayAsTheyAre() {
        assertEquals("./panamap bench --n=10M --contenders panamap,fastutil --results /tmp/r_1 -Xmx4g"
                        + " --enable-native-access=ALL-UNNAMED a@b 50% +x",
                ShellWords.join(List.of("./panamap", "bench", "--n=10M", "--contenders", "panamap,fastutil",
                        "--results", "/tmp/r_1", "-Xmx4g", "--enable-native-access=ALL-UNNAMED", "a@b", "50%", "+x")));
    }

    @Test
    void otherWordsShouldBeSingleQuotedWithTheirOwnQuotesEscaped() {
        assertEquals("'two words'", ShellWords.quote("two words"));
        assertEquals("''", ShellWords.quote(""));
        assertEquals("'it'\\''s'", ShellWords.quote("it's"));
        assertEquals("'$HOME'", ShellWords.quote("$HOME"));
    }

    @Test
    void aShellShouldReadTheJoinedLineBackAsTheSameWords() throws IOException, InterruptedException {
        final Path sh = Path.of("/bin/sh");
        assumeTrue(Files.isExecutable(sh), "no /bin/sh");
        // The shell sets its arguments from the line, then prints each one followed by a NUL.
        final Process process = new ProcessBuilder(sh.toString(), "-c",
                "set -- " + ShellWords.join(AWKWARD) + "; for w do printf '%s\\0' \"$w\"; done")
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.endsWith("\0"), output);
        assertEquals(AWKWARD, Arrays.asList(output.substring(0, output.length() - 1).split("\0", -1)));
    }
}
