package io.scalinglab.trainer.model;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * nanoGPT's dropout masks, drawn so that a run replays: the masks of a training step are a function
 * of one seed ({@link #seed}: the run's seed, the step, the micro-batch), the place in the model
 * and the window's index in the batch, never of the order in which they are drawn. So both engines
 * draw the same masks, a run resumed from a checkpoint draws the masks the uninterrupted run drew,
 * and a batch cut into shards on several threads draws the masks of the whole batch.
 *
 * <p>The places are nanoGPT's: after the token plus position embedding ({@link #EMBEDDING}), and in
 * every block on the attention probabilities ({@link #attention}) and on the attention's and the
 * MLP's residual branch after their output projections ({@link #attentionResidual}, {@link
 * #mlpResidual}). A mask element is 0 with probability p, else 1/(1 − p) (inverted dropout, as
 * PyTorch's), so that the expected output is the input.
 */
public final class Dropout {
  /** The place after the embeddings. */
  static final int EMBEDDING = 0;

  /** Mixed into the run's seed, so that dropout draws a stream of its own. */
  private static final long SALT = 0x64726f706f7574L; // "dropout"

  private Dropout() {}

  /** The attention probabilities of block {@code layer}. */
  static int attention(int layer) {
    return 1 + 3 * layer;
  }

  /** The attention's residual branch of block {@code layer}, after its output projection. */
  static int attentionResidual(int layer) {
    return 2 + 3 * layer;
  }

  /** The MLP's residual branch of block {@code layer}, after its output projection. */
  static int mlpResidual(int layer) {
    return 3 + 3 * layer;
  }

  /**
   * The seed of the masks of micro-batch {@code micro} of optimizer step {@code step} in a run
   * seeded {@code runSeed}: what the training loop passes to {@link
   * LanguageModel#lossAndGradients(int[], int[], long)}.
   */
  public static long seed(long runSeed, int step, int micro) {
    return mix(mix(mix(runSeed ^ SALT) + step) + micro);
  }

  /**
   * Fills {@code mask}, the mask of {@code place} for windows {@code firstWindow}, {@code
   * firstWindow + 1}, … of the batch, each {@code perWindow} consecutive elements: 0 with
   * probability {@code p}, else 1/(1 − p), in the array's data type (FLOAT or DOUBLE; dense,
   * row-major).
   */
  static void fill(INDArray mask, double p, long seed, int place, int firstWindow, int perWindow) {
    int windows = Math.toIntExact(mask.length() / perWindow);
    if ((long) windows * perWindow != mask.length() || mask.offset() != 0) {
      throw new IllegalArgumentException(
          "a mask of " + mask.length() + " elements is not whole windows of " + perWindow);
    }
    // Element dropped when 32 random bits, unsigned, fall below p·2³².
    long threshold = Math.round(p * 0x1p32);
    double scale = 1 / (1 - p);
    boolean isFloat = mask.dataType() == DataType.FLOAT;
    FloatBuffer f = isFloat ? mask.data().asNioFloat() : null;
    DoubleBuffer d = isFloat ? null : mask.data().asNioDouble();
    float scaleF = (float) scale;
    for (int w = 0; w < windows; w++) {
      SplittableRandom r = new SplittableRandom(mix(mix(seed + place) + firstWindow + w));
      int base = w * perWindow;
      long bits = 0;
      for (int j = 0; j < perWindow; j++) {
        if ((j & 1) == 0) {
          bits = r.nextLong();
        }
        boolean keep = ((j & 1) == 0 ? bits >>> 32 : bits & 0xffffffffL) >= threshold;
        if (isFloat) {
          f.put(base + j, keep ? scaleF : 0f);
        } else {
          d.put(base + j, keep ? scale : 0.0);
        }
      }
    }
  }

  /**
   * Stafford's mix 13, the finaliser of {@link SplittableRandom}: seeds that differ a little mix.
   */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
