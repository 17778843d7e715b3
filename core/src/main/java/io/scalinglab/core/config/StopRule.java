package io.scalinglab.core.config;

/**
 * When a run stops training; see {@code train.stop} in reference.conf. {@code steps} trains every
 * step up to {@code train.max-steps} (a fixed budget: what a model-scaling axis at equal compute
 * wants); {@code converged} stops once the validation loss has stopped improving ({@code
 * train.patience} evaluations without a gain above {@code train.min-delta}), {@code
 * train.max-steps} being the cap (early stopping: what a data-scaling axis needs to measure the
 * data-limited loss).
 */
public enum StopRule implements KeyedEnum {
  /** Train for {@code train.max-steps} steps. */
  STEPS("steps"),
  /** Train until the validation loss plateaus, at most {@code train.max-steps} steps. */
  CONVERGED("converged");

  private final String key;

  StopRule(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }
}
