package io.scalinglab.trainer.train;

import java.util.List;

/**
 * Where a run's validation loss stood when it ended, read from its evaluation history: still {@code
 * improving}, {@code converged} (it stopped improving and ended at its best) or {@code overfitting}
 * (it stopped improving and ended worse than its best). A data-scaling axis measures the
 * data-limited loss only with runs that are not improving; a model-scaling axis measures capacity
 * only with converged runs (../shared/PAPER.md, "What makes a measurement valid").
 *
 * <p>Over the history v_1 … v_n, with {@code patience} P ≥ 1 and {@code minDelta} δ ≥ 0: the
 * history has <em>plateaued</em> when n > P and min(v_{n−P+1} … v_n) ≥ min(v_1 … v_{n−P}) − δ, i.e.
 * the last P evaluations did not improve the best loss by more than δ. Then the run is {@code
 * converged} if v_n ≤ min(v_1 … v_n) + δ and {@code overfitting} otherwise; a history that has not
 * plateaued (including one of P or fewer evaluations, too short to tell) is {@code improving}. The
 * windows are compared rather than small steps counted, so a steady decline of less than δ per
 * evaluation still counts as improving. A non-finite loss counts as worse than any finite one.
 * {@code train.stop = converged} stops a run at the first evaluation after which the history has
 * plateaued.
 */
public enum Regime {
  /** The best validation loss still improved by more than min-delta in the last evaluations. */
  IMPROVING("improving"),
  /** Plateaued, and the last evaluation is within min-delta of the best. */
  CONVERGED("converged"),
  /** Plateaued, and the last evaluation is worse than the best by more than min-delta. */
  OVERFITTING("overfitting");

  private final String key;

  Regime(String key) {
    this.key = key;
  }

  /** The name results.csv and result.json use. */
  public String key() {
    return key;
  }

  /** The regime spelled {@code key}; fails naming the allowed ones. */
  public static Regime parse(String key) {
    for (Regime r : values()) {
      if (r.key.equals(key)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "'" + key + "' is not a regime: converged, improving or overfitting");
  }

  /** The regime of the validation history {@code losses} (one per evaluation, in order). */
  public static Regime of(double[] losses, int patience, double minDelta) {
    if (!plateaued(losses, patience, minDelta)) {
      return IMPROVING;
    }
    double best = Double.POSITIVE_INFINITY;
    for (double v : losses) {
      best = Math.min(best, finite(v));
    }
    return finite(losses[losses.length - 1]) <= best + minDelta ? CONVERGED : OVERFITTING;
  }

  /**
   * Whether the last {@code patience} evaluations of {@code losses} failed to improve the best of
   * the earlier ones by more than {@code minDelta}; false while there are {@code patience} or
   * fewer.
   */
  public static boolean plateaued(double[] losses, int patience, double minDelta) {
    if (patience < 1) {
      throw new IllegalArgumentException("'" + patience + "' in patience is invalid: must be >= 1");
    }
    if (!(minDelta >= 0)) {
      throw new IllegalArgumentException("'" + minDelta + "' in minDelta is invalid: must be >= 0");
    }
    int n = losses.length;
    if (n <= patience) {
      return false;
    }
    double earlier = Double.POSITIVE_INFINITY;
    for (int i = 0; i < n - patience; i++) {
      earlier = Math.min(earlier, finite(losses[i]));
    }
    double recent = Double.POSITIVE_INFINITY;
    for (int i = n - patience; i < n; i++) {
      recent = Math.min(recent, finite(losses[i]));
    }
    if (earlier == Double.POSITIVE_INFINITY) {
      return false; // nothing finite to compare with: a finite loss improves, none tells nothing
    }
    return recent >= earlier - minDelta;
  }

  /** The losses of {@code evals}, each {step, loss}, as a plain array. */
  static double[] losses(List<double[]> evals) {
    double[] v = new double[evals.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = evals.get(i)[1];
    }
    return v;
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : Double.POSITIVE_INFINITY;
  }
}
