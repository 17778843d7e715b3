package io.scalinglab.analysis.theory;

import io.scalinglab.analysis.fit.Estimate;
import java.util.Objects;

/**
 * A predicted exponent beside the fitted one, for one dataset and sweep axis, and the verdict.
 *
 * <p>The prediction carries two uncertainties of the ID it comes from: the sampling interval (the
 * id job's bootstrap interval, or the spread over the paper protocol's batches) and the systematic
 * band (the ID's spread over layer, run, protocol, K and n, mapped to the exponent). The verdict
 * uses both: the fitted interval holding the predicted value agrees; one that overlaps only the
 * band the two make together agrees within the ID's uncertainty; one that misses that band is
 * outside. A fit whose runs were not in the regime its axis needs is not comparable, whatever the
 * numbers say.
 *
 * @param dataset the dataset
 * @param axis data or model scaling
 * @param predicted the theory's exponent with the sampling interval propagated from d
 * @param systematic the theory's exponent with the band propagated from the ID's systematic spread;
 *     unbounded when the ID was estimated one way only
 * @param systematicSource the choice that moves the ID most ({@code layer}, {@code K}, ...); empty
 *     when there is no band
 * @param sharmaKaplan Sharma & Kaplan's 4/d with its interval
 * @param observed the fitted exponent with its interval
 * @param fit which fit the observed exponent comes from, in words
 * @param regime {@code ok}, {@code not-comparable} or {@code unknown}: whether the fit's runs were
 *     in the regime its axis needs
 * @param regimeReason which runs, in which regime; empty when ok
 */
public record Comparison(
    String dataset,
    Axis axis,
    Interval predicted,
    Interval systematic,
    String systematicSource,
    Interval sharmaKaplan,
    Estimate observed,
    String fit,
    String regime,
    String regimeReason) {

  /** The regime value of a fit whose runs were not in the regime its axis needs. */
  public static final String NOT_COMPARABLE = "not-comparable";

  public Comparison {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(axis, "axis");
    Objects.requireNonNull(predicted, "predicted");
    Objects.requireNonNull(systematic, "systematic");
    Objects.requireNonNull(systematicSource, "systematicSource");
    Objects.requireNonNull(sharmaKaplan, "sharmaKaplan");
    Objects.requireNonNull(observed, "observed");
    Objects.requireNonNull(fit, "fit");
    Objects.requireNonNull(regime, "regime");
    Objects.requireNonNull(regimeReason, "regimeReason");
  }

  /** A comparison without a systematic band, of a fit whose runs' regime is not checked. */
  public Comparison(
      String dataset,
      Axis axis,
      Interval predicted,
      Interval sharmaKaplan,
      Estimate observed,
      String fit) {
    this(
        dataset,
        axis,
        predicted,
        Interval.point(predicted.value()),
        "",
        sharmaKaplan,
        observed,
        fit,
        "ok",
        "");
  }

  /** Observed minus predicted exponent. */
  public double difference() {
    return observed.value() - predicted.value();
  }

  /** Whether the predicted value lies inside the fitted exponent's interval. */
  public boolean predictedInsideObserved() {
    return observed.contains(predicted.value());
  }

  /** Whether the fitted value lies inside the interval propagated from d. */
  public boolean observedInsidePredicted() {
    return predicted.contains(observed.value());
  }

  /** Whether the two intervals overlap. */
  public boolean intervalsOverlap() {
    return predicted.overlaps(observedInterval());
  }

  /** Whether the fit's runs were in the regime its axis needs (or that is unknown). */
  public boolean comparable() {
    return !regime.equals(NOT_COMPARABLE);
  }

  /**
   * The predicted exponent's whole band: the envelope of its sampling interval and its systematic
   * band (either may be missing).
   */
  public Interval band() {
    double low = Math.min(lowOr(predicted), lowOr(systematic));
    double high = Math.max(highOr(predicted), highOr(systematic));
    return new Interval(predicted.value(), low, high);
  }

  /** Half the width of the sampling interval; NaN when there is none. */
  public double samplingHalfWidth() {
    return predicted.bounded() ? (predicted.high() - predicted.low()) / 2 : Double.NaN;
  }

  /** Half the width of the systematic band; NaN when there is none. */
  public double systematicHalfWidth() {
    return systematic.bounded() ? (systematic.high() - systematic.low()) / 2 : Double.NaN;
  }

  /** The verdict in one word or two: agrees, agrees within the ID's uncertainty, outside, ... */
  public String verdictKey() {
    if (!comparable()) {
      return "not comparable";
    }
    if (!observed.hasInterval()) {
      return "no fitted interval";
    }
    if (predictedInsideObserved()) {
      return "agrees";
    }
    Interval b = band();
    if (b.bounded() && b.overlaps(observedInterval())) {
      return "agrees within the ID's uncertainty";
    }
    return "outside the interval";
  }

  /** The verdict with its reason and which uncertainty of the prediction dominates. */
  public String verdict() {
    String key = verdictKey();
    String why =
        switch (key) {
          case "not comparable" -> regimeReason;
          case "no fitted interval" -> "the fitted exponent has no interval";
          case "agrees" -> "the predicted value lies inside the fitted interval";
          case "agrees within the ID's uncertainty" ->
              "the fitted interval misses the predicted value but overlaps its band "
                  + range(band());
          default ->
              "the fitted interval "
                  + range(observedInterval())
                  + " misses the predicted band "
                  + range(band());
        };
    return key + ": " + why + "; " + dominance();
  }

  /** Which of the ID's two uncertainties dominates the prediction's, in words. */
  public String dominance() {
    double s = samplingHalfWidth();
    double y = systematicHalfWidth();
    if (!Double.isFinite(y)) {
      return Double.isFinite(s)
          ? "the ID's sampling interval (±"
              + sig(s)
              + ") is its only uncertainty: no systematic band (one estimate per layer, run,"
              + " protocol, K and n)"
          : "the ID has neither a sampling interval nor a systematic band";
    }
    if (!Double.isFinite(s) || y >= s) {
      return "the ID's systematic spread (±"
          + sig(y)
          + ", mostly "
          + systematicSource
          + ") dominates its sampling interval ("
          + (Double.isFinite(s) ? "±" + sig(s) : "none")
          + ")";
    }
    return "the ID's sampling interval (±"
        + sig(s)
        + ") dominates its systematic spread (±"
        + sig(y)
        + ", mostly "
        + systematicSource
        + ")";
  }

  private Interval observedInterval() {
    return new Interval(observed.value(), observed.low(), observed.high());
  }

  private static double lowOr(Interval i) {
    return i.bounded() ? i.low() : i.value();
  }

  private static double highOr(Interval i) {
    return i.bounded() ? i.high() : i.value();
  }

  private static String range(Interval i) {
    return "[" + sig(i.low()) + ", " + sig(i.high()) + "]";
  }

  /** {@code v} to 3 significant digits, without trailing zeros. */
  static String sig(double v) {
    if (!Double.isFinite(v)) {
      return "—";
    }
    return new java.math.BigDecimal(v)
        .round(new java.math.MathContext(3))
        .stripTrailingZeros()
        .toPlainString();
  }
}
