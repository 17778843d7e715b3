package io.scalinglab.analysis.fit;

import io.scalinglab.core.stats.Quantiles;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The nonparametric bootstrap (Efron 1979): resamples of the points drawn with replacement from a
 * seeded {@link SplittableRandom}, and percentile intervals of what is computed on each.
 */
final class Bootstrap {
  private Bootstrap() {}

  /**
   * {@code count} resamples of the indices {@code 0 … n−1}, each of size {@code n}. Drawn in order
   * from one generator, so the same seed gives the same resamples however they are used later.
   */
  static int[][] resamples(int n, int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[][] out = new int[count][n];
    for (int[] r : out) {
      for (int i = 0; i < n; i++) {
        r[i] = random.nextInt(n);
      }
    }
    return out;
  }

  /** An estimate with the percentile interval and standard deviation of {@code samples}. */
  static Estimate estimate(String name, double value, double[] samples, double level) {
    if (samples.length < 2) {
      return new Estimate(name, value, Double.NaN, Double.NaN, Double.NaN);
    }
    double[] s = samples.clone();
    Arrays.sort(s);
    double mean = Arrays.stream(s).average().orElseThrow();
    double ss = 0;
    for (double v : s) {
      ss += (v - mean) * (v - mean);
    }
    return new Estimate(
        name,
        value,
        Quantiles.linear(s, (1 - level) / 2),
        Quantiles.linear(s, 1 - (1 - level) / 2),
        Math.sqrt(ss / (s.length - 1)));
  }
}
