package io.scalinglab.trainer.testbed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.typesafe.config.ConfigFactory;
import io.scalinglab.core.config.TestbedSettings;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TestbedProblemTest {
  private static TestbedSettings settings(String hocon) {
    return TestbedSettings.fromConfig(ConfigFactory.parseString(hocon));
  }

  @Test
  void smallerTrainingSetsArePrefixesOfLargerOnes() {
    TestbedProblem p = TestbedProblem.of(settings("testbed.target.label-noise = 0.3"), 4);
    TestbedProblem.Split big = p.training(1000, 3);
    TestbedProblem.Split small = p.training(100, 3);
    assertArrayEquals(small.x(), Arrays.copyOf(big.x(), small.x().length), 0.0);
    assertArrayEquals(small.y(), Arrays.copyOf(big.y(), 100), 0.0);
    assertFalse(Arrays.equals(small.x(), p.training(100, 4).x()), "another seed, other points");
  }

  @Test
  void theProblemIsFixedByDataSeedAndDimension() {
    TestbedSettings s = settings("testbed.val-samples = 300");
    TestbedProblem a = TestbedProblem.of(s, 4);
    TestbedProblem b = TestbedProblem.of(s, 4);
    assertArrayEquals(a.validation().x(), b.validation().x(), 0.0);
    assertArrayEquals(a.training(50, 1).y(), b.training(50, 1).y(), 0.0);
    assertFalse(
        Arrays.equals(
            a.validation().x(),
            TestbedProblem.of(settings("testbed.data-seed = 8"), 4).validation().x()));
    assertEquals(300, a.validation().n());
    assertEquals("sphere-d4", a.dataset());
  }

  @Test
  void validationLabelsAreNoiselessAndTrainingLabelsCarryTheStatedNoise() {
    TestbedProblem p = TestbedProblem.of(settings("testbed.target.label-noise = 0.2"), 2);
    assertArrayEquals(p.validation().clean(), p.validation().y(), 0.0);
    TestbedProblem.Split t = p.training(20_000, 1);
    double sq = 0;
    for (int i = 0; i < t.n(); i++) {
      sq += (t.y()[i] - t.clean()[i]) * (t.y()[i] - t.clean()[i]);
    }
    // the sample variance of 20,000 normals has relative standard error sqrt(2/20000) = 1%
    assertEquals(0.04, sq / t.n(), 0.04 * 0.04);
  }
}
