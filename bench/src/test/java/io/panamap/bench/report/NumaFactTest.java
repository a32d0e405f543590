package io.panamap.bench.report;

import io.panamap.numa.NumaNode;
import io.panamap.numa.NumaTopology;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class NumaFactTest {

    private static NumaTopology nodes(final int count) {
        final List<NumaNode> nodes = java.util.stream.IntStream.range(0, count)
                .mapToObj(id -> new NumaNode(id, List.of(id), 1L << 30, 1L << 29, List.of())).toList();
        return new NumaTopology(Path.of("sysfs"), nodes);
    }

    @Test
    void oneNodeShouldBeReportedAsUnableToShowAPlacementGain() {
        final String fact = ReportBuilder.numaFact(nodes(1));
        assertTrue(fact.startsWith("one NUMA node"), fact);
        assertTrue(fact.contains("not a placement gain"), fact);
    }

    @Test
    void severalNodesShouldBeNamed() {
        final String fact = ReportBuilder.numaFact(nodes(4));
        assertTrue(fact.startsWith("4 NUMA nodes [0, 1, 2, 3]"), fact);
    }
}
