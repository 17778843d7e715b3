package io.scalinglab.analysis.sweep;

import io.scalinglab.analysis.theory.Interval;
import java.util.Objects;

/**
 * The ID estimate that stands for a dataset: the row used and the interval on d taken from it.
 *
 * @param row the estimate row (its run, estimator, metric, K, protocol and layer)
 * @param d the dimension with its interval
 * @param intervalSource where the interval comes from, in words (the bootstrap interval, ±1
 *     standard deviation over the paper protocol's batches, or none)
 */
public record IdChoice(IdRow row, Interval d, String intervalSource) {
  public IdChoice {
    Objects.requireNonNull(row, "row");
    Objects.requireNonNull(d, "d");
    Objects.requireNonNull(intervalSource, "intervalSource");
  }
}
