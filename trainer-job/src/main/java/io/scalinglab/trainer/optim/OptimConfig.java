package io.scalinglab.trainer.optim;

/**
 * The optimizer and learning-rate settings of one run, named as in nanoGPT's {@code train.py}
 * ({@code learning_rate}, {@code min_lr}, {@code warmup_iters}, {@code lr_decay_iters}, {@code
 * beta1}, {@code beta2}, {@code weight_decay}, {@code grad_clip}) plus AdamW's {@code eps}, which
 * nanoGPT leaves at PyTorch's default 1e-8.
 *
 * @param lr the peak learning rate, reached at the end of warm-up
 * @param minLr the learning rate after the cosine decay, at most {@code lr}
 * @param warmupSteps steps of linear warm-up; 0 for none
 * @param decaySteps the step at which the cosine decay reaches {@code minLr}; greater than {@code
 *     warmupSteps}
 * @param beta1 AdamW's first-moment decay, in [0, 1)
 * @param beta2 AdamW's second-moment decay, in [0, 1)
 * @param eps AdamW's denominator term, positive
 * @param weightDecay decoupled weight decay on matrices, 0 for none
 * @param gradClip the global gradient norm to clip to; 0 turns clipping off, as in nanoGPT
 */
public record OptimConfig(
    double lr,
    double minLr,
    int warmupSteps,
    int decaySteps,
    double beta1,
    double beta2,
    double eps,
    double weightDecay,
    double gradClip) {

  /**
   * Checks every range.
   *
   * @throws IllegalArgumentException naming the field, its value and what is allowed
   */
  public OptimConfig {
    check(Double.isFinite(lr) && lr > 0, lr, "lr", "must be a positive finite number");
    check(
        Double.isFinite(minLr) && minLr >= 0 && minLr <= lr,
        minLr,
        "minLr",
        "must be in [0, lr = " + lr + "]");
    check(warmupSteps >= 0, warmupSteps, "warmupSteps", "must be 0 or more");
    check(
        decaySteps > warmupSteps,
        decaySteps,
        "decaySteps",
        "must be greater than warmupSteps = "
            + warmupSteps
            + " (for a constant rate after warm-up, set minLr equal to lr)");
    check(beta1 >= 0 && beta1 < 1, beta1, "beta1", "must be in [0, 1)");
    check(beta2 >= 0 && beta2 < 1, beta2, "beta2", "must be in [0, 1)");
    check(Double.isFinite(eps) && eps > 0, eps, "eps", "must be a positive finite number");
    check(
        Double.isFinite(weightDecay) && weightDecay >= 0,
        weightDecay,
        "weightDecay",
        "must be 0 or a positive finite number");
    check(
        Double.isFinite(gradClip) && gradClip >= 0,
        gradClip,
        "gradClip",
        "must be 0 (off) or a positive finite number");
  }

  /**
   * nanoGPT's defaults for GPT-2 small on OpenWebText ({@code config/train_gpt2.py} over {@code
   * train.py}): lr 6e-4 to 6e-5, 2000 warm-up steps, decay over 600,000 steps, betas (0.9, 0.95),
   * eps 1e-8, weight decay 0.1, clip 1.0.
   */
  public static OptimConfig nanoGptDefaults() {
    return new OptimConfig(6e-4, 6e-5, 2000, 600_000, 0.9, 0.95, 1e-8, 0.1, 1.0);
  }

  /** The optimizer keys of a run's {@code train} section. */
  public static OptimConfig of(io.scalinglab.core.config.TrainSettings t) {
    return new OptimConfig(
        t.lr(),
        t.minLr(),
        t.warmupSteps(),
        t.decaySteps(),
        t.beta1(),
        t.beta2(),
        t.eps(),
        t.weightDecay(),
        t.gradClip());
  }

  private static void check(boolean ok, Object value, String field, String allowed) {
    if (!ok) {
      throw new IllegalArgumentException("'" + value + "' in " + field + " is invalid: " + allowed);
    }
  }
}
