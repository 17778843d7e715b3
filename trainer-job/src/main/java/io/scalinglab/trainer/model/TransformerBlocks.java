package io.scalinglab.trainer.model;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.config.Gelu;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The body that {@link Gpt} and the testbed's {@link TokenRegressor} share, built into one SameDiff
 * graph: nanoGPT's pre-LayerNorm blocks of multi-head self-attention and a 4× GELU MLP, and the
 * linear layers, LayerNorms and parameters they are made of. It records every parameter it creates,
 * in creation order, and draws initial weights from the caller's seeded stream in a fixed order, so
 * a model built the same way gets the same weights.
 *
 * <p>Attention is matmul, an optional additive mask and softmax (DESIGN.md: the library's attention
 * ops take key masks, not causal ones): a causal mask for the GPT, none for the encoder. LayerNorm
 * is PyTorch's, built from primitives because the library's {@code layer_norm} has no epsilon; GELU
 * is the configured one, from the library's {@code erf} or {@code tanh}, whose gradients are exact
 * (its {@code precise_gelu} is neither GELU, and its gradient op is not that function's
 * derivative). Dropout, where asked for, multiplies by masks the caller feeds as placeholders
 * ({@link #masks}), drawn by {@link Dropout}.
 */
final class TransformerBlocks {
  /** nanoGPT's initial standard deviation of every weight matrix. */
  static final double STD = 0.02;

  private final SameDiff sd;
  private final DataType dtype;
  private final boolean bias;
  private final Gelu gelu;
  private final double eps;
  private final List<String> paramNames = new ArrayList<>();
  private final List<MaskInput> masks = new ArrayList<>();

  /**
   * A dropout mask the graph takes as a placeholder: its name, its place ({@link Dropout}), its
   * shape with −1 for the batch, and how many of its rows belong to one window.
   */
  record MaskInput(String name, int place, long[] shape, int rowsPerWindow) {}

  /**
   * Blocks with biases or not, the GELU {@code gelu} and LayerNorms adding {@code eps} to the
   * variance.
   */
  TransformerBlocks(SameDiff sd, DataType dtype, boolean bias, Gelu gelu, double eps) {
    SameDiffChatter.mute(); // every SameDiff model here builds on these blocks: GPT and regressor
    this.sd = requireNonNull(sd, "sd");
    this.dtype = requireNonNull(dtype, "dtype");
    this.bias = bias;
    this.gelu = requireNonNull(gelu, "gelu");
    this.eps = eps;
  }

  /** Parameters of one block of width {@code c}: two LayerNorms, attention and the MLP. */
  static long paramsPerBlock(long c, boolean bias) {
    long b = bias ? 1 : 0;
    long ln = c + b * c; // gain, optional bias
    long attn = c * 3 * c + b * 3 * c + c * c + b * c; // c_attn, c_proj
    long mlp = c * 4 * c + b * 4 * c + 4 * c * c + b * c; // c_fc, c_proj
    return 2 * ln + attn + mlp;
  }

  /** Names of the parameters created so far, in creation order. */
  List<String> paramNames() {
    return paramNames;
  }

  /** The dropout masks the graph takes, in creation order; none if built without dropout. */
  List<MaskInput> masks() {
    return masks;
  }

  /**
   * {@code nLayer} blocks on the residual stream {@code h} ([B·T, width]): {@code h +
   * attn(ln_1(h))}, then {@code + mlp(ln_2(h))}, named {@code h.<i>.*}; each block's output also as
   * {@code h_<i>}. Residual projections start with standard deviation 0.02/√(2·nLayer), as
   * nanoGPT's.
   *
   * @param mask an additive [T, T] mask on the attention scores, or null for full attention
   * @param dropout whether to take dropout masks at nanoGPT's places in every block
   */
  SDVariable blocks(
      SDVariable h,
      int nLayer,
      int nHead,
      int width,
      int tokens,
      SDVariable mask,
      boolean dropout,
      SplittableRandom rnd) {
    double projStd = STD / Math.sqrt(2.0 * nLayer);
    for (int i = 0; i < nLayer; i++) {
      String p = "h." + i + ".";
      SDVariable a = layerNorm(p + "ln_1", h, width);
      SDVariable att =
          attention(p + "attn", a, mask, nHead, width, tokens, rnd, projStd, dropout, i);
      if (dropout) {
        att = dropout(p + "attn.resid_dropout", Dropout.attentionResidual(i), att, tokens, width);
      }
      h = h.add(att);
      SDVariable m = layerNorm(p + "ln_2", h, width);
      SDVariable mlp = mlp(p + "mlp", m, width, rnd, projStd);
      if (dropout) {
        mlp = dropout(p + "mlp.dropout", Dropout.mlpResidual(i), mlp, tokens, width);
      }
      h = h.add(mlp);
      sd.identity("h_" + i, h);
    }
    return h;
  }

  /**
   * {@code in} times a dropout mask fed as the placeholder {@code name}, [B·T, width] with {@code
   * tokens} rows per window.
   */
  SDVariable dropout(String name, int place, SDVariable in, int tokens, int width) {
    return dropout(new MaskInput(name, place, new long[] {-1, width}, tokens), in);
  }

  private SDVariable dropout(MaskInput m, SDVariable in) {
    masks.add(m);
    return in.mul(sd.placeHolder(m.name(), dtype, m.shape()));
  }

  private SDVariable attention(
      String p,
      SDVariable a,
      SDVariable mask,
      int heads,
      int c,
      int t,
      SplittableRandom rnd,
      double projStd,
      boolean dropout,
      int layer) {
    int hd = c / heads;
    SDVariable qkv = linear(p + ".c_attn", a, c, 3 * c, rnd, STD);
    SDVariable q = split(qkv, 0, c, t, heads, hd);
    SDVariable k = split(qkv, c, c, t, heads, hd);
    SDVariable v = split(qkv, 2 * c, c, t, heads, hd);
    SDVariable scores = sd.mmul(q, k, false, true, false).mul(1.0 / Math.sqrt(hd));
    if (mask != null) {
      scores = scores.add(mask);
    }
    SDVariable att = sd.nn.softmax(scores, -1);
    if (dropout) { // [B, H, T, T]: one row of the mask per window
      long[] shape = {-1, heads, t, t};
      att = dropout(new MaskInput(p + ".attn_dropout", Dropout.attention(layer), shape, 1), att);
    }
    SDVariable y = sd.mmul(att, v); // [B, H, T, hd]
    y = sd.permute(y, 0, 2, 1, 3).reshape(-1, c);
    return linear(p + ".c_proj", y, c, c, rnd, projStd);
  }

  /** Columns [from, from + c) of qkv as heads: [B, H, T, hd]. */
  private SDVariable split(SDVariable qkv, int from, int c, int t, int heads, int hd) {
    SDVariable part = qkv.get(SDIndex.all(), SDIndex.interval(from, from + c));
    return sd.permute(part.reshape(-1, t, heads, hd), 0, 2, 1, 3);
  }

  private SDVariable mlp(String p, SDVariable m, int c, SplittableRandom rnd, double projStd) {
    SDVariable fc = gelu(linear(p + ".c_fc", m, c, 4 * c, rnd, STD));
    return linear(p + ".c_proj", fc, 4 * c, c, rnd, projStd);
  }

  /**
   * PyTorch's formulas: erf {@code x/2 · (1 + erf(x/√2))}; tanh {@code x/2 · (1 + tanh(√(2/π) · (x
   * + 0.044715·x³)))}.
   */
  private SDVariable gelu(SDVariable x) {
    SDVariable inner =
        gelu == Gelu.ERF
            ? sd.math.erf(x.mul(Nd4jKernelOps.INV_SQRT2))
            : sd.math.tanh(
                x.add(x.mul(x).mul(x).mul(Nd4jKernelOps.GELU_A)).mul(Nd4jKernelOps.GELU_C));
    return x.mul(0.5).mul(inner.add(1.0));
  }

  /** {@code in · W (+ b)}, W [fanIn, fanOut] drawn from normal(0, std), b zero if biases are on. */
  SDVariable linear(
      String name, SDVariable in, int fanIn, int fanOut, SplittableRandom rnd, double std) {
    SDVariable w = param(name + ".weight", normal(rnd, std, fanIn, fanOut));
    SDVariable y = sd.mmul(in, w);
    if (bias) {
      y = y.add(param(name + ".bias", Nd4j.zeros(dtype, fanOut)));
    }
    return y;
  }

  /**
   * LayerNorm over the last dimension of [rows, c], PyTorch's {@code (x − mean)/√(var + eps) · w (+
   * b)} with the biased variance, a unit gain and a zero bias if biases are on.
   */
  SDVariable layerNorm(String name, SDVariable in, int c) {
    SDVariable gain = param(name + ".weight", Nd4j.ones(dtype, c));
    SDVariable centred = in.sub(in.mean(true, 1));
    SDVariable var = centred.mul(centred).mean(true, 1);
    SDVariable y = centred.mul(sd.math.rsqrt(var.add(eps))).mul(gain);
    if (bias) {
      y = y.add(param(name + ".bias", Nd4j.zeros(dtype, c)));
    }
    return y;
  }

  /** Every parameter by name, in creation order: the graph's own arrays. */
  Map<String, INDArray> params() {
    Map<String, INDArray> m = new LinkedHashMap<>();
    for (String n : paramNames) {
      m.put(n, sd.getVariable(n).getArr());
    }
    return m;
  }

  /** Replaces every parameter's values (shapes must match), e.g. from a checkpoint. */
  void load(Map<String, INDArray> values) {
    for (String n : paramNames) {
      INDArray v = values.get(n);
      if (v == null) {
        throw new IllegalArgumentException("checkpoint lacks parameter " + n);
      }
      INDArray p = sd.getVariable(n).getArr();
      p.assign(v.reshape(p.shape()).castTo(p.dataType()));
    }
  }

  /** A trained variable of the graph's data type, recorded as a parameter. */
  SDVariable param(String name, INDArray init) {
    paramNames.add(name);
    return sd.var(name, init.dataType() == dtype ? init : init.castTo(dtype));
  }

  /** A [rows, cols] FLOAT array of normal(0, std) draws from {@code rnd}. */
  static INDArray normal(SplittableRandom rnd, double std, int rows, int cols) {
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (gaussian(rnd) * std);
    }
    return Nd4j.create(v, new long[] {rows, cols}, DataType.FLOAT);
  }

  /** A standard normal draw (Marsaglia's polar method), from the model's own seeded stream. */
  private static double gaussian(SplittableRandom rnd) {
    double u;
    double v;
    double s;
    do {
      u = 2 * rnd.nextDouble() - 1;
      v = 2 * rnd.nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    return u * Math.sqrt(-2 * Math.log(s) / s);
  }
}
