package io.panamap.bench;

import io.panamap.bench.fork.ChildArgs;
import io.panamap.bench.fork.ChildMain;

import java.io.IOException;
import java.util.List;

/**
 * {@code ./panamap bench}: compares panamap's maps with their peers, each in its own JVM (see the package
 * documentation for where things are). Run with {@code --help} for usage. With {@code --child} first,
 * this JVM is a child that runs one workload against one contender and prints one result line.
 */
public final class Main {

    private Main() {
    }

    public static void main(final String[] argv) throws IOException {
        final List<String> args = List.of(argv);
        if (!args.isEmpty() && args.getFirst().equals(ChildArgs.CHILD_FLAG)) {
            // Exit explicitly: a map's background reclaimer thread must not keep a child alive.
            System.exit(ChildMain.main(args));
        }
        if (BenchOptions.wantsHelp(args)) {
            System.out.print(BenchOptions.USAGE);
            return;
        }
        final BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (final UsageException e) {
            System.err.println("panamap bench: " + e.getMessage());
            System.err.println();
            System.err.print(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        for (final String unused : options.unused()) {
            System.err.println("panamap bench: warning: " + unused);
        }
        System.exit(new BenchRunner(options, args).run());
    }
}
