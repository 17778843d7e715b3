package io.scalinglab.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.config.Gelu;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link VectorKernelOps} against {@link Nd4jKernelOps} on the same float32 inputs, with widths
 * that are whole vectors and widths that leave a scalar tail (any lane count from 4 to 16 leaves
 * one for 11, 21, 37 and 300). Both round to float32 after a different order of additions, so they
 * differ by a few ulps of the largest element: tolerance 1e-5 of it (float32's ulp is 1.2e-7, and
 * sums over up to 300 terms can lose ~log2(300) ≈ 8 ulps).
 */
class KernelOpsTest {
  private static final double TOL = 1e-5;
  private final KernelOps vector = new VectorKernelOps();
  private final KernelOps reference = new Nd4jKernelOps(DataType.FLOAT);
  private final SplittableRandom rnd = new SplittableRandom(3);

  @Test
  void theTestJvmHasTheVectorApiAsBinJvmOptionsGivesIt() {
    assertTrue(
        KernelOps.vectorApiPresent(), "start the JVM with --add-modules=jdk.incubator.vector");
    assertEquals("vector", KernelOps.forType(DataType.FLOAT).name());
    assertEquals("nd4j", KernelOps.forType(DataType.DOUBLE).name());
  }

  /**
   * The vector ops' own exponential against {@code Math.exp}: within 4e-7 relative on [−87, 88]
   * (the degree-6 polynomial's bound, 1.2e-7, plus float32 rounding of the reduction and the
   * product; measured 2.5e-7), 0 below −87.3 and for −∞, saturating at e^88.3 above, and every lane
   * of a vector equal to the scalar version's result.
   */
  @Test
  void exponentialIsAccurateAndTheSameInLanesAndScalars() {
    int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
    float[] xs = new float[lanes * 2000];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = (float) (-87 + 175 * rnd.nextDouble());
    }
    xs[0] = Float.NEGATIVE_INFINITY;
    xs[1] = -100f;
    xs[2] = 100f;
    xs[3] = 0f;
    float[] out = new float[xs.length];
    for (int i = 0; i < xs.length; i += lanes) {
      VectorKernelOps.exp(
              jdk.incubator.vector.FloatVector.fromArray(
                  jdk.incubator.vector.FloatVector.SPECIES_PREFERRED, xs, i))
          .intoArray(out, i);
    }
    assertEquals(0f, out[0]);
    assertEquals(0f, out[1]);
    assertEquals(Math.exp(88.3f), out[2], 4e-7 * Math.exp(88.3f));
    assertEquals(1f, out[3]);
    for (int i = 0; i < xs.length; i++) {
      assertEquals(VectorKernelOps.exp(xs[i]), out[i], 0f, "lane and scalar at x = " + xs[i]);
      if (i > 3) {
        double e = Math.exp(xs[i]);
        assertEquals(e, out[i], 4e-7 * e, "exp(" + xs[i] + ")");
      }
    }
  }

  /**
   * The vector ops' erf against libnd4j's in float64 (the C library's, equal to mpmath's at the
   * points of erf_rational.py to the last digit printed, GeluTest): within 4e-7 relative over [−6,
   * 6], ±1 beyond ±3.9, odd, and every lane equal to the scalar version. The bound: the fit's
   * 5.4e-8 with float32 coefficients (erf_rational.py) plus float32 rounding in about a dozen
   * operations (x², Horner's rule for P and Q, the product, the quotient; 6e-8 each at worst, 7e-7
   * if all added up in the same direction). Measured 2.9e-7 at x ≈ ±3.81, where P and Q are largest
   * (a grid of 200,000 points): 5 ulps of float32 just below 1, 2.4 ulps of 1.
   */
  @Test
  void erfIsAccurateAndTheSameInLanesAndScalars() {
    int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
    float[] xs = new float[lanes * 4000];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = (float) (-6 + 12 * rnd.nextDouble());
    }
    xs[0] = 0f;
    xs[1] = 3.9f;
    xs[2] = -3.9f;
    xs[3] = Math.nextDown(3.9f);
    xs[4] = 1e-30f;
    float[] out = new float[xs.length];
    for (int i = 0; i < xs.length; i += lanes) {
      VectorKernelOps.erf(
              jdk.incubator.vector.FloatVector.fromArray(
                  jdk.incubator.vector.FloatVector.SPECIES_PREFERRED, xs, i))
          .intoArray(out, i);
    }
    INDArray ref = Nd4j.createFromArray(xs).castTo(DataType.DOUBLE);
    Nd4j.exec(new Erf(ref, ref));
    double worst = 0;
    for (int i = 0; i < xs.length; i++) {
      assertEquals(VectorKernelOps.erf(xs[i]), out[i], 0f, "lane and scalar at x = " + xs[i]);
      assertEquals(-VectorKernelOps.erf(xs[i]), VectorKernelOps.erf(-xs[i]), 0f, "odd");
      double e = ref.getDouble(i);
      worst = Math.max(worst, e == 0 ? Math.abs(out[i]) : Math.abs(out[i] - e) / Math.abs(e));
      if (Math.abs(xs[i]) >= 3.9f) {
        assertEquals(Math.signum(xs[i]), out[i], 0f, "erf(" + xs[i] + ")");
      }
    }
    assertTrue(worst <= 4e-7, "max relative error " + worst);
  }

  @Test
  void geluForwardAndBackward() {
    for (Gelu kind : Gelu.values()) {
      for (int n : new int[] {5, 64, 1000}) {
        INDArray x = random(n, 6.0);
        INDArray[] y = {x.ulike(), x.ulike()};
        INDArray dy = random(n, 1.0);
        INDArray[] d = {dy.dup(), dy.dup()};
        KernelOps[] ops = {reference, vector};
        for (int i = 0; i < 2; i++) {
          ops[i].gelu(kind, x, y[i]);
          ops[i].geluBackward(kind, x, y[i], d[i]);
        }
        close(y[0], y[1], kind + " gelu n=" + n);
        close(d[0], d[1], kind + " gelu' n=" + n);
      }
    }
  }

  @Test
  void crossEntropyLossAndGradient() {
    for (int vocab : new int[] {11, 256, 300}) {
      INDArray logits = random(37 * vocab, 4.0).reshape(37, vocab);
      int[] y = rnd.ints(37, 0, vocab).toArray();
      INDArray d0 = logits.ulike();
      INDArray d1 = logits.ulike();
      double l0 = reference.crossEntropy(logits, y, d0);
      double l1 = vector.crossEntropy(logits, y, d1);
      assertEquals(l0, l1, TOL * l0, "loss, vocab " + vocab);
      close(d0, d1, "dlogits, vocab " + vocab);
    }
  }

  @Test
  void causalSoftmaxForwardAndBackward() {
    for (int t : new int[] {8, 21, 64}) {
      INDArray scores = random(2 * 3 * t * t, 5.0).reshape(2, 3, t, t);
      INDArray dAtt = random(2 * 3 * t * t, 1.0).reshape(2, 3, t, t);
      INDArray[] att = {scores.dup(), scores.dup()};
      INDArray[] d = {dAtt.dup(), dAtt.dup()};
      KernelOps[] ops = {reference, vector};
      double scale = 1 / Math.sqrt(t);
      for (int i = 0; i < 2; i++) {
        ops[i].causalSoftmax(att[i], t, scale);
        ops[i].causalSoftmaxBackward(att[i], d[i], t, scale);
      }
      close(att[0], att[1], "softmax t=" + t);
      close(d[0], d[1], "softmax backward t=" + t);
      for (int q = 0; q < t - 1; q++) { // the last key is after every query but the last
        assertEquals(0.0, att[1].getDouble(1, 2, q, t - 1), 0.0, "masked key, query " + q);
      }
    }
  }

  @Test
  void layerNormForwardAndBackward() {
    for (int c : new int[] {16, 37, 128}) {
      for (boolean bias : new boolean[] {true, false}) {
        int rows = 9;
        INDArray x = random(rows * c, 2.0).reshape(rows, c).addi(0.5);
        INDArray gain = random(c, 1.0).addi(1.0);
        INDArray b = bias ? random(c, 1.0) : null;
        INDArray dy = random(rows * c, 1.0).reshape(rows, c);
        INDArray dxStart = random(rows * c, 1.0).reshape(rows, c);
        INDArray[] xhat = {x.ulike(), x.ulike()};
        INDArray[] rstd = {Nd4j.create(DataType.FLOAT, rows), Nd4j.create(DataType.FLOAT, rows)};
        INDArray[] y = {x.ulike(), x.ulike()};
        INDArray[] dgain = {gain.ulike(), gain.ulike()};
        INDArray[] dbias = {bias ? gain.ulike() : null, bias ? gain.ulike() : null};
        INDArray[] dx = {dxStart.dup(), dxStart.dup()};
        KernelOps[] ops = {reference, vector};
        for (int i = 0; i < 2; i++) {
          ops[i].layerNorm(x, gain, b, 1e-5, xhat[i], rstd[i], y[i]);
          ops[i].layerNormBackward(dy, xhat[i], rstd[i], gain, dgain[i], dbias[i], dx[i]);
        }
        String what = "c=" + c + (bias ? " with bias" : "");
        close(xhat[0], xhat[1], "xhat " + what);
        close(rstd[0], rstd[1], "rstd " + what);
        close(y[0], y[1], "y " + what);
        close(dgain[0], dgain[1], "dgain " + what);
        if (bias) {
          close(dbias[0], dbias[1], "dbias " + what);
        }
        close(dx[0], dx[1], "dx (added) " + what);
      }
    }
  }

  /**
   * A constant row has no variance: the epsilon keeps LayerNorm finite, {@code xhat = 0}, {@code y
   * = bias}, {@code rstd = 1/√eps}, and its gradient finite too, in both ops.
   */
  @Test
  void layerNormOfAConstantRowIsFinite() {
    int c = 37;
    for (KernelOps ops : new KernelOps[] {reference, vector}) {
      INDArray x = Nd4j.valueArrayOf(new long[] {2, c}, 3.5f);
      INDArray gain = random(c, 1.0).addi(1.0);
      INDArray b = random(c, 1.0);
      INDArray xhat = x.ulike();
      INDArray rstd = Nd4j.create(DataType.FLOAT, 2);
      INDArray y = x.ulike();
      ops.layerNorm(x, gain, b, 1e-5, xhat, rstd, y);
      assertEquals(0.0, xhat.amaxNumber().doubleValue(), 0.0, ops.name() + " xhat");
      assertEquals(1 / Math.sqrt(1e-5), rstd.getDouble(0), 1e-6 / Math.sqrt(1e-5), ops.name());
      assertEquals(b, y.getRow(1), ops.name() + " y is the bias");
      INDArray dx = x.ulike();
      ops.layerNormBackward(
          random(2 * c, 1.0).reshape(2, c), xhat, rstd, gain, gain.ulike(), b.ulike(), dx);
      assertTrue(Double.isFinite(dx.sumNumber().doubleValue()), ops.name() + " dx finite");
    }
  }

  private INDArray random(int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (scale * (2 * rnd.nextDouble() - 1));
    }
    return Nd4j.createFromArray(v);
  }

  private static void close(INDArray expected, INDArray actual, String what) {
    double scale = expected.amaxNumber().doubleValue();
    double err = expected.sub(actual).amaxNumber().doubleValue();
    assertTrue(err <= TOL * scale, what + ": max error " + err + ", scale " + scale);
  }
}
