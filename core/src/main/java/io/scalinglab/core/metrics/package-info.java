/**
 * Live training metrics for Prometheus: every JVM that trains (the sweep driver and each executor)
 * holds one {@link io.scalinglab.core.metrics.TrainMetrics}, which serves {@code GET /metrics} on
 * {@code metrics.port} when that is above 0, hands out a {@link
 * io.scalinglab.core.metrics.RunMetrics} per run (loss, learning rate, throughput, tagged {@code
 * sweep}, {@code run}, {@code model}, {@code dataset}) and a {@link
 * io.scalinglab.core.metrics.SweepMetrics} per sweep (runs by state, throughput, ETA), and pushes
 * each run's final values to a Pushgateway when {@code metrics.pushgateway} is set, for executors
 * that are gone before Prometheus scrapes them. The id job pushes its estimates the same way
 * ({@link io.scalinglab.core.metrics.IdMetrics}). {@link io.scalinglab.core.metrics.MetricNames}
 * lists the names Prometheus sees. These are a view for dashboards only: the run's {@code
 * metrics.csv} in the store holds the same numbers, and nothing here can fail a run.
 */
package io.scalinglab.core.metrics;
