package io.scalinglab.id.estimate;

/**
 * Compensated sums (Neumaier's variant of Kahan summation): the mean of a million pointwise
 * estimates is then as accurate as its inputs, whatever their order.
 */
final class Sums {
  private Sums() {}

  /** The sum of {@code values}. */
  static double sum(double[] values) {
    double sum = 0;
    double compensation = 0;
    for (double v : values) {
      double t = sum + v;
      compensation += Math.abs(sum) >= Math.abs(v) ? (sum - t) + v : (v - t) + sum;
      sum = t;
    }
    return sum + compensation;
  }

  /** The arithmetic mean of {@code values}. */
  static double mean(double[] values) {
    return sum(values) / values.length;
  }
}
