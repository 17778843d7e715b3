package io.scalinglab.trainer.model;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.config.ElementwiseOps;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterAdd;
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
 */
public final class GptKernel implements LanguageModel {
  private final GptConfig config;
  private final DataType dtype;
  private final Map<String, INDArray> params = new LinkedHashMap<>();

  /** One per shard; the first also serves single-shard batches, logits and hidden states. */
  private final Replica[] replicas;

  /** The shards' threads; null with one shard. */
  private final ExecutorService shardThreads;

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
    int shards = KernelOps.cudaBackend() ? 1 : threads;
    replicas = new Replica[shards];
    for (int i = 0; i < shards; i++) {
      replicas[i] = new Replica(KernelOps.forType(dtype, ops));
    }
    shardThreads = shards == 1 ? null : ShardThreads.pool(shards);
  }

  /**
   * Which {@link KernelOps} this model runs its element-wise steps on: "vector" (float32 with the
   * JDK's Vector API) or "nd4j" (ND4J op chains).
   */
  public String opsName() {
    return replicas[0].ops.name();
  }

  /** How many shards a batch of enough windows is cut into: the threads, or 1 on the GPU. */
  public int shards() {
    return replicas.length;
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
    int[] bounds = shardBounds(x.length);
    int t = config.blockSize();
    if (bounds.length == 2) {
      return new Gpt.Step(
          replicas[0].train(x, y, dropout ? new Masks(seed, 0) : null), replicas[0].grads);
    }
    double[] losses =
        onShards(
            bounds,
            s ->
                replicas[s].train(
                    part(x, bounds, s),
                    part(y, bounds, s),
                    dropout ? new Masks(seed, bounds[s] / t) : null));
    double[] weights = weights(bounds);
    sumGradients(weights, bounds.length - 1);
    return new Gpt.Step(weighted(losses, weights), replicas[0].grads);
  }

  @Override
  public double loss(int[] x, int[] y) {
    checkTargets(x, y);
    checkTokens(x);
    int[] bounds = shardBounds(x.length);
    if (bounds.length == 2) {
      return replicas[0].evaluate(x, y);
    }
    double[] losses =
        onShards(bounds, s -> replicas[s].evaluate(part(x, bounds, s), part(y, bounds, s)));
    return weighted(losses, weights(bounds));
  }

  @Override
  public INDArray logits(int[] x) {
    checkTokens(x);
    return replicas[0].forward(x, null, null).logits.dup();
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
    replicas[0].forward(x, null, states);
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (String n : names) {
      out.put(n, states.get(LanguageModel.hiddenStateName(n, config.nLayer())));
    }
    return out;
  }

  // ---- shards ----

  /**
   * Token offsets where the shards of a batch of {@code n} tokens begin, and {@code n} last: as
   * many shards as there are replicas and windows, the first ones a window larger where the windows
   * do not divide evenly.
   */
  private int[] shardBounds(int n) {
    int windows = n / config.blockSize();
    int k = Math.min(replicas.length, windows);
    int[] bounds = new int[k + 1];
    for (int s = 0; s < k; s++) {
      int w = windows / k + (s < windows % k ? 1 : 0);
      bounds[s + 1] = bounds[s] + w * config.blockSize();
    }
    return bounds;
  }

  private static int[] part(int[] a, int[] bounds, int s) {
    return Arrays.copyOfRange(a, bounds[s], bounds[s + 1]);
  }

  /** Each shard's share of the batch's tokens: the weight of its mean loss and gradient. */
  private static double[] weights(int[] bounds) {
    double[] w = new double[bounds.length - 1];
    for (int s = 0; s < w.length; s++) {
      w[s] = (double) (bounds[s + 1] - bounds[s]) / bounds[w.length];
    }
    return w;
  }

  private static double weighted(double[] values, double[] weights) {
    double sum = 0;
    for (int s = 0; s < values.length; s++) {
      sum += weights[s] * values[s];
    }
    return sum;
  }

  /** Runs {@code task} for every shard of {@code bounds} on the shard threads; their results. */
  private double[] onShards(int[] bounds, IntToDouble task) {
    int k = bounds.length - 1;
    List<Future<Double>> running = new ArrayList<>(k);
    for (int s = 0; s < k; s++) {
      int shard = s;
      running.add(shardThreads.submit(() -> task.apply(shard)));
    }
    return join(running);
  }

  /**
   * Makes the first replica's gradients the weighted sum of the first {@code k} replicas'. Each
   * shard thread takes the same share of every gradient, and sums it element by element in a fixed
   * order, so the result does not depend on the scheduling. The loop reads the arrays' native
   * buffers: one ND4J op per slice cost ~1 ms a step at config (a), 5% of it.
   */
  private void sumGradients(double[] weights, int k) {
    int tasks = replicas.length;
    List<Future<Double>> running = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      int share = i;
      running.add(
          shardThreads.submit(
              () -> {
                for (String name : params.keySet()) {
                  long length = params.get(name).length();
                  int from = Math.toIntExact(length * share / tasks);
                  int to = Math.toIntExact(length * (share + 1) / tasks);
                  sumRange(name, weights, k, from, to);
                }
                return 0.0;
              }));
    }
    join(running);
  }

  /** Elements {@code [from, to)} of gradient {@code name}: replica 0's ← Σ weight · replica's. */
  private void sumRange(String name, double[] weights, int k, int from, int to) {
    if (dtype == DataType.FLOAT) {
      FloatBuffer[] g = new FloatBuffer[k];
      float[] w = new float[k];
      for (int s = 0; s < k; s++) {
        g[s] = replicas[s].grads.get(name).data().asNioFloat();
        w[s] = (float) weights[s];
      }
      for (int j = from; j < to; j++) {
        float sum = w[0] * g[0].get(j);
        for (int s = 1; s < k; s++) {
          sum += w[s] * g[s].get(j);
        }
        g[0].put(j, sum);
      }
    } else {
      DoubleBuffer[] g = new DoubleBuffer[k];
      for (int s = 0; s < k; s++) {
        g[s] = replicas[s].grads.get(name).data().asNioDouble();
      }
      for (int j = from; j < to; j++) {
        double sum = weights[0] * g[0].get(j);
        for (int s = 1; s < k; s++) {
          sum += weights[s] * g[s].get(j);
        }
        g[0].put(j, sum);
      }
    }
  }

  /**
   * Waits for every task, then returns their results in order or throws the first failure as it was
   * thrown: no shard is still running when this returns.
   */
  private static double[] join(List<Future<Double>> running) {
    double[] results = new double[running.size()];
    Throwable failed = null;
    boolean interrupted = false;
    for (int s = 0; s < running.size(); s++) {
      while (true) {
        try {
          results[s] = running.get(s).get();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // finish waiting: the shards write this model's buffers
        } catch (ExecutionException e) {
          failed = failed == null ? e.getCause() : failed;
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failed instanceof RuntimeException r) {
      throw r;
    }
    if (failed instanceof Error err) {
      throw err;
    }
    if (failed != null) {
      throw new IllegalStateException("a shard of the batch failed", failed);
    }
    return results;
  }

  /** A shard's work, by shard index. */
  @FunctionalInterface
  private interface IntToDouble {
    double apply(int shard);
  }

  /**
   * The activations, scratch space and gradients of one shard: one per thread, each with its own
   * {@link KernelOps} (they keep scratch space), all reading the model's parameters.
   */
  private final class Replica {
    final Map<String, INDArray> grads = new LinkedHashMap<>();
    final Map<Integer, Buffers> buffers = new HashMap<>();
    final KernelOps ops;

    Replica(KernelOps ops) {
      this.ops = ops;
      for (Map.Entry<String, INDArray> e : params.entrySet()) {
        grads.put(e.getKey(), e.getValue().ulike());
      }
    }

    /**
     * Mean loss of a batch; leaves the gradients in {@link #grads}. With {@code masks}, dropout in
     * the forward and the backward pass.
     */
    double train(int[] x, int[] y, Masks masks) {
      Buffers b = forward(x, masks, null);
      double loss = crossEntropy(b, y);
      backward(b, x, masks);
      return loss;
    }

    double evaluate(int[] x, int[] y) {
      return crossEntropy(forward(x, null, null), y);
    }

    /**
     * The dropout mask of {@code place} in {@code into}; the masks are drawn again in the backward
     * pass rather than kept, which would take an array of the attention's size per block.
     */
    private INDArray mask(Masks m, Buffers b, INDArray into, int place) {
      int perWindow = Math.toIntExact(into.length() / b.batch);
      Dropout.fill(into, config.dropout(), m.seed(), place, m.firstWindow(), perWindow);
      return into;
    }

    // ---- forward ----

    /**
     * The forward pass, with dropout if {@code m} is not null; copies each state named in {@code
     * states}' keys into it as it passes (see {@link LanguageModel#hiddenStates}), if not null.
     */
    private Buffers forward(int[] x, Masks m, Map<String, INDArray> states) {
      int t = config.blockSize();
      Buffers b = buffers.computeIfAbsent(x.length / t, n -> newBuffers(n, ops));
      KernelOps active = b.ops;
      INDArray h = b.h;
      Nd4j.pullRows(params.get(Gpt.WTE), h, 1, x);
      b.hByWindow.addi(params.get(Gpt.WPE)); // broadcast over the batch
      capture(states, Gpt.EMB, h);
      if (m != null) {
        h.muli(mask(m, b, b.maskC, Dropout.EMBEDDING));
      }
      for (int i = 0; i < config.nLayer(); i++) {
        Layer l = b.layers[i];
        String p = "h." + i + ".";
        layerNorm(active, p + "ln_1", h, l.xhat1, l.rstd1, l.a);
        linear(p + "attn.c_attn", l.a, b.qkv);
        // [B·T, 3C] = [B, T, 3, H, hd] -> [3, B, H, T, hd]: q, k, v as contiguous heads. The
        // products below see [B·H, T, ·]: rank-3 batched matmul is up to 2.8x faster than rank 4
        // in libnd4j M2.1 (transposed operands, measured at config (b)'s sizes).
        // (The reshaped and permuted views live in the buffers: made once, not every step.)
        l.qkvhSplit.assign(b.qkvAsHeads);
        Nd4j.matmul(l.q, l.k, l.att, false, true, false);
        active.causalSoftmax(l.att, t, 1.0 / Math.sqrt(b.hd));
        INDArray probs = l.att; // kept undropped: the softmax's backward pass needs it
        if (m != null) {
          probs = b.attDropped.assign(l.att).muli(mask(m, b, b.maskAtt, Dropout.attention(i)));
        }
        Nd4j.matmul(probs, l.v, b.yh, false, false, false); // [B·H, T, hd]
        l.yByHead.assign(b.yhAsTokens);
        linear(p + "attn.c_proj", l.y, b.proj);
        if (m != null) {
          b.proj.muli(mask(m, b, b.maskC, Dropout.attentionResidual(i)));
        }
        h.addi(b.proj);
        layerNorm(active, p + "ln_2", h, l.xhat2, l.rstd2, l.m);
        linear(p + "mlp.c_fc", l.m, l.fc);
        active.gelu(config.gelu(), l.fc, l.gelu);
        linear(p + "mlp.c_proj", l.gelu, b.proj);
        if (m != null) {
          b.proj.muli(mask(m, b, b.maskC, Dropout.mlpResidual(i)));
        }
        h.addi(b.proj);
        capture(states, "h_" + i, h);
      }
      b.hFinal.assign(h);
      capture(states, Gpt.FINAL_BLOCK, h);
      layerNorm(active, "ln_f", h, b.xhatF, b.rstdF, b.out);
      capture(states, Gpt.LN_F, b.out);
      Nd4j.gemm(b.out, head(), b.logits, false, true, 1.0, 0.0);
      return b;
    }

    private void capture(Map<String, INDArray> states, String name, INDArray value) {
      if (states != null && states.containsKey(name)) {
        states.put(name, value.dup());
      }
    }

    /** Mean cross-entropy of the logits in {@code b}; leaves dLoss/dlogits in {@code b.dlogits}. */
    private double crossEntropy(Buffers b, int[] y) {
      return b.ops.crossEntropy(b.logits, y, b.dlogits);
    }

    // ---- backward ----

    private void backward(Buffers b, int[] x, Masks m) {
      int t = config.blockSize();
      KernelOps active = b.ops;
      INDArray dh = b.dh;
      INDArray dwte = grads.get(Gpt.WTE);
      // logits = out · headᵀ
      if (config.tiedHead()) {
        Nd4j.gemm(b.dlogits, b.out, dwte, true, false, 1.0, 0.0);
      } else {
        Nd4j.gemm(b.dlogits, b.out, grads.get("lm_head.weight"), true, false, 1.0, 0.0);
        dwte.assign(0);
      }
      Nd4j.gemm(b.dlogits, head(), b.dout, false, false, 1.0, 0.0);
      dh.assign(0);
      layerNormBackward(active, "ln_f", b.dout, b.xhatF, b.rstdF, dh);
      for (int i = config.nLayer() - 1; i >= 0; i--) {
        Layer l = b.layers[i];
        String p = "h." + i + ".";
        // MLP branch: h += dropout(c_proj(gelu(c_fc(ln_2(h)))))
        INDArray dBranch = dh;
        if (m != null) {
          dBranch = b.dproj.assign(dh).muli(mask(m, b, b.maskC, Dropout.mlpResidual(i)));
        }
        linearBackward(p + "mlp.c_proj", l.gelu, dBranch, b.dfc);
        active.geluBackward(config.gelu(), l.fc, l.gelu, b.dfc);
        linearBackward(p + "mlp.c_fc", l.m, b.dfc, b.dc);
        layerNormBackward(active, p + "ln_2", b.dc, l.xhat2, l.rstd2, dh);
        // attention branch: h += dropout(c_proj(dropout(attn) · v)), attn from c_attn(ln_1(h))
        if (m != null) {
          dBranch = b.dproj.assign(dh).muli(mask(m, b, b.maskC, Dropout.attentionResidual(i)));
        }
        linearBackward(p + "attn.c_proj", l.y, dBranch, b.dc);
        b.dyhSplit.assign(b.dcAsHeads);
        INDArray probs = l.att;
        if (m != null) {
          probs = b.attDropped.assign(l.att).muli(mask(m, b, b.maskAtt, Dropout.attention(i)));
        }
        Nd4j.matmul(probs, b.dyh, b.dv, true, false, false);
        Nd4j.matmul(b.dyh, l.v, b.datt, false, true, false);
        if (m != null) {
          b.datt.muli(b.maskAtt);
        }
        active.causalSoftmaxBackward(l.att, b.datt, t, 1.0 / Math.sqrt(b.hd));
        Nd4j.matmul(b.datt, l.k, b.dq, false, false, false);
        Nd4j.matmul(b.datt, l.q, b.dk, true, false, false);
        b.qkvSplit.assign(b.dqkvhAsTokens);
        linearBackward(p + "attn.c_attn", l.a, b.qkv, b.dc);
        layerNormBackward(active, p + "ln_1", b.dc, l.xhat1, l.rstd1, dh);
      }
      // embeddings: positions add over the batch; token rows scatter-add (repeated tokens add)
      if (m != null) {
        dh.muli(mask(m, b, b.maskC, Dropout.EMBEDDING));
      }
      b.dhByWindow.sum(grads.get(Gpt.WPE), 0);
      ScatterAdd scatter = new ScatterAdd(dwte, Nd4j.createFromArray(x), dh);
      scatter.addOutputArgument(dwte); // in place
      Nd4j.exec(scatter);
    }

    /** Gradients of W (and b) from {@code dOut}; {@code dIn = dOut · Wᵀ}. */
    private void linearBackward(String name, INDArray in, INDArray dOut, INDArray dIn) {
      Nd4j.gemm(in, dOut, grads.get(name + ".weight"), true, false, 1.0, 0.0);
      if (config.bias()) {
        dOut.sum(grads.get(name + ".bias"), 0);
      }
      Nd4j.gemm(dOut, params.get(name + ".weight"), dIn, false, true, 1.0, 0.0);
    }

    private void layerNormBackward(
        KernelOps active, String name, INDArray dy, INDArray xhat, INDArray rstd, INDArray dx) {
      INDArray gain = params.get(name + ".weight");
      active.layerNormBackward(
          dy, xhat, rstd, gain, grads.get(name + ".weight"), bias(grads, name), dx);
    }
  }

  // ---- pieces ----

  private INDArray head() {
    return params.get(config.tiedHead() ? Gpt.WTE : "lm_head.weight");
  }

  /** {@code out = in · W (+ b)}. */
  private void linear(String name, INDArray in, INDArray out) {
    Nd4j.gemm(in, params.get(name + ".weight"), out, false, false, 1.0, 0.0);
    if (config.bias()) {
      out.addiRowVector(params.get(name + ".bias"));
    }
  }

  private void layerNorm(
      KernelOps active, String name, INDArray x, INDArray xhat, INDArray rstd, INDArray y) {
    active.layerNorm(
        x, params.get(name + ".weight"), bias(params, name), config.layerNormEps(), xhat, rstd, y);
  }

  /** The bias of a LayerNorm in {@code arrays}, or null without biases. */
  private INDArray bias(Map<String, INDArray> arrays, String name) {
    return config.bias() ? arrays.get(name + ".bias") : null;
  }

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

  /**
   * Buffers for {@code batch} windows, computing with {@code ops} unless its arrays are too large.
   */
  private Buffers newBuffers(int batch, KernelOps ops) {
    long n = (long) batch * config.blockSize();
    long largest =
        Math.max(
            n * Math.max(config.vocabSize(), 4L * config.nEmbd()),
            n * config.nHead() * config.blockSize());
    return new Buffers(config, dtype, batch, ops.handles(largest) ? ops : new Nd4jKernelOps(dtype));
  }

  /**
   * Where a shard's dropout masks come from: the step's seed and the index of its first window in
   * the batch (see {@link Dropout}).
   */
  private record Masks(long seed, int firstWindow) {}

  /** What one block's backward pass needs from its forward pass. */
  private static final class Layer {
    final INDArray xhat1;
    final INDArray rstd1;
    final INDArray a;
    final INDArray qkvh;
    final INDArray qkvhSplit;
    final INDArray q;
    final INDArray k;
    final INDArray v;
    final INDArray att;
    final INDArray y;
    final INDArray yByHead;
    final INDArray xhat2;
    final INDArray rstd2;
    final INDArray m;
    final INDArray fc;
    final INDArray gelu;

    Layer(DataType d, int n, int c, int batch, int heads, int t) {
      xhat1 = Nd4j.create(d, n, c);
      rstd1 = Nd4j.create(d, n);
      a = Nd4j.create(d, n, c);
      int hd = c / heads;
      qkvh = Nd4j.create(d, 3, (long) batch * heads, t, hd);
      qkvhSplit = qkvh.reshape(3, batch, heads, t, hd);
      q = qkvh.slice(0);
      k = qkvh.slice(1);
      v = qkvh.slice(2);
      att = Nd4j.create(d, (long) batch * heads, t, t);
      y = Nd4j.create(d, n, c);
      yByHead = y.reshape(batch, t, heads, hd);
      xhat2 = Nd4j.create(d, n, c);
      rstd2 = Nd4j.create(d, n);
      m = Nd4j.create(d, n, c);
      fc = Nd4j.create(d, n, 4 * c);
      gelu = Nd4j.create(d, n, 4 * c);
    }
  }

  /** Activations and scratch space for one batch size, allocated once and reused. */
  private static final class Buffers {
    final KernelOps ops;
    final int batch;
    final int heads;
    final int hd;
    final Layer[] layers;
    final INDArray h;
    final INDArray qkv;
    final INDArray yh;
    final INDArray proj;
    final INDArray hFinal;
    final INDArray xhatF;
    final INDArray rstdF;
    final INDArray out;
    final INDArray logits;
    final INDArray dlogits;
    final INDArray dout;
    final INDArray dh;
    final INDArray dc;
    final INDArray dfc;
    final INDArray dyh;
    final INDArray datt;
    final INDArray dqkvh;
    // views of the arrays above, made once
    final INDArray hByWindow;
    final INDArray dhByWindow;
    final INDArray qkvAsHeads;
    final INDArray qkvSplit;
    final INDArray yhAsTokens;
    final INDArray dyhSplit;
    final INDArray dcAsHeads;
    final INDArray dq;
    final INDArray dk;
    final INDArray dv;
    final INDArray dqkvhAsTokens;
    // dropout: one mask of each shape, drawn again for each use; null without dropout
    final INDArray maskC;
    final INDArray maskAtt;
    final INDArray attDropped;
    final INDArray dproj;

    Buffers(GptConfig cfg, DataType d, int batch, KernelOps ops) {
      this.ops = ops;
      int t = cfg.blockSize();
      int c = cfg.nEmbd();
      int n = batch * t;
      int v = cfg.vocabSize();
      this.batch = batch;
      this.heads = cfg.nHead();
      this.hd = c / heads;
      layers = new Layer[cfg.nLayer()];
      for (int i = 0; i < layers.length; i++) {
        layers[i] = new Layer(d, n, c, batch, heads, t);
      }
      h = Nd4j.create(d, n, c);
      qkv = Nd4j.create(d, n, 3 * c);
      yh = Nd4j.create(d, (long) batch * heads, t, hd);
      proj = Nd4j.create(d, n, c);
      hFinal = Nd4j.create(d, n, c);
      xhatF = Nd4j.create(d, n, c);
      rstdF = Nd4j.create(d, n);
      out = Nd4j.create(d, n, c);
      logits = Nd4j.create(d, n, v);
      dlogits = Nd4j.create(d, n, v);
      dout = Nd4j.create(d, n, c);
      dh = Nd4j.create(d, n, c);
      dc = Nd4j.create(d, n, c);
      dfc = Nd4j.create(d, n, 4 * c);
      dyh = Nd4j.create(d, (long) batch * heads, t, hd);
      datt = Nd4j.create(d, (long) batch * heads, t, t);
      dqkvh = Nd4j.create(d, 3, (long) batch * heads, t, hd);
      hByWindow = h.reshape(batch, t, c);
      dhByWindow = dh.reshape(batch, t, c);
      // [B·T, 3C] = [B, T, 3, H, hd] as [3, B, H, T, hd], and back
      qkvSplit = qkv.reshape(batch, t, 3, heads, hd);
      qkvAsHeads = qkvSplit.permute(2, 0, 3, 1, 4);
      dqkvhAsTokens = dqkvh.reshape(3, batch, heads, t, hd).permute(1, 3, 0, 2, 4);
      // [B·H, T, hd] as [B, T, H, hd], and back
      yhAsTokens = yh.reshape(batch, heads, t, hd).permute(0, 2, 1, 3);
      dyhSplit = dyh.reshape(batch, heads, t, hd);
      dcAsHeads = dc.reshape(batch, t, heads, hd).permute(0, 2, 1, 3);
      dq = dqkvh.slice(0);
      dk = dqkvh.slice(1);
      dv = dqkvh.slice(2);
      boolean dropout = cfg.dropout() > 0;
      maskC = dropout ? Nd4j.create(d, n, c) : null;
      maskAtt = dropout ? Nd4j.create(d, (long) batch * heads, t, t) : null;
      attDropped = dropout ? Nd4j.create(d, (long) batch * heads, t, t) : null;
      dproj = dropout ? Nd4j.create(d, n, c) : null;
    }
  }
}
