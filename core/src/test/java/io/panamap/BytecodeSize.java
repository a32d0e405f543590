package io.panamap;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bytecode sizes, read from the compiled class: what decides whether HotSpot's JIT inlines a method. */
final class BytecodeSize {

    /** HotSpot's {@code FreqInlineSize}: C2 inlines a hot call only if the callee has at most this many bytecodes. */
    static final int HOTSPOT_FREQ_INLINE_SIZE = 325;

    private BytecodeSize() {
    }

    /** The bytecode length of the one method of {@code type} named {@code name}. */
    static int of(final Class<?> type, final String name) {
        final ClassModel model;
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            model = ClassFile.of().parse(in.readAllBytes());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return model.methods().stream()
                .filter(method -> method.methodName().equalsString(name))
                .reduce((first, second) -> {
                    throw new IllegalArgumentException(type.getSimpleName() + " has more than one " + name);
                })
                .orElseThrow(() -> new IllegalArgumentException(type.getSimpleName() + " has no " + name))
                .findAttribute(Attributes.code()).orElseThrow().codeLength();
    }

    /** Asserts that {@code type}'s method {@code name} is within {@link #HOTSPOT_FREQ_INLINE_SIZE}. */
    static void assertInlinable(final Class<?> type, final String name) {
        final int bytecodes = of(type, name);
        assertTrue(bytecodes <= HOTSPOT_FREQ_INLINE_SIZE,
                type.getSimpleName() + "." + name + " has " + bytecodes + " bytes of bytecode; over "
                        + HOTSPOT_FREQ_INLINE_SIZE + " HotSpot no longer inlines it into its callers");
    }
}
