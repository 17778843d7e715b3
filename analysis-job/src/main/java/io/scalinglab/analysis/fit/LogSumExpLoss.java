package io.scalinglab.analysis.fit;

/**
 * The objective of the offset and Chinchilla fits: Σᵢ Huber_δ(log L̂ᵢ − log Lᵢ) over a set of rows,
 * with the prediction written, as Hoffmann et al. (2022) and Epoch AI do, as a log-sum-exp
 *
 * <pre>
 * log L̂ᵢ = LSE(a₁ − α₁·log x₁ᵢ, …, a_m − α_m·log x_mᵢ, e)
 * </pre>
 *
 * so that L̂ = exp(e) + Σⱼ exp(aⱼ)·xⱼ^(−αⱼ) stays positive and the terms never overflow. The
 * parameter vector is {@code [a₁ … a_m, e, α₁ … α_m]} ({@code [a, b, e, α, β]} for Chinchilla, the
 * order of Epoch AI's code). Rows are given as indices, repeats allowed, so a bootstrap resample is
 * a new index array over the same data.
 */
final class LogSumExpLoss implements DifferentiableFunction {
  private final double[][] logX; // [term][row]
  private final double[] logY;
  private final int[] rows;
  private final double delta;
  private final int m;

  LogSumExpLoss(double[][] logX, double[] logY, int[] rows, double delta) {
    this.logX = logX;
    this.logY = logY;
    this.rows = rows;
    this.delta = delta;
    this.m = logX.length;
  }

  /** The number of parameters for {@code terms} power-law terms: 2·terms + 1. */
  static int parameters(int terms) {
    return 2 * terms + 1;
  }

  @Override
  public double valueAndGradient(double[] p, double[] grad) {
    java.util.Arrays.fill(grad, 0);
    double[] t = new double[m + 1];
    double total = 0;
    for (int row : rows) {
      double max = p[m];
      t[m] = p[m];
      for (int j = 0; j < m; j++) {
        t[j] = p[j] - p[m + 1 + j] * logX[j][row];
        max = Math.max(max, t[j]);
      }
      double sum = 0;
      for (int j = 0; j <= m; j++) {
        t[j] = Math.exp(t[j] - max);
        sum += t[j];
      }
      double r = max + Math.log(sum) - logY[row];
      total += Huber.value(r, delta);
      double dr = Huber.derivative(r, delta) / sum;
      for (int j = 0; j < m; j++) {
        double w = dr * t[j];
        grad[j] += w;
        grad[m + 1 + j] -= w * logX[j][row];
      }
      grad[m] += dr * t[m];
    }
    return total;
  }

  /** The prediction L̂ at one point {@code x} (natural units) for parameters {@code p}. */
  static double predict(double[] p, double[] x) {
    int m = x.length;
    double l = Math.exp(p[m]);
    for (int j = 0; j < m; j++) {
      l += Math.exp(p[j] - p[m + 1 + j] * Math.log(x[j]));
    }
    return l;
  }
}
