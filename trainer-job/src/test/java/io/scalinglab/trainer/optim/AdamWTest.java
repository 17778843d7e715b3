package io.scalinglab.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * AdamW against torch.optim.AdamW: the values below are worked out by hand with its formulas (beta1
 * 0.9, beta2 0.95, eps 1e-8, weight decay 0.1) and are what {@code
 * src/test/resources/reference/adamw_torch.py} printed from PyTorch 1.13 itself (in its header):
 *
 * <pre>
 * t = 1, lr 0.01: m = 0.1 g, v = 0.05 g^2, so m/(1 - 0.9) = g and v/(1 - 0.95) = g^2:
 *   p1 = p0 * (1 - 0.01 * 0.1) - 0.01 * g / (|g| + 1e-8)      (the decay factor only on w)
 *   w: 1 * 0.999 - 0.01 * 0.1/0.10000001 = 0.989000001      2 * 0.999 + 0.0099999995 = 2.0079999995
 *      3 * 0.999 - 0.0099999996667 = 2.9870000003333       4 * 0.999 - 0 (g = 0)      = 3.996
 *   b: 1 - 0.0099999998 = 0.9900000002                    -1 + 0.0099999998          = -0.9900000002
 * t = 2, lr 0.02: 1 - 0.9^2 = 0.19, 1 - 0.95^2 = 0.0975, decay factor 1 - 0.002 = 0.998
 *   w[0,0], g = 0.1 then -0.1: m = 0.9 * 0.01 - 0.01 = -0.001, v = 0.95 * 0.0005 + 0.0005 = 0.000975
 *     p2 = 0.9890000010 * 0.998 - 0.02 * (-0.001/0.19) / (sqrt(0.000975/0.0975) + 1e-8)
 *        = 0.987022000998 + 0.0010526314737 = 0.9880746324717
 *   b[1], g = -0.5 then 0.25: m = -0.045 + 0.025 = -0.02, v = 0.011875 + 0.003125 = 0.015
 *     p2 = -0.9900000002 - 0.02 * (-0.02/0.19) / (sqrt(0.015/0.0975) + 1e-8) = -0.9846326113752
 *   the rest likewise: w = [0.9880746324717, 2.0239839985010, 2.9610260009993, 3.9733088004671],
 *   b[0] = 0.9700000006 (13 decimals, from the same formulas in Python floats).
 * </pre>
 *
 * The float32 tolerance is 2e-6: a few ulps at |p| up to 4 (ulp 4.8e-7), from rounding the decay
 * product, the update and the subtraction; in float64 it is 1e-12.
 */
class AdamWTest {
  private static final OptimConfig C =
      new OptimConfig(0.01, 0.001, 0, 10, 0.9, 0.95, 1e-8, 0.1, 1.0);
  private static final double F32_TOL = 2e-6;
  private static final double F64_TOL = 1e-12;

  private static Map<String, INDArray> params(DataType type) {
    Map<String, INDArray> p = new LinkedHashMap<>();
    p.put("w", Nd4j.create(new double[] {1, 2, 3, 4}, new long[] {2, 2}, type));
    p.put("b", Nd4j.create(new double[] {1, -1}, new long[] {2}, type));
    return p;
  }

  private static Map<String, INDArray> grads(DataType type, double[] w, double[] b) {
    Map<String, INDArray> g = new LinkedHashMap<>();
    g.put("w", Nd4j.create(w, new long[] {2, 2}, type));
    g.put("b", Nd4j.create(b, new long[] {2}, type));
    return g;
  }

  private static Map<String, INDArray> step1(DataType type) {
    return grads(type, new double[] {0.1, -0.2, 0.3, 0}, new double[] {0.5, -0.5});
  }

  private static Map<String, INDArray> step2(DataType type) {
    return grads(type, new double[] {-0.1, -0.2, 0.3, 0.4}, new double[] {0.5, 0.25});
  }

  private static void near(double[] expected, INDArray actual, double tol) {
    assertArrayEquals(expected, actual.dup().data().asDouble(), tol);
  }

  private static void twoSteps(DataType type, Boolean nd4jOp, double tol) {
    Map<String, INDArray> p = params(type);
    AdamW opt = new AdamW(C, p, nd4jOp);
    assertEquals(Set.of("w"), opt.decayed());

    opt.step(step1(type), 0.01);
    assertEquals(1, opt.stepCount());
    near(new double[] {0.989000001, 2.0079999995, 2.9870000003333, 3.996}, p.get("w"), tol);
    near(new double[] {0.9900000002, -0.9900000002}, p.get("b"), tol);
    // m = 0.1 g, v = 0.05 g^2
    near(new double[] {0.01, -0.02, 0.03, 0}, opt.firstMoments().get("w"), tol / 100);
    near(new double[] {0.0125, 0.0125}, opt.secondMoments().get("b"), tol / 100);

    opt.step(step2(type), 0.02);
    assertEquals(2, opt.stepCount());
    near(
        new double[] {0.9880746324717, 2.0239839985010, 2.9610260009993, 3.9733088004671},
        p.get("w"),
        tol);
    near(new double[] {0.9700000006, -0.9846326113752}, p.get("b"), tol);
    near(new double[] {-0.001, -0.038, 0.057, 0.04}, opt.firstMoments().get("w"), tol / 100);
    near(new double[] {0.024375, 0.015}, opt.secondMoments().get("b"), tol / 100);
  }

  @Test
  void oneAndTwoStepsMatchTorchInFloat32WithTheJavaLoop() {
    twoSteps(DataType.FLOAT, false, F32_TOL);
  }

  @Test
  void oneAndTwoStepsMatchTorchInFloat32WithNd4jsOp() {
    twoSteps(DataType.FLOAT, true, F32_TOL);
  }

  @Test
  void oneAndTwoStepsMatchTorchInFloat64() {
    twoSteps(DataType.DOUBLE, null, F64_TOL);
  }

  /**
   * The two engines agree on 5 steps of random gradients over arrays longer than the loop's piece
   * (16,384 values), to 1e-6 absolute on values below 1 (ulp 6e-8 to 1.2e-7): both compute the same
   * formula in float32 and differ only in where they round, a few ulps in all.
   */
  @Test
  void theEnginesAgreeOnLongArrays() {
    Nd4j.getRandom().setSeed(5);
    Map<String, INDArray> a = new LinkedHashMap<>();
    a.put("w", Nd4j.rand(DataType.FLOAT, 300, 129));
    a.put("b", Nd4j.rand(DataType.FLOAT, 20_001));
    Map<String, INDArray> b = new LinkedHashMap<>();
    a.forEach((k, v) -> b.put(k, v.dup()));
    AdamW loop = new AdamW(C, a, false);
    AdamW op = new AdamW(C, b, true);
    for (int t = 0; t < 5; t++) {
      Map<String, INDArray> g = new LinkedHashMap<>();
      a.forEach((k, v) -> g.put(k, Nd4j.randn(DataType.FLOAT, v.shape()).muli(0.01)));
      loop.step(g, 1e-3);
      op.step(g, 1e-3);
    }
    for (String k : a.keySet()) {
      double diff = a.get(k).sub(b.get(k)).amaxNumber().doubleValue();
      assertTrue(diff < 1e-6, k + " differs by " + diff);
      double mDiff =
          loop.firstMoments().get(k).sub(op.firstMoments().get(k)).amaxNumber().doubleValue();
      assertTrue(mDiff < 1e-8, k + " first moments differ by " + mDiff);
    }
  }

  @Test
  void momentsAreCopies() {
    Map<String, INDArray> p = params(DataType.FLOAT);
    AdamW opt = new AdamW(C, p);
    opt.step(step1(DataType.FLOAT), 0.01);
    opt.firstMoments().get("w").assign(100);
    near(new double[] {0.01, -0.02, 0.03, 0}, opt.firstMoments().get("w"), 1e-8);
  }

  /**
   * eps goes next to the bias-corrected sqrt(v), as in torch: with |g| = eps = 1e-8 the first step
   * is lr * g / (|g| + eps) = lr / 2 = 0.005. (Adding eps to the uncorrected sqrt(v), as the Adam
   * paper's efficient form and ND4J's own updater do, would give lr * 0.1827.)
   */
  @ParameterizedTest(name = "nd4jOp={0}")
  @ValueSource(booleans = {false, true})
  void epsIsAddedToTheBiasCorrectedRoot(boolean nd4jOp) {
    Map<String, INDArray> p = Map.of("g", Nd4j.create(new float[] {1f}, new long[] {1}));
    AdamW opt = new AdamW(C, p, nd4jOp);
    opt.step(Map.of("g", Nd4j.create(new float[] {1e-8f}, new long[] {1})), 0.01);
    assertEquals(1 - 0.005, p.get("g").getDouble(0), 1e-7);
  }

  /**
   * The step size keeps float32 precision where the bias corrections cancel badly (beta2 0.999,
   * early steps): a constant gradient of 1 has bias-corrected moments of exactly 1, so each step at
   * lr 1 moves p by 1 / (1 + 1e-8), and after t steps p = -t / (1 + 1e-8). Tolerance 1e-7 per step:
   * p stays within 3e-7 of an integer, which float32 holds exactly, while bias corrections computed
   * in float32 would be off by 3.3e-6 already at t = 2.
   */
  @ParameterizedTest(name = "nd4jOp={0}")
  @ValueSource(booleans = {false, true})
  void stepSizeKeepsFloatPrecisionWithBeta2Near1(boolean nd4jOp) {
    OptimConfig c = new OptimConfig(1, 0.1, 0, 10, 0.9, 0.999, 1e-8, 0, 0);
    Map<String, INDArray> p = Map.of("p", Nd4j.zeros(DataType.FLOAT, 4));
    AdamW opt = new AdamW(c, p, nd4jOp);
    for (int t = 1; t <= 30; t++) {
      opt.step(Map.of("p", Nd4j.ones(DataType.FLOAT, 4)), 1);
      double expected = -t / (1 + 1e-8);
      near(new double[] {expected, expected, expected, expected}, p.get("p"), 1e-7 * t);
    }
  }

  @ParameterizedTest(name = "nd4jOp={0}")
  @ValueSource(booleans = {false, true})
  void zeroLearningRateMovesNothingButTheMoments(boolean nd4jOp) {
    Map<String, INDArray> p = params(DataType.FLOAT);
    INDArray w0 = p.get("w").dup();
    AdamW opt = new AdamW(C, p, nd4jOp);
    opt.step(step1(DataType.FLOAT), 0);
    assertEquals(w0, p.get("w"));
    near(new double[] {0.01, -0.02, 0.03, 0}, opt.firstMoments().get("w"), 1e-8);
  }

  @ParameterizedTest(name = "nd4jOp={0}")
  @ValueSource(booleans = {false, true})
  void gradientsAreOnlyRead(boolean nd4jOp) {
    Map<String, INDArray> g = step1(DataType.FLOAT);
    Map<String, INDArray> copy = new LinkedHashMap<>();
    g.forEach((k, v) -> copy.put(k, v.dup()));
    new AdamW(C, params(DataType.FLOAT), nd4jOp).step(g, 0.01);
    assertEquals(copy, g);
  }

  @ParameterizedTest(name = "nd4jOp={0}")
  @ValueSource(booleans = {false, true})
  void restoreContinuesTheSameTrajectory(boolean nd4jOp) {
    Map<String, INDArray> straight = params(DataType.FLOAT);
    AdamW a = new AdamW(C, straight, nd4jOp);
    a.step(step1(DataType.FLOAT), 0.01);
    a.step(step2(DataType.FLOAT), 0.02);

    Map<String, INDArray> first = params(DataType.FLOAT);
    AdamW b = new AdamW(C, first, nd4jOp);
    b.step(step1(DataType.FLOAT), 0.01);
    Map<String, INDArray> resumed = new LinkedHashMap<>();
    first.forEach((k, v) -> resumed.put(k, v.dup()));
    AdamW c = new AdamW(C, resumed, nd4jOp);
    c.restore(b.stepCount(), b.firstMoments(), b.secondMoments());
    c.step(step2(DataType.FLOAT), 0.02);

    assertEquals(2, c.stepCount());
    assertEquals(straight, resumed); // bit-identical: same ops on the same values
    assertEquals(a.secondMoments(), c.secondMoments());
  }

  @Test
  void mismatchedGradientsAreRefusedBeforeAnythingChanges() {
    Map<String, INDArray> p = params(DataType.FLOAT);
    INDArray w0 = p.get("w").dup();
    AdamW opt = new AdamW(C, p);
    Map<String, INDArray> missing = new LinkedHashMap<>(step1(DataType.FLOAT));
    missing.remove("b");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> opt.step(missing, 0.01));
    assertTrue(e.getMessage().contains("missing [b]"), e.getMessage());

    Map<String, INDArray> badShape = step1(DataType.FLOAT);
    badShape.put("b", Nd4j.create(new float[] {1, 2, 3}, new long[] {3}));
    e = assertThrows(IllegalArgumentException.class, () -> opt.step(badShape, 0.01));
    assertTrue(e.getMessage().contains("'b'"), e.getMessage());
    assertEquals(w0, p.get("w"));
    assertEquals(0, opt.stepCount());
  }

  @Test
  void viewsAndEmptyMapsAreRefused() {
    INDArray big = Nd4j.create(DataType.FLOAT, 4, 4);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new AdamW(C, Map.of("row", big.getRow(1))));
    assertTrue(e.getMessage().contains("'row'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new AdamW(C, Map.of()));
  }
}
