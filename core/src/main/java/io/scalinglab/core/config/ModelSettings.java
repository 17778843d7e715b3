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
    ModelEngine engine) {
  static final Check<Long> POSITIVE = Check.atLeast(1);

  public ModelSettings {
    POSITIVE.require("model.n-layer", (long) nLayer);
    POSITIVE.require("model.n-head", (long) nHead);
    POSITIVE.require("model.n-embd", (long) nEmbd);
    POSITIVE.require("model.block-size", (long) blockSize);
    POSITIVE.require("model.pad-vocab-to", (long) padVocabTo);
    java.util.Objects.requireNonNull(engine, "engine");
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
        s.choice("model.engine", ModelEngine.class));
  }

  /** The vocabulary rounded up to a multiple of {@code padVocabTo}. */
  public int paddedVocab(int vocab) {
    return (vocab + padVocabTo - 1) / padVocabTo * padVocabTo;
  }
}
