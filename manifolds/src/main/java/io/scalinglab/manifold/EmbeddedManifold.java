package io.scalinglab.manifold;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A d-dimensional manifold with a fixed random embedding into {@code R^ambient}, from which any
 * number of points can be drawn: the inputs of the theory testbed, where training and validation
 * points must lie on the same embedded manifold. The embedding is drawn once from the seed; points
 * come from a separate stream, so draws of any size share it.
 *
 * <ul>
 *   <li>{@link Kind#SPHERE}: the unit sphere {@code S^d} of {@code R^{d+1}}, rotated by a random
 *       orthonormal frame ({@link Manifolds#randomFrame}); uniform points.
 *   <li>{@link Kind#TORUS}: the flat torus {@code T^d}, a product of d circles of radius {@code
 *       1/√d} in {@code R^{2d}} (the Clifford torus, so every point has norm 1), rotated; angles
 *       uniform, which is the uniform measure of the flat torus.
 *   <li>{@link Kind#FOURIER_CUBE}: the cube {@code [0,1]^d} through random Fourier features (Rahimi
 *       and Recht 2007), {@code x = √(2/D)·cos(ω·W u + b)} with {@code W} standard normal ({@code D
 *       × d}) and {@code b} uniform in {@code [0, 2π)}: a smooth, curved, nonlinear embedding of a
 *       d-dimensional set with boundary, whose points have mean squared norm 1. The frequency
 *       {@code ω} sets its curvature; a map of d coordinates into {@code D ≥ 2d + 1} is generically
 *       injective (Whitney).
 * </ul>
 *
 * <p>Optional ambient noise adds {@code N(0, noise²)} to every coordinate, which raises the ID at
 * scales below the noise to the ambient dimension.
 */
public final class EmbeddedManifold {
  /** The kinds of manifold, by their config keys. */
  public enum Kind {
    SPHERE("sphere"),
    TORUS("torus"),
    FOURIER_CUBE("fourier-cube");

    private final String key;

    Kind(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }

    /** The kind whose key is {@code key}. */
    public static Kind of(String key) {
      for (Kind k : values()) {
        if (k.key.equals(key)) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "'" + key + "' is not a manifold kind; allowed: sphere, torus, fourier-cube");
    }
  }

  private final Kind kind;
  private final int d;
  private final int ambient;
  private final double noise;
  private final double[][] frame; // sphere, torus: rows are orthonormal vectors of R^ambient
  private final double[] w; // Fourier cube: ambient × d, row-major, already times ω
  private final double[] b;

  private EmbeddedManifold(
      Kind kind, int d, int ambient, double noise, double[][] frame, double[] w, double[] b) {
    this.kind = kind;
    this.d = d;
    this.ambient = ambient;
    this.noise = noise;
    this.frame = frame;
    this.w = w;
    this.b = b;
  }

  /**
   * A manifold of {@code kind} and dimension {@code d} in {@code R^ambient}, its embedding drawn
   * from {@code seed}.
   *
   * @param frequency {@code ω} of the Fourier cube (ignored by the other kinds), positive
   * @param noise standard deviation of the ambient noise, 0 or more
   * @throws IllegalArgumentException if the ambient space is too small for the kind ({@code d + 1}
   *     for the sphere, {@code 2d} for the torus, {@code 2d + 1} for the Fourier cube)
   */
  public static EmbeddedManifold of(
      Kind kind, int d, int ambient, double frequency, double noise, long seed) {
    requireNonNull(kind, "kind");
    if (d < 1) {
      throw new IllegalArgumentException("'" + d + "' in d is invalid: must be 1 or more");
    }
    if (!(noise >= 0) || !Double.isFinite(noise)) {
      throw new IllegalArgumentException("'" + noise + "' in noise is invalid: must be >= 0");
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    return switch (kind) {
      case SPHERE ->
          new EmbeddedManifold(
              kind, d, ambient, noise, Manifolds.randomFrame(d + 1, ambient, rnd), null, null);
      case TORUS ->
          new EmbeddedManifold(
              kind, d, ambient, noise, Manifolds.randomFrame(2 * d, ambient, rnd), null, null);
      case FOURIER_CUBE -> fourier(d, ambient, frequency, noise, rnd);
    };
  }

  private static EmbeddedManifold fourier(
      int d, int ambient, double frequency, double noise, SplittableRandom rnd) {
    if (ambient < 2 * d + 1) {
      throw new IllegalArgumentException(
          "a Fourier-feature embedding of a "
              + d
              + "-cube needs an ambient dimension of at least "
              + (2 * d + 1)
              + ", got "
              + ambient);
    }
    if (!(frequency > 0) || !Double.isFinite(frequency)) {
      throw new IllegalArgumentException(
          "'" + frequency + "' in frequency is invalid: must be positive");
    }
    double[] w = new double[ambient * d];
    for (int i = 0; i < w.length; i++) {
      w[i] = frequency * rnd.nextGaussian();
    }
    double[] b = new double[ambient];
    for (int i = 0; i < ambient; i++) {
      b[i] = 2 * Math.PI * rnd.nextDouble();
    }
    return new EmbeddedManifold(Kind.FOURIER_CUBE, d, ambient, noise, null, w, b);
  }

  public Kind kind() {
    return kind;
  }

  public int d() {
    return d;
  }

  public int ambient() {
    return ambient;
  }

  /** A short name for tables: {@code torus T^4 in R^32}. */
  public String name() {
    String base =
        switch (kind) {
          case SPHERE -> "sphere S^" + d;
          case TORUS -> "torus T^" + d;
          case FOURIER_CUBE -> "Fourier cube [0,1]^" + d;
        };
    return base
        + " in R^"
        + ambient
        + (noise > 0 ? String.format(Locale.ROOT, " + noise %.3g", noise) : "");
  }

  /** {@code n} points drawn with a stream seeded by {@code seed}. */
  public Sample sample(int n, long seed) {
    return sample(n, new SplittableRandom(seed));
  }

  /** {@code n} points drawn from {@code rnd}, row-major {@code n × ambient}. */
  public Sample sample(int n, SplittableRandom rnd) {
    if (n < 0) {
      throw new IllegalArgumentException("'" + n + "' in n is invalid: must be 0 or more");
    }
    double[] out = new double[n * ambient];
    double[] y = new double[kind == Kind.FOURIER_CUBE ? d : frame.length];
    for (int i = 0; i < n; i++) {
      int at = i * ambient;
      switch (kind) {
        case SPHERE -> {
          Manifolds.onSphere(y, rnd);
          Manifolds.embed(y, frame, out, at);
        }
        case TORUS -> {
          double r = 1 / Math.sqrt(d);
          for (int j = 0; j < d; j++) {
            double theta = 2 * Math.PI * rnd.nextDouble();
            y[2 * j] = r * Math.cos(theta);
            y[2 * j + 1] = r * Math.sin(theta);
          }
          Manifolds.embed(y, frame, out, at);
        }
        case FOURIER_CUBE -> {
          for (int j = 0; j < d; j++) {
            y[j] = rnd.nextDouble();
          }
          double scale = Math.sqrt(2.0 / ambient);
          for (int c = 0; c < ambient; c++) {
            double z = b[c];
            for (int j = 0; j < d; j++) {
              z += w[c * d + j] * y[j];
            }
            out[at + c] = scale * Math.cos(z);
          }
        }
      }
      if (noise > 0) {
        for (int c = 0; c < ambient; c++) {
          out[at + c] += noise * rnd.nextGaussian();
        }
      }
    }
    return new Sample(name(), out, n, ambient, d);
  }

  @Override
  public String toString() {
    return name();
  }
}
