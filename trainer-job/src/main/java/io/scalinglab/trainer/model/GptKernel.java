package io.scalinglab.trainer.model;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.config.ElementwiseOps;
import io.scalinglab.trainer.parallel.Collective;
import io.scalinglab.trainer.parallel.OptimizerShards;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The same GPT-2 as {@link Gpt}, with a hand-written forward and backward pass on ND4J arrays
 * instead of a SameDiff graph: same parameter names, shapes and seeded initialisation, same
 * arithmetic (PyTorch's LayerNorm with its epsilon, the configured GELU with its exact derivative,
 * additive causal mask, mean cross-entropy of a log-softmax, nanoGPT's dropout from {@link
 * Dropout}'s masks), so checkpoints, the optimizer and the activation collector take either.
 *
 * <p>Why it exists: SameDiff spends most of a small model's step in its per-op Java bookkeeping
 * (measured ~93% at width 128). Here every activation the backward pass needs lives in buffers
 * allocated once per batch size and reused; the matrix products are BLAS calls, and the
 * element-wise and row-wise steps (GELU, LayerNorm, the causal softmax, the cross-entropy) are
 * {@link KernelOps}: one pass per row on the JDK's Vector API in float32, ND4J op chains otherwise.
 *
 * <p>On the CPU a model built for {@code threads} threads is data-parallel: it cuts every batch
 * into that many shards of whole windows, runs each shard's forward and backward pass on its own
 * thread with its own buffers and gradients (one native thread each), and sums the gradients
 * weighted by shard size. Measured at config (b) of {@code bench train} on 2 vCPUs, forward and
 * backward pass alone: 9,100–10,300 tokens/s on 2 shards, against 7,300–7,800 with the whole batch
 * on 2 native threads and 5,200–5,500 on one thread. Each shard past the first holds its own
 * gradients, one more copy of the parameters' size. The sum runs in a fixed order, so a run is
 * reproducible for a given thread count; a different count changes the rounding of the gradients
 * (float32: ~1e-7 relative).
 *
 * <p>The gradients {@link #lossAndGradients} returns are this model's own buffers: valid until its
 * next call. Not thread-safe: one model belongs to one training loop.
 *
 * <p>Where things are: this class holds the parameters (drawn as {@link TransformerBlocks} draws
 * them) and the {@link LanguageModel} API; {@link KernelReplica} is the forward and backward pass
 * of one batch, the model's specification; {@link KernelShards} cuts a batch into shards and sums
 * their gradients; {@link KernelBuffers} holds the arrays a replica computes in.
 */
public final class GptKernel implements LanguageModel {
  private final GptConfig config;
  private final DataType dtype;
  private final Map<String, INDArray> params = new LinkedHashMap<>();
  private final KernelShards shards;

  /** A model with the weights {@code new Gpt(config, seed)} would draw, in FLOAT, one thread. */
  public GptKernel(GptConfig config, long seed) {
    this(config, seed, DataType.FLOAT);
  }

  /** As {@link #GptKernel(GptConfig, long)}, computing in {@code dtype} (FLOAT, or DOUBLE). */
  public GptKernel(GptConfig config, long seed, DataType dtype) {
    this(config, seed, dtype, 1);
  }

  /**
   * As {@link #GptKernel(GptConfig, long, DataType)}, running each batch on {@code threads} shards
   * (see the class comment); on the CUDA backend, where the GPU does the work, on one.
   *
   * @throws IllegalArgumentException if {@code threads} is below 1
   */
  public GptKernel(GptConfig config, long seed, DataType dtype, int threads) {
    this(config, seed, dtype, threads, ElementwiseOps.AUTO);
  }

  /**
   * As {@link #GptKernel(GptConfig, long, DataType, int)}, with the element-wise steps computed by
   * the implementation {@code ops} names ({@code model.kernel-ops}).
   *
   * @throws io.scalinglab.core.error.ConfigException if {@code ops} cannot run in this JVM
   */
  public GptKernel(GptConfig config, long seed, DataType dtype, int threads, ElementwiseOps ops) {
    this(config, seed, dtype, threads, ops, null);
  }

  /**
   * As {@link #GptKernel(GptConfig, long, DataType, int, ElementwiseOps)}, as member {@code
   * group.rank()} of a data-parallel group ({@code train.data-parallel}): each batch it is given is
   * the whole batch, of which it computes its part on its threads, and its gradients and losses are
   * the group's sums (see {@link KernelShards}). Every member must make the same calls in the same
   * order. A null or one-member group trains alone.
   */
  public GptKernel(
      GptConfig config,
      long seed,
      DataType dtype,
      int threads,
      ElementwiseOps ops,
      Collective group) {
    requireNonNull(ops, "ops");
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.config = requireNonNull(config, "config");
    this.dtype = requireNonNull(dtype, "dtype");
    SplittableRandom rnd = new SplittableRandom(seed);
    int c = config.nEmbd();
    double std = TransformerBlocks.STD;
    double projStd = std / Math.sqrt(2.0 * config.nLayer());
    // The order of draws is TransformerBlocks', so the same seed gives Gpt's weights.
    param(Gpt.WTE, TransformerBlocks.normal(rnd, std, config.vocabSize(), c));
    param(Gpt.WPE, TransformerBlocks.normal(rnd, std, config.blockSize(), c));
    for (int i = 0; i < config.nLayer(); i++) {
      String p = "h." + i + ".";
      layerNormParams(p + "ln_1", c);
      linearParams(p + "attn.c_attn", TransformerBlocks.normal(rnd, std, c, 3 * c));
      linearParams(p + "attn.c_proj", TransformerBlocks.normal(rnd, projStd, c, c));
      layerNormParams(p + "ln_2", c);
      linearParams(p + "mlp.c_fc", TransformerBlocks.normal(rnd, std, c, 4 * c));
      linearParams(p + "mlp.c_proj", TransformerBlocks.normal(rnd, projStd, 4 * c, c));
    }
    layerNormParams("ln_f", c);
    if (!config.tiedHead()) {
      param("lm_head.weight", TransformerBlocks.normal(rnd, std, config.vocabSize(), c));
    }
    KernelReplica[] replicas = new KernelReplica[KernelOps.cudaBackend() ? 1 : threads];
    for (int i = 0; i < replicas.length; i++) {
      replicas[i] = new KernelReplica(config, dtype, params, KernelOps.forType(dtype, ops));
    }
    shards = new KernelShards(config, dtype, replicas, group);
  }

  /**
   * Which {@link KernelOps} this model runs its element-wise steps on: "vector" (float32 with the
   * JDK's Vector API) or "nd4j" (ND4J op chains).
   */
  public String opsName() {
    return shards.first().opsName();
  }

  @Override
  public OptimizerShards shardOptimizer() {
    return shards.shardOptimizer();
  }

  /** How many shards a batch of enough windows is cut into: the threads, or 1 on the GPU. */
  public int shards() {
    return shards.count();
  }

  @Override
  public GptConfig config() {
    return config;
  }

  @Override
  public Map<String, INDArray> params() {
    return params;
  }

  @Override
  public void loadParams(Map<String, INDArray> values) {
    for (Map.Entry<String, INDArray> e : params.entrySet()) {
      INDArray v = values.get(e.getKey());
      if (v == null) {
        throw new IllegalArgumentException("checkpoint lacks parameter " + e.getKey());
      }
      INDArray p = e.getValue();
      p.assign(v.reshape(p.shape()).castTo(p.dataType()));
    }
  }

  @Override
  public Gpt.Step lossAndGradients(int[] x, int[] y) {
    return step(x, y, false, 0);
  }

  @Override
  public Gpt.Step lossAndGradients(int[] x, int[] y, long dropoutSeed) {
    return step(x, y, config.dropout() > 0, dropoutSeed);
  }

  private Gpt.Step step(int[] x, int[] y, boolean dropout, long seed) {
    checkTargets(x, y);
    checkTokens(x);
    double loss = shards.train(x, y, dropout, seed);
    return new Gpt.Step(loss, shards.first().grads);
  }

  @Override
  public double loss(int[] x, int[] y) {
    checkTargets(x, y);
    checkTokens(x);
    return shards.evaluate(x, y);
  }

  @Override
  public INDArray logits(int[] x) {
    checkTokens(x);
    return shards.first().forward(x, null, null).logits.dup();
  }

  @Override
  public INDArray hidden(int[] x, String name) {
    return hiddenStates(x, List.of(name)).get(name);
  }

  /** One forward pass without dropout, copying out each named state as it passes. */
  @Override
  public Map<String, INDArray> hiddenStates(int[] x, List<String> names) {
    Map<String, INDArray> states = new LinkedHashMap<>();
    for (String n : names) {
      states.put(LanguageModel.hiddenStateName(n, config.nLayer()), null);
    }
    checkTokens(x);
    shards.first().forward(x, null, states);
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (String n : names) {
      out.put(n, states.get(LanguageModel.hiddenStateName(n, config.nLayer())));
    }
    return out;
  }

  // ---- parameters and checks ----

  private void param(String name, INDArray init) {
    params.put(name, init.castTo(dtype).dup('c'));
  }

  private void layerNormParams(String name, int c) {
    param(name + ".weight", Nd4j.ones(dtype, c));
    if (config.bias()) {
      param(name + ".bias", Nd4j.zeros(dtype, c));
    }
  }

  private void linearParams(String name, INDArray w) {
    param(name + ".weight", w);
    if (config.bias()) {
      param(name + ".bias", Nd4j.zeros(dtype, w.size(1)));
    }
  }

  private void checkTargets(int[] x, int[] y) {
    if (x.length != y.length || x.length % config.blockSize() != 0) {
      throw new IllegalArgumentException(
          "x and y must both hold whole windows of " + config.blockSize() + " tokens");
    }
  }

  private void checkTokens(int[] x) {
    int t = config.blockSize();
    if (x.length == 0 || x.length % t != 0) {
      throw new IllegalArgumentException(
          "x must hold whole windows of " + t + " tokens, got " + x.length);
    }
    for (int token : x) {
      if (token < 0 || token >= config.vocabSize()) {
        throw new IllegalArgumentException(
            "token " + token + " is outside the vocabulary of " + config.vocabSize());
      }
    }
  }
}
