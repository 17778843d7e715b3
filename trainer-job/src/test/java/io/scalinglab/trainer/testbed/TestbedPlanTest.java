package io.scalinglab.trainer.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.error.ConfigException;
import io.scalinglab.core.store.ResultsStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestbedPlanTest {
  private static final Path SWEEPS = Path.of("..", "configs", "sweeps");
  @TempDir Path temp;

  private List<TestbedPlan.Run> expand(Path file, String... overrides) {
    ScalinglabConfig c =
        ScalinglabConfig.load(file == null ? List.of() : List.of(file), List.of(overrides));
    ResultsStore store = ResultsStore.open(temp.toUri().toString(), new Configuration());
    return TestbedPlan.expand(c, store);
  }

  @Test
  void shippedSweepHasBothAxesForEveryDimensionAndSeed() {
    List<TestbedPlan.Run> runs = expand(SWEEPS.resolve("manifold-sphere.conf"));
    // per d and seed: 7 sizes on the data axis, 4 widths on the model axis, one run shared
    assertEquals(4 * 2 * (7 + 4 - 1), runs.size());
    Map<String, Long> perDataset =
        runs.stream()
            .collect(Collectors.groupingBy(r -> r.spec().dataset(), Collectors.counting()));
    assertEquals(
        Map.of("sphere-d2", 20L, "sphere-d4", 20L, "sphere-d6", 20L, "sphere-d8", 20L), perDataset);
    long dataAxis =
        runs.stream().filter(r -> r.spec().model().nEmbd() == 32 && r.spec().d() == 4).count();
    assertEquals(2 * 7, dataAxis, "the width-32 model at every n, per seed");
    assertTrue(
        runs.stream()
            .allMatch(r -> r.spec().runDir().toString().contains("/manifold-sphere/runs/")));
    assertEquals(
        4 * 5 * (9 + 5 - 1), expand(SWEEPS.resolve("manifold-sphere-cluster.conf")).size());
  }

  @Test
  void gridTrainsEveryModelAtEverySize() {
    List<TestbedPlan.Run> runs =
        expand(
            null,
            "testbed.enabled=true",
            "testbed.design=grid",
            "testbed.samples=[256, 512]",
            "sweep.models=[{n-embd=16, n-head=2}, {n-embd=32, n-head=2}]");
    assertEquals(4, runs.size());
  }

  @Test
  void aCorpusConfigOrABadModelIndexFails() {
    assertTrue(
        assertThrows(ConfigException.class, () -> expand(null))
            .getMessage()
            .contains("testbed.enabled is false"));
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> expand(null, "testbed.enabled=true", "testbed.data-model=3"));
    assertTrue(e.getMessage().contains("'3' in testbed.data-model"), e.getMessage());
  }
}
