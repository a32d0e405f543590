package io.panamap.numa;

import java.util.ArrayList;
import java.util.List;

/** The kernel's CPU and node list syntax ({@code "0-3,8-11"}, {@code "0"}, {@code ""}), as sysfs writes it. */
final class CpuList {

    private CpuList() {
    }

    /**
     * The highest number a list may hold: the last CPU of the longest mask handed to the kernel. A range past it
     * ("0-2147483647") is a damaged file, not a machine, and listing it would fill the heap.
     */
    static final int MAX_NUMBER = NumaSyscalls.MAX_CPU_MASK_BYTES * 8 - 1;

    /**
     * The numbers {@code text} lists, in order.
     *
     * @throws IllegalArgumentException naming the part that is not a number or a range, or that goes past
     *                                  {@link #MAX_NUMBER}
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
                    numbers.add(requireListable(Integer.parseInt(part.strip()), part, trimmed));
                } else {
                    final int from = Integer.parseInt(part.substring(0, dash).strip());
                    final int to = requireListable(Integer.parseInt(part.substring(dash + 1).strip()), part, trimmed);
                    if (to < from) {
                        throw new IllegalArgumentException("descending range '" + part + "' in '" + trimmed + "'");
                    }
                    for (int n = from; n <= to; n++) {
                        numbers.add(n);
                    }
                }
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException("not a number or a range: '" + part + "' in '" + trimmed + "'", e);
            }
        }
        return numbers;
    }

    private static int requireListable(final int number, final String part, final String text) {
        if (number > MAX_NUMBER) {
            throw new IllegalArgumentException("'" + part + "' in '" + text + "' goes past " + MAX_NUMBER
                    + ", the highest CPU or node number a list may hold");
        }
        return number;
    }
}
