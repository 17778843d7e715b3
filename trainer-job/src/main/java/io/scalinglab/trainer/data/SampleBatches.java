package io.scalinglab.trainer.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Minibatches of a fixed training set of n samples, epoch by epoch: each epoch visits every sample
 * once in an order shuffled by (seed, epoch), and batches run on across epoch ends. Which samples
 * form a batch is a function of (seed, step, micro-batch) alone, so a run resumed from a checkpoint
 * sees the same batches as one that never stopped.
 */
public final class SampleBatches {
  private final int n;
  private final long seed;
  private long cachedEpoch = -1;
  private int[] order;

  public SampleBatches(int n, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("'" + n + "' in n is invalid: must be 1 or more");
    }
    this.n = n;
    this.seed = seed;
  }

  /**
   * The sample indices of micro-batch {@code micro} of optimizer step {@code step}.
   *
   * @param perStep micro-batches per step (gradient accumulation)
   * @param size samples per micro-batch
   */
  public int[] batch(int step, int micro, int perStep, int size) {
    int[] out = new int[size];
    long first = ((long) step * perStep + micro) * size;
    for (int b = 0; b < size; b++) {
      long g = first + b;
      out[b] = order(g / n)[(int) (g % n)];
    }
    return out;
  }

  /** The shuffled order of {@code epoch}: a Fisher–Yates shuffle from a stream of (seed, epoch). */
  private int[] order(long epoch) {
    if (epoch != cachedEpoch) {
      SplittableRandom rnd = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1)));
      order = shuffledPrefix(rnd, n, n);
      cachedEpoch = epoch;
    }
    return order;
  }

  /** {@code k} distinct positions of {@code [0, n)} in random order (all of them if k ≥ n). */
  public static int[] shuffledPrefix(SplittableRandom rnd, int n, int k) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return Arrays.copyOf(p, Math.min(k, n));
  }
}
