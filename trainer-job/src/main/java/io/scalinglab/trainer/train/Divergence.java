package io.scalinglab.trainer.train;

import java.util.Locale;
import java.util.Optional;

/**
 * The divergence check of a training step: a loss or gradient norm that is no longer finite stops
 * the run with a reason that says what to try (STYLE.md: a divergence message says what to try).
 */
public final class Divergence {
  private Divergence() {}

  /**
   * Why the run must stop after a step with training loss {@code loss} and gradient norm {@code
   * norm} at learning rate {@code lr}, or empty when both are finite.
   */
  public static Optional<String> check(double loss, double norm, int step, double lr) {
    if (Double.isFinite(loss) && Double.isFinite(norm)) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "%s became %s at step %d (lr %.3g): lower train.lr, raise train.warmup-steps,"
                + " or keep train.grad-clip at 1.0",
            Double.isFinite(loss) ? "the gradient norm" : "the training loss",
            Double.isFinite(loss) ? norm : loss,
            step,
            lr));
  }
}
