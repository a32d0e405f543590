/**
 * Chronicle Bytes interop: values (or keys) that Chronicle marshals ({@link MarshallableCodec}), and stored
 * bytes read as a Chronicle {@code BytesStore} without copying ({@link ChronicleViews}).
 *
 * <h2>An optional dependency</h2>
 * {@code net.openhft:chronicle-bytes} is an optional dependency of panamap-core: it is not on a user's class
 * path unless the user declares it, and nothing outside this package refers to it, so these classes, and
 * Chronicle's, are loaded only by code that uses this package.
 *
 * <h2>JVM options on JDK 25</h2>
 * Chronicle Bytes reaches into the JDK's internals. Each option below was found by leaving it out of a JVM
 * that marshals, reads and wraps stored bytes; without any one of them Chronicle (or a library it loads)
 * prints a warning or an error on stderr, or fails:
 * <ul>
 *   <li>{@code --enable-native-access=ALL-UNNAMED}: jffi, loaded by Chronicle's POSIX layer, calls
 *       {@code System.load} (a restricted method); panamap needs this option itself anyway.
 *   <li>{@code --sun-misc-unsafe-memory-access=allow}: Chronicle and jffi reach memory through the
 *       JDK's unsupported memory-access class that this option governs, whose memory methods warn on first
 *       use from JDK 24 on (panamap itself uses {@code java.lang.foreign} only).
 *   <li>{@code --add-opens=java.base/java.lang.reflect=ALL-UNNAMED}: Chronicle makes fields accessible
 *       through {@code AccessibleObject.setAccessible0}; without it Chronicle logs an error at start-up,
 *       prints "Unable to determine max direct memory" (and then takes its slower paths for strings), and
 *       {@code BytesMarshallable}'s default methods, which marshal fields by reflection, fail on fields
 *       they may not otherwise reach (those of a package-private class, say).
 *   <li>{@code --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED} and
 *       {@code --add-exports=java.base/sun.nio.ch=ALL-UNNAMED}: Chronicle's {@code ByteBuffer} cleaner,
 *       loaded with every native store, warns at class load unless both are exported.
 * </ul>
 * Chronicle Bytes sends no usage statistics (only Chronicle products that call its analytics do), so
 * {@code -Dchronicle.analytics.disable=true} is not needed for it. It logs through SLF4J, an INFO line at
 * start-up included.
 */
package io.panamap.chronicle;
