package io.scalinglab.analysis.sweep;

import java.util.List;

/**
 * What the analysis reads from a sweep: its runs and, where the id job has run, the ID estimates,
 * the layer and position ablations, and the K and n sweeps of each estimate from {@code
 * id/<run-id>.json} (empty lists when absent).
 */
public record SweepData(
    List<Run> runs,
    List<IdRow> ids,
    List<AblationRow> layers,
    List<AblationRow> positions,
    List<IdCurve> curves) {
  public SweepData {
    runs = List.copyOf(runs);
    ids = List.copyOf(ids);
    layers = List.copyOf(layers);
    positions = List.copyOf(positions);
    curves = List.copyOf(curves);
  }

  /** The data without K and n sweeps. */
  public SweepData(
      List<Run> runs, List<IdRow> ids, List<AblationRow> layers, List<AblationRow> positions) {
    this(runs, ids, layers, positions, List.of());
  }
}
