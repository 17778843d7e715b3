package io.scalinglab.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Each field's range check names the field and the value. */
class OptimConfigTest {
  private static void refused(String field, String value, Supplier<OptimConfig> make) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::get);
    assertTrue(
        e.getMessage().startsWith("'" + value + "' in " + field + " is invalid"), e.getMessage());
  }

  @Test
  void nanoGptDefaultsAreValid() {
    OptimConfig c = OptimConfig.nanoGptDefaults();
    assertEquals(6e-4, c.lr());
    assertEquals(0.95, c.beta2());
  }

  @Test
  void everyRangeIsChecked() {
    refused("lr", "0.0", () -> new OptimConfig(0, 0, 0, 10, 0.9, 0.95, 1e-8, 0.1, 1));
    refused("lr", "NaN", () -> new OptimConfig(Double.NaN, 0, 0, 10, 0.9, 0.95, 1e-8, 0.1, 1));
    refused("minLr", "0.002", () -> new OptimConfig(1e-3, 2e-3, 0, 10, 0.9, 0.95, 1e-8, 0.1, 1));
    refused("minLr", "-1.0", () -> new OptimConfig(1e-3, -1, 0, 10, 0.9, 0.95, 1e-8, 0.1, 1));
    refused("warmupSteps", "-1", () -> new OptimConfig(1e-3, 0, -1, 10, 0.9, 0.95, 1e-8, 0.1, 1));
    refused("decaySteps", "10", () -> new OptimConfig(1e-3, 0, 10, 10, 0.9, 0.95, 1e-8, 0.1, 1));
    refused("beta1", "1.0", () -> new OptimConfig(1e-3, 0, 0, 10, 1, 0.95, 1e-8, 0.1, 1));
    refused("beta2", "-0.1", () -> new OptimConfig(1e-3, 0, 0, 10, 0.9, -0.1, 1e-8, 0.1, 1));
    refused("eps", "0.0", () -> new OptimConfig(1e-3, 0, 0, 10, 0.9, 0.95, 0, 0.1, 1));
    refused("weightDecay", "-0.1", () -> new OptimConfig(1e-3, 0, 0, 10, 0.9, 0.95, 1e-8, -0.1, 1));
    refused(
        "gradClip",
        "Infinity",
        () -> new OptimConfig(1e-3, 0, 0, 10, 0.9, 0.95, 1e-8, 0.1, Double.POSITIVE_INFINITY));
  }

  @Test
  void boundariesThatMeanOffAreAllowed() {
    // No warm-up, minLr = lr (constant rate), beta 0, no decay, no clipping.
    new OptimConfig(1e-3, 1e-3, 0, 1, 0, 0, 1e-8, 0, 0);
  }
}
