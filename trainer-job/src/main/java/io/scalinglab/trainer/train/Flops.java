package io.scalinglab.trainer.train;

/**
 * The FLOP estimate behind model FLOPs utilization (MFU), as nanoGPT's {@code GPT.estimate_mfu}
 * makes it after the PaLM paper (Chowdhery et al. 2022, appendix B): {@code 6N} for the forward and
 * backward matmuls of N parameters, plus {@code 12 L H Q T} for attention's score and value matmuls
 * over a context of T.
 */
public final class Flops {
  private Flops() {}

  /**
   * Training FLOPs per token: {@code 6 * params + 12 * nLayer * nHead * headDim * block}.
   *
   * <p>nanoGPT passes {@code get_num_params()}, whose default {@code non_embedding=True} subtracts
   * only the position embedding: the token embedding stays in because, tied to the output head, it
   * costs a real matmul. For GPT-2 small that is 123,653,376, not the 85,056,000 that also leaves
   * out the token embedding (Kaplan et al.'s non-embedding count); with GPT-2's vocabulary and a
   * small body the head dominates the compute, so pass the count that includes it for a faithful
   * MFU.
   *
   * @param params the parameters that take part in matmuls per token
   * @throws IllegalArgumentException if any argument is negative
   */
  public static long perToken(long params, int nLayer, int nHead, int headDim, int block) {
    if (params < 0 || nLayer < 0 || nHead < 0 || headDim < 0 || block < 0) {
      throw new IllegalArgumentException(
          "parameter count and model dimensions must be 0 or more, got params="
              + params
              + ", nLayer="
              + nLayer
              + ", nHead="
              + nHead
              + ", headDim="
              + headDim
              + ", block="
              + block);
    }
    return Math.addExact(
        Math.multiplyExact(6L, params), 12L * nLayer * nHead * (long) headDim * block);
  }

  /**
   * The fraction of {@code peakFlops} achieved: {@code tokensPerSecond * flopsPerToken /
   * peakFlops}, what nanoGPT's {@code estimate_mfu} computes per iteration (it uses the A100's
   * bfloat16 peak, 312e12).
   *
   * @param peakFlops the hardware's peak FLOP/s for the precision trained in, positive
   * @throws IllegalArgumentException if {@code peakFlops} is not positive and finite, or a rate or
   *     count is negative
   */
  public static double mfu(double tokensPerSecond, long flopsPerToken, double peakFlops) {
    if (!(peakFlops > 0) || Double.isInfinite(peakFlops)) {
      throw new IllegalArgumentException(
          "'" + peakFlops + "' in peakFlops is invalid: must be a positive finite number");
    }
    if (!(tokensPerSecond >= 0) || flopsPerToken < 0) {
      throw new IllegalArgumentException(
          "tokensPerSecond and flopsPerToken must be 0 or more, got "
              + tokensPerSecond
              + " and "
              + flopsPerToken);
    }
    return tokensPerSecond * flopsPerToken / peakFlops;
  }
}
