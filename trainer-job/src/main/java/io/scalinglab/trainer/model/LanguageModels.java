package io.scalinglab.trainer.model;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.config.ModelEngine;

/** The {@link LanguageModel} a {@code model.engine} names. */
public final class LanguageModels {
  private LanguageModels() {}

  /** A freshly initialised GPT of {@code config}, computed by {@code engine}, seeded. */
  public static LanguageModel create(ModelEngine engine, GptConfig config, long seed) {
    return switch (requireNonNull(engine, "engine")) {
      case SAMEDIFF -> new Gpt(config, seed);
      case KERNEL -> new GptKernel(config, seed);
    };
  }
}
