package io.scalinglab.manifold;

import java.util.SplittableRandom;

/**
 * Points on manifolds of known intrinsic dimension, embedded by random rotations: the d-dimensional
 * sphere and ball, the swiss roll, and the random orthonormal frames that place them in a
 * higher-dimensional space. Seeded and deterministic: the same seed gives the same points.
 */
public final class Manifolds {
  private Manifolds() {}

  /**
   * {@code n} points drawn uniformly from the unit sphere {@code S^d} (in {@code R^{d+1}}), rotated
   * into {@code R^ambient} by a random orthonormal frame.
   */
  public static Sample sphere(int n, int d, int ambient, long seed) {
    checkAmbient(d + 1, ambient);
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][] frame = randomFrame(d + 1, ambient, rnd.split());
    double[] y = new double[d + 1];
    double[] out = new double[n * ambient];
    for (int i = 0; i < n; i++) {
      gaussian(y, rnd);
      scale(y, 1 / norm(y));
      embed(y, frame, out, i * ambient);
    }
    return new Sample("sphere S^" + d + " in R^" + ambient, out, n, ambient, d);
  }

  /**
   * {@code n} points drawn uniformly from the unit ball {@code B^d} (direction uniform, radius
   * {@code U^{1/d}}), rotated into {@code R^ambient}.
   */
  public static Sample ball(int n, int d, int ambient, long seed) {
    checkAmbient(d, ambient);
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][] frame = randomFrame(d, ambient, rnd.split());
    double[] y = new double[d];
    double[] out = new double[n * ambient];
    for (int i = 0; i < n; i++) {
      gaussian(y, rnd);
      scale(y, Math.pow(rnd.nextDouble(), 1.0 / d) / norm(y));
      embed(y, frame, out, i * ambient);
    }
    return new Sample("ball B^" + d + " in R^" + ambient, out, n, ambient, d);
  }

  /**
   * {@code n} points on the swiss roll {@code (t·cos t, h, t·sin t)}, {@code t} uniform in {@code
   * [1.5π, 4.5π]}, {@code h} uniform in {@code [0, 21]} (scikit-learn's and scikit-dimension's M7),
   * rotated into {@code R^ambient}: a 2-dimensional surface.
   */
  public static Sample swissRoll(int n, int ambient, long seed) {
    checkAmbient(3, ambient);
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][] frame = randomFrame(3, ambient, rnd.split());
    double[] y = new double[3];
    double[] out = new double[n * ambient];
    for (int i = 0; i < n; i++) {
      double t = 1.5 * Math.PI * (1 + 2 * rnd.nextDouble());
      y[0] = t * Math.cos(t);
      y[1] = 21 * rnd.nextDouble();
      y[2] = t * Math.sin(t);
      embed(y, frame, out, i * ambient);
    }
    return new Sample("swiss roll in R^" + ambient, out, n, ambient, 2);
  }

  /**
   * {@code k} orthonormal vectors in {@code R^ambient}, uniformly distributed (Gram–Schmidt on
   * Gaussian vectors, done twice for orthogonality to rounding): the first {@code k} columns of a
   * random rotation.
   */
  public static double[][] randomFrame(int k, int ambient, SplittableRandom rnd) {
    checkAmbient(k, ambient);
    double[][] q = new double[k][ambient];
    for (int i = 0; i < k; i++) {
      gaussian(q[i], rnd);
      for (int pass = 0; pass < 2; pass++) {
        for (int j = 0; j < i; j++) {
          double dot = 0;
          for (int c = 0; c < ambient; c++) {
            dot += q[i][c] * q[j][c];
          }
          for (int c = 0; c < ambient; c++) {
            q[i][c] -= dot * q[j][c];
          }
        }
      }
      scale(q[i], 1 / norm(q[i]));
    }
    return q;
  }

  /** {@code out[at ..] = Σ_j y_j · frame_j}: {@code y} in the frame's coordinates. */
  static void embed(double[] y, double[][] frame, double[] out, int at) {
    int ambient = frame[0].length;
    for (int j = 0; j < y.length; j++) {
      double yj = y[j];
      double[] f = frame[j];
      for (int c = 0; c < ambient; c++) {
        out[at + c] += yj * f[c];
      }
    }
  }

  static void gaussian(double[] y, SplittableRandom rnd) {
    for (int j = 0; j < y.length; j++) {
      y[j] = rnd.nextGaussian();
    }
  }

  /** {@code y} := a uniform point of the unit sphere S^(y.length − 1): a normal vector, scaled. */
  static void onSphere(double[] y, SplittableRandom rnd) {
    gaussian(y, rnd);
    double s = 0;
    for (double v : y) {
      s += v * v;
    }
    double inv = 1 / Math.sqrt(s);
    for (int j = 0; j < y.length; j++) {
      y[j] *= inv;
    }
  }

  private static double norm(double[] y) {
    double s = 0;
    for (double v : y) {
      s += v * v;
    }
    return Math.sqrt(s);
  }

  private static void scale(double[] y, double f) {
    for (int j = 0; j < y.length; j++) {
      y[j] *= f;
    }
  }

  private static void checkAmbient(int needed, int ambient) {
    if (needed < 1 || ambient < needed) {
      throw new IllegalArgumentException(
          "an embedding needs an ambient dimension of at least " + needed + ", got " + ambient);
    }
  }
}
