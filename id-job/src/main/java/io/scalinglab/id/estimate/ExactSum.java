package io.scalinglab.id.estimate;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A sum of doubles kept exactly, as non-overlapping partials (Shewchuk, "Adaptive Precision
 * Floating-Point Arithmetic and Fast Robust Geometric Predicates", 1997; the algorithm of Python's
 * {@code math.fsum}), and rounded once, correctly, at the end. Its value depends only on the values
 * added, not on their order or on how partial sums were split and merged, so an estimate combined
 * over Spark partitions equals the one combined in one loop bit for bit. Finite values only.
 */
public final class ExactSum implements Serializable {
  private static final long serialVersionUID = 1L;

  private double[] partials = new double[4];
  private int size;

  /** Adds {@code x} (finite). */
  public ExactSum add(double x) {
    int kept = 0;
    for (int i = 0; i < size; i++) {
      double y = partials[i];
      if (Math.abs(x) < Math.abs(y)) {
        double t = x;
        x = y;
        y = t;
      }
      double hi = x + y;
      double lo = y - (hi - x);
      if (lo != 0) {
        partials[kept++] = lo;
      }
      x = hi;
    }
    if (kept == partials.length) {
      partials = Arrays.copyOf(partials, 2 * kept);
    }
    partials[kept++] = x;
    size = kept;
    return this;
  }

  /** Adds everything {@code other} holds. */
  public ExactSum add(ExactSum other) {
    for (int i = 0; i < other.size; i++) {
      add(other.partials[i]);
    }
    return this;
  }

  /** The sum, correctly rounded. */
  public double value() {
    int n = size;
    if (n == 0) {
      return 0;
    }
    double hi = partials[--n];
    double lo = 0;
    while (n > 0) {
      double x = hi;
      double y = partials[--n];
      hi = x + y;
      lo = y - (hi - x);
      if (lo != 0) {
        break;
      }
    }
    // round half to even across the partials still below (CPython's fsum does the same)
    if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
      double y = lo * 2;
      double x = hi + y;
      if (y == x - hi) {
        hi = x;
      }
    }
    return hi;
  }
}
