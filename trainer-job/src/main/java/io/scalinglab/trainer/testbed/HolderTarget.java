package io.scalinglab.trainer.testbed;

import static java.util.Objects.requireNonNull;

import io.scalinglab.manifold.EmbeddedManifold;
import io.scalinglab.manifold.Sample;
import java.util.SplittableRandom;

/**
 * A regression target of Hölder smoothness β ∈ (0, 1]: a sum of bumps placed at random points of a
 * manifold, {@code f(x) = s·(Σ_k a_k·ψ(|x − c_k|²/r²) − μ)} with {@code ψ(t) = (1 − t)_+^β}, random
 * signs {@code a_k = ±1}, and {@code μ}, {@code s} chosen so that f has mean 0 and variance 1 over
 * the manifold (estimated on a seeded reference draw).
 *
 * <p>Why this is β-Hölder, with the constant {@link #holderConstant()}: with {@code ρ = |x − c|}
 * and {@code ρ' = |y − c|}, if both points lie in the bump's support {@code |ψ(ρ²/r²) − ψ(ρ'²/r²)|
 * ≤ |ρ² − ρ'²|^β / r^{2β} ≤ (2r·|x − y|)^β / r^{2β}}, using {@code |a^β − b^β| ≤ |a − b|^β} and
 * {@code ρ + ρ' ≤ 2r}; if only x does, {@code ψ(ρ²/r²) = ((r − ρ)(r + ρ)/r²)^β ≤ (2(ρ' − ρ)/r)^β ≤
 * (2|x − y|/r)^β}. So each bump has constant {@code (2/r)^β}, and f at most {@code s·K·(2 /r)^β}.
 * The exponent is sharp: at the rim of a bump, {@code f} changes by {@code ∝ h^β} over a distance
 * h, so no larger exponent has a finite constant (for β < 1).
 */
public final class HolderTarget {
  /** Points of the reference draw that fixes the mean and scale. */
  static final int REFERENCE_POINTS = 8192;

  private final double beta;
  private final double radius;
  private final double[] centres; // bumps × ambient
  private final double[] signs;
  private final int ambient;
  private final double mean;
  private final double scale;

  private HolderTarget(
      double beta, double radius, double[] centres, double[] signs, int ambient, double[] ref) {
    this.beta = beta;
    this.radius = radius;
    this.centres = centres;
    this.signs = signs;
    this.ambient = ambient;
    double sum = 0;
    double sq = 0;
    int n = ref.length / ambient;
    for (int i = 0; i < n; i++) {
      double v = raw(ref, i * ambient);
      sum += v;
      sq += v * v;
    }
    this.mean = sum / n;
    double var = sq / n - mean * mean;
    if (!(var > 0)) {
      throw new IllegalArgumentException(
          "the target is constant on the manifold: no bump reaches its points; raise"
              + " testbed.target.radius ("
              + radius
              + ") or testbed.target.bumps ("
              + signs.length
              + ")");
    }
    this.scale = 1 / Math.sqrt(var);
  }

  /**
   * A target on {@code manifold}: {@code bumps} centres drawn from it, signs, and the reference
   * draw for the normalisation, all from {@code rnd}.
   *
   * @throws IllegalArgumentException if β is outside (0, 1], the radius is not positive, or no bump
   *     reaches a point of the reference draw
   */
  public static HolderTarget random(
      EmbeddedManifold manifold, int bumps, double radius, double beta, SplittableRandom rnd) {
    requireNonNull(manifold, "manifold");
    if (!(beta > 0 && beta <= 1)) {
      throw new IllegalArgumentException("'" + beta + "' in beta is invalid: must be in (0, 1]");
    }
    if (!(radius > 0) || !Double.isFinite(radius)) {
      throw new IllegalArgumentException("'" + radius + "' in radius is invalid: must be > 0");
    }
    if (bumps < 1) {
      throw new IllegalArgumentException("'" + bumps + "' in bumps is invalid: must be 1 or more");
    }
    Sample c = manifold.sample(bumps, rnd.split());
    double[] signs = new double[bumps];
    for (int k = 0; k < bumps; k++) {
      signs[k] = rnd.nextBoolean() ? 1 : -1;
    }
    Sample ref = manifold.sample(REFERENCE_POINTS, rnd.split());
    return new HolderTarget(beta, radius, c.values(), signs, manifold.ambient(), ref.values());
  }

  /** f at the point stored at {@code values[at .. at + ambient)}. */
  public double value(double[] values, int at) {
    return scale * (raw(values, at) - mean);
  }

  /** f at each row of {@code points} ({@code n × ambient}, row-major). */
  public double[] values(double[] points) {
    int n = points.length / ambient;
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = value(points, i * ambient);
    }
    return out;
  }

  /** An upper bound on {@code |f(x) − f(y)| / |x − y|^β} over all x, y (class comment). */
  public double holderConstant() {
    return scale * signs.length * Math.pow(2 / radius, beta);
  }

  public double beta() {
    return beta;
  }

  public int ambient() {
    return ambient;
  }

  /** The centre of bump {@code k}, a point of the manifold. */
  double[] centre(int k) {
    double[] c = new double[ambient];
    System.arraycopy(centres, k * ambient, c, 0, ambient);
    return c;
  }

  double radius() {
    return radius;
  }

  private double raw(double[] x, int at) {
    double r2 = radius * radius;
    double sum = 0;
    for (int k = 0; k < signs.length; k++) {
      double q = 0;
      int o = k * ambient;
      for (int c = 0; c < ambient; c++) {
        double diff = x[at + c] - centres[o + c];
        q += diff * diff;
      }
      if (q < r2) {
        double t = 1 - q / r2;
        sum += signs[k] * (beta == 1 ? t : Math.pow(t, beta));
      }
    }
    return sum;
  }
}
