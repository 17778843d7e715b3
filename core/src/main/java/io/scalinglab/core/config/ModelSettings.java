package io.scalinglab.core.config;

import com.typesafe.config.Config;

/**
 * The model family's shape ({@code model} in reference.conf) and the engine that computes it; the
 * vocabulary comes from the dataset's tokenizer.
 */
public record ModelSettings(
    int nLayer,
    int nHead,
    int nEmbd,
    int blockSize,
    boolean bias,
    boolean tiedHead,
    int padVocabTo,
    ModelEngine engine,
    ElementwiseOps kernelOps,
    Gelu gelu,
    double layerNormEps,
    double dropout,
    String initFrom) {
  static final Check<Long> POSITIVE = Check.atLeast(1);
  static final Check<Double> EPS = Check.interval(0, false, 1, false);
  static final Check<Double> DROPOUT = Check.interval(0, true, 1, false);

  /**
   * The shape and engine with nanoGPT's defaults for the rest: erf GELU, eps 1e-5, no dropout; the
   * element-wise ops chosen automatically.
   */
  public ModelSettings(
      int nLayer,
      int nHead,
      int nEmbd,
      int blockSize,
      boolean bias,
      boolean tiedHead,
      int padVocabTo,
      ModelEngine engine) {
    this(
        nLayer,
        nHead,
        nEmbd,
        blockSize,
        bias,
        tiedHead,
        padVocabTo,
        engine,
        ElementwiseOps.AUTO,
        Gelu.ERF,
        1e-5,
        0.0,
        "");
  }

  public ModelSettings {
    POSITIVE.require("model.n-layer", (long) nLayer);
    POSITIVE.require("model.n-head", (long) nHead);
    POSITIVE.require("model.n-embd", (long) nEmbd);
    POSITIVE.require("model.block-size", (long) blockSize);
    POSITIVE.require("model.pad-vocab-to", (long) padVocabTo);
    java.util.Objects.requireNonNull(engine, "engine");
    java.util.Objects.requireNonNull(kernelOps, "kernelOps");
    java.util.Objects.requireNonNull(gelu, "gelu");
    java.util.Objects.requireNonNull(initFrom, "initFrom");
    EPS.require("model.layernorm-eps", layerNormEps);
    DROPOUT.require("model.dropout", dropout);
    if (nEmbd % nHead != 0) {
      throw new io.scalinglab.core.error.ConfigException(
          "'"
              + nEmbd
              + "' in model.n-embd is invalid: must be a multiple of model.n-head ("
              + nHead
              + ")");
    }
  }

  /** The {@code model} section of {@code config}, layered on reference.conf. */
  public static ModelSettings fromConfig(Config config) {
    return from(Settings.withReference(config));
  }

  /** The {@code model} section, read through {@code settings}. */
  public static ModelSettings from(Settings s) {
    return new ModelSettings(
        s.intValue("model.n-layer", POSITIVE),
        s.intValue("model.n-head", POSITIVE),
        s.intValue("model.n-embd", POSITIVE),
        s.intValue("model.block-size", POSITIVE),
        s.bool("model.bias"),
        s.bool("model.tied-head"),
        s.intValue("model.pad-vocab-to", POSITIVE),
        s.choice("model.engine", ModelEngine.class),
        s.choice("model.kernel-ops", ElementwiseOps.class),
        s.choice("model.gelu", Gelu.class),
        s.number("model.layernorm-eps", EPS),
        s.number("model.dropout", DROPOUT),
        s.string("model.init-from"));
  }

  /** The vocabulary rounded up to a multiple of {@code padVocabTo}. */
  public int paddedVocab(int vocab) {
    return (vocab + padVocabTo - 1) / padVocabTo * padVocabTo;
  }
}
