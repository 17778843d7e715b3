package io.scalinglab.trainer.model;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.config.ElementwiseOps;
import io.scalinglab.core.config.ModelEngine;
import io.scalinglab.trainer.parallel.Collective;
import org.nd4j.linalg.api.buffer.DataType;

/** The {@link LanguageModel} a {@code model.engine} names. */
public final class LanguageModels {
  private LanguageModels() {}

  /** A freshly initialised GPT of {@code config}, computed by {@code engine}, seeded. */
  public static LanguageModel create(ModelEngine engine, GptConfig config, long seed) {
    return create(engine, config, seed, 1);
  }

  /**
   * As {@link #create(ModelEngine, GptConfig, long)}, for a run given {@code threads} CPU threads.
   * The kernel spreads each batch over that many threads itself (data-parallel shards, see {@link
   * GptKernel}); the SameDiff graph leaves them to its native ops, whose thread count the caller
   * sets.
   */
  public static LanguageModel create(ModelEngine engine, GptConfig config, long seed, int threads) {
    return create(engine, config, seed, threads, ElementwiseOps.AUTO);
  }

  /**
   * As {@link #create(ModelEngine, GptConfig, long, int)}, the kernel's element-wise steps computed
   * by the implementation {@code ops} names ({@code model.kernel-ops}; the SameDiff graph has its
   * own).
   */
  public static LanguageModel create(
      ModelEngine engine, GptConfig config, long seed, int threads, ElementwiseOps ops) {
    return create(engine, config, seed, threads, ops, null);
  }

  /**
   * As {@link #create(ModelEngine, GptConfig, long, int, ElementwiseOps)}, the kernel as a member
   * of the data-parallel {@code group} (null: alone).
   *
   * @throws IllegalArgumentException for the SameDiff engine in a group of more than one
   */
  public static LanguageModel create(
      ModelEngine engine,
      GptConfig config,
      long seed,
      int threads,
      ElementwiseOps ops,
      Collective group) {
    if (engine == ModelEngine.SAMEDIFF && group != null && group.size() > 1) {
      throw new IllegalArgumentException("the SameDiff engine trains in one task only");
    }
    return switch (requireNonNull(engine, "engine")) {
      case SAMEDIFF -> new Gpt(config, seed);
      case KERNEL -> new GptKernel(config, seed, DataType.FLOAT, threads, ops, group);
    };
  }
}
