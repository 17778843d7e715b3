package io.scalinglab.analysis.theory;

import io.scalinglab.analysis.fit.Estimate;
import java.util.Objects;

/**
 * A predicted exponent beside the fitted one, for one dataset and sweep axis.
 *
 * @param dataset the dataset
 * @param axis data or model scaling
 * @param predicted the theory's exponent with the interval propagated from d
 * @param sharmaKaplan Sharma & Kaplan's 4/d with its interval
 * @param observed the fitted exponent with its bootstrap interval
 * @param fit which fit the observed exponent comes from, in words
 */
public record Comparison(
    String dataset,
    Axis axis,
    Interval predicted,
    Interval sharmaKaplan,
    Estimate observed,
    String fit) {

  public Comparison {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(axis, "axis");
    Objects.requireNonNull(predicted, "predicted");
    Objects.requireNonNull(sharmaKaplan, "sharmaKaplan");
    Objects.requireNonNull(observed, "observed");
    Objects.requireNonNull(fit, "fit");
  }

  /** Observed minus predicted exponent. */
  public double difference() {
    return observed.value() - predicted.value();
  }

  /** Whether the predicted value lies inside the fitted exponent's bootstrap interval. */
  public boolean predictedInsideObserved() {
    return observed.contains(predicted.value());
  }

  /** Whether the fitted value lies inside the interval propagated from d. */
  public boolean observedInsidePredicted() {
    return predicted.contains(observed.value());
  }

  /** Whether the two intervals overlap. */
  public boolean intervalsOverlap() {
    return predicted.overlaps(new Interval(observed.value(), observed.low(), observed.high()));
  }
}
