package io.panamap.bench.report;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Commands as a report prints them, without this machine's folders: the JDK's home becomes {@code $JAVA_HOME} and
 * paths under the working folder (the checkout, when run through {@code ./panamap}) become relative. A report is
 * kept with the project, and read on other machines; the exact command stays one a reader can run there.
 */
public final class PortablePaths {

    /** What the JDK's home reads as in a report. */
    public static final String JAVA_HOME = "$JAVA_HOME";

    /**
     * A path starts a command's word, or follows an option's '=', a class path's ':', a list's ',' or ';', an
     * argument file's '@' or a quote.
     */
    private static final String PATH_START = "(?<![^\\s=:,;@'\"])";
    /** What may follow a path inside a word: the end of the word, a class path's next entry, a closing quote. */
    private static final String PATH_END = "[\\s:,;'\"]|$";

    private final Pattern javaHome;
    private final Pattern workingFolder;

    /**
     * @param javaHome      the JDK's home, an absolute path
     * @param workingFolder the folder paths are made relative to, an absolute path
     */
    public PortablePaths(final Path javaHome, final Path workingFolder) {
        // A path only where a path starts, and where a whole name ends: /x/main is neither in /y/x/main nor the
        // start of /x/main2.
        this.javaHome = Pattern.compile(PATH_START + Pattern.quote(javaHome.normalize().toString()) + "(?=/|"
                + PATH_END + ")");
        this.workingFolder = Pattern.compile(PATH_START + Pattern.quote(workingFolder.normalize().toString())
                + "/(?!" + PATH_END + ")");
    }

    /** For this JVM: its {@code java.home}, and the folder it was started in. */
    public static PortablePaths ofThisJvm() {
        return new PortablePaths(Path.of(System.getProperty("java.home")), Path.of("").toAbsolutePath());
    }

    /** {@code text} with the JDK's home as {@code $JAVA_HOME} and paths under the working folder relative. */
    public String apply(final String text) {
        if (text == null) {
            return null;
        }
        // The JDK first: a JDK unpacked inside the working folder is still the JDK.
        final String withoutJdk = javaHome.matcher(text).replaceAll(Matcher.quoteReplacement(JAVA_HOME));
        return workingFolder.matcher(withoutJdk).replaceAll("");
    }
}
