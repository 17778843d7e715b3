package io.scalinglab.trainer.data;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random windows of {@code block + 1} consecutive tokens from one split, batched as nanoGPT's
 * {@code get_batch} in {@code train.py} does: start offsets uniform in {@code [0, usable - block -
 * 1]}, inputs {@code x = tokens[i, i + block)} and targets {@code y = tokens[i + 1, i + block +
 * 1)}.
 *
 * <p>Unlike nanoGPT, which draws from torch's global generator, each batch comes from a {@link
 * SplittableRandom} seeded by mixing {@code (seed, step, microStep)}: the same arguments always
 * give the same batch, so a run resumed at step k sees the batches the uninterrupted run would have
 * seen without any generator state in the checkpoint. Only the first {@code usableTokens} tokens
 * are drawn from, so a data-size subset is a prefix of the split. Instances are immutable and
 * thread-safe; the tokens are shared, not copied.
 *
 * <p>Start offsets are {@code long}, as OpenWebText's 9e9 tokens need, but a prefix of fewer than
 * {@code 2^31 + block} tokens draws them with {@link SplittableRandom#nextInt(int)}, exactly as
 * when the tokens were an {@code int[]}: runs resumed from older checkpoints, and trajectories
 * compared across versions, see the same batches. Only larger prefixes use {@link
 * SplittableRandom#nextLong(long)}.
 */
public final class TokenWindows {
  /** Odd 64-bit constant of {@link SplittableRandom}'s gamma (the golden ratio), to spread keys. */
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  /** Tags that keep the training and the fixed-batch streams apart for equal seeds. */
  private static final long TRAIN_STREAM = 1;

  private static final long FIXED_STREAM = 2;

  private final TokenSource tokens;
  private final long usable;
  private final int block;
  private final long seed;

  /**
   * Windows over {@code tokens[0, usableTokens)}.
   *
   * @param tokens the split's tokens (uint16 values held as int)
   * @param usableTokens how many leading tokens to use, at most {@code tokens.length}
   * @param block the context length, positive
   * @param seed the run's data seed
   * @throws IllegalArgumentException if {@code block < 1}, {@code usableTokens > tokens.length}, or
   *     {@code usableTokens <= block} (no window of {@code block + 1} tokens fits)
   */
  public TokenWindows(int[] tokens, long usableTokens, int block, long seed) {
    this(TokenSource.of(tokens), usableTokens, block, seed);
  }

  /**
   * Windows over the first {@code usableTokens} tokens of {@code tokens}.
   *
   * @param tokens the split's tokens
   * @param usableTokens how many leading tokens to use, at most {@code tokens.length()}
   * @param block the context length, positive
   * @param seed the run's data seed
   * @throws IllegalArgumentException if {@code block < 1}, {@code usableTokens > tokens.length()},
   *     or {@code usableTokens <= block} (no window of {@code block + 1} tokens fits)
   */
  public TokenWindows(TokenSource tokens, long usableTokens, int block, long seed) {
    requireNonNull(tokens, "tokens");
    if (block < 1) {
      throw new IllegalArgumentException("'" + block + "' in block is invalid: must be positive");
    }
    if (usableTokens > tokens.length()) {
      throw new IllegalArgumentException(
          "'"
              + usableTokens
              + "' in usableTokens is invalid: the split has only "
              + tokens.length()
              + " tokens");
    }
    if (usableTokens <= block) {
      throw new IllegalArgumentException(
          "'"
              + usableTokens
              + "' in usableTokens is invalid: a window needs block + 1 = "
              + ((long) block + 1)
              + " tokens. Use more data or a shorter block");
    }
    this.tokens = tokens;
    this.usable = usableTokens;
    this.block = block;
    this.seed = seed;
  }

  /** A batch: {@code batchSize} rows of {@code block} tokens, row-major. */
  public record Batch(int[] x, int[] y, int batchSize, int block) {
    /** Checks that {@code x} and {@code y} each hold {@code batchSize * block} tokens. */
    public Batch {
      requireNonNull(x, "x");
      requireNonNull(y, "y");
      if (batchSize < 1 || block < 1 || x.length != batchSize * block || y.length != x.length) {
        throw new IllegalArgumentException(
            "x and y must hold batchSize * block = "
                + batchSize
                + " * "
                + block
                + " tokens, got "
                + x.length
                + " and "
                + y.length);
      }
    }
  }

  /**
   * The training batch of micro-step {@code microStep} of optimizer step {@code step}: the same for
   * the same arguments, whatever was drawn before.
   *
   * @throws IllegalArgumentException if {@code step} or {@code microStep} is negative or {@code
   *     batchSize < 1}
   */
  public Batch batch(int step, int microStep, int batchSize) {
    checkNonNegative(step, "step");
    checkNonNegative(microStep, "microStep");
    checkBatchSize(batchSize);
    long key = mix(mix(mix(seed + TRAIN_STREAM * GOLDEN_GAMMA) + step) + microStep);
    return draw(new SplittableRandom(key), batchSize);
  }

  /**
   * {@code count} batches drawn from {@code seed} alone, for a fixed validation set: the same
   * batches at every evaluation and in every run with that seed.
   *
   * @throws IllegalArgumentException if {@code count} is negative or {@code batchSize < 1}
   */
  public List<Batch> fixedBatches(int count, int batchSize, long seed) {
    checkNonNegative(count, "count");
    checkBatchSize(batchSize);
    SplittableRandom random = new SplittableRandom(mix(seed + FIXED_STREAM * GOLDEN_GAMMA));
    List<Batch> out = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      out.add(draw(random, batchSize));
    }
    return List.copyOf(out);
  }

  /** How many tokens windows are drawn from. */
  public long usableTokens() {
    return usable;
  }

  /** The context length. */
  public int block() {
    return block;
  }

  private Batch draw(SplittableRandom random, int batchSize) {
    int[] x = new int[batchSize * block];
    int[] y = new int[batchSize * block];
    int[] window = new int[block + 1];
    for (int b = 0; b < batchSize; b++) {
      tokens.read(start(random), window, 0, block + 1);
      System.arraycopy(window, 0, x, b * block, block);
      System.arraycopy(window, 1, y, b * block, block);
    }
    return new Batch(x, y, batchSize, block);
  }

  /**
   * A window's first position, uniform in {@code [0, usable - block - 1]} as nanoGPT's {@code ix =
   * torch.randint(len(data) - block_size, ...)}. {@code nextInt} while the range fits an int, the
   * draw of every earlier version; {@code nextLong} beyond, where no earlier version could go.
   */
  long start(SplittableRandom random) {
    long starts = usable - block;
    return starts <= Integer.MAX_VALUE ? random.nextInt((int) starts) : random.nextLong(starts);
  }

  /** Stafford's variant 13 of MurmurHash3's 64-bit finalizer, as {@link SplittableRandom} uses. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static void checkNonNegative(int value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(
          "'" + value + "' in " + name + " is invalid: must be 0 or more");
    }
  }

  private void checkBatchSize(int batchSize) {
    if (batchSize < 1 || (long) batchSize * block > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "'"
              + batchSize
              + "' in batchSize is invalid: must be positive with batchSize * block"
              + " fitting in one array");
    }
  }
}
