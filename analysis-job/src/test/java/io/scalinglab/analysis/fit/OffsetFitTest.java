package io.scalinglab.analysis.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The power law with an irreducible term, L = E + B·x^(−α), fitted by Huber on log residuals. */
class OffsetFitTest {

  private static double[] logSpaced(double from, double to, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Math.exp(Math.log(from) + i * (Math.log(to) - Math.log(from)) / (n - 1));
    }
    return x;
  }

  @Test
  void noiseFreeDataIsRecovered() {
    double[] x = logSpaced(1e6, 1e11, 10);
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = 1.7 + 300 * Math.pow(x[i], -0.35);
    }
    Fit.Fitted f =
        assertInstanceOf(
            Fit.Fitted.class,
            ScalingFits.fit(
                FitForm.OFFSET, new double[][] {x}, y, FitOptions.defaults(1).withResamples(0)));
    // at SciPy's stopping rules the Huber objective stops within ~1e-4 of the exact minimum here
    assertEquals(1.7, f.estimate("E").value(), 2e-3);
    assertEquals(0.35, f.estimate("alpha").value(), 2e-3);
    assertEquals(300, f.estimate("B").value(), 300 * 0.02);
    assertEquals(0, f.holdout().orElseThrow().heldOutError(), 1e-3);
  }

  /**
   * Golden test: 16 noisy points (1 % log-normal) of known parameters, each inside its interval.
   */
  @Test
  void noisyOffsetLawIsRecoveredWithinItsIntervals() {
    SplittableRandom random = new SplittableRandom(11);
    double[] x = logSpaced(1e6, 1e11, 16);
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = (2.0 + 120 * Math.pow(x[i], -0.3)) * Math.exp(0.01 * PowerLawFitTest.gaussian(random));
    }
    Fit.Fitted f =
        assertInstanceOf(
            Fit.Fitted.class,
            ScalingFits.fit(
                FitForm.OFFSET, new double[][] {x}, y, FitOptions.defaults(5).withResamples(300)));
    assertTrue(f.estimate("E").contains(2.0), f.estimate("E").toString());
    assertTrue(f.estimate("B").contains(120), f.estimate("B").toString());
    assertTrue(f.estimate("alpha").contains(0.3), f.estimate("alpha").toString());
    assertTrue(f.resamples() >= 290, "resamples used: " + f.resamples());
    assertEquals(Intervals.PARAMETRIC_BOOTSTRAP, f.intervals().method());
    double[] band = f.band(0.95, 1e8);
    double truth = 2.0 + 120 * Math.pow(1e8, -0.3);
    assertTrue(band[0] <= truth && truth <= band[1], java.util.Arrays.toString(band));
  }

  /**
   * A model axis whose loss shows no irreducible part (demo --reproduce on the OpenWebText sample:
   * seven two-layer widths, three seeds at the two narrowest, validation loss per byte): the fit
   * puts E at its bound, and the bootstrap must still let E rise above it where the resampled
   * points allow, not return the bound as a point interval. Every refit started at the bound, where
   * E's log-space gradient vanishes, and stayed there: the interval was [1.4159508606944e-11,
   * 1.4159508606950e-11].
   */
  @Test
  void anIrreducibleLossAtItsBoundKeepsAnIntervalAboveIt() {
    double[] x = {6224, 6224, 6224, 13944, 13944, 13944, 24736, 55536, 98624, 221664, 393856};
    double[] y = {
      2.6166682855639123, 2.6590960195098208, 2.682832811018845, 2.5723024902200184,
      2.6103054104520282, 2.6324788071290657, 2.544897599850483, 2.4370563217374808,
      2.310360502160493, 2.148841770194682, 2.070343426930564
    };
    Fit.Fitted f =
        assertInstanceOf(
            Fit.Fitted.class,
            ScalingFits.fit(
                FitForm.OFFSET, new double[][] {x}, y, FitOptions.defaults(5).withResamples(300)));
    Estimate e = f.estimate("E");
    assertTrue(e.value() < 1e-6, "E at its bound: " + e);
    assertTrue(e.low() >= 0 && e.low() <= e.value() && e.value() <= e.high(), e.toString());
    assertTrue(e.high() > 0.1, "the interval is not the bound alone: " + e);
  }
}
