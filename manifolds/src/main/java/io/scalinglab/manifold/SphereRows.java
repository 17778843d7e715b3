package io.scalinglab.manifold;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Points drawn uniformly from the sphere {@code S^d}, rotated into {@code R^ambient} by a random
 * orthonormal frame and rounded to float32 (as activations are stored), where row {@code i} comes
 * from its own stream seeded by {@code (seed, i)}: any range of rows can be made anywhere, on the
 * executors of a distributed search or in one JVM for its reference, and they are the same values.
 *
 * @param d the sphere's dimension (the points' intrinsic dimension)
 * @param ambient the dimension of the space the points lie in
 * @param seed the frame's and the rows' seed
 */
public record SphereRows(int d, int ambient, long seed) implements Serializable {
  /** Checks the dimensions. */
  public SphereRows {
    if (d < 1 || d + 1 > ambient) {
      throw new IllegalArgumentException("S^" + d + " does not fit in R^" + ambient);
    }
  }

  /** The frame the rows are rotated by ({@code (d + 1) × ambient}). */
  public double[][] frame() {
    return Manifolds.randomFrame(d + 1, ambient, new SplittableRandom(seed));
  }

  /** Rows {@code first .. first+rows}, row-major, made with {@code frame} (from {@link #frame}). */
  public double[] rows(long first, int rows, double[][] frame) {
    double[] out = new double[rows * ambient];
    double[] y = new double[d + 1];
    for (int r = 0; r < rows; r++) {
      SplittableRandom rnd = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (first + r + 1)));
      Manifolds.onSphere(y, rnd);
      Manifolds.embed(y, frame, out, r * ambient);
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) out[i];
    }
    return out;
  }
}
