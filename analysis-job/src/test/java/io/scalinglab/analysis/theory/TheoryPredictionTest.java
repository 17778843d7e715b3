package io.scalinglab.analysis.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.analysis.fit.Estimate;
import io.scalinglab.core.config.TheoryError;
import org.junit.jupiter.api.Test;

/** Predicted exponents, checked against values worked out by hand. */
class TheoryPredictionTest {

  @Test
  void squaredErrorExponents() {
    // d = 18, β = 1: α_D = 2/20 = 0.1, α_N = 2/18 = 0.1111, Sharma & Kaplan 4/18 = 0.2222
    TheoryPrediction p = TheoryPrediction.of(new Interval(18, 16, 20), 1, TheoryError.SQUARED);
    assertEquals(0.1, p.alphaData().value(), 1e-15);
    assertEquals(2.0 / 18, p.alphaModel().value(), 1e-15);
    assertEquals(4.0 / 18, p.sharmaKaplan().value(), 1e-15);
    // the interval on d maps to [α(d_high), α(d_low)]: α_D in [2/22, 2/18]
    assertEquals(2.0 / 22, p.alphaData().low(), 1e-15);
    assertEquals(2.0 / 18, p.alphaData().high(), 1e-15);
    assertEquals(2.0 / 20, p.alphaModel().low(), 1e-15);
    assertEquals(2.0 / 16, p.alphaModel().high(), 1e-15);
  }

  @Test
  void rootErrorHalvesBothAndBetaEntersAsStated() {
    TheoryPrediction root = TheoryPrediction.of(Interval.point(10), 2, TheoryError.ROOT);
    // β = 2: α_D = 0.5 · 4/14, α_N = 0.5 · 4/10
    assertEquals(0.5 * 4 / 14, root.alphaData().value(), 1e-15);
    assertEquals(0.2, root.alphaModel().value(), 1e-15);
    assertEquals(0.4, root.sharmaKaplan().value(), 1e-15); // 4/d does not depend on the convention
    assertFalse(root.alphaData().bounded());
  }

  @Test
  void badDimensionIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> TheoryPrediction.of(Interval.point(0), 1, TheoryError.SQUARED));
  }

  @Test
  void comparisonReportsDifferenceAndOverlap() {
    TheoryPrediction p = TheoryPrediction.of(new Interval(18, 16, 20), 1, TheoryError.SQUARED);
    Comparison c =
        new Comparison(
            "owt",
            Axis.DATA,
            p.exponent(Axis.DATA),
            p.sharmaKaplan(),
            new Estimate("alpha", 0.095, 0.085, 0.105, 0.005),
            "power");
    assertEquals(-0.005, c.difference(), 1e-12);
    assertTrue(c.predictedInsideObserved());
    assertTrue(c.observedInsidePredicted());
    assertTrue(c.intervalsOverlap());
  }
}
