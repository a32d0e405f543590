package io.panamap.bench.report;

import java.util.List;

/**
 * Everything a benchmark run reports, independent of how it is rendered (console text or Markdown).
 *
 * @param title    the first line
 * @param facts    "name: value" lines describing the run and the machine
 * @param sections one per table
 * @param charts   pictures saved next to the report, in order
 */
public record Report(String title, List<Fact> facts, List<Section> sections, List<Chart> charts) {

    public Report {
        facts = List.copyOf(facts);
        sections = List.copyOf(sections);
        charts = List.copyOf(charts);
    }

    /** The same report with {@code more} charts. */
    public Report withCharts(final List<Chart> more) {
        final List<Chart> all = new java.util.ArrayList<>(charts);
        all.addAll(more);
        return new Report(title, facts, sections, all);
    }

    /** A picture file (a name relative to the report's folder) and what it shows. */
    public record Chart(String title, String file) {
    }

    /** One "name: value" line; {@code code} values (command lines) are shown verbatim. */
    public record Fact(String name, String value, boolean code) {
    }

    /**
     * A titled table with text around it.
     *
     * @param title   the heading
     * @param intro   sentences before the table
     * @param table   the table
     * @param notes   bullet points after the table
     */
    public record Section(String title, String intro, Table table, List<String> notes) {
        public Section {
            notes = List.copyOf(notes);
        }
    }
}
