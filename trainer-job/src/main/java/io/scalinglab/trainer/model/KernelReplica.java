package io.scalinglab.trainer.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterAdd;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One replica of {@link GptKernel}: the forward and backward pass of GPT-2 on one batch, written
 * out step by step. This file is the model's specification: read {@link #forward} beside nanoGPT's
 * {@code model.py} ({@code Block}, {@code CausalSelfAttention}, {@code MLP}, {@code GPT.forward})
 * and {@link #backward} as its derivative, layer by layer in reverse. The arrays live in {@link
 * KernelBuffers}, the element-wise steps in {@link KernelOps}; the parameters are the model's, read
 * by every replica, and the gradients are this replica's own.
 */
final class KernelReplica {

  private final GptConfig config;
  private final DataType dtype;
  private final Map<String, INDArray> params;

  /** This replica's gradients, by parameter name: what {@link #train} leaves. */
  final Map<String, INDArray> grads = new LinkedHashMap<>();

  private final Map<Integer, KernelBuffers> buffers = new HashMap<>();
  private final KernelOps ops;

  /** A replica reading {@code params} (the model's own arrays) and computing with {@code ops}. */
  KernelReplica(GptConfig config, DataType dtype, Map<String, INDArray> params, KernelOps ops) {
    this.config = config;
    this.dtype = dtype;
    this.params = params;
    this.ops = ops;
    for (Map.Entry<String, INDArray> e : params.entrySet()) {
      grads.put(e.getKey(), e.getValue().ulike());
    }
  }

  /**
   * Moves this replica's gradients into {@code memory} (float32 in native byte order, direct, at
   * least as many floats as the parameters have): laid end to end in parameter order, each an array
   * over its part of that memory, so the kernel writes them where a {@link
   * io.scalinglab.trainer.parallel.Collective.SharedSum} sums them. The memory must outlive the
   * replica.
   */
  void gradientsIn(ByteBuffer memory) {
    rebind(grads, memory, false);
  }

  /** Replaces every array of {@code arrays} by one over its part of {@code memory}. */
  private static void rebind(Map<String, INDArray> arrays, ByteBuffer memory, boolean copy) {
    long at = 0;
    for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
      INDArray a = e.getValue();
      int length = Math.toIntExact(a.length());
      ByteBuffer part =
          memory
              .duplicate()
              .position(Math.toIntExact(4 * at))
              .limit(Math.toIntExact(4 * (at + length)))
              .slice()
              .order(ByteOrder.nativeOrder());
      FloatPointer p = new FloatPointer(part.asFloatBuffer());
      DataBuffer data = Nd4j.createBuffer(p, DataType.FLOAT, length, FloatIndexer.create(p));
      INDArray moved = Nd4j.create(data, a.shape(), a.stride(), 0, 'c');
      if (copy) {
        moved.assign(a);
      }
      e.setValue(moved);
      at += length;
    }
  }

  /**
   * Moves the model's parameters (the map every replica reads) into {@code memory}, as {@link
   * #gradientsIn} lays out the gradients, their values copied there.
   */
  void parametersIn(ByteBuffer memory) {
    rebind(params, memory, true);
  }

  /** The element-wise ops' name: "vector" or "nd4j". */
  String opsName() {
    return ops.name();
  }

  /**
   * Mean loss of a batch; leaves the gradients in {@link #grads}. With {@code masks}, dropout in
   * the forward and the backward pass.
   */
  double train(int[] x, int[] y, Masks masks) {
    KernelBuffers b = forward(x, masks, null);
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
  private INDArray mask(Masks m, KernelBuffers b, INDArray into, int place) {
    int perWindow = Math.toIntExact(into.length() / b.batch);
    Dropout.fill(into, config.dropout(), m.seed(), place, m.firstWindow(), perWindow);
    return into;
  }

  // ---- forward ----

  /**
   * The forward pass, with dropout if {@code m} is not null; copies each state named in {@code
   * states}' keys into it as it passes (see {@link LanguageModel#hiddenStates}), if not null.
   */
  KernelBuffers forward(int[] x, Masks m, Map<String, INDArray> states) {
    int t = config.blockSize();
    KernelBuffers b = buffers.computeIfAbsent(x.length / t, n -> newBuffers(n, ops));
    KernelOps active = b.ops;
    INDArray h = b.h;
    Nd4j.pullRows(params.get(Gpt.WTE), h, 1, x);
    b.hByWindow.addi(params.get(Gpt.WPE)); // broadcast over the batch
    capture(states, Gpt.EMB, h);
    if (m != null) {
      h.muli(mask(m, b, b.maskC, Dropout.EMBEDDING));
    }
    for (int i = 0; i < config.nLayer(); i++) {
      KernelBuffers.Layer l = b.layers[i];
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
  private double crossEntropy(KernelBuffers b, int[] y) {
    return b.ops.crossEntropy(b.logits, y, b.dlogits);
  }

  // ---- backward ----

  private void backward(KernelBuffers b, int[] x, Masks m) {
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
      KernelBuffers.Layer l = b.layers[i];
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

  /**
   * Buffers for {@code batch} windows, computing with {@code ops} unless its arrays are too large.
   */
  private KernelBuffers newBuffers(int batch, KernelOps ops) {
    long n = (long) batch * config.blockSize();
    long largest =
        Math.max(
            n * Math.max(config.vocabSize(), 4L * config.nEmbd()),
            n * config.nHead() * config.blockSize());
    return new KernelBuffers(
        config, dtype, batch, ops.handles(largest) ? ops : new Nd4jKernelOps(dtype));
  }

  /**
   * Where a shard's dropout masks come from: the step's seed and the index of its first window in
   * the batch (see {@link Dropout}).
   */
  record Masks(long seed, int firstWindow) {}
}
