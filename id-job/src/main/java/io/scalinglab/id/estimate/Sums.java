package io.scalinglab.id.estimate;

/**
 * Sums that do not depend on the order of their terms ({@link ExactSum}): the mean of a million
 * pointwise estimates is as accurate as its inputs, and the same whether it was summed in one loop
 * or over Spark partitions.
 */
final class Sums {
  private Sums() {}

  /** The sum of {@code values}, correctly rounded. */
  static double sum(double[] values) {
    ExactSum s = new ExactSum();
    for (double v : values) {
      s.add(v);
    }
    return s.value();
  }

  /** The arithmetic mean of {@code values}. */
  static double mean(double[] values) {
    return sum(values) / values.length;
  }
}
