package io.scalinglab.analysis.fit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.config.IntervalMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The coverage of the fits' 95 % intervals on synthetic laws whose exponent is known: the share of
 * tries whose interval holds the true α must be within binomial error of 0.95.
 *
 * <p>Each try draws the losses of L = C·x^(−α) (or L = E + B·x^(−α)) at log-spaced x with Gaussian
 * noise of σ = 0.03 in log L (3 %), fits them, and asks whether the interval of α holds the truth.
 * With M independent tries the number of hits is Binomial(M, 0.95) when the interval is calibrated;
 * the bound is ±3σ of that, 3·√(M·0.95·0.05) (a false alarm about once in 370 checks; the tries are
 * seeded, so a run is reproducible). The table printed is the one in analysis-job/README.md.
 *
 * <p>The Chinchilla form refits 4,500 grid starts per try; its coverage is measured only on demand:
 * {@code -Dscalinglab.calibration.chinchilla=TRIES}.
 */
class IntervalCalibrationTest {
  private static final double SIGMA = 0.03;
  private static final double LEVEL = 0.95;
  private static final List<String> TABLE = new ArrayList<>();

  /** The ±3σ bound of Binomial(tries, 0.95) on the number of hits. */
  static double bound(int tries) {
    return 3 * Math.sqrt(tries * LEVEL * (1 - LEVEL));
  }

  private static double[] logSpaced(double from, double to, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Math.pow(10, Math.log10(from) + i * (Math.log10(to) - Math.log10(from)) / (n - 1));
    }
    return x;
  }

  /** Hits of the α interval over {@code tries} noisy draws of {@code form} at {@code n} points. */
  private static int hits(
      FitForm form, int n, int tries, FitOptions options, ScalingFits.Resampling resampling) {
    // power: L = 40·x^(−0.095) over 2 decades; offset: L = 1.5 + 190·x^(−0.3) over 3 decades
    double alpha = form == FitForm.POWER ? 0.095 : 0.3;
    double[] x = form == FitForm.POWER ? logSpaced(1e6, 1e8, n) : logSpaced(1e6, 1e9, n);
    SplittableRandom random = new SplittableRandom(1000L * n + form.ordinal());
    int hits = 0;
    for (int m = 0; m < tries; m++) {
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        double law =
            form == FitForm.POWER
                ? 40 * Math.pow(x[i], -alpha)
                : 1.5 + 190 * Math.pow(x[i], -alpha);
        y[i] = law * Math.exp(SIGMA * PowerLawFitTest.gaussian(random));
      }
      Fit fit = ScalingFits.fit(form, new double[][] {x}, y, options.withSeed(m), resampling);
      if (fit instanceof Fit.Fitted f && f.estimate("alpha").contains(alpha)) {
        hits++;
      }
    }
    return hits;
  }

  private static void row(String form, int n, String method, int hits, int tries) {
    String line =
        String.format(
            Locale.ROOT,
            "| %-10s | %2d | %-20s | %4d/%-4d | %.3f | [%.3f, %.3f] |",
            form,
            n,
            method,
            hits,
            tries,
            hits / (double) tries,
            LEVEL - bound(tries) / tries,
            LEVEL + bound(tries) / tries);
    TABLE.add(line);
    System.out.println(line);
  }

  private static void assertCalibrated(int hits, int tries, String what) {
    assertTrue(
        Math.abs(hits - LEVEL * tries) <= bound(tries),
        what + ": " + hits + " of " + tries + " intervals hold the truth; ±3σ is " + bound(tries));
  }

  @Test
  void powerLawTIntervalsHoldTheTruth95TimesIn100() {
    int tries = 2000;
    FitOptions t = new FitOptions(IntervalMethod.T, 0, LEVEL, 1, 1e-3, 0);
    for (int n : new int[] {3, 4, 6}) {
      int hits = hits(FitForm.POWER, n, tries, t, ScalingFits.Resampling.PAIRS);
      row("power", n, "t (default)", hits, tries);
      assertCalibrated(hits, tries, "power, t, " + n + " points");
    }
  }

  /**
   * The percentile bootstrap over points, kept as an option, under-covers with few points: with 3
   * points a resample holds 1 to 3 distinct x and the refits vary far less than the estimate does.
   * This test records it at 3 and 4 points, and fails if that changes (the option's documentation
   * would be wrong); at 6 points it is near, but below, the nominal level.
   */
  @Test
  void powerLawBootstrapIntervalsAreTooNarrowWithFewPoints() {
    int tries = 400;
    FitOptions boot = new FitOptions(IntervalMethod.BOOTSTRAP, 1000, LEVEL, 1, 1e-3, 0);
    for (int n : new int[] {3, 4, 6}) {
      int hits = hits(FitForm.POWER, n, tries, boot, ScalingFits.Resampling.PAIRS);
      row("power", n, "bootstrap (option)", hits, tries);
      if (n <= 4) {
        assertTrue(hits < LEVEL * tries - bound(tries), "bootstrap at " + n + " points: " + hits);
      }
    }
  }

  /**
   * The offset form's parametric bootstrap at 6 and 8 points over 3 decades (3 and 5 residual
   * degrees of freedom). The Huber fit with δ = 10⁻³ is nearly a least-absolute-deviations fit,
   * whose residuals are smaller than the noise at some points and larger at others; the σ̂ the
   * bootstrap draws from comes out slightly large, so coverage errs on the safe side (measured 0.95
   * to 0.98) — within the bound here.
   */
  @Test
  void offsetParametricBootstrapHoldsTheTruth95TimesIn100() {
    int tries = 400;
    FitOptions options = new FitOptions(IntervalMethod.T, 200, LEVEL, 1, 1e-3, 0);
    for (int n : new int[] {6, 8}) {
      int hits = hits(FitForm.OFFSET, n, tries, options, ScalingFits.NONLINEAR);
      row("offset", n, "parametric bootstrap", hits, tries);
      assertCalibrated(hits, tries, "offset, parametric bootstrap, " + n + " points");
    }
    int pairs = hits(FitForm.OFFSET, 8, tries, options, ScalingFits.Resampling.PAIRS);
    row("offset", 8, "bootstrap (pairs)", pairs, tries);
  }

  /**
   * The Chinchilla form on a 4 × 4 grid of (N, D), 1–2 decades each, at Epoch AI's refit (E 1.82, A
   * 482, B 2085, α 0.348, β 0.366), σ = 0.03: on demand only (each try searches 4,500 starts).
   */
  @Test
  void chinchillaCoverageOnDemand() {
    int tries = Integer.getInteger("scalinglab.calibration.chinchilla", 0);
    if (tries <= 0) {
      System.out.println(
          "SKIPPED IntervalCalibrationTest.chinchillaCoverageOnDemand: ~2 minutes for 400 tries;"
              + " run with -Dscalinglab.calibration.chinchilla=400 (README has its last result)");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(
        tries > 0, "on demand: -Dscalinglab.calibration.chinchilla=TRIES");
    double[] sizes = logSpaced(1e7, 1e9, 4);
    double[] tokens = logSpaced(1e8, 1e10, 4);
    double[][] x = new double[2][16];
    for (int i = 0; i < 16; i++) {
      x[0][i] = sizes[i / 4];
      x[1][i] = tokens[i % 4];
    }
    SplittableRandom random = new SplittableRandom(16);
    int hitA = 0;
    int hitB = 0;
    int fitted = 0;
    FitOptions options = new FitOptions(IntervalMethod.T, 200, LEVEL, 1, 1e-3, 0);
    for (int m = 0; m < tries; m++) {
      double[] y = new double[16];
      for (int i = 0; i < 16; i++) {
        double law = 1.82 + 482 * Math.pow(x[0][i], -0.348) + 2085 * Math.pow(x[1][i], -0.366);
        y[i] = law * Math.exp(SIGMA * PowerLawFitTest.gaussian(random));
      }
      Fit fit = ScalingFits.fit(FitForm.CHINCHILLA, x, y, options.withSeed(m));
      if (fit instanceof Fit.Fitted f) {
        fitted++;
        hitA += f.estimate("alpha").contains(0.348) ? 1 : 0;
        hitB += f.estimate("beta").contains(0.366) ? 1 : 0;
      }
    }
    row("chinchilla", 16, "parametric (α)", hitA, tries);
    row("chinchilla", 16, "parametric (β)", hitB, tries);
    System.out.println("fitted " + fitted + " of " + tries);
  }
}
