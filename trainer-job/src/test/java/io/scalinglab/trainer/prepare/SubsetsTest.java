package io.scalinglab.trainer.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.error.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubsetsTest {
  @Test
  void fractionsAndCountsSortedByTokensWithoutDuplicates() {
    List<Subsets.Subset> s = Subsets.resolve(List.of(1.0, 0.01, 0.1), List.of(500L, 1000L), 10_000);
    assertEquals(
        List.of(
            new Subsets.Subset("f0.01", 0.01, 100),
            new Subsets.Subset("t500", null, 500),
            new Subsets.Subset("f0.1", 0.1, 1000),
            new Subsets.Subset("f1", 1.0, 10_000)),
        s);
  }

  @Test
  void tinyFractionKeepsAtLeastOneToken() {
    assertEquals(1, Subsets.resolve(List.of(1e-9), List.of(), 100).get(0).tokens());
  }

  @Test
  void countAboveTrainingSizeFailsWithKeyAndFix() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> Subsets.resolve(List.of(), List.of(200L), 100));
    assertTrue(e.getMessage().contains("'200' in dataset.subsets.tokens is invalid"));
    assertTrue(e.getMessage().contains("only 100 tokens"));
  }
}
