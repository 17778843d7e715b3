package io.scalinglab.trainer.train;

import static java.util.Objects.requireNonNull;

import io.scalinglab.trainer.data.TokenSource;
import io.scalinglab.trainer.model.LanguageModel;

/**
 * The mean cross-entropy of a model on the first non-overlapping windows of a token stream: window
 * i takes inputs {@code tokens[i·T, i·T + T)} and targets {@code tokens[i·T + 1, i·T + T + 1)}, T
 * the model's context, so every token from the second to the {@code N·T + 1}-th is predicted once,
 * from a context that starts at its window's start (nanoGPT's {@code estimate_loss} draws random
 * windows instead; fixed ones give the same number every time and on every engine).
 */
public final class WindowLoss {
  /**
   * Logits of one forward pass, in values, at most: windows are batched to stay under it (64 MiB of
   * float32), so GPT-2's vocabulary of 50,257 at context 1024 runs one window at a time.
   */
  static final long LOGITS_BUDGET = 1L << 24;

  private WindowLoss() {}

  /**
   * The mean loss of {@code windows} windows.
   *
   * @param loss the mean over every predicted token, in nats
   * @param tokens the predicted tokens, {@code windows · T}
   */
  public record Result(double loss, int windows, long tokens) {}

  /**
   * How many whole windows of {@code block} inputs and their targets {@code length} tokens hold.
   */
  public static int available(long length, int block) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, (length - 1) / block));
  }

  /**
   * The mean cross-entropy of {@code model} on the first {@code windows} windows of {@code tokens}.
   *
   * @throws IllegalArgumentException if {@code windows} is below 1 or more than {@code tokens}
   *     holds
   */
  public static Result of(LanguageModel model, TokenSource tokens, int windows) {
    requireNonNull(model, "model");
    requireNonNull(tokens, "tokens");
    int t = model.config().blockSize();
    if (windows < 1 || windows > available(tokens.length(), t)) {
      throw new IllegalArgumentException(
          windows
              + " windows of "
              + t
              + " tokens asked, "
              + tokens.length()
              + " tokens hold "
              + available(tokens.length(), t));
    }
    int batch = batchSize(t, model.config().vocabSize());
    // Sum of per-token losses in double: float32 batch means, weighted by their token counts.
    double sum = 0;
    for (int first = 0; first < windows; first += batch) {
      int n = Math.min(batch, windows - first);
      int[] x = new int[n * t];
      int[] y = new int[n * t];
      int[] w = new int[t + 1];
      for (int i = 0; i < n; i++) {
        tokens.read((long) (first + i) * t, w, 0, t + 1);
        System.arraycopy(w, 0, x, i * t, t);
        System.arraycopy(w, 1, y, i * t, t);
      }
      sum += model.loss(x, y) * n;
    }
    return new Result(sum / windows, windows, (long) windows * t);
  }

  /** Windows per forward pass: as many as keep the logits under {@link #LOGITS_BUDGET}, 1 to 16. */
  static int batchSize(int block, int vocab) {
    long perWindow = (long) block * vocab;
    return (int) Math.max(1, Math.min(16, LOGITS_BUDGET / perWindow));
  }
}
