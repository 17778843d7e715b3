package io.scalinglab.analysis.sweep;

import io.scalinglab.core.config.AnalysisConfig;
import java.util.List;
import java.util.Objects;

/**
 * The analysis of a whole sweep: per dataset, and the runs left out.
 *
 * @param settings the analysis settings used
 * @param data what was read
 * @param testbed one row per dataset of known intrinsic dimension (theory-testbed sweeps); empty
 *     otherwise
 */
public record AnalysisResult(
    AnalysisConfig settings,
    SweepData data,
    List<DatasetResult> datasets,
    List<Excluded> excluded,
    List<TestbedRow> testbed) {
  public AnalysisResult {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(data, "data");
    datasets = List.copyOf(datasets);
    excluded = List.copyOf(excluded);
    testbed = List.copyOf(testbed);
  }
}
