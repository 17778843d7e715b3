package io.scalinglab.analysis.theory;

import io.scalinglab.core.config.TheoryError;
import java.util.Objects;

/**
 * The exponents Havrilla & Liao's theory predicts from an intrinsic dimension d.
 *
 * <p>Squared error: α_D = 2β/(2β+d), α_N = 2β/d; root error: half of each. Every exponent falls as
 * d grows, so the interval [d_low, d_high] maps to [α(d_high), α(d_low)]. Sharma & Kaplan's 4/d is
 * carried beside α_N.
 *
 * @param d the intrinsic dimension with its interval
 * @param beta smoothness β of the target
 * @param error the error convention the exponents follow
 * @param alphaData the data exponent α_D with the interval from d
 * @param alphaModel the model exponent α_N with the interval from d
 * @param sharmaKaplan 4/d with the interval from d
 */
public record TheoryPrediction(
    Interval d,
    double beta,
    TheoryError error,
    Interval alphaData,
    Interval alphaModel,
    Interval sharmaKaplan) {

  public TheoryPrediction {
    Objects.requireNonNull(d, "d");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(alphaData, "alphaData");
    Objects.requireNonNull(alphaModel, "alphaModel");
    Objects.requireNonNull(sharmaKaplan, "sharmaKaplan");
  }

  /**
   * The predictions for dimension {@code d} (its interval may be unbounded), smoothness {@code
   * beta} and the error convention {@code error}.
   *
   * @throws IllegalArgumentException if d or β is not finite and positive
   */
  public static TheoryPrediction of(Interval d, double beta, TheoryError error) {
    Objects.requireNonNull(d, "d");
    Objects.requireNonNull(error, "error");
    if (!(d.value() > 0) || !Double.isFinite(d.value())) {
      throw new IllegalArgumentException("intrinsic dimension must be finite and > 0: " + d);
    }
    if (!(beta > 0) || !Double.isFinite(beta)) {
      throw new IllegalArgumentException("beta must be finite and > 0: " + beta);
    }
    double f = error.factor();
    return new TheoryPrediction(
        d,
        beta,
        error,
        map(d, x -> f * 2 * beta / (2 * beta + x)),
        map(d, x -> f * 2 * beta / x),
        map(d, x -> 4 / x));
  }

  /** The prediction for {@code axis}: α_D or α_N. */
  public Interval exponent(Axis axis) {
    return axis == Axis.DATA ? alphaData : alphaModel;
  }

  /** A decreasing function applied to the value and, swapped, to the ends (when positive). */
  private static Interval map(Interval d, java.util.function.DoubleUnaryOperator g) {
    double low = d.bounded() && d.high() > 0 ? g.applyAsDouble(d.high()) : Double.NaN;
    double high = d.bounded() && d.low() > 0 ? g.applyAsDouble(d.low()) : Double.NaN;
    return new Interval(g.applyAsDouble(d.value()), low, high);
  }
}
