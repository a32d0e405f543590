package io.panamap.numa;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the pages of a piece of memory actually are: how many on each node, and how many are not backed yet
 * (a lazily faulted mapping has no node until first written; neither has a page only read so far, which maps
 * the shared zero page, nor one given back with {@code MADV_DONTNEED}).
 *
 * @param pagesPerNode backed pages by node id
 * @param notFaulted   pages not backed by memory of their own
 */
public record PagePlacement(Map<Integer, Long> pagesPerNode, long notFaulted) {

    /** Pages asked about per move_pages call: bounds the temporary arrays whatever the mapping's size. */
    private static final int PAGES_PER_CALL = 16_384;
    private static final long PAGE = 4096;

    public PagePlacement {
        pagesPerNode = Map.copyOf(pagesPerNode);
    }

    /**
     * The placement of every 4 KiB page of {@code memory} (move_pages in query mode, page by page).
     *
     * @throws IllegalArgumentException for a heap segment, whose address is no place in memory
     * @throws IllegalStateException    for a segment whose memory has been freed
     */
    public static PagePlacement of(final MemorySegment memory) {
        if (!memory.isNative()) {
            throw new IllegalArgumentException("pages are placed only for native memory, not a heap segment: "
                    + memory);
        }
        if (!memory.scope().isAlive()) {
            throw new IllegalStateException("the segment's memory has been freed: " + memory);
        }
        final Map<Integer, Long> perNode = new TreeMap<>();
        long notFaulted = 0;
        final long start = memory.address() & ~(PAGE - 1);
        final long end = memory.address() + memory.byteSize();
        for (long from = start; from < end; from += PAGES_PER_CALL * PAGE) {
            final int count = (int) Math.min(PAGES_PER_CALL, (end - from + PAGE - 1) / PAGE);
            final long[] pages = new long[count];
            for (int i = 0; i < count; i++) {
                pages[i] = from + i * PAGE;
            }
            for (final int status : NumaSyscalls.nodesOfPages(pages)) {
                if (status >= 0) {
                    perNode.merge(status, 1L, Long::sum);
                } else if (status == -NumaSyscalls.ENOENT || status == -NumaSyscalls.EFAULT) {
                    notFaulted++;
                } else {
                    throw new IllegalStateException("move_pages could not place a page: "
                            + NumaSyscalls.errnoName(-status));
                }
            }
        }
        return new PagePlacement(perNode, notFaulted);
    }

    /** Backed pages on all nodes. */
    public long faulted() {
        return pagesPerNode.values().stream().mapToLong(Long::longValue).sum();
    }

    /** {@code "node0=1234 pages, not faulted=56"}; {@code "0 pages, not faulted=56"} while no page is backed. */
    @Override
    public String toString() {
        final StringBuilder out = new StringBuilder(pagesPerNode.isEmpty() ? "0 " : "");
        pagesPerNode.forEach((node, pages) -> out.append("node").append(node).append('=').append(pages).append(' '));
        return out.append("pages, not faulted=").append(notFaulted).toString();
    }
}
