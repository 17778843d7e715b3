package io.scalinglab.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * nanoGPT's {@code get_lr} at the corners of each phase. Expected values are worked out in the
 * comments; they are computed in double, so the tolerance is a few ulps (relative 1e-12).
 */
class LrScheduleTest {
  /** lr 6e-4 to 6e-5 (nanoGPT's), 10 warm-up steps, cosine until step 110. */
  private static final OptimConfig C =
      new OptimConfig(6e-4, 6e-5, 10, 110, 0.9, 0.95, 1e-8, 0.1, 1.0);

  private static void near(double expected, double actual) {
    assertEquals(expected, actual, Math.abs(expected) * 1e-12, () -> "expected " + expected);
  }

  @Test
  void warmUpIsLinearAndNeverZero() {
    near(6e-4 * 1 / 11, LrSchedule.at(0, C)); // (0 + 1) / (10 + 1) = 5.4545...e-5
    near(6e-4 * 5 / 11, LrSchedule.at(4, C));
    near(6e-4 * 10 / 11, LrSchedule.at(9, C)); // last warm-up step: 5.4545...e-4
  }

  @Test
  void cosineStartsAtLrAndPassesItsMidpoints() {
    near(6e-4, LrSchedule.at(10, C)); // ratio 0: coeff 1
    // step 35: ratio 25/100, coeff 0.5 * (1 + cos(pi/4)) = 0.8535533905932737
    near(6e-5 + 0.8535533905932737 * 5.4e-4, LrSchedule.at(35, C)); // 5.2091883092036781e-4
    near(6e-5 + 0.5 * 5.4e-4, LrSchedule.at(60, C)); // ratio 1/2: 3.3e-4
    // step 85: ratio 3/4, coeff 0.5 * (1 - cos(pi/4)) = 0.14644660940672627
    near(6e-5 + 0.14644660940672627 * 5.4e-4, LrSchedule.at(85, C));
  }

  @Test
  void afterDecayItStaysAtMinLr() {
    near(6e-5, LrSchedule.at(110, C)); // ratio 1: coeff 0
    assertEquals(6e-5, LrSchedule.at(111, C));
    assertEquals(6e-5, LrSchedule.at(Integer.MAX_VALUE, C));
  }

  @Test
  void withoutWarmUpTheFirstStepHasTheFullRate() {
    OptimConfig c = new OptimConfig(1e-3, 1e-4, 0, 100, 0.9, 0.95, 1e-8, 0.1, 1.0);
    near(1e-3, LrSchedule.at(0, c));
  }

  @Test
  void scheduleIsMonotoneAfterWarmUp() {
    double previous = Double.POSITIVE_INFINITY;
    for (int step = 10; step <= 120; step++) {
      double lr = LrSchedule.at(step, C);
      assertTrue(lr <= previous, "step " + step);
      previous = lr;
    }
  }

  @Test
  void negativeStepsAreRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.at(-1, C));
    assertTrue(e.getMessage().contains("'-1' in step"), e.getMessage());
  }
}
