package io.scalinglab.trainer.train;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Global-norm gradient clipping as {@code torch.nn.utils.clip_grad_norm_} does it (norm type 2),
 * which nanoGPT's {@code train.py} calls with {@code grad_clip} before each optimizer step.
 */
public final class GradClip {
  /**
   * The term torch adds to the norm before dividing ({@code clip_coef = max_norm / (total +
   * 1e-6)}).
   */
  static final double NORM_EPS = 1e-6;

  private GradClip() {}

  /**
   * Clips {@code grads} in place to a global L2 norm of {@code maxNorm} and returns the norm they
   * had before.
   *
   * <p>The total norm is {@code sqrt(sum over all grads of sum(g^2))}, accumulated in double across
   * arrays. If {@code maxNorm > 0} and {@code maxNorm / (total + 1e-6) < 1}, every gradient is
   * multiplied by that coefficient, as torch does; {@code maxNorm == 0} only measures (nanoGPT
   * skips clipping when {@code grad_clip == 0}). A NaN or infinite total is returned as it is and
   * the gradients are left alone: the caller treats it as divergence.
   *
   * @throws IllegalArgumentException if {@code maxNorm} is negative or not finite
   */
  public static double clipGlobalNorm(Map<String, INDArray> grads, double maxNorm) {
    requireNonNull(grads, "grads");
    if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
      throw new IllegalArgumentException(
          "'" + maxNorm + "' in maxNorm is invalid: must be 0 (off) or a positive finite number");
    }
    double sumSquares = 0;
    for (INDArray g : grads.values()) {
      double n = g.norm2Number().doubleValue();
      sumSquares += n * n;
    }
    double total = Math.sqrt(sumSquares);
    if (!Double.isFinite(total) || maxNorm == 0) {
      return total;
    }
    double coef = maxNorm / (total + NORM_EPS);
    if (coef < 1) {
      for (INDArray g : grads.values()) {
        g.muli(coef);
      }
    }
    return total;
  }
}
