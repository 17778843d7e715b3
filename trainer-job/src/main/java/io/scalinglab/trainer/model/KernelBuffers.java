package io.scalinglab.trainer.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The arrays one {@link KernelReplica} computes in for one batch size: every activation the
 * backward pass needs, the gradients' scratch space, and the reshaped views of them, allocated once
 * and reused every step (what makes the kernel fast where a graph allocates per op). Fields carry
 * the names the forward and backward pass use; the constructor gives their shapes.
 */
final class KernelBuffers {

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

  KernelBuffers(GptConfig cfg, DataType d, int batch, KernelOps ops) {
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

  /** What one block's backward pass needs from its forward pass. */
  static final class Layer {
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
}
