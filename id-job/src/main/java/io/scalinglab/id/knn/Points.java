package io.scalinglab.id.knn;

import static java.util.Objects.requireNonNull;

/**
 * A set of {@code n} points in {@code d} dimensions, row-major, every coordinate finite and no two
 * rows equal: what the kNN search takes ({@link io.scalinglab.id.knn.Preprocess} makes one from raw
 * rows). The array is shared, not copied; do not change it afterwards.
 */
public record Points(double[] values, int n, int d) {
  /** Checks the shape. */
  public Points {
    requireNonNull(values, "values");
    if (n < 0 || d < 1 || (long) n * d != values.length) {
      throw new IllegalArgumentException(
          "shape (" + n + ", " + d + ") does not match " + values.length + " values");
    }
  }

  /** Coordinate {@code c} of point {@code i}. */
  public double get(int i, int c) {
    return values[i * d + c];
  }

  /** The squared Euclidean distance between points {@code i} and {@code j}, by differences. */
  public double squaredDistance(int i, int j) {
    return squaredDistance(values, i * d, values, j * d, d);
  }

  /**
   * The squared Euclidean distance between {@code a[aAt .. aAt+d)} and {@code b[bAt .. bAt+d)}, by
   * differences: the one expression every search uses, so distances agree bit for bit wherever the
   * points are held.
   */
  public static double squaredDistance(double[] a, int aAt, double[] b, int bAt, int d) {
    // four partial sums: shorter dependency chains, and no worse rounding than one
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int c = 0;
    for (; c + 3 < d; c += 4) {
      double t0 = a[aAt + c] - b[bAt + c];
      double t1 = a[aAt + c + 1] - b[bAt + c + 1];
      double t2 = a[aAt + c + 2] - b[bAt + c + 2];
      double t3 = a[aAt + c + 3] - b[bAt + c + 3];
      s0 += t0 * t0;
      s1 += t1 * t1;
      s2 += t2 * t2;
      s3 += t3 * t3;
    }
    for (; c < d; c++) {
      double t = a[aAt + c] - b[bAt + c];
      s0 += t * t;
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** The mean of the points, per coordinate. */
  public double[] mean() {
    double[] mu = new double[d];
    for (int i = 0; i < n; i++) {
      int a = i * d;
      for (int c = 0; c < d; c++) {
        mu[c] += values[a + c];
      }
    }
    for (int c = 0; c < d; c++) {
      mu[c] /= Math.max(1, n);
    }
    return mu;
  }

  /** The points with the given row indices, in that order (a copy). */
  public Points subset(int[] rows) {
    double[] out = new double[rows.length * d];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(values, rows[r] * d, out, r * d, d);
    }
    return new Points(out, rows.length, d);
  }
}
