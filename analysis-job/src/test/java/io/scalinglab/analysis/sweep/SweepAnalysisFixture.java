package io.scalinglab.analysis.sweep;

import io.scalinglab.analysis.table.Table;
import io.scalinglab.core.config.AnalysisConfig;
import io.scalinglab.core.config.IntervalMethod;
import io.scalinglab.core.config.ModelSize;
import io.scalinglab.core.config.TheoryError;

/** The synthetic sweep read into records, and analysis settings for tests (100 resamples). */
public final class SweepAnalysisFixture {
  public static final AnalysisConfig SETTINGS =
      new AnalysisConfig(
          1.0,
          TheoryError.SQUARED,
          "val_loss_mean5",
          ModelSize.NON_EMBEDDING,
          1e-3,
          IntervalMethod.T,
          100,
          0.95,
          7,
          1,
          "mle",
          "",
          "",
          0);

  private SweepAnalysisFixture() {}

  public static SweepData data() {
    return new SweepData(
        Run.fromTable(Table.parse("results.csv", SyntheticSweep.results()), "val_loss_mean5"),
        IdRow.fromTable(Table.parse("estimates.csv", SyntheticSweep.estimates())),
        AblationRow.layers(Table.parse("ablation-layer.csv", SyntheticSweep.layers())),
        AblationRow.positions(Table.parse("ablation-position.csv", SyntheticSweep.positions())));
  }
}
