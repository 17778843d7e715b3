package io.scalinglab.analysis.theory;

/**
 * A value with an interval around it; the ends are NaN when there is no interval.
 *
 * @param value the point value
 * @param low lower end
 * @param high upper end
 */
public record Interval(double value, double low, double high) {

  /** A value without an interval. */
  public static Interval point(double value) {
    return new Interval(value, Double.NaN, Double.NaN);
  }

  /** Whether the ends are known. */
  public boolean bounded() {
    return Double.isFinite(low) && Double.isFinite(high);
  }

  /** Whether {@code v} lies within [low, high] (false when there is no interval). */
  public boolean contains(double v) {
    return v >= low && v <= high;
  }

  /** Whether the two intervals share a point (false when either has none). */
  public boolean overlaps(Interval other) {
    return bounded() && other.bounded() && low <= other.high && other.low <= high;
  }
}
