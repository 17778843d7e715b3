package io.scalinglab.id.estimate;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * The TwoNN estimator of intrinsic dimension (Facco, d'Errico, Rodriguez and Laio, "Estimating the
 * intrinsic dimension of datasets by a minimal neighborhood information", Scientific Reports 7,
 * 2017).
 *
 * <p>For each point {@code μ = r₂/r₁}, the ratio of its second to its first neighbour distance, is
 * Pareto distributed with exponent {@code d}: {@code −log(1 − F(μ)) = d·log μ}. The ratios are
 * sorted, the largest {@code discard} share is left out (their empirical CDF is noisy), and {@code
 * d} is the slope of a least-squares line through the origin of {@code −log(1 − i/N)} against
 * {@code log μ₍ᵢ₎}, {@code i = 0 … ⌊N(1 − discard)⌋ − 1}: exactly scikit-dimension 0.3's {@code
 * TwoNN} ({@code Femp = arange(m)/N}, {@code LinearRegression(fit_intercept=False)}).
 */
public final class TwoNn {
  private TwoNn() {}

  /**
   * The estimate from each point's first and second neighbour distances.
   *
   * @throws IllegalArgumentException if a first distance is not positive (duplicate points), the
   *     arrays differ in length, or every ratio is 1 (no spread: undefined)
   */
  public static double estimate(double[] r1, double[] r2, double discard) {
    requireNonNull(r1, "r1");
    requireNonNull(r2, "r2");
    if (r1.length != r2.length) {
      throw new IllegalArgumentException(r1.length + " first but " + r2.length + " second");
    }
    double[] mu = new double[r1.length];
    for (int i = 0; i < mu.length; i++) {
      if (!(r1[i] > 0) || !Double.isFinite(r2[i]) || r2[i] < r1[i]) {
        throw new IllegalArgumentException(
            "point "
                + i
                + " has neighbour distances "
                + r1[i]
                + ", "
                + r2[i]
                + ": TwoNN needs 0 < r1 <= r2; remove duplicate points first");
      }
      mu[i] = r2[i] / r1[i];
    }
    return fromRatios(mu, discard);
  }

  /** The estimate from the ratios {@code μ = r₂/r₁} (sorted in place). */
  public static double fromRatios(double[] mu, double discard) {
    if (!(discard >= 0 && discard < 1)) {
      throw new IllegalArgumentException("discard must be in [0, 1), got " + discard);
    }
    int n = mu.length;
    Arrays.sort(mu);
    int m = (int) (n * (1 - discard));
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < m; i++) {
      double x = Math.log(mu[i]);
      double y = -Math.log(1 - (double) i / n);
      sxy += x * y;
      sxx += x * x;
    }
    if (!(sxx > 0)) {
      throw new IllegalArgumentException(
          m == 0
              ? "too few points for TwoNN: none left after discarding " + discard
              : "every kept point has its two nearest neighbours at the same distance: TwoNN is"
                  + " undefined on such (lattice-like) data");
    }
    return sxy / sxx;
  }
}
