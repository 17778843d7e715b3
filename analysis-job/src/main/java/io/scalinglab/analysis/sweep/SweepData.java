package io.scalinglab.analysis.sweep;

import java.util.List;
import java.util.Map;

/**
 * What the analysis reads from a sweep: its runs and, where the id job has run, the ID estimates,
 * the layer and position ablations, and how each estimate moved with n and K (empty lists when
 * absent), and the unigram and bigram entropies of each dataset's validation split (absent when its
 * shards were not found).
 */
public record SweepData(
    List<Run> runs,
    List<IdRow> ids,
    List<AblationRow> layers,
    List<AblationRow> positions,
    List<IdConvergence> convergence,
    Map<String, TokenEntropy> entropies) {
  public SweepData {
    runs = List.copyOf(runs);
    ids = List.copyOf(ids);
    layers = List.copyOf(layers);
    positions = List.copyOf(positions);
    convergence = List.copyOf(convergence);
    entropies = Map.copyOf(entropies);
  }

  /** The data without validation entropies (no prepared shards at hand). */
  public SweepData(
      List<Run> runs,
      List<IdRow> ids,
      List<AblationRow> layers,
      List<AblationRow> positions,
      List<IdConvergence> convergence) {
    this(runs, ids, layers, positions, convergence, Map.of());
  }

  /** The data without n and k sweeps (an id job that predates them, or none). */
  public SweepData(
      List<Run> runs, List<IdRow> ids, List<AblationRow> layers, List<AblationRow> positions) {
    this(runs, ids, layers, positions, List.of());
  }
}
