package io.scalinglab.analysis.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.config.IntervalMethod;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The power law L = C·x^(−α) by least squares in log-log space. */
class PowerLawFitTest {

  private static double[] logSpaced(double from, double to, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Math.exp(Math.log(from) + i * (Math.log(to) - Math.log(from)) / (n - 1));
    }
    return x;
  }

  @Test
  void noiseFreeDataIsRecoveredExactly() {
    double[] x = logSpaced(1e6, 1e9, 6);
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = 40 * Math.pow(x[i], -0.3);
    }
    Fit.Fitted f =
        assertInstanceOf(
            Fit.Fitted.class,
            ScalingFits.fit(FitForm.POWER, new double[][] {x}, y, FitOptions.defaults(1)));
    assertEquals(0.3, f.estimate("alpha").value(), 1e-12);
    assertEquals(40, f.estimate("C").value(), 1e-9);
    assertEquals(1.0, f.r2(), 1e-12);
    assertEquals(0.3, f.estimate("alpha").low(), 1e-12);
    HoldoutCheck h = f.holdout().orElseThrow();
    assertEquals(1, h.points().size());
    assertEquals(x[5], h.points().get(0).x()[0]);
    assertEquals(0, h.heldOutError(), 1e-12);
  }

  /**
   * Golden test of the bootstrap option: 20 points of L = 12·x^(−0.08) with 1 % log-normal noise, α
   * recovered inside its 95 % bootstrap interval, and the interval as wide as theory says. The
   * standard error of the least-squares slope is σ/√Σ(uᵢ − ū)² = 0.01/√(Σ…) ≈ 0.0011 for these x;
   * the bootstrap standard error must agree within a factor of two.
   */
  @Test
  void noisyPowerLawIsRecoveredWithinItsInterval() {
    SplittableRandom random = new SplittableRandom(42);
    double[] x = logSpaced(1e5, 1e10, 20);
    double[] y = new double[x.length];
    double mu = 0;
    for (int i = 0; i < x.length; i++) {
      y[i] = 12 * Math.pow(x[i], -0.08) * Math.exp(0.01 * gaussian(random));
      mu += Math.log(x[i]) / x.length;
    }
    double sxx = 0;
    for (double v : x) {
      sxx += (Math.log(v) - mu) * (Math.log(v) - mu);
    }
    double theorySe = 0.01 / Math.sqrt(sxx);
    Fit.Fitted f =
        assertInstanceOf(
            Fit.Fitted.class,
            ScalingFits.fit(
                FitForm.POWER,
                new double[][] {x},
                y,
                FitOptions.defaults(7).withResamples(2000).withInterval(IntervalMethod.BOOTSTRAP)));
    Estimate alpha = f.estimate("alpha");
    assertTrue(alpha.contains(0.08), alpha.toString());
    assertTrue(f.estimate("C").contains(12), f.estimate("C").toString());
    assertTrue(
        alpha.standardError() > theorySe / 2 && alpha.standardError() < 2 * theorySe,
        alpha.standardError() + " vs " + theorySe);
    assertEquals(2000, f.resamples());
    assertEquals(Intervals.BOOTSTRAP, f.intervals().method());

    // the default t interval of the same points: se = s/√Sxx, with s the residual deviation; s/σ
    // has 18 degrees of freedom, so it lies in [0.6, 1.4] but once in ~10⁴ draws (χ²₁₈ quantiles)
    Fit.Fitted t =
        assertInstanceOf(
            Fit.Fitted.class,
            ScalingFits.fit(FitForm.POWER, new double[][] {x}, y, FitOptions.defaults(7)));
    assertEquals(Intervals.T, t.intervals().method());
    assertEquals(18, t.intervals().degreesOfFreedom());
    assertEquals(0, t.resamples());
    Estimate ta = t.estimate("alpha");
    assertTrue(ta.contains(0.08), ta.toString());
    double ratio = ta.standardError() / theorySe;
    assertTrue(ratio > 0.6 && ratio < 1.4, "se ratio " + ratio);
    assertEquals(5, t.decades()[0], 1e-12);
  }

  /**
   * Golden test: nanoGPT's GPT-2 validation losses on OpenWebText against non-embedding parameters
   * ({@code scaling_gpt2_owt_losses.csv}).
   *
   * <p>By hand, with u = ln N and v = ln L:
   *
   * <pre>
   *   N             L      u        v
   *   85,056,000    3.12   18.2588  1.1378
   *   302,311,424   2.84   19.5270  1.0438
   *   708,390,400   2.67   20.3785  0.9821
   *   1,475,561,600 2.54   21.1123  0.9322
   *   ū = 19.81915, v̄ = 1.02397
   *   Sxx = Σ(u − ū)² = 4.50513, Sxy = Σ(u − ū)(v − v̄) = −0.325610
   *   slope = Sxy / Sxx = −0.072276, so α_N = 0.0723; C = exp(v̄ + α_N·ū) = 11.66
   * </pre>
   *
   * Kaplan et al. (2020) report α_N ≈ 0.076 for their models.
   */
  @Test
  void gpt2ModelScalingExponentMatchesTheHandFit() {
    double[] n = {85_056_000, 302_311_424, 708_390_400, 1_475_561_600};
    double[] loss = {3.12, 2.84, 2.67, 2.54};
    Fit.Fitted f =
        assertInstanceOf(
            Fit.Fitted.class,
            ScalingFits.fit(
                FitForm.POWER, new double[][] {n}, loss, FitOptions.defaults(3).withHoldout(0)));
    // the hand fit above is rounded to 4-5 significant digits
    assertEquals(0.072276, f.estimate("alpha").value(), 5e-6);
    assertEquals(11.66, f.estimate("C").value(), 0.01);
    assertTrue(f.r2() > 0.99);
  }

  @Test
  void oneDistinctXIsAFailedFitNotAnException() {
    Fit fit =
        ScalingFits.fit(
            FitForm.POWER,
            new double[][] {{5, 5, 5}},
            new double[] {1, 2, 3},
            FitOptions.defaults(1));
    Fit.Failed failed = assertInstanceOf(Fit.Failed.class, fit);
    assertTrue(failed.reason().contains("same x"), failed.reason());
  }

  /**
   * The t interval of nanoGPT's GPT-2 fit against SciPy's {@code linregress} and {@code t.ppf}
   * ({@code src/test/resources/reference/linefit_scipy.py}, output in its header): α =
   * 0.072275549346, se 0.000925885029, 95 % interval [0.068291787600, 0.076259311091] with 2
   * degrees of freedom; log C has se 0.018376543291. Both compute in double precision: 1e-9
   * relative.
   */
  @Test
  void tIntervalMatchesScipy() {
    double[] n = {85_056_000, 302_311_424, 708_390_400, 1_475_561_600};
    double[] loss = {3.12, 2.84, 2.67, 2.54};
    Fit.Fitted f =
        assertInstanceOf(
            Fit.Fitted.class,
            ScalingFits.fit(
                FitForm.POWER, new double[][] {n}, loss, FitOptions.defaults(3).withHoldout(0)));
    Estimate alpha = f.estimate("alpha");
    assertEquals(0.072275549346, alpha.value(), 1e-9 * 0.07);
    assertEquals(0.000925885029, alpha.standardError(), 1e-9 * 0.001);
    assertEquals(0.068291787600, alpha.low(), 1e-9 * 0.07);
    assertEquals(0.076259311091, alpha.high(), 1e-9 * 0.07);
    assertEquals(0.018376543291, f.line().orElseThrow().interceptError(), 1e-9 * 0.02);
    assertEquals(Math.exp(2.456409839097), f.estimate("C").value(), 1e-9 * 12);
    // t quantiles from the same script
    assertEquals(12.706204736175, LineInference.quantile(1, 0.975), 1e-9);
    assertEquals(4.302652729749, LineInference.quantile(2, 0.975), 1e-9);
    assertEquals(2.776445105198, LineInference.quantile(4, 0.975), 1e-9);
    assertEquals(2.228138851986, LineInference.quantile(10, 0.975), 1e-9);
    assertEquals(Math.log10(1_475_561_600.0 / 85_056_000), f.decades()[0], 1e-12);
  }

  /** Two points give the line through them, and no interval, with the reason. */
  @Test
  void twoPointsGiveALineWithoutAnInterval() {
    for (IntervalMethod m : IntervalMethod.values()) {
      Fit.Fitted f =
          assertInstanceOf(
              Fit.Fitted.class,
              ScalingFits.fit(
                  FitForm.POWER,
                  new double[][] {{10, 1000}},
                  new double[] {2, 1},
                  FitOptions.defaults(1).withInterval(m)));
      assertEquals(Math.log10(2) / 2, f.estimate("alpha").value(), 1e-12);
      assertFalse(f.estimate("alpha").hasInterval());
      assertEquals(Intervals.NONE, f.intervals().method());
      assertTrue(f.intervals().absent().contains("no residual degree of freedom"), m.key());
    }
  }

  @Test
  void onePointIsAFailedFit() {
    Fit fit =
        ScalingFits.fit(
            FitForm.POWER, new double[][] {{1}}, new double[] {2}, FitOptions.defaults(1));
    assertTrue(((Fit.Failed) fit).reason().contains("needs at least 2 points"));
  }

  static double gaussian(SplittableRandom r) {
    // Box-Muller
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
