package io.scalinglab.analysis.fit;

/**
 * The Huber loss (Huber 1964): r²/2 for |r| ≤ δ, δ(|r| − δ/2) beyond, as SciPy's {@code
 * scipy.special.huber(delta, r)} defines it. Quadratic near zero and linear in the tails, so a few
 * outlying points do not pull a fit; with δ = 10⁻³ on log-loss residuals it is close to the
 * absolute error.
 */
final class Huber {
  private Huber() {}

  static double value(double r, double delta) {
    double a = Math.abs(r);
    return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
  }

  /** The derivative: r clipped to [−δ, δ]. */
  static double derivative(double r, double delta) {
    return Math.max(-delta, Math.min(delta, r));
  }
}
