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

    private final Pattern javaHome;
    private final Pattern workingFolder;

    /**
     * @param javaHome      the JDK's home, an absolute path
     * @param workingFolder the folder paths are made relative to, an absolute path
     */
    public PortablePaths(final Path javaHome, final Path workingFolder) {
        // A path only where a whole name ends: /x/main is not the start of /x/main2.
        this.javaHome = Pattern.compile(Pattern.quote(javaHome.normalize().toString()) + "(?=/|\\s|$)");
        this.workingFolder = Pattern.compile(Pattern.quote(workingFolder.normalize().toString()) + "/(?=\\S)");
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
