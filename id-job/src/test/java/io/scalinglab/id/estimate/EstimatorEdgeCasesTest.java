package io.scalinglab.id.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.config.IdConfig.Combine;
import io.scalinglab.core.stats.Quantiles;
import io.scalinglab.id.estimate.Bootstrap.Interval;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Defined answers where the formulas break down; bootstrap and participation ratio basics. */
class EstimatorEdgeCasesTest {

  @Test
  void zeroDistanceIsRefusedWithAReason() {
    double[] t = {0, 1, 2, 3};
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Mle.pointwise(t, 0, 4, false));
    assertTrue(e.getMessage().contains("remove duplicate points"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> TwoNn.estimate(new double[] {0, 1}, new double[] {1, 2}, 0.1));
  }

  @Test
  void equidistantNeighboursGiveInfinityWhichEachCombinationHandles() {
    // point 0: all four neighbours at distance 1 (m = +inf); point 1: m = 3 / log(4·3·2/1) etc.
    double[] t = {1, 1, 1, 1, 1, 2, 3, 4};
    assertEquals(Double.POSITIVE_INFINITY, Mle.pointwise(t, 0, 4, false));
    double m1 = Mle.pointwise(t, 4, 4, false);
    assertEquals(3 / Math.log(4.0 * 2 * 4 / 3 * 1), m1, 1e-12);
    Mle.MleEstimate mean = Mle.estimate(t, 2, 4, 4, false, Combine.MEAN);
    assertEquals(m1, mean.id(), 1e-12); // the infinite point is left out of the mean
    assertEquals(1, mean.degenerate());
    Mle.MleEstimate harmonic = Mle.estimate(t, 2, 4, 4, false, Combine.HARMONIC);
    assertEquals(2 * m1, harmonic.id(), 1e-12); // 1 / ((0 + 1/m1) / 2)
    IllegalArgumentException all =
        assertThrows(
            IllegalArgumentException.class,
            () -> Mle.estimate(new double[] {2, 2, 2}, 1, 3, 3, false, Combine.MEAN));
    assertTrue(all.getMessage().contains("undefined"), all.getMessage());
  }

  @Test
  void twoNnOnTiesIsUndefinedNotNaN() {
    double[] r = {1, 1, 1, 1, 1};
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TwoNn.estimate(r, r.clone(), 0.1));
    assertTrue(e.getMessage().contains("undefined"), e.getMessage());
  }

  @Test
  void mleOfAPowerLawNeighbourhoodIsItsExponent() {
    // In d dimensions with uniform density, T_j ∝ j^(1/d) in expectation; with exactly that
    // spacing the MLE is (k-1) / Σ log((k/j)^(1/d)) = d (k-1) / log(k^(k-1) / (k-1)!).
    int k = 20;
    double d = 7;
    double[] t = new double[k];
    for (int j = 0; j < k; j++) {
      t[j] = Math.pow(j + 1, 1 / d);
    }
    double logFactorial = 0;
    for (int j = 1; j < k; j++) {
      logFactorial += Math.log(j);
    }
    double expected = d * (k - 1) / ((k - 1) * Math.log(k) - logFactorial);
    assertEquals(expected, Mle.pointwise(t, 0, k, false), 1e-12);
  }

  @Test
  void bootstrapIsSeededAndCoversTheMean() {
    SplittableRandom rnd = new SplittableRandom(1);
    double[] pw = new double[2000];
    for (int i = 0; i < pw.length; i++) {
      pw[i] = 10 + rnd.nextGaussian();
    }
    Interval a = Bootstrap.percentile(pw.length, 200, 0.95, 42, Bootstrap.mle(pw, Combine.MEAN));
    Interval b = Bootstrap.percentile(pw.length, 200, 0.95, 42, Bootstrap.mle(pw, Combine.MEAN));
    assertEquals(a, b);
    double mean = Mle.combine(pw, Combine.MEAN);
    assertTrue(a.low() < mean && mean < a.high(), a.toString());
    // The standard error of a mean of 2000 unit-variance values is 1/sqrt(2000) = 0.022, so a 95%
    // interval is about 2·1.96·0.022 = 0.088 wide; allow 30% for the resampling noise of 200.
    assertEquals(0.088, a.high() - a.low(), 0.088 * 0.3);
  }

  @Test
  void quantileInterpolatesLikeNumpy() {
    double[] s = {1, 2, 3, 4};
    assertEquals(1.075, Quantiles.linear(s, 0.025), 1e-12); // np.quantile([1,2,3,4], 0.025)
    assertEquals(3.925, Quantiles.linear(s, 0.975), 1e-12);
  }

  @Test
  void participationRatioCountsEqualVarianceDirections() {
    // Three orthogonal directions of equal variance and two of none: PR = 3 (up to sampling).
    SplittableRandom rnd = new SplittableRandom(3);
    int n = 20000;
    double[] x = new double[n * 5];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < 3; c++) {
        x[i * 5 + c] = rnd.nextGaussian();
      }
    }
    // Sampling error of each variance is about sqrt(2/n) = 1%, so PR is within a few percent of 3.
    assertEquals(3, ParticipationRatio.estimate(x, n, 5), 0.05);
    assertThrows(
        IllegalArgumentException.class,
        () -> ParticipationRatio.estimate(new double[] {1, 2, 1, 2}, 2, 2));
  }
}
