package io.scalinglab.analysis.fit;

/**
 * How a fit is made beyond its form.
 *
 * @param resamples bootstrap resamples; 0 gives point estimates only
 * @param level two-sided level of the percentile intervals, in (0, 1)
 * @param seed seed of the resampling: the same seed and data give the same intervals
 * @param huberDelta Huber threshold of the offset and Chinchilla fits (10⁻³ in Hoffmann et al.)
 * @param holdout largest points to hold out and predict; 0 for none
 */
public record FitOptions(int resamples, double level, long seed, double huberDelta, int holdout) {
  public FitOptions {
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

  /** 1,000 resamples, 95 % intervals, Huber δ = 10⁻³, one point held out. */
  public static FitOptions defaults(long seed) {
    return new FitOptions(1000, 0.95, seed, 1e-3, 1);
  }

  /** These options with another resample count. */
  public FitOptions withResamples(int n) {
    return new FitOptions(n, level, seed, huberDelta, holdout);
  }

  /** These options with another holdout. */
  public FitOptions withHoldout(int k) {
    return new FitOptions(resamples, level, seed, huberDelta, k);
  }
}
