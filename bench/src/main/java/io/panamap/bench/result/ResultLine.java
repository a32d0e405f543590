package io.panamap.bench.result;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one line a child JVM prints on stdout to hand its {@link Outcome} to the parent.
 *
 * <h2>Format</h2>
 * <pre>
 * PANAMAP-RESULT format=2 workload=grow contender=panamap run=1 status=ok kind=grow n=1000000 ... mapStats=size%3D1...
 * PANAMAP-RESULT format=2 workload=get contender=hashmap run=2 status=failed failure=java.lang.OutOfMemoryError%3A+...
 * </pre>
 * The marker {@value #MARKER}, then space-separated {@code name=value} fields. Names match
 * {@code [A-Za-z0-9_.]+}; values are URL-encoded (UTF-8, space as {@code +}), so they never contain a space,
 * an {@code =} or a line break. The first five fields are always {@code format workload contender run status};
 * {@code status=ok} is followed by {@code kind} (which result record follows) and that record's fields,
 * {@code status=failed} by {@code failure}. Any other stdout line is not a result line and is ignored.
 * The test fixture {@code grow-result-line.txt} holds a complete line.
 */
public final class ResultLine {

    /** Starts every result line. */
    public static final String MARKER = "PANAMAP-RESULT";

    /** Bump when a field changes meaning. */
    private static final int FORMAT = 2;

    private ResultLine() {
    }

    /** The line (without a line break) that hands {@code outcome} to the parent. */
    public static String encode(final Outcome outcome) {
        final Fields fields = new Fields()
                .put("format", FORMAT)
                .put("workload", outcome.workload())
                .put("contender", outcome.contender())
                .put("run", outcome.run())
                .put("status", outcome.ok() ? "ok" : "failed");
        if (outcome.ok()) {
            fields.put("kind", kindOf(outcome.result()));
            outcome.result().writeTo(fields);
        } else {
            fields.put("failure", outcome.failure());
        }
        final StringBuilder line = new StringBuilder(MARKER);
        for (final Map.Entry<String, String> field : fields.asMap().entrySet()) {
            line.append(' ').append(field.getKey()).append('=')
                    .append(URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8));
        }
        return line.toString();
    }

    /**
     * The outcome in {@code line}.
     *
     * @throws IllegalArgumentException if {@code line} is not a well-formed result line
     */
    public static Outcome decode(final String line) {
        final String[] tokens = line.strip().split(" ");
        if (!tokens[0].equals(MARKER)) {
            throw new IllegalArgumentException("not a result line: " + abbreviate(line));
        }
        final Fields fields = new Fields();
        for (int i = 1; i < tokens.length; i++) {
            final int eq = tokens[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("result line field without a name: '" + tokens[i] + "'");
            }
            fields.put(tokens[i].substring(0, eq),
                    URLDecoder.decode(tokens[i].substring(eq + 1), StandardCharsets.UTF_8));
        }
        if (fields.longValue("format") != FORMAT) {
            throw new IllegalArgumentException("result line format " + fields.string("format")
                    + ", this harness reads format " + FORMAT);
        }
        final String workload = fields.string("workload");
        final String contender = fields.string("contender");
        final int run = Math.toIntExact(fields.longValue("run"));
        return switch (fields.string("status")) {
            case "ok" -> Outcome.succeeded(workload, contender, run, readResult(fields));
            case "failed" -> Outcome.failed(workload, contender, run, fields.string("failure"));
            default -> throw new IllegalArgumentException("unknown status: " + fields.string("status"));
        };
    }

    /** The last result line among a child's stdout lines, if it printed one. */
    public static Optional<String> find(final List<String> stdoutLines) {
        for (int i = stdoutLines.size() - 1; i >= 0; i--) {
            if (stdoutLines.get(i).startsWith(MARKER + " ")) {
                return Optional.of(stdoutLines.get(i));
            }
        }
        return Optional.empty();
    }

    private static String kindOf(final WorkloadResult result) {
        return switch (result) {
            case GrowResult r -> GrowResult.KIND;
            case GetResult r -> GetResult.KIND;
            case OpenLoopResult r -> OpenLoopResult.KIND;
            case MixedResult r -> MixedResult.KIND;
        };
    }

    private static WorkloadResult readResult(final Fields fields) {
        return switch (fields.string("kind")) {
            case GrowResult.KIND -> GrowResult.readFrom(fields);
            case GetResult.KIND -> GetResult.readFrom(fields);
            case OpenLoopResult.KIND -> OpenLoopResult.readFrom(fields);
            case MixedResult.KIND -> MixedResult.readFrom(fields);
            default -> throw new IllegalArgumentException("unknown result kind: " + fields.string("kind"));
        };
    }

    private static String abbreviate(final String line) {
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }
}
