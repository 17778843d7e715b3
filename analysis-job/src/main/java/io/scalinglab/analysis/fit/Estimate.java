package io.scalinglab.analysis.fit;

/**
 * A fitted parameter with its interval (Student t or bootstrap: the fit's {@link Intervals} says
 * which).
 *
 * @param name the parameter ({@code alpha}, {@code E}, ...)
 * @param value the estimate from all points
 * @param low lower end of the interval; NaN without one
 * @param high upper end of the interval; NaN without one
 * @param standardError the t interval's standard error, or the standard deviation of the bootstrap
 *     estimates; NaN without an interval
 */
public record Estimate(String name, double value, double low, double high, double standardError) {

  /** Whether {@code v} lies in the interval (false when there is none). */
  public boolean contains(double v) {
    return v >= low && v <= high;
  }

  /** Whether the estimate has an interval. */
  public boolean hasInterval() {
    return Double.isFinite(low) && Double.isFinite(high);
  }
}
