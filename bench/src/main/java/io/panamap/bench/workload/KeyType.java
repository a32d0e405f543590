package io.panamap.bench.workload;

import io.panamap.bench.contender.Contender;
import io.panamap.bench.contender.Contenders;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a workload's maps hold, chosen with {@code --keys}. Each workload comes once per key type, its name
 * carrying the type's {@link #suffix()} ({@code grow}, {@code grow-str}), so that the two never share a
 * result line, a raw histogram file, a chart or a report section.
 */
public enum KeyType {

    /** Random 64-bit keys to {@code long} values: the {@code long → long} maps. */
    LONG("long", "", Contenders.BASELINE),

    /**
     * Text ids ({@link StringKeys}) to 64-byte records: {@code OffHeapMap<CharSequence, byte[]>},
     * {@code HashMap<String, byte[]>}, Chronicle Map.
     */
    STRING("string", "-str", Contenders.STRING_BASELINE);

    private final String option;
    private final String suffix;
    private final String baseline;

    KeyType(final String option, final String suffix, final String baseline) {
        this.option = option;
        this.suffix = suffix;
        this.baseline = baseline;
    }

    /** Its value of {@code --keys}. */
    public String option() {
        return option;
    }

    /** What a workload's base name gets for this key type: "" or {@code -str}. */
    public String suffix() {
        return suffix;
    }

    /**
     * The contender every ratio column is computed against: for numbers, the fastest well-known
     * open-addressing map ({@link Contenders#BASELINE}); for strings, the map a Java program starts with
     * ({@link Contenders#STRING_BASELINE}).
     */
    public String baseline() {
        return baseline;
    }

    /** Whether {@code contender} has a map for these keys, for one thread. */
    public boolean isSupportedBy(final Contender contender) {
        return this == LONG ? contender.hasLongMap() : contender.hasStringMaps();
    }

    /** What exactly {@code contender} measures with these keys. */
    public String describe(final Contender contender) {
        return this == STRING && contender.hasStringMaps() ? contender.strings().description()
                : contender.description();
    }

    /** The workload {@code baseName} ({@code grow}) with these keys ({@code grow-str}). */
    public String workload(final String baseName) {
        return baseName + suffix;
    }

    /** The {@code --keys} values, in the order runs and reports take them. */
    public static List<String> options() {
        return Arrays.stream(values()).map(KeyType::option).toList();
    }

    /** The key type whose {@code --keys} value is {@code option}. */
    public static Optional<KeyType> ofOption(final String option) {
        return Arrays.stream(values()).filter(k -> k.option.equals(option)).findFirst();
    }
}
