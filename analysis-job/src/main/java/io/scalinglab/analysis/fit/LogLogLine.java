package io.scalinglab.analysis.fit;

import java.util.Optional;

/**
 * Ordinary least squares of log L on log x: the line log L = log C − α·log x, which is the power
 * law L = C·x^(−α).
 */
final class LogLogLine {
  private LogLogLine() {}

  /**
   * The power law [C, α] through the rows {@code rows} (repeats allowed) of {@code (u, v) = (log x,
   * log L)}; empty when the rows hold a single distinct x.
   */
  static Optional<double[]> fit(double[] u, double[] v, int[] rows) {
    double mu = 0;
    double mv = 0;
    for (int r : rows) {
      mu += u[r];
      mv += v[r];
    }
    mu /= rows.length;
    mv /= rows.length;
    double sxx = 0;
    double sxy = 0;
    for (int r : rows) {
      sxx += (u[r] - mu) * (u[r] - mu);
      sxy += (u[r] - mu) * (v[r] - mv);
    }
    if (!(sxx > 1e-24 * rows.length)) {
      return Optional.empty();
    }
    double slope = sxy / sxx;
    return Optional.of(new double[] {Math.exp(mv - slope * mu), -slope});
  }
}
