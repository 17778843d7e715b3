package io.scalinglab.analysis.sweep;

import java.util.List;

/**
 * What the analysis reads from a sweep: its runs and, where the id job has run, the ID estimates,
 * the layer and position ablations, and how each estimate moved with n and K (empty lists when
 * absent).
 */
public record SweepData(
    List<Run> runs,
    List<IdRow> ids,
    List<AblationRow> layers,
    List<AblationRow> positions,
    List<IdConvergence> convergence) {
  public SweepData {
    runs = List.copyOf(runs);
    ids = List.copyOf(ids);
    layers = List.copyOf(layers);
    positions = List.copyOf(positions);
    convergence = List.copyOf(convergence);
  }

  /** The data without n and k sweeps (an id job that predates them, or none). */
  public SweepData(
      List<Run> runs, List<IdRow> ids, List<AblationRow> layers, List<AblationRow> positions) {
    this(runs, ids, layers, positions, List.of());
  }
}
