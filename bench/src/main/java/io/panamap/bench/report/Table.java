package io.panamap.bench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A table of already formatted cells, rendered by {@link TextRenderer} and {@link MarkdownRenderer}.
 *
 * @param columns the columns, left to right
 * @param rows    the rows
 */
public record Table(List<Column> columns, List<Row> rows) {

    /** A column: its header and whether its cells are numbers (aligned right). */
    public record Column(String header, boolean numeric) {
    }

    /**
     * A row: one cell per column, or a message row (e.g. why a contender failed) whose first cell names it and
     * whose {@code message} runs across the other columns.
     */
    public record Row(List<String> cells, String message) {
        public Row {
            cells = List.copyOf(cells);
        }

        /** Whether this row is a message row. */
        public boolean isMessage() {
            return message != null;
        }
    }

    public Table {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        for (final Row row : rows) {
            final int expected = row.isMessage() ? 1 : columns.size();
            if (row.cells().size() != expected) {
                throw new IllegalArgumentException("row has " + row.cells().size() + " cells, expected "
                        + expected + ": " + row);
            }
        }
    }

    /** Builds a table row by row. */
    public static final class Builder {
        private final List<Column> columns = new ArrayList<>();
        private final List<Row> rows = new ArrayList<>();

        /** Adds a left-aligned text column. */
        public Builder text(final String header) {
            columns.add(new Column(header, false));
            return this;
        }

        /** Adds a right-aligned number column. */
        public Builder number(final String header) {
            columns.add(new Column(header, true));
            return this;
        }

        /** Adds one right-aligned number column per header. */
        public Builder numbers(final List<String> headers) {
            headers.forEach(this::number);
            return this;
        }

        /** Adds a row of cells, one per column. */
        public Builder row(final List<String> cells) {
            rows.add(new Row(cells, null));
            return this;
        }

        /** Adds a row of cells, one per column. */
        public Builder row(final String... cells) {
            return row(List.of(cells));
        }

        /** Adds a row that holds only {@code message} after its first cell. */
        public Builder messageRow(final String first, final String message) {
            rows.add(new Row(List.of(first), message));
            return this;
        }

        public Table build() {
            return new Table(columns, rows);
        }
    }
}
