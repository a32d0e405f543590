package io.panamap.bench.contender;

import java.util.List;

/**
 * What a JDK 25 JVM needs to run Chronicle Map without an error or a warning: each flag was found by leaving it
 * out, and none can be left out. The harness gives them to Chronicle's child JVMs only ({@link #ALL}, through
 * {@link Contender#jvmFlags()}); a JMH benchmark that runs Chronicle Map names the constants in its
 * {@code @Fork(jvmArgsAppend = ...)}, which takes only compile-time constants.
 */
public final class ChronicleJvmFlags {

    /** jnr-ffi (Chronicle's eager PosixAPI) calls System.load: a restricted-method warning without it. */
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /** Chronicle and jffi reach memory through the JDK's deprecated unsafe API: a warning without this flag. */
    public static final String UNSAFE_MEMORY_ACCESS = "--sun-misc-unsafe-memory-access=allow";
    /** ClassUtil gets AccessibleObject.setAccessible0 through privateLookupIn: create() fails without it. */
    public static final String OPEN_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    /** The runtime compiler defines the generated value classes with ClassLoader.defineClass. */
    public static final String OPEN_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    /** ... and calls into javac's file manager to compile them. */
    public static final String EXPORT_JAVAC_FILE = "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED";
    /** The reflective ByteBuffer cleaner warns at class load unless both of these are exported. */
    public static final String EXPORT_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    /** See {@link #EXPORT_REF}. */
    public static final String EXPORT_NIO = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    /**
     * Otherwise Chronicle prints a client id on stdout (where the child's result line goes) and tries to send
     * usage statistics over the network.
     */
    public static final String NO_ANALYTICS = "-Dchronicle.analytics.disable=true";
    /**
     * Drops Chronicle's INFO lines on stderr, keeps its warnings and errors. "Chronicle core loaded from ..." has
     * no Chronicle property to turn it off; this also covers the start-up announcement, which
     * -Dchronicle.announcer.disable=true alone would silence.
     */
    public static final String QUIET_LOG = "-Dorg.slf4j.simpleLogger.log.net.openhft=warn";

    /** All of them, in this order. */
    public static final List<String> ALL = List.of(NATIVE_ACCESS, UNSAFE_MEMORY_ACCESS, OPEN_REFLECT, OPEN_LANG,
            EXPORT_JAVAC_FILE, EXPORT_REF, EXPORT_NIO, NO_ANALYTICS, QUIET_LOG);

    private ChronicleJvmFlags() {
    }
}
