package io.scalinglab.analysis.sweep;

import java.util.List;
import java.util.Objects;

/**
 * The sweeps of one ID estimate as the id job writes them into {@code id/<run-id>.json}: the ID at
 * other neighbour counts ({@code k_sweep}: K, ID) and on nested subsamples ({@code n_sweep}: n,
 * ID); either list is empty where the file has none.
 *
 * @param runId, layer, estimator, metric, protocol, k which estimate the sweeps belong to (the key
 *     of its {@code estimates.csv} row)
 * @param kSweep pairs {K, ID}
 * @param nSweep pairs {n, ID}
 */
public record IdCurve(
    String runId,
    String layer,
    String estimator,
    String metric,
    String protocol,
    int k,
    List<double[]> kSweep,
    List<double[]> nSweep) {
  public IdCurve {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(estimator, "estimator");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(protocol, "protocol");
    kSweep = List.copyOf(kSweep);
    nSweep = List.copyOf(nSweep);
  }

  /** Whether this curve belongs to the estimate of row {@code r}. */
  public boolean belongsTo(IdRow r) {
    return runId.equals(r.runId())
        && layer.equals(r.layer())
        && estimator.equalsIgnoreCase(r.estimator())
        && metric.equalsIgnoreCase(r.metric())
        && protocol.equalsIgnoreCase(r.protocol())
        && k == r.k();
  }
}
