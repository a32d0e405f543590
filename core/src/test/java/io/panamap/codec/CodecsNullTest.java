package io.panamap.codec;

import io.panamap.codec.CodecCases.Case;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The map holds no null keys or values, and says which codec refused one. */
class CodecsNullTest {

    static List<Case<?>> cases() {
        return CodecCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encodingNullShouldThrowNullPointerExceptionNamingTheCodec(final Case<?> c) {
        final MemorySegment target = MemorySegment.ofArray(new byte[64]);
        final NullPointerException e = assertThrows(NullPointerException.class,
                () -> c.codec().encode(null, target, 0));
        assertEquals(c.codec().name() + " codec cannot encode null", e.getMessage());
        assertEquals(-1, target.mismatch(MemorySegment.ofArray(new byte[64])), "nothing written");
        if (!c.codec().isFixedSize()) {
            final NullPointerException sizing = assertThrows(NullPointerException.class,
                    () -> c.codec().encodedSize(null));
            assertEquals(c.codec().name() + " codec cannot encode null", sizing.getMessage());
        }
    }
}
