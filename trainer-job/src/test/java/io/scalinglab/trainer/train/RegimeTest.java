package io.scalinglab.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The regime of synthetic validation histories, at patience 3 and min-delta 0.01. */
class RegimeTest {
  private static final int P = 3;
  private static final double D = 0.01;

  private static Regime of(double... v) {
    return Regime.of(v, P, D);
  }

  @Test
  void aFallingCurveIsImproving() {
    assertEquals(Regime.IMPROVING, of(3.0, 2.5, 2.2, 2.0, 1.9, 1.85));
  }

  @Test
  void aHistoryNoLongerThanThePatienceCannotTell() {
    assertEquals(Regime.IMPROVING, of());
    assertEquals(Regime.IMPROVING, of(2.0, 2.0, 2.0));
    assertEquals(Regime.CONVERGED, of(2.0, 2.0, 2.0, 2.0), "one more evaluation decides");
  }

  @Test
  void aFlatTailWithinMinDeltaIsConverged() {
    // best before the window 2.000; the window's best 1.995 gains 0.005 <= 0.01
    assertEquals(Regime.CONVERGED, of(3.0, 2.1, 2.0, 1.995, 2.004, 1.999));
  }

  @Test
  void aGainJustAboveMinDeltaIsStillImproving() {
    assertEquals(Regime.IMPROVING, of(3.0, 2.1, 2.0, 2.0, 1.989, 1.995));
  }

  @Test
  void aSlowSteadyDeclineBelowMinDeltaPerStepIsImproving() {
    // 0.004 per evaluation is under min-delta, but 0.012 over the window is not
    assertEquals(Regime.IMPROVING, of(2.0, 1.996, 1.992, 1.988, 1.984, 1.980));
  }

  @Test
  void aRisingTailIsOverfitting() {
    assertEquals(Regime.OVERFITTING, of(3.0, 2.0, 1.8, 1.82, 1.85, 1.9));
  }

  @Test
  void aTailThatReturnsToItsBestIsConvergedNotOverfitting() {
    assertEquals(Regime.CONVERGED, of(3.0, 2.0, 1.8, 1.9, 1.95, 1.805));
  }

  @Test
  void aNonFiniteLossIsWorseThanAnyFiniteOne() {
    assertEquals(Regime.OVERFITTING, of(2.0, 1.8, 1.8, Double.NaN, 1.9, Double.NaN));
    assertEquals(Regime.IMPROVING, of(Double.NaN, Double.NaN, 2.0, 1.8, 1.7));
    assertFalse(Regime.plateaued(new double[] {Double.NaN, Double.NaN, Double.NaN, 1}, P, D));
  }

  @Test
  void plateauedIsWhatStopsAConvergedRun() {
    assertTrue(Regime.plateaued(new double[] {2, 1.5, 1.5, 1.5, 1.5}, P, D));
    assertFalse(Regime.plateaued(new double[] {2, 1.5, 1.5, 1.5, 1.4}, P, D));
    assertTrue(Regime.plateaued(new double[] {2, 1.5, 1.5, 1.5, 1.4}, P, 0.2), "gain 0.1 < 0.2");
    assertThrows(IllegalArgumentException.class, () -> Regime.plateaued(new double[0], 0, D));
    assertThrows(IllegalArgumentException.class, () -> Regime.plateaued(new double[0], P, -1));
  }

  @Test
  void keysAreTheResultsTablesValues() {
    assertEquals("converged", Regime.CONVERGED.key());
    assertEquals("improving", Regime.IMPROVING.key());
    assertEquals("overfitting", Regime.OVERFITTING.key());
    assertEquals(Regime.OVERFITTING, Regime.parse("overfitting"));
    assertThrows(IllegalArgumentException.class, () -> Regime.parse("done"));
  }
}
