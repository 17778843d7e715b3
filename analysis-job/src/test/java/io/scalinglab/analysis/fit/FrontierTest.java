package io.scalinglab.analysis.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The compute-optimal frontier against Hoffmann et al.'s closed form and against Epoch AI's refit.
 */
class FrontierTest {
  /** Epoch AI's refit (scaling_parametric_fits.csv): E, A, B, α, β and the standard errors. */
  private static final double[] EPOCH = {1.81686, 482.00572, 2085.4342, 0.34781, 0.36585};

  private static final double[] EPOCH_SE = {0.02566, 124.52, 1293.28, 0.01540, 0.02060};

  @Test
  void closedFormMinimisesTheLawAtFixedCompute() {
    double[] p = EPOCH;
    for (double c : new double[] {1e18, 1e21, 1e24}) {
      double n = Frontier.nOpt(p, c);
      double d = Frontier.dOpt(p, c);
      assertEquals(c, 6 * n * d, c * 1e-12, "the frontier spends the budget");
      double best = Frontier.lossOpt(p, c);
      // any other split of the same budget predicts a higher loss
      for (double f : new double[] {0.5, 0.9, 1.1, 2}) {
        double other = FitForm.CHINCHILLA.predict(p, new double[] {n * f, d / f});
        assertTrue(other > best, "N x " + f + " at C = " + c);
      }
    }
    // a + b = 1, and the exponents Epoch AI's parameters imply
    assertEquals(0.36585 / (0.34781 + 0.36585), Frontier.exponentA(p), 1e-15);
  }

  /**
   * On Epoch AI's 240 points the frontier exponents a = β/(α+β) and b = α/(α+β) agree with those of
   * their published refit. Their standard errors of α and β (0.0154, 0.0206) give, to first order
   * and taking α and β as independent, se(a) = √(β²·se(α)² + α²·se(β)²)/(α+β)² ≈ 0.018; the check
   * allows two of it.
   */
  @Test
  void epochAiPointsGiveTheirPublishedFrontier() throws IOException {
    ChinchillaFitTest.Points pts = ChinchillaFitTest.load(true);
    Fit.Fitted f =
        assertInstanceOf(
            Fit.Fitted.class,
            ScalingFits.fit(
                FitForm.CHINCHILLA,
                new double[][] {pts.n(), pts.d()},
                pts.loss(),
                FitOptions.defaults(2024).withResamples(100).withHoldout(0)));
    Frontier fr = Frontier.of(f, Frontier.budgets(1e18, 1e24, 7), 0.95);
    double alpha = EPOCH[3];
    double beta = EPOCH[4];
    double s = alpha + beta;
    double seA =
        Math.sqrt(
                beta * beta * EPOCH_SE[3] * EPOCH_SE[3] + alpha * alpha * EPOCH_SE[4] * EPOCH_SE[4])
            / (s * s);
    double a = beta / s;
    System.out.printf(
        "frontier a = %.4f [%.4f, %.4f], b = %.4f; Epoch AI's refit: a = %.4f, b = %.4f (se %.4f)%n",
        fr.a().value(), fr.a().low(), fr.a().high(), fr.b().value(), a, 1 - a, seA);
    assertEquals(a, fr.a().value(), 2 * seA);
    assertEquals(1 - a, fr.b().value(), 2 * seA);
    assertEquals(1.0, fr.a().value() + fr.b().value(), 1e-12);
    assertTrue(fr.a().contains(fr.a().value()), "the interval holds the point estimate");
    assertEquals(7, fr.points().size());
    for (Frontier.Point pt : fr.points()) {
      assertTrue(pt.nOpt().low() <= pt.nOpt().value() && pt.nOpt().value() <= pt.nOpt().high());
      assertEquals(pt.flops(), 6 * pt.nOpt().value() * pt.dOpt().value(), pt.flops() * 1e-9);
    }
  }

  @Test
  void otherFormsAndBadBudgetsAreRefused() {
    Fit.Fitted power =
        assertInstanceOf(
            Fit.Fitted.class,
            ScalingFits.fit(
                FitForm.POWER,
                new double[][] {{1, 10, 100}},
                new double[] {3, 2, 1.5},
                FitOptions.defaults(1).withResamples(0).withHoldout(0)));
    assertThrows(
        IllegalArgumentException.class, () -> Frontier.of(power, new double[] {1e20}, .95));
    assertThrows(IllegalArgumentException.class, () -> Frontier.budgets(0, 1, 3));
  }
}
