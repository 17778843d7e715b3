package io.scalinglab.trainer.model;

import static java.util.Objects.requireNonNull;

/**
 * The shape of a {@link TokenRegressor}: the transformer's layers, heads and width, how a point of
 * {@code R^ambient} is cut into tokens of {@code tokenWidth} coordinates, biases, and what the
 * regression head reads.
 */
public record RegressorConfig(
    int nLayer, int nHead, int nEmbd, int ambient, int tokenWidth, boolean bias, Pooling pooling) {

  /** What the scalar head reads from the final hidden states. */
  public enum Pooling {
    /** The mean over tokens. */
    MEAN,
    /** The first token's state. */
    FIRST;

    /** The pooling named {@code key} ({@code mean} or {@code first}). */
    public static Pooling of(String key) {
      return switch (key) {
        case "mean" -> MEAN;
        case "first" -> FIRST;
        default ->
            throw new IllegalArgumentException(
                "'" + key + "' is not a pooling; allowed: mean, first");
      };
    }
  }

  public RegressorConfig {
    requireNonNull(pooling, "pooling");
    for (int v : new int[] {nLayer, nHead, nEmbd, ambient, tokenWidth}) {
      if (v <= 0) {
        throw new IllegalArgumentException("every size must be positive: " + this);
      }
    }
    if (nEmbd % nHead != 0) {
      throw new IllegalArgumentException(
          "n-embd " + nEmbd + " is not a multiple of n-head " + nHead + ": heads split the width");
    }
    if (ambient % tokenWidth != 0) {
      throw new IllegalArgumentException(
          "token width " + tokenWidth + " does not divide the ambient dimension " + ambient);
    }
  }

  /** Tokens per point. */
  public int tokens() {
    return ambient / tokenWidth;
  }

  /** A short label of the model's size: layers and width, {@code 2l64w}. */
  public String label() {
    return nLayer + "l" + nEmbd + "w";
  }

  /** The input projection (w × width, plus a bias) and the position embedding. */
  public long embeddingParams() {
    return (long) tokenWidth * nEmbd + (bias ? nEmbd : 0) + (long) tokens() * nEmbd;
  }

  /** The blocks, the final LayerNorm and the scalar head: the N of the model-scaling axis. */
  public long nonEmbeddingParams() {
    long finalLn = nEmbd + (bias ? nEmbd : 0);
    long head = nEmbd + (bias ? 1 : 0);
    return nLayer * TransformerBlocks.paramsPerBlock(nEmbd, bias) + finalLn + head;
  }

  public long totalParams() {
    return embeddingParams() + nonEmbeddingParams();
  }
}
