package io.scalinglab.trainer.optim;

import static java.util.Objects.requireNonNull;

/**
 * nanoGPT's learning-rate schedule ({@code get_lr} in {@code train.py}): linear warm-up, then a
 * cosine decay from {@code lr} to {@code minLr} over {@code [warmupSteps, decaySteps]}, then {@code
 * minLr}.
 */
public final class LrSchedule {
  private LrSchedule() {}

  /**
   * The learning rate at 0-based step {@code step}, exactly as nanoGPT's {@code get_lr(it)}:
   *
   * <ul>
   *   <li>{@code step < warmupSteps}: {@code lr * (step + 1) / (warmupSteps + 1)};
   *   <li>{@code step > decaySteps}: {@code minLr};
   *   <li>otherwise, with {@code r = (step - warmupSteps) / (decaySteps - warmupSteps)}: {@code
   *       minLr + 0.5 * (1 + cos(pi * r)) * (lr - minLr)}.
   * </ul>
   *
   * @throws IllegalArgumentException if {@code step} is negative
   */
  public static double at(int step, OptimConfig c) {
    requireNonNull(c, "c");
    if (step < 0) {
      throw new IllegalArgumentException("'" + step + "' in step is invalid: must be 0 or more");
    }
    if (step < c.warmupSteps()) {
      return c.lr() * (step + 1) / (c.warmupSteps() + 1);
    }
    if (step > c.decaySteps()) {
      return c.minLr();
    }
    double ratio = (double) (step - c.warmupSteps()) / (c.decaySteps() - c.warmupSteps());
    double coeff = 0.5 * (1.0 + Math.cos(Math.PI * ratio));
    return c.minLr() + coeff * (c.lr() - c.minLr());
  }
}
