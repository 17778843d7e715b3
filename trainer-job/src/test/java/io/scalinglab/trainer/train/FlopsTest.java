package io.scalinglab.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * nanoGPT's {@code estimate_mfu} arithmetic for GPT-2 small (12 layers, 12 heads of 64, T 1024).
 */
class FlopsTest {
  /** 12 * L * H * Q * T = 12 * 12 * 12 * 64 * 1024. */
  private static final long ATTENTION = 113_246_208L;

  @Test
  void gpt2SmallWithTheNonEmbeddingCount() {
    // 6 * 85,056,000 = 510,336,000, plus attention.
    assertEquals(510_336_000L + ATTENTION, Flops.perToken(85_056_000L, 12, 12, 64, 1024));
  }

  @Test
  void gpt2SmallWithNanoGptsCount() {
    // get_num_params() = 124,439,808 - 1024 * 768 (wpe) = 123,653,376; 6N = 741,920,256.
    assertEquals(741_920_256L + ATTENTION, Flops.perToken(123_653_376L, 12, 12, 64, 1024));
  }

  @Test
  void mfuIsAchievedOverPeak() {
    long perToken = Flops.perToken(123_653_376L, 12, 12, 64, 1024); // 855,166,464
    // 100,000 tokens/s * 855,166,464 = 8.55166464e13 over the A100's 312e12: 0.27409181538...
    assertEquals(8.55166464e13 / 312e12, Flops.mfu(100_000, perToken, 312e12), 1e-15);
    assertEquals(0.0, Flops.mfu(0, perToken, 312e12));
  }

  @Test
  void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Flops.mfu(1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> Flops.mfu(-1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> Flops.perToken(-1, 1, 1, 1, 1));
  }
}
