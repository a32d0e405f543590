package io.panamap.numa;

import java.util.ArrayList;
import java.util.List;

/** The kernel's CPU and node list syntax ({@code "0-3,8-11"}, {@code "0"}, {@code ""}), as sysfs writes it. */
final class CpuList {

    private CpuList() {
    }

    /**
     * The numbers {@code text} lists, in order.
     *
     * @throws IllegalArgumentException naming the part that is not a number or a range
     */
    static List<Integer> parse(final String text) {
        final List<Integer> numbers = new ArrayList<>();
        final String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return numbers;
        }
        for (final String part : trimmed.split(",")) {
            final int dash = part.indexOf('-');
            try {
                if (dash < 0) {
                    numbers.add(Integer.parseInt(part.strip()));
                } else {
                    final int from = Integer.parseInt(part.substring(0, dash).strip());
                    final int to = Integer.parseInt(part.substring(dash + 1).strip());
                    if (to < from) {
                        throw new IllegalArgumentException("descending range '" + part + "' in '" + text + "'");
                    }
                    for (int n = from; n <= to; n++) {
                        numbers.add(n);
                    }
                }
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException("not a number or a range: '" + part + "' in '" + text + "'", e);
            }
        }
        return numbers;
    }
}
