package io.panamap.bench;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Joins arguments into a command line a POSIX shell reads back as the same arguments. */
final class ShellWords {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./=:,@%+-]+");

    private ShellWords() {
    }

    static String join(final List<String> words) {
        return words.stream().map(ShellWords::quote).collect(Collectors.joining(" "));
    }

    static String quote(final String word) {
        return SAFE.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
