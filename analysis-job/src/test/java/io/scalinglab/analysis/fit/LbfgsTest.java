package io.scalinglab.analysis.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** L-BFGS on problems whose minimum is known. */
class LbfgsTest {
  private static final Lbfgs.Settings TIGHT = new Lbfgs.Settings(10, 10_000, 20_000, 1e-10, 0);

  /**
   * The extended Rosenbrock function (Moré, Garbow & Hillstrom 1981, problem 21): Σ 100(x₂ᵢ −
   * x₂ᵢ₋₁²)² + (1 − x₂ᵢ₋₁)², minimum 0 at (1, …, 1), started from (−1.2, 1, −1.2, 1, …).
   */
  private static final DifferentiableFunction ROSENBROCK =
      (x, g) -> {
        double f = 0;
        java.util.Arrays.fill(g, 0);
        for (int i = 0; i + 1 < x.length; i += 2) {
          double a = x[i + 1] - x[i] * x[i];
          double b = 1 - x[i];
          f += 100 * a * a + b * b;
          g[i] += -400 * a * x[i] - 2 * b;
          g[i + 1] += 200 * a;
        }
        return f;
      };

  private static double[] rosenbrockStart(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i += 2) {
      x[i] = -1.2;
      x[i + 1] = 1;
    }
    return x;
  }

  @Test
  void rosenbrockInTwoDimensions() {
    Lbfgs.Result r = Lbfgs.minimize(ROSENBROCK, new double[] {-1.2, 1}, TIGHT);
    assertTrue(r.converged(), r.termination().toString());
    // at a gradient of 1e-10 the distance to the minimum is below ~1e-9 (the Hessian's smallest
    // eigenvalue at (1, 1) is 0.4); 1e-6 leaves room for rounding
    assertEquals(1.0, r.x()[0], 1e-6);
    assertEquals(1.0, r.x()[1], 1e-6);
    assertTrue(r.value() < 1e-12, "f = " + r.value());
  }

  @Test
  void rosenbrockInTwentyDimensions() {
    Lbfgs.Result r = Lbfgs.minimize(ROSENBROCK, rosenbrockStart(20), TIGHT);
    assertTrue(r.converged(), r.termination().toString());
    for (double v : r.x()) {
      assertEquals(1.0, v, 1e-6);
    }
  }

  @Test
  void quadraticBowlIsSolvedInFewIterations() {
    // f = Σ (i+1)(xᵢ − i)², minimum at xᵢ = i; on a quadratic L-BFGS needs few steps
    DifferentiableFunction bowl =
        (x, g) -> {
          double f = 0;
          for (int i = 0; i < x.length; i++) {
            f += (i + 1) * (x[i] - i) * (x[i] - i);
            g[i] = 2 * (i + 1) * (x[i] - i);
          }
          return f;
        };
    Lbfgs.Result r = Lbfgs.minimize(bowl, new double[8], TIGHT);
    assertTrue(r.converged());
    for (int i = 0; i < 8; i++) {
      assertEquals(i, r.x()[i], 1e-8);
    }
    assertTrue(r.iterations() < 40, "iterations " + r.iterations());
  }

  @Test
  void scipyStoppingRulesStopEarlierThanTightOnes() {
    Lbfgs.Result loose =
        Lbfgs.minimize(ROSENBROCK, new double[] {-1.2, 1}, Lbfgs.Settings.scipyDefaults());
    assertTrue(loose.converged());
    assertEquals(1.0, loose.x()[0], 1e-3);
  }

  @Test
  void nonFiniteStartIsAResultNotAnException() {
    Lbfgs.Result r =
        Lbfgs.minimize((x, g) -> Math.log(x[0]), new double[] {-1}, Lbfgs.Settings.scipyDefaults());
    assertEquals(Lbfgs.Termination.NON_FINITE, r.termination());
    assertFalse(r.converged());
  }

  @Test
  void unboundedBelowStopsWithoutConverging() {
    Lbfgs.Result r =
        Lbfgs.minimize(
            (x, g) -> {
              g[0] = -1;
              return -x[0];
            },
            new double[] {0},
            new Lbfgs.Settings(5, 50, 10_000, 1e-8, 0));
    assertFalse(r.converged());
  }
}
