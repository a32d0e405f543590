/**
 * Probes: short measurements, each of one effect the harness's workloads mix with others, run with
 * {@code ./panamap probe <name> [args]} ({@link io.panamap.bench.probe.Probes} lists them). A probe runs once,
 * in the JVM it is started in, and prints a few lines; docs/PERFORMANCE.md and its history quote them where
 * they explain a change: {@code growth-starts} (the insert that starts each doubling, over many builds),
 * {@code first-table} (a fresh JVM's first table), {@code slow-puts} (how often something outside the table
 * stops a put) and {@code memory} (what a table holds in native memory, and gives back with
 * {@code releaseSpareMemory()} and {@code trimToSize()}).
 */
package io.panamap.bench.probe;
