package io.scalinglab.trainer.model;

import io.scalinglab.core.config.Gelu;

/**
 * The shape of a GPT model, nanoGPT's {@code GPTConfig}: layers, heads, width, context, vocabulary,
 * whether linear layers and LayerNorms have biases, whether the output head shares the token
 * embedding's weights, which GELU the MLP applies, the LayerNorms' epsilon and the dropout
 * probability applied in training.
 */
public record GptConfig(
    int nLayer,
    int nHead,
    int nEmbd,
    int blockSize,
    int vocabSize,
    boolean bias,
    boolean tiedHead,
    Gelu gelu,
    double layerNormEps,
    double dropout) {

  /** nanoGPT's LayerNorm epsilon (PyTorch's default). */
  public static final double DEFAULT_EPS = 1e-5;

  /** A model with nanoGPT's defaults: erf GELU, LayerNorm epsilon 1e-5, no dropout. */
  public GptConfig(
      int nLayer,
      int nHead,
      int nEmbd,
      int blockSize,
      int vocabSize,
      boolean bias,
      boolean tiedHead) {
    this(nLayer, nHead, nEmbd, blockSize, vocabSize, bias, tiedHead, Gelu.ERF, DEFAULT_EPS, 0.0);
  }

  public GptConfig {
    java.util.Objects.requireNonNull(gelu, "gelu");
    if (!(layerNormEps > 0 && layerNormEps < 1)) {
      throw new IllegalArgumentException("layernorm-eps must be in (0, 1), got " + layerNormEps);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    positive("n-layer", nLayer);
    positive("n-head", nHead);
    positive("n-embd", nEmbd);
    positive("block-size", blockSize);
    positive("vocab-size", vocabSize);
    if (nEmbd % nHead != 0) {
      throw new IllegalArgumentException(
          "n-embd " + nEmbd + " is not a multiple of n-head " + nHead + ": heads split the width");
    }
  }

  private static void positive(String name, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + v);
    }
  }

  /**
   * GPT-2 small as OpenAI released it: 12 layers, 12 heads, width 768, biases, tied head, tanh
   * GELU.
   */
  public static GptConfig gpt2Small() {
    return new GptConfig(12, 12, 768, 1024, 50257, true, true, Gelu.TANH, DEFAULT_EPS, 0.0);
  }

  /**
   * The model as the store's JSON describes it (run manifests, {@code eval --json}): every
   * component in snake_case, then the parameter counts.
   */
  public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
    var m = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    m.put("n_layer", nLayer);
    m.put("n_head", nHead);
    m.put("n_embd", nEmbd);
    m.put("block_size", blockSize);
    m.put("vocab_size", vocabSize);
    m.put("bias", bias);
    m.put("tied_head", tiedHead);
    m.put("gelu", gelu.key());
    m.put("layernorm_eps", layerNormEps);
    m.put("dropout", dropout);
    m.put("params_total", totalParams());
    m.put("params_non_embedding", nonEmbeddingParams());
    return m;
  }

  /** This shape with another GELU, epsilon and dropout. */
  public GptConfig withNumerics(Gelu g, double eps, double p) {
    return new GptConfig(nLayer, nHead, nEmbd, blockSize, vocabSize, bias, tiedHead, g, eps, p);
  }

  public int headDim() {
    return nEmbd / nHead;
  }

  /** Parameters of one transformer block. */
  long perBlock() {
    return TransformerBlocks.paramsPerBlock(nEmbd, bias);
  }

  /** Every parameter, each counted once (a tied head adds none). */
  /** A short label of the model's size: layers and width, {@code 12l768w}. */
  public String label() {
    return nLayer + "l" + nEmbd + "w";
  }

  public long totalParams() {
    return embeddingParams() + nonEmbeddingParams();
  }

  /**
   * The N of nanoGPT's FLOP estimate ({@code get_num_params()}): every parameter but the position
   * embedding. The token embedding stays in because it is also the tied output head, whose matmul
   * is real work.
   */
  public long flopParams() {
    return totalParams() - (long) blockSize * nEmbd;
  }

  /** Token and position embeddings. */
  public long embeddingParams() {
    return (long) vocabSize * nEmbd + (long) blockSize * nEmbd;
  }

  /**
   * All but the token and position embeddings: the blocks, the final LayerNorm and an untied head.
   * This is the N of Kaplan et al.'s scaling laws.
   */
  public long nonEmbeddingParams() {
    long c = nEmbd;
    long finalLn = c + (bias ? c : 0);
    long head = tiedHead ? 0 : (long) vocabSize * c;
    return nLayer * perBlock() + finalLn + head;
  }
}
