package io.panamap.bench.report;

import java.util.List;

/** Renders a {@link Report} as Markdown (GitHub flavour): facts as a list, sections as headed tables. */
public final class MarkdownRenderer {

    private MarkdownRenderer() {
    }

    public static String render(final Report report) {
        final StringBuilder out = new StringBuilder();
        out.append("# ").append(report.title()).append("\n\n");
        for (final Report.Fact fact : report.facts()) {
            out.append("- **").append(fact.name()).append("**: ")
                    .append(fact.code() ? code(fact.value()) : escape(fact.value())).append('\n');
        }
        for (final Report.Section section : report.sections()) {
            out.append("\n## ").append(section.title()).append("\n\n");
            if (!section.intro().isEmpty()) {
                out.append(escape(section.intro())).append("\n\n");
            }
            out.append(render(section.table()));
            if (!section.notes().isEmpty()) {
                out.append('\n');
                for (final String note : section.notes()) {
                    out.append("- ").append(escape(note)).append('\n');
                }
            }
        }
        if (!report.charts().isEmpty()) {
            out.append("\n## Latency by percentile\n\n");
            for (final Report.Chart chart : report.charts()) {
                out.append("![").append(escape(chart.title())).append("](").append(chart.file()).append(")\n\n");
            }
        }
        return out.toString();
    }

    /** The table alone; a message row puts its message in the second column and leaves the rest empty. */
    public static String render(final Table table) {
        final List<Table.Column> columns = table.columns();
        final StringBuilder out = new StringBuilder("|");
        final StringBuilder rule = new StringBuilder("|");
        for (final Table.Column column : columns) {
            out.append(' ').append(escape(column.header())).append(" |");
            rule.append(column.numeric() ? "---:|" : "---|");
        }
        out.append('\n').append(rule).append('\n');
        for (final Table.Row row : table.rows()) {
            out.append('|');
            for (int c = 0; c < columns.size(); c++) {
                final String cell;
                if (c < row.cells().size()) {
                    cell = row.cells().get(c);
                } else {
                    cell = row.isMessage() && c == 1 ? row.message() : "";
                }
                out.append(' ').append(escape(cell)).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Escapes the characters that would break a table cell, start emphasis or read as an HTML tag. */
    static String escape(final String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")
                .replace("<", "&lt;").replace(">", "&gt;")
                .replace("\n", " ");
    }

    private static String code(final String text) {
        final String fence = text.contains("`") ? "``" : "`";
        return fence + (text.startsWith("`") ? " " : "") + text + (text.endsWith("`") ? " " : "") + fence;
    }
}
