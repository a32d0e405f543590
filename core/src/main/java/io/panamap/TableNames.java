package io.panamap;

import java.util.Objects;

/**
 * The names tables give themselves in messages, stats and JFR events: their type ("LongLongMap"), and, when their
 * builder was given one, the caller's name for them ("LongLongMap 'orders'"), so that an application's tables can
 * be told apart in a recording.
 */
final class TableNames {

    private TableNames() {
    }

    /** {@code type} named {@code name}, which must be a short label: not blank, one line. */
    static String named(final String type, final String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a table's name must not be blank");
        }
        if (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a table's name must be one line: " + name.strip().lines().findFirst()
                    .orElse("") + "...");
        }
        return type + " '" + name + "'";
    }
}
