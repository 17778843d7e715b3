package io.scalinglab.core.stats;

/** Quantiles of samples, as the bootstrap intervals of the id and analysis jobs read them. */
public final class Quantiles {
  private Quantiles() {}

  /**
   * The {@code q}-quantile of ascending {@code sorted}, interpolated linearly between the two
   * nearest order statistics (NumPy's default, {@code method="linear"}); NaN for no values.
   *
   * @throws IllegalArgumentException if {@code q} is outside [0, 1]
   */
  public static double linear(double[] sorted, double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("'" + q + "' in q is invalid: must be in [0, 1]");
    }
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
