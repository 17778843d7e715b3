package io.scalinglab.analysis.fit;

import io.scalinglab.core.config.IntervalMethod;
import java.util.Objects;

/**
 * How a fit is made beyond its form.
 *
 * @param interval how the power law's intervals are made: Student t (exact under Gaussian noise in
 *     log space) or the percentile bootstrap over points; the offset and Chinchilla forms always
 *     use the parametric bootstrap (Gaussian noise in log space around the fitted law)
 * @param resamples bootstrap resamples; 0 gives bootstrap intervals none
 * @param level two-sided level of the intervals, in (0, 1)
 * @param seed seed of the resampling: the same seed and data give the same intervals
 * @param huberDelta Huber threshold of the offset and Chinchilla fits (10⁻³ in Hoffmann et al.)
 * @param holdout largest points to hold out and predict; 0 for none
 */
public record FitOptions(
    IntervalMethod interval,
    int resamples,
    double level,
    long seed,
    double huberDelta,
    int holdout) {
  public FitOptions {
    Objects.requireNonNull(interval, "interval");
    if (resamples < 0 || !(level > 0 && level < 1) || !(huberDelta > 0) || holdout < 0) {
      throw new IllegalArgumentException(
          "invalid fit options: resamples >= 0, level in (0, 1), huberDelta > 0, holdout >= 0;"
              + " got "
              + resamples
              + ", "
              + level
              + ", "
              + huberDelta
              + ", "
              + holdout);
    }
  }

  /** t intervals for power laws, 1,000 resamples, 95 % intervals, Huber δ = 10⁻³, one held out. */
  public static FitOptions defaults(long seed) {
    return new FitOptions(IntervalMethod.T, 1000, 0.95, seed, 1e-3, 1);
  }

  /** These options with another resample count. */
  public FitOptions withResamples(int n) {
    return new FitOptions(interval, n, level, seed, huberDelta, holdout);
  }

  /** These options with another holdout. */
  public FitOptions withHoldout(int k) {
    return new FitOptions(interval, resamples, level, seed, huberDelta, k);
  }

  /** These options with another interval method for power laws. */
  public FitOptions withInterval(IntervalMethod m) {
    return new FitOptions(m, resamples, level, seed, huberDelta, holdout);
  }

  /** These options with another seed. */
  public FitOptions withSeed(long s) {
    return new FitOptions(interval, resamples, level, s, huberDelta, holdout);
  }
}
