package io.scalinglab.trainer.model;

import io.scalinglab.core.config.Gelu;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * {@link KernelOps} in float32 on the JDK's Vector API, reading and writing the arrays' native
 * buffers in place: one pass per row where the op chain makes several, no temporaries, and the
 * exponential and erf vectorised. Rows are processed in whole vectors of the platform's preferred
 * width (16 floats with AVX-512, 8 with AVX2), a scalar loop finishing each row. Sums accumulate in
 * float across lanes, then in double across rows.
 *
 * <p>Results are the same bit for bit whether the JIT has compiled this code yet or not (so that a
 * resumed run repeats an uninterrupted one): only operations that round the same in the Vector
 * API's intrinsics and its Java fallback are used, which rules out its {@code EXP} and {@code
 * reduceLanes(ADD)} (see {@link #exp(FloatVector)}, {@link #erf(FloatVector)} and {@link
 * #sum(FloatVector)}).
 *
 * <p>Loaded only where the JVM has {@code jdk.incubator.vector} ({@link KernelOps#forType}); {@link
 * GptKernel} gives batches whose arrays exceed 2 GiB, which a {@link ByteBuffer} cannot address, to
 * {@link Nd4jKernelOps}.
 */
final class VectorKernelOps implements KernelOps {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
  private static final float C2 = (float) (2 * Nd4jKernelOps.GELU_C);
  private static final float A = (float) Nd4jKernelOps.GELU_A;
  private static final float INV_SQRT2 = (float) Nd4jKernelOps.INV_SQRT2;
  private static final float INV_SQRT_2PI = (float) Nd4jKernelOps.INV_SQRT_2PI;

  private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

  private static final float LOG2E = 1.44269504f;

  /** ln 2 in two parts, the first exact in float32 with room for k's bits (Cody–Waite). */
  private static final float LN2_HI = 0.693359375f;

  private static final float LN2_LO = -2.12194440e-4f;

  /** 1.5 · 2^23: adding it rounds to an integer held in the low mantissa bits. */
  private static final float ROUND = 12582912f;

  private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);

  private static final FloatVector LOG2E_V = FloatVector.broadcast(S, LOG2E);
  private static final FloatVector ROUND_V = FloatVector.broadcast(S, ROUND);
  private static final FloatVector MINUS_LN2_HI_V = FloatVector.broadcast(S, -LN2_HI);
  private static final FloatVector MINUS_LN2_LO_V = FloatVector.broadcast(S, -LN2_LO);

  /** The Taylor coefficients 1/6!, 1/5!, 1/4!, 1/3!, 1/2! of {@link #exp(FloatVector)}. */
  private static final FloatVector C6 = FloatVector.broadcast(S, 1f / 720);

  private static final FloatVector C5 = FloatVector.broadcast(S, 1f / 120);
  private static final FloatVector C4 = FloatVector.broadcast(S, 1f / 24);
  private static final FloatVector C3 = FloatVector.broadcast(S, 1f / 6);
  private static final FloatVector C2_V = FloatVector.broadcast(S, 0.5f);

  /** {@link #erf(FloatVector)}'s coefficients (erf_rational.py's output), and where it is ±1. */
  private static final float[] P = {
    1.1283791065216064f,
    0.1894543170928955f,
    0.051471490412950516f,
    0.0035723200999200344f,
    0.00023050373420119286f
  };

  private static final float[] Q = {
    1.0f,
    0.5012319087982178f,
    0.11269748210906982f,
    0.014408246614038944f,
    0.0010523856617510319f,
    2.3207690901472233e-05f,
    -1.1272466338141385e-07f
  };

  private static final float ERF_EDGE = 3.9f;
  private static final FloatVector ERF_P0 = FloatVector.broadcast(S, P[0]);
  private static final FloatVector ERF_P1 = FloatVector.broadcast(S, P[1]);
  private static final FloatVector ERF_P2 = FloatVector.broadcast(S, P[2]);
  private static final FloatVector ERF_P3 = FloatVector.broadcast(S, P[3]);
  private static final FloatVector ERF_P4 = FloatVector.broadcast(S, P[4]);
  private static final FloatVector ERF_Q1 = FloatVector.broadcast(S, Q[1]);
  private static final FloatVector ERF_Q2 = FloatVector.broadcast(S, Q[2]);
  private static final FloatVector ERF_Q3 = FloatVector.broadcast(S, Q[3]);
  private static final FloatVector ERF_Q4 = FloatVector.broadcast(S, Q[4]);
  private static final FloatVector ERF_Q5 = FloatVector.broadcast(S, Q[5]);
  private static final FloatVector ERF_Q6 = FloatVector.broadcast(S, Q[6]);

  /** Scratch for {@link #sum(FloatVector)}. */
  private final float[] lanes = new float[L];

  /** Lane indices 0, 1, ..., L−1, for the causal mask. */
  private static final FloatVector IOTA = FloatVector.zero(S).addIndex(1);

  @Override
  public String name() {
    return "vector";
  }

  /**
   * One method per kind and loop: the JIT compiles each small vector loop with everything inlined,
   * where one method holding both kinds' loops ran 2–3× slower (measured; a Vector API loop that is
   * not fully inlined allocates its vectors: C2 stops inlining at its node limit, {@code
   * NodeCountInliningCutoff}, which an erf and an exponential inlined in one loop reached).
   */
  @Override
  public void gelu(Gelu kind, INDArray x, INDArray y) {
    ByteBuffer xb = bytes(x);
    ByteBuffer yb = bytes(y);
    int n = (int) x.length();
    boolean erf = kind == Gelu.ERF;
    int i = erf ? geluErf(xb, yb, n) : geluTanh(xb, yb, n);
    for (; i < n; i++) {
      float xi = xb.getFloat(4 * i);
      yb.putFloat(4 * i, xi * (erf ? phi(xi) : gate(xi)));
    }
  }

  @Override
  public void geluBackward(Gelu kind, INDArray x, INDArray y, INDArray dy) {
    ByteBuffer xb = bytes(x);
    ByteBuffer yb = bytes(y);
    ByteBuffer db = bytes(dy);
    int n = (int) x.length();
    boolean erf = kind == Gelu.ERF;
    int i = erf ? geluErfBackward(xb, yb, db, n) : geluTanhBackward(xb, db, n);
    for (; i < n; i++) {
      float xi = xb.getFloat(4 * i);
      float d;
      if (erf) { // Φ(x) + x·φ(x)
        float phi = phiFromOutput(xi, yb.getFloat(4 * i));
        d = Math.fma(exp(xi * xi * -0.5f) * INV_SQRT_2PI, xi, phi);
      } else { // s + x · s(1 − s) · 2u'
        float s = gate(xi);
        d = C2 * xi * (1 + 3 * A * xi * xi) * s * (1 - s) + s;
      }
      db.putFloat(4 * i, db.getFloat(4 * i) * d);
    }
  }

  /** The erf GELU over the whole vectors of {@code n} floats; returns where the tail begins. */
  private static int geluErf(ByteBuffer xb, ByteBuffer yb, int n) {
    int up = S.loopBound(n);
    for (int i = 0; i < up; i += L) {
      FloatVector xv = load(xb, i);
      xv.mul(phi(xv)).intoByteBuffer(yb, 4 * i, NATIVE);
    }
    return up;
  }

  private static int geluTanh(ByteBuffer xb, ByteBuffer yb, int n) {
    int up = S.loopBound(n);
    for (int i = 0; i < up; i += L) {
      FloatVector xv = load(xb, i);
      xv.mul(gate(xv)).intoByteBuffer(yb, 4 * i, NATIVE);
    }
    return up;
  }

  /** {@code dy ← dy · (Φ(x) + x·φ(x))} over the whole vectors; returns where the tail begins. */
  private static int geluErfBackward(ByteBuffer xb, ByteBuffer yb, ByteBuffer db, int n) {
    int up = S.loopBound(n);
    for (int i = 0; i < up; i += L) {
      FloatVector xv = load(xb, i);
      FloatVector phi = phiFromOutput(xv, load(yb, i));
      FloatVector d = exp(xv.mul(xv).mul(-0.5f)).mul(INV_SQRT_2PI).fma(xv, phi);
      load(db, i).mul(d).intoByteBuffer(db, 4 * i, NATIVE);
    }
    return up;
  }

  /** {@code dy ← dy · (s + x · s(1 − s) · 2u')}, {@code s} the gate. */
  private static int geluTanhBackward(ByteBuffer xb, ByteBuffer db, int n) {
    int up = S.loopBound(n);
    for (int i = 0; i < up; i += L) {
      FloatVector xv = load(xb, i);
      FloatVector s = gate(xv);
      FloatVector inner = xv.mul(xv).mul(3 * A).add(1f).mul(xv).mul(C2);
      FloatVector d = inner.mul(s).mul(ONE.sub(s)).add(s);
      load(db, i).mul(d).intoByteBuffer(db, 4 * i, NATIVE);
    }
    return up;
  }

  /** The erf GELU's factor {@code Φ(x) = (1 + erf(x/√2))/2}, as PyTorch writes it. */
  static FloatVector phi(FloatVector x) {
    return erf(x.mul(INV_SQRT2)).add(1f).mul(0.5f);
  }

  static float phi(float x) {
    return (erf(x * INV_SQRT2) + 1f) * 0.5f;
  }

  /**
   * Φ(x) read back from the forward pass's output {@code y = x·Φ(x)}: {@code y/x}, within 2 ulps of
   * the forward's Φ, and ½ where |x| < 1e-30 (there Φ rounds to ½, and y/x would be 0/0 at 0 or
   * lose digits to subnormals). The erf GELU's backward pass then costs an exponential (for φ) and
   * a division, as the tanh GELU's does; computing Φ again took it to 2.3× the tanh's time.
   */
  private static FloatVector phiFromOutput(FloatVector x, FloatVector y) {
    return y.div(x).blend(0.5f, x.abs().compare(VectorOperators.LT, 1e-30f));
  }

  private static float phiFromOutput(float x, float y) {
    return Math.abs(x) < 1e-30f ? 0.5f : y / x;
  }

  /**
   * The tanh GELU's gate {@code σ(2u) = 1 / (1 + e^(−2u))}, {@code 2u = 2√(2/π) · x · (1 + a·x²)}.
   */
  private static FloatVector gate(FloatVector x) {
    FloatVector minus2u = x.mul(x).mul(A).add(1f).mul(x).mul(-C2);
    return ONE.div(exp(minus2u).add(1f));
  }

  private static float gate(float x) {
    return 1 / (1 + exp(-C2 * x * (1 + A * x * x)));
  }

  @Override
  public double crossEntropy(INDArray logits, int[] y, INDArray dlogits) {
    ByteBuffer lb = bytes(logits);
    ByteBuffer db = bytes(dlogits);
    int n = y.length;
    int v = (int) logits.size(1);
    int up = S.loopBound(v);
    float invN = 1f / n;
    double loss = 0;
    for (int r = 0; r < n; r++) {
      if (y[r] < 0 || y[r] >= v) {
        throw new IllegalArgumentException("target " + y[r] + " is outside the vocabulary of " + v);
      }
      int o = r * v;
      FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
      int j = 0;
      for (; j < up; j += L) {
        mv = mv.max(load(lb, o + j));
      }
      float max = mv.reduceLanes(VectorOperators.MAX);
      for (; j < v; j++) {
        max = Math.max(max, lb.getFloat(4 * (o + j)));
      }
      FloatVector sv = FloatVector.zero(S);
      for (j = 0; j < up; j += L) {
        FloatVector e = exp(load(lb, o + j).sub(max));
        e.intoByteBuffer(db, 4 * (o + j), NATIVE);
        sv = sv.add(e);
      }
      double sum = sum(sv);
      for (; j < v; j++) {
        float e = exp(lb.getFloat(4 * (o + j)) - max);
        db.putFloat(4 * (o + j), e);
        sum += e;
      }
      loss += Math.log(sum) - (lb.getFloat(4 * (o + y[r])) - max);
      scaleRow(db, o, v, (float) (1 / (sum * n)));
      int target = 4 * (o + y[r]);
      db.putFloat(target, db.getFloat(target) - invN);
    }
    return loss / n;
  }

  @Override
  public void causalSoftmax(INDArray att, int t, double scale) {
    ByteBuffer ab = bytes(att);
    int rows = (int) (att.length() / t);
    int up = S.loopBound(t);
    float sc = (float) scale;
    for (int r = 0; r < rows; r++) {
      int o = r * t;
      int q = r % t; // the query's position: keys 0..q are visible
      // scale and mask, keeping the row maximum
      FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
      int j = 0;
      for (; j < up && j <= q; j += L) {
        VectorMask<Float> hidden = IOTA.compare(VectorOperators.GT, q - j);
        FloatVector s = load(ab, o + j).mul(sc).blend(Float.NEGATIVE_INFINITY, hidden);
        s.intoByteBuffer(ab, 4 * (o + j), NATIVE);
        mv = mv.max(s);
      }
      int visibleEnd = j; // whole vectors from here on lie after the query
      float max = mv.reduceLanes(VectorOperators.MAX);
      for (j = up; j <= q && j < t; j++) {
        max = Math.max(max, ab.getFloat(4 * (o + j)) * sc);
      }
      FloatVector sv = FloatVector.zero(S);
      for (j = 0; j < visibleEnd; j += L) {
        FloatVector e = exp(load(ab, o + j).sub(max));
        e.intoByteBuffer(ab, 4 * (o + j), NATIVE);
        sv = sv.add(e);
      }
      double sum = sum(sv);
      for (j = up; j < t; j++) {
        float e = j <= q ? exp(ab.getFloat(4 * (o + j)) * sc - max) : 0f;
        ab.putFloat(4 * (o + j), e);
        sum += e;
      }
      float inv = (float) (1 / sum);
      for (j = 0; j < visibleEnd; j += L) {
        load(ab, o + j).mul(inv).intoByteBuffer(ab, 4 * (o + j), NATIVE);
      }
      for (; j < up; j += L) {
        FloatVector.zero(S).intoByteBuffer(ab, 4 * (o + j), NATIVE);
      }
      for (j = up; j <= q && j < t; j++) {
        ab.putFloat(4 * (o + j), ab.getFloat(4 * (o + j)) * inv);
      }
    }
  }

  @Override
  public void causalSoftmaxBackward(INDArray att, INDArray datt, int t, double scale) {
    ByteBuffer ab = bytes(att);
    ByteBuffer db = bytes(datt);
    int rows = (int) (att.length() / t);
    int up = S.loopBound(t);
    float sc = (float) scale;
    for (int r = 0; r < rows; r++) {
      int o = r * t;
      // att is 0 after the query, so whole rows can be read; ds is written in full
      FloatVector dv = FloatVector.zero(S);
      int j = 0;
      for (; j < up; j += L) {
        dv = dv.add(load(db, o + j).mul(load(ab, o + j)));
      }
      float dot = sum(dv);
      for (; j < t; j++) {
        dot += db.getFloat(4 * (o + j)) * ab.getFloat(4 * (o + j));
      }
      for (j = 0; j < up; j += L) {
        FloatVector a = load(ab, o + j);
        load(db, o + j).sub(dot).mul(a).mul(sc).intoByteBuffer(db, 4 * (o + j), NATIVE);
      }
      for (; j < t; j++) {
        int at = 4 * (o + j);
        db.putFloat(at, (db.getFloat(at) - dot) * ab.getFloat(at) * sc);
      }
    }
  }

  @Override
  public void layerNorm(
      INDArray x,
      INDArray gain,
      INDArray bias,
      double eps,
      INDArray xhat,
      INDArray rstd,
      INDArray y) {
    ByteBuffer xb = bytes(x);
    ByteBuffer gb = bytes(gain);
    ByteBuffer bb = bias == null ? null : bytes(bias);
    ByteBuffer hb = bytes(xhat);
    ByteBuffer rb = bytes(rstd);
    ByteBuffer yb = bytes(y);
    int rows = (int) x.size(0);
    int c = (int) x.size(1);
    int up = S.loopBound(c);
    for (int r = 0; r < rows; r++) {
      int o = r * c;
      float mean = rowSum(xb, o, c) / c;
      FloatVector vv = FloatVector.zero(S);
      int j = 0;
      for (; j < up; j += L) {
        FloatVector d = load(xb, o + j).sub(mean);
        vv = d.fma(d, vv);
      }
      float var = sum(vv);
      for (; j < c; j++) {
        float d = xb.getFloat(4 * (o + j)) - mean;
        var += d * d;
      }
      float rs = (float) (1 / Math.sqrt(var / c + eps));
      rb.putFloat(4 * r, rs);
      for (j = 0; j < up; j += L) {
        FloatVector h = load(xb, o + j).sub(mean).mul(rs);
        h.intoByteBuffer(hb, 4 * (o + j), NATIVE);
        FloatVector out = h.mul(load(gb, j));
        if (bb != null) {
          out = out.add(load(bb, j));
        }
        out.intoByteBuffer(yb, 4 * (o + j), NATIVE);
      }
      for (; j < c; j++) {
        float h = (xb.getFloat(4 * (o + j)) - mean) * rs;
        hb.putFloat(4 * (o + j), h);
        yb.putFloat(4 * (o + j), h * gb.getFloat(4 * j) + (bb == null ? 0f : bb.getFloat(4 * j)));
      }
    }
  }

  @Override
  public void layerNormBackward(
      INDArray dy,
      INDArray xhat,
      INDArray rstd,
      INDArray gain,
      INDArray dgain,
      INDArray dbias,
      INDArray dx) {
    ByteBuffer yb = bytes(dy);
    ByteBuffer hb = bytes(xhat);
    ByteBuffer rb = bytes(rstd);
    ByteBuffer gb = bytes(gain);
    ByteBuffer xb = bytes(dx);
    int rows = (int) dy.size(0);
    int c = (int) dy.size(1);
    int up = S.loopBound(c);
    float[] dg = new float[c];
    float[] dbs = new float[c];
    for (int r = 0; r < rows; r++) {
      int o = r * c;
      FloatVector s1 = FloatVector.zero(S);
      FloatVector s2 = FloatVector.zero(S);
      int j = 0;
      for (; j < up; j += L) {
        FloatVector d = load(yb, o + j);
        FloatVector h = load(hb, o + j);
        FloatVector dh = d.mul(load(gb, j));
        s1 = s1.add(dh);
        s2 = dh.fma(h, s2);
        d.fma(h, FloatVector.fromArray(S, dg, j)).intoArray(dg, j);
        d.add(FloatVector.fromArray(S, dbs, j)).intoArray(dbs, j);
      }
      float sumD = sum(s1);
      float sumDh = sum(s2);
      for (; j < c; j++) {
        float d = yb.getFloat(4 * (o + j));
        float h = hb.getFloat(4 * (o + j));
        float dh = d * gb.getFloat(4 * j);
        sumD += dh;
        sumDh += dh * h;
        dg[j] += d * h;
        dbs[j] += d;
      }
      float meanD = sumD / c;
      float proj = sumDh / c;
      float rs = rb.getFloat(4 * r);
      for (j = 0; j < up; j += L) {
        FloatVector dh = load(yb, o + j).mul(load(gb, j));
        FloatVector h = load(hb, o + j);
        FloatVector d = dh.sub(h.mul(proj)).sub(meanD).mul(rs);
        load(xb, o + j).add(d).intoByteBuffer(xb, 4 * (o + j), NATIVE);
      }
      for (; j < c; j++) {
        float dh = yb.getFloat(4 * (o + j)) * gb.getFloat(4 * j);
        float h = hb.getFloat(4 * (o + j));
        int at = 4 * (o + j);
        xb.putFloat(at, xb.getFloat(at) + (dh - h * proj - meanD) * rs);
      }
    }
    ByteBuffer gOut = bytes(dgain);
    for (int j = 0; j < c; j++) {
      gOut.putFloat(4 * j, dg[j]);
    }
    if (dbias != null) {
      ByteBuffer bOut = bytes(dbias);
      for (int j = 0; j < c; j++) {
        bOut.putFloat(4 * j, dbs[j]);
      }
    }
  }

  /** {@code row[0..len) *= s} for the row at element {@code o}. */
  private static void scaleRow(ByteBuffer b, int o, int len, float s) {
    int j = 0;
    for (int up = S.loopBound(len); j < up; j += L) {
      load(b, o + j).mul(s).intoByteBuffer(b, 4 * (o + j), NATIVE);
    }
    for (; j < len; j++) {
      b.putFloat(4 * (o + j), b.getFloat(4 * (o + j)) * s);
    }
  }

  /** The sum of the {@code len} floats at element {@code o}. */
  private float rowSum(ByteBuffer b, int o, int len) {
    FloatVector sv = FloatVector.zero(S);
    int j = 0;
    for (int up = S.loopBound(len); j < up; j += L) {
      sv = sv.add(load(b, o + j));
    }
    float s = sum(sv);
    for (; j < len; j++) {
      s += b.getFloat(4 * (o + j));
    }
    return s;
  }

  /**
   * The sum of a vector's lanes, added in lane order. Not {@code reduceLanes(ADD)}, whose order of
   * additions differs between the JIT's intrinsic and the library's Java fallback, so that a step's
   * result would depend on what had been compiled yet: a resumed run must repeat the uninterrupted
   * one bit for bit.
   */
  private float sum(FloatVector v) {
    v.intoArray(lanes, 0);
    float s = 0;
    for (float f : lanes) {
      s += f;
    }
    return s;
  }

  /**
   * {@code e^x} in float32 from fused multiply-adds and exponent bits alone, which round the same
   * in compiled and interpreted code (the Vector API's {@code EXP} is the JIT's SVML stub once
   * compiled and {@code Math.exp} before, and their last bits differ). Cody–Waite reduction {@code
   * x = k·ln2 + r}, |r| ≤ ln2/2, then the degree-6 Taylor polynomial of {@code e^r} (error below
   * r⁷/7! ≈ 1.2e-7 relative; measured 2.5e-7 worst over [−87, 88]). 0 below −87.3, where float32
   * would go subnormal; saturates at e^88.3 ≈ 2.2e38 above, where no caller goes (their arguments
   * are at most 0, or GELU's −2u, whose saturation changes its gate by less than 1e-38). Measured
   * 0.33 ns per float in cache with AVX-512, the SVML stub 0.30.
   */
  static FloatVector exp(FloatVector x) {
    FloatVector xc = x.max(-87.3f).min(88.3f);
    FloatVector shifted = xc.fma(LOG2E_V, ROUND_V); // k in the low mantissa bits
    FloatVector k = shifted.sub(ROUND);
    FloatVector r = k.fma(MINUS_LN2_LO_V, k.fma(MINUS_LN2_HI_V, xc));
    FloatVector p = r.fma(C6, C5).fma(r, C4).fma(r, C3).fma(r, C2_V).fma(r, ONE).fma(r, ONE);
    IntVector bits = (IntVector) shifted.reinterpretAsInts();
    FloatVector twoToK =
        bits.sub(ROUND_BITS - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return p.mul(twoToK).blend(0f, x.compare(VectorOperators.LT, -87.3f));
  }

  /** {@link #exp(FloatVector)} for one value, the same arithmetic. */
  static float exp(float x) {
    if (x < -87.3f) {
      return 0f;
    }
    float xc = Math.min(x, 88.3f);
    float shifted = Math.fma(xc, LOG2E, ROUND);
    float k = shifted - ROUND;
    float r = Math.fma(k, -LN2_LO, Math.fma(k, -LN2_HI, xc));
    float p = Math.fma(r, 1f / 720, 1f / 120);
    p = Math.fma(Math.fma(Math.fma(p, r, 1f / 24), r, 1f / 6), r, 0.5f);
    p = Math.fma(Math.fma(p, r, 1f), r, 1f);
    int bits = Float.floatToRawIntBits(shifted);
    return p * Float.intBitsToFloat((bits - ROUND_BITS + 127) << 23);
  }

  /**
   * {@code erf(x)} in float32 from fused multiply-adds and a division, which round the same in
   * compiled and interpreted code (see {@link #exp(FloatVector)}): {@code x · P(x²)/Q(x²)}, P of
   * degree 4 and Q of degree 6, fitted for least relative error on [0, 3.9] by
   * src/test/resources/reference/erf_rational.py: 5.4e-8 relative with these float32 coefficients
   * in exact arithmetic, 2.9e-7 measured in float32 (at ±3.81; KernelOpsTest bounds it by 4e-7).
   * Beyond ±3.9 erf is ±1 to within 3.5e-8, about half float32's spacing below 1, and ±1 is
   * returned.
   */
  static FloatVector erf(FloatVector x) {
    FloatVector xc = x.max(-ERF_EDGE).min(ERF_EDGE);
    FloatVector z = xc.mul(xc);
    FloatVector p = z.fma(ERF_P4, ERF_P3).fma(z, ERF_P2).fma(z, ERF_P1).fma(z, ERF_P0);
    FloatVector q =
        z.fma(ERF_Q6, ERF_Q5).fma(z, ERF_Q4).fma(z, ERF_Q3).fma(z, ERF_Q2).fma(z, ERF_Q1);
    FloatVector r = xc.mul(p).div(q.fma(z, ONE));
    return r.blend(ONE, x.compare(VectorOperators.GE, ERF_EDGE))
        .blend(-1f, x.compare(VectorOperators.LE, -ERF_EDGE));
  }

  /** {@link #erf(FloatVector)} for one value, the same arithmetic. */
  static float erf(float x) {
    if (x >= ERF_EDGE) {
      return 1f;
    }
    if (x <= -ERF_EDGE) {
      return -1f;
    }
    float z = x * x;
    float p = Math.fma(Math.fma(Math.fma(Math.fma(z, P[4], P[3]), z, P[2]), z, P[1]), z, P[0]);
    float q = Math.fma(z, Q[6], Q[5]);
    q = Math.fma(Math.fma(Math.fma(Math.fma(q, z, Q[4]), z, Q[3]), z, Q[2]), z, Q[1]);
    return x * p / Math.fma(q, z, 1f);
  }

  /** The vector of floats starting at element {@code i}. */
  private static FloatVector load(ByteBuffer b, int i) {
    return FloatVector.fromByteBuffer(S, b, 4 * i, NATIVE);
  }

  /** Up to 2 GiB of floats: what a {@link ByteBuffer} can address. */
  @Override
  public boolean handles(long elements) {
    return elements <= Integer.MAX_VALUE / Float.BYTES;
  }

  /** The native buffer of a dense float32 array, positioned at its first element. */
  private static ByteBuffer bytes(INDArray a) {
    if (a.dataType() != DataType.FLOAT
        || a.ordering() != 'c'
        || !Shape.hasDefaultStridesForShape(a)) {
      throw new IllegalArgumentException(
          "vector kernel ops need dense row-major float32 arrays, got "
              + a.dataType()
              + " "
              + a.shapeInfoToString());
    }
    ByteBuffer all = a.data().asNio().order(NATIVE);
    return all.position(Math.toIntExact(4 * a.offset())).slice().order(NATIVE);
  }
}
