package io.scalinglab.id.estimate;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.config.IdConfig.Combine;

/**
 * The Levina–Bickel maximum-likelihood estimator of intrinsic dimension (Levina and Bickel,
 * "Maximum Likelihood Estimation of Intrinsic Dimension", NIPS 2004).
 *
 * <p>At a point with neighbour distances {@code T₁ ≤ … ≤ T_k}, {@code m̂ = (k − 1) / Σ_{j<k}
 * log(T_k / T_j)}; the {@code unbiased} variant has {@code k − 2} on top. Points are combined by
 * the arithmetic {@code mean} (what the paper's code reports) or {@code harmonic}ally, {@code 1 /
 * mean(1/m̂)} (MacKay and Ghahramani, "Comments on 'Maximum Likelihood Estimation of Intrinsic
 * Dimension'", 2005; scikit-dimension's {@code MLE.fit} default). This is scikit-dimension 0.3's
 * {@code MLE} without noise model ({@code _maxLikDimEstFromR_haro_approx} with {@code dnoise =
 * None}), which the tests check to 1e-9.
 *
 * <p>Defined cases: a distance of 0 (duplicate points) or a non-finite one is refused, since the
 * logarithm is undefined (remove duplicates first; {@code Preprocess} does). A point whose k
 * neighbours are all at the same distance (a lattice) has {@code m̂ = +∞}: the harmonic mean takes
 * it as {@code 1/m̂ = 0}, as its formula says, while the mean leaves such points out and counts
 * them in {@link MleEstimate#degenerate}. If every point is such a point, no estimate exists and
 * the call fails.
 */
public final class Mle {
  private Mle() {}

  /**
   * The estimate at one point from its ascending neighbour distances {@code sorted[from ..
   * from+k)}.
   *
   * @return {@code +∞} when all k distances are equal
   */
  public static double pointwise(double[] sorted, int from, int k, boolean unbiased) {
    if (k < (unbiased ? 3 : 2)) {
      throw new IllegalArgumentException(
          "k must be >= " + (unbiased ? 3 : 2) + " for the MLE, got " + k);
    }
    double tk = sorted[from + k - 1];
    double sum = 0;
    for (int j = 0; j < k - 1; j++) {
      double t = sorted[from + j];
      if (!(t > 0) || !Double.isFinite(t) || !Double.isFinite(tk)) {
        throw new IllegalArgumentException(
            "neighbour distance "
                + t
                + " at position "
                + j
                + ": the MLE needs positive finite distances; remove duplicate points first");
      }
      sum += Math.log(tk / t);
    }
    double numerator = unbiased ? k - 2 : k - 1;
    return sum > 0 ? numerator / sum : Double.POSITIVE_INFINITY;
  }

  /**
   * The estimate over {@code n} points whose ascending neighbour distances are rows of length
   * {@code rowLength} in {@code distances}; the first {@code k} of each row are used.
   */
  public static MleEstimate estimate(
      double[] distances, int n, int rowLength, int k, boolean unbiased, Combine combine) {
    requireNonNull(distances, "distances");
    requireNonNull(combine, "combine");
    if (k > rowLength || (long) n * rowLength > distances.length) {
      throw new IllegalArgumentException(
          "k " + k + " and " + n + " rows of " + rowLength + " do not fit " + distances.length);
    }
    double[] pw = new double[n];
    for (int i = 0; i < n; i++) {
      pw[i] = pointwise(distances, i * rowLength, k, unbiased);
    }
    return fromPointwise(pw, k, unbiased, combine);
  }

  /** The estimate combined from pointwise estimates (kept, not copied). */
  public static MleEstimate fromPointwise(
      double[] pointwise, int k, boolean unbiased, Combine combine) {
    int degenerate = 0;
    for (double m : pointwise) {
      degenerate += Double.isInfinite(m) ? 1 : 0;
    }
    return new MleEstimate(
        combine(pointwise, combine), k, unbiased, combine, pointwise, degenerate);
  }

  /**
   * Pointwise estimates combined: the mean of the finite ones, or the harmonic mean of all.
   *
   * @throws IllegalArgumentException if there are none, or every one is infinite
   */
  public static double combine(double[] pointwise, Combine combine) {
    int finite = 0;
    for (double m : pointwise) {
      finite += Double.isFinite(m) ? 1 : 0;
    }
    if (finite == 0) {
      throw new IllegalArgumentException(
          pointwise.length == 0
              ? "no points to estimate from"
              : "every point's k neighbours are all at the same distance (a lattice or"
                  + " repeated spacing): the MLE is undefined; use more neighbours (a larger k)");
    }
    if (combine == Combine.HARMONIC) {
      double[] inverse = new double[pointwise.length];
      for (int i = 0; i < inverse.length; i++) {
        inverse[i] = 1 / pointwise[i];
      }
      return 1 / Sums.mean(inverse);
    }
    double[] kept = new double[finite];
    for (int i = 0, a = 0; i < pointwise.length; i++) {
      if (Double.isFinite(pointwise[i])) {
        kept[a++] = pointwise[i];
      }
    }
    return Sums.mean(kept);
  }

  /**
   * An MLE estimate.
   *
   * @param id the combined estimate
   * @param pointwise the estimate at each point ({@code +∞} where all k neighbours tie)
   * @param degenerate how many points have {@code m̂ = +∞}
   */
  public record MleEstimate(
      double id, int k, boolean unbiased, Combine combine, double[] pointwise, int degenerate) {}
}
