package io.scalinglab.id.estimate;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.stats.Quantiles;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Percentile bootstrap confidence intervals (Efron and Tibshirani, <i>An Introduction to the
 * Bootstrap</i>, 1993, ch. 13): the statistic is recomputed on {@code resamples} samples of the
 * points drawn with replacement, and the interval is the pair of quantiles that leaves {@code (1 −
 * confidence)/2} of the resampled values on each side.
 *
 * <p>What is resampled is each point's contribution (its pointwise MLE, its TwoNN ratio), not the
 * coordinates: a resample with repeated points would give zero neighbour distances, and recomputing
 * the neighbours 200 times would cost 200 searches. The interval therefore measures how much the
 * estimate depends on which points were drawn, given their neighbourhoods. Seeded: resample {@code
 * r} uses the {@code r}-th split of a {@link SplittableRandom} made from {@code seed}, so the
 * interval is the same on every run.
 */
public final class Bootstrap {
  private Bootstrap() {}

  /**
   * A confidence interval.
   *
   * @param low lower end
   * @param high upper end
   * @param confidence the level, e.g. 0.95
   * @param resamples how many resamples it came from
   * @param seed the seed they were drawn with
   */
  public record Interval(double low, double high, double confidence, int resamples, long seed) {}

  /**
   * The percentile interval of {@code statistic} over resamples of {@code n} points; the statistic
   * gets the indices drawn (with repeats).
   */
  public static Interval percentile(
      int n, int resamples, double confidence, long seed, ToDoubleFunction<int[]> statistic) {
    requireNonNull(statistic, "statistic");
    if (n < 1 || resamples < 1 || !(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException(
          "n " + n + ", resamples " + resamples + ", confidence " + confidence);
    }
    SplittableRandom root = new SplittableRandom(seed);
    double[] values = new double[resamples];
    int[] draw = new int[n];
    for (int r = 0; r < resamples; r++) {
      SplittableRandom rnd = root.split();
      for (int i = 0; i < n; i++) {
        draw[i] = rnd.nextInt(n);
      }
      values[r] = statistic.applyAsDouble(draw);
    }
    Arrays.sort(values);
    double alpha = (1 - confidence) / 2;
    return new Interval(
        Quantiles.linear(values, alpha),
        Quantiles.linear(values, 1 - alpha),
        confidence,
        resamples,
        seed);
  }

  /** The MLE combined over a resample of pointwise estimates. */
  public static ToDoubleFunction<int[]> mle(
      double[] pointwise, io.scalinglab.core.config.IdConfig.Combine combine) {
    return draw -> {
      double[] sample = new double[draw.length];
      for (int i = 0; i < draw.length; i++) {
        sample[i] = pointwise[draw[i]];
      }
      return Mle.combine(sample, combine);
    };
  }

  /** TwoNN refitted on a resample of the ratios {@code μ = r₂/r₁}. */
  public static ToDoubleFunction<int[]> twoNn(double[] mu, double discard) {
    return draw -> {
      double[] sample = new double[draw.length];
      for (int i = 0; i < draw.length; i++) {
        sample[i] = mu[draw[i]];
      }
      return TwoNn.fromRatios(sample, discard);
    };
  }
}
