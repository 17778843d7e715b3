package io.scalinglab.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Clipping against hand-computed values: gradients [3, 4] and [[0, 12]] have global norm sqrt(9 +
 * 16 + 144) = 13. Float32 tolerance 1e-6: values up to 12 are held to about 1 ulp (9.5e-7).
 */
class GradClipTest {
  private static Map<String, INDArray> grads() {
    Map<String, INDArray> g = new LinkedHashMap<>();
    g.put("a", Nd4j.create(new float[] {3, 4}, new long[] {2}));
    g.put("b", Nd4j.create(new float[] {0, 12}, new long[] {1, 2}));
    return g;
  }

  @Test
  void scalesEveryGradientByMaxOverTotalAndReturnsThePreClipNorm() {
    Map<String, INDArray> g = grads();
    double total = GradClip.clipGlobalNorm(g, 6.5);
    assertEquals(13.0, total, 1e-6);
    // torch: coef = 6.5 / (13 + 1e-6) = 0.49999996..., so [1.4999999, 1.9999998] and [0, 5.9999995]
    double coef = 6.5 / (13 + 1e-6);
    assertArrayEquals(new double[] {3 * coef, 4 * coef}, g.get("a").data().asDouble(), 1e-6);
    assertArrayEquals(new double[] {0, 12 * coef}, g.get("b").data().asDouble(), 1e-6);
    // The clipped norm is maxNorm, short by the 1e-6 in torch's denominator.
    assertEquals(6.5, GradClip.clipGlobalNorm(g, 0), 1e-5);
  }

  @Test
  void underTheMaximumNothingChanges() {
    Map<String, INDArray> g = grads();
    assertEquals(13.0, GradClip.clipGlobalNorm(g, 20), 1e-6);
    assertEquals(grads(), g);
  }

  @Test
  void zeroMaxNormOnlyMeasures() {
    Map<String, INDArray> g = grads();
    assertEquals(13.0, GradClip.clipGlobalNorm(g, 0), 1e-6);
    assertEquals(grads(), g);
  }

  @Test
  void nonFiniteNormsAreReturnedAndNothingIsScaled() {
    Map<String, INDArray> g = grads();
    g.put("c", Nd4j.create(new float[] {Float.NaN}, new long[] {1}));
    assertTrue(Double.isNaN(GradClip.clipGlobalNorm(g, 1)));
    assertEquals(grads().get("a"), g.get("a"));

    Map<String, INDArray> inf = grads();
    inf.put("c", Nd4j.create(new float[] {Float.POSITIVE_INFINITY}, new long[] {1}));
    assertEquals(Double.POSITIVE_INFINITY, GradClip.clipGlobalNorm(inf, 1));
    assertEquals(grads().get("b"), inf.get("b"));
  }

  /**
   * Sums of squares agree with a double-precision sum over arrays past one BLAS chunk (2^20
   * values), views and Fortran order included, to 1e-5 relative: float32 round-off over at most
   * 2^20 terms per chunk.
   */
  @Test
  void sumsOfSquaresMatchADoubleSum() {
    Nd4j.getRandom().setSeed(3);
    INDArray big = Nd4j.randn(DataType.FLOAT, 1500, 1000);
    INDArray fortran = Nd4j.randn(DataType.FLOAT, 30, 40).dup('f');
    INDArray view = big.get(NDArrayIndex.interval(10, 20), NDArrayIndex.interval(5, 15));
    for (INDArray g : List.of(big, fortran, view, big.getRow(7))) {
      double expected = 0;
      for (double x : g.dup('c').data().asDouble()) {
        expected += x * x;
      }
      assertEquals(expected, GradClip.sumOfSquares(g), expected * 1e-5);
    }
  }

  @Test
  void viewsAndLongArraysAreScaledToo() {
    INDArray big = Nd4j.ones(DataType.FLOAT, GradClip.CHUNK + 5);
    INDArray base = Nd4j.ones(DataType.FLOAT, 4, 4);
    INDArray column = base.getColumn(1);
    Map<String, INDArray> g = new LinkedHashMap<>();
    g.put("big", big);
    g.put("column", column);
    double total = GradClip.clipGlobalNorm(g, 1);
    assertEquals(Math.sqrt(GradClip.CHUNK + 9), total, 1e-6 * total);
    double coef = 1 / (total + 1e-6);
    assertEquals(coef, big.getDouble(GradClip.CHUNK + 4), 1e-9);
    assertEquals(coef, base.getDouble(2, 1), 1e-9);
    assertEquals(1.0, base.getDouble(2, 2)); // outside the view
  }

  @Test
  void negativeMaxNormIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipGlobalNorm(grads(), -1));
    assertTrue(e.getMessage().contains("'-1.0' in maxNorm"), e.getMessage());
  }
}
