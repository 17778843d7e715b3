package io.scalinglab.analysis.fit;

import java.util.Optional;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The classical inference of the least-squares line log L = a + b·log x: Student-t intervals of
 * slope and intercept and the confidence band of the line, with n − 2 degrees of freedom.
 *
 * <p>With Gaussian noise of any σ in log space these intervals are exact at every n ≥ 3 (e.g. Seber
 * and Lee, "Linear Regression Analysis", 2nd ed., Sec. 5.1): (b̂ − b)/se(b̂) follows Student's t
 * with n − 2 degrees of freedom, se(b̂) = s/√Sxx, s² = RSS/(n − 2). The t quantile comes from
 * Apache Commons Math ({@code TDistribution}); {@code tquantile_scipy.py} under the tests'
 * reference folder checks it against SciPy.
 *
 * @param n the number of points
 * @param meanU the mean of u = log x
 * @param sxx Σ(u − ū)²
 * @param s the residual standard deviation √(RSS/(n − 2))
 * @param t the two-sided quantile t_{n−2, 1−(1−level)/2}
 * @param level the two-sided level
 */
public record LineInference(int n, double meanU, double sxx, double s, double t, double level) {

  /** The quantile t_{dof}(q) of Student's t distribution. */
  public static double quantile(int dof, double q) {
    return new TDistribution(null, dof).inverseCumulativeProbability(q);
  }

  /**
   * The inference of the line [C, α] fitted to {@code (u, v)}, or empty with fewer than 3 points
   * (no residual degree of freedom).
   */
  static Optional<LineInference> of(double[] u, double[] v, double[] fit, double level) {
    int n = u.length;
    if (n < 3) {
      return Optional.empty();
    }
    double mu = 0;
    for (double x : u) {
      mu += x / n;
    }
    double sxx = 0;
    double rss = 0;
    double a = Math.log(fit[0]);
    for (int i = 0; i < n; i++) {
      sxx += (u[i] - mu) * (u[i] - mu);
      double e = v[i] - a + fit[1] * u[i];
      rss += e * e;
    }
    double s = Math.sqrt(rss / (n - 2));
    return Optional.of(
        new LineInference(n, mu, sxx, s, quantile(n - 2, 1 - (1 - level) / 2), level));
  }

  /** The standard error of the slope, s/√Sxx (that of α, whose sign is flipped). */
  public double slopeError() {
    return s / Math.sqrt(sxx);
  }

  /** The standard error of the intercept log C, s·√(1/n + ū²/Sxx). */
  public double interceptError() {
    return s * Math.sqrt(1.0 / n + meanU * meanU / sxx);
  }

  /** The estimates of C and α with their t intervals, for the fit {@code [C, α]}. */
  Estimate[] estimates(double[] fit) {
    double a = Math.log(fit[0]);
    double ea = interceptError();
    double eb = slopeError();
    return new Estimate[] {
      // exp is increasing, so the interval of log C maps to that of C; its se by the delta method
      new Estimate("C", fit[0], Math.exp(a - t * ea), Math.exp(a + t * ea), fit[0] * ea),
      new Estimate("alpha", fit[1], fit[1] - t * eb, fit[1] + t * eb, eb)
    };
  }

  /**
   * The pointwise confidence band of the fitted law at {@code x}: exp(â − b̂·u ± t·s·√(1/n + (u −
   * ū)²/Sxx)), u = log x.
   */
  double[] band(double[] fit, double x) {
    double u = Math.log(x);
    double centre = Math.log(fit[0]) - fit[1] * u;
    double half = t * s * Math.sqrt(1.0 / n + (u - meanU) * (u - meanU) / sxx);
    return new double[] {Math.exp(centre - half), Math.exp(centre + half)};
  }
}
