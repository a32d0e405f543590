package io.panamap.bench.report;

import java.util.List;

/** Renders a {@link Report} for the console: padded columns, notes as indented bullets. */
public final class TextRenderer {

    private static final String GAP = "  ";

    private TextRenderer() {
    }

    public static String render(final Report report) {
        final StringBuilder out = new StringBuilder();
        out.append(report.title()).append('\n');
        final int width = report.facts().stream().mapToInt(f -> f.name().length()).max().orElse(0);
        for (final Report.Fact fact : report.facts()) {
            out.append(pad(fact.name() + ":", width + 1, false)).append(' ').append(fact.value()).append('\n');
        }
        for (final Report.Section section : report.sections()) {
            out.append('\n').append("== ").append(section.title()).append(" ==\n");
            if (!section.intro().isEmpty()) {
                out.append(section.intro()).append("\n\n");
            }
            out.append(render(section.table()));
            for (final String note : section.notes()) {
                out.append("  - ").append(note).append('\n');
            }
        }
        if (!report.charts().isEmpty()) {
            out.append("\n== Charts (next to the report) ==\n");
            for (final Report.Chart chart : report.charts()) {
                out.append("  ").append(chart.file()).append(": ").append(chart.title()).append('\n');
            }
        }
        return out.toString();
    }

    /** The table alone: header, a dashed rule, then the rows. Message rows do not widen the columns. */
    public static String render(final Table table) {
        final List<Table.Column> columns = table.columns();
        final int[] widths = new int[columns.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = columns.get(c).header().length();
        }
        for (final Table.Row row : table.rows()) {
            for (int c = 0; c < row.cells().size(); c++) {
                widths[c] = Math.max(widths[c], row.cells().get(c).length());
            }
        }
        final StringBuilder out = new StringBuilder();
        final StringBuilder header = new StringBuilder();
        final StringBuilder rule = new StringBuilder();
        for (int c = 0; c < widths.length; c++) {
            header.append(c == 0 ? "" : GAP).append(pad(columns.get(c).header(), widths[c], columns.get(c).numeric()));
            rule.append(c == 0 ? "" : GAP).append("-".repeat(widths[c]));
        }
        out.append(header.toString().stripTrailing()).append('\n').append(rule).append('\n');
        for (final Table.Row row : table.rows()) {
            final StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.cells().size(); c++) {
                line.append(c == 0 ? "" : GAP).append(pad(row.cells().get(c), widths[c], columns.get(c).numeric()));
            }
            if (row.isMessage()) {
                line.append(GAP).append(row.message());
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    private static String pad(final String text, final int width, final boolean right) {
        final String padding = " ".repeat(Math.max(0, width - text.length()));
        return right ? padding + text : text + padding;
    }
}
