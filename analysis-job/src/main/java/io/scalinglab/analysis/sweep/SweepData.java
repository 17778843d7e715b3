package io.scalinglab.analysis.sweep;

import java.util.List;

/**
 * What the analysis reads from a sweep: its runs and, where the id job has run, the ID estimates
 * and the layer and position ablations (empty lists when absent).
 */
public record SweepData(
    List<Run> runs, List<IdRow> ids, List<AblationRow> layers, List<AblationRow> positions) {
  public SweepData {
    runs = List.copyOf(runs);
    ids = List.copyOf(ids);
    layers = List.copyOf(layers);
    positions = List.copyOf(positions);
  }
}
