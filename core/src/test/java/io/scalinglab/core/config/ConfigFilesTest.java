package io.scalinglab.core.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every config file the project ships parses and validates, layered on reference.conf. */
class ConfigFilesTest {
  /** Tests run in the module folder; the configs sit beside it at the repository root. */
  private static final Path CONFIGS = Path.of("..", "configs");

  @Test
  void everyShippedConfigFileLoads() throws IOException {
    List<Path> files = shippedConfigs();
    assertFalse(files.isEmpty(), "no *.conf under " + CONFIGS.toAbsolutePath());
    Function<Path, Executable> loads =
        file -> () -> assertDoesNotThrow(() -> ConfigFiles.load(List.of(file)), file.toString());
    assertAll(files.stream().map(loads));
  }

  @Test
  void everySectionOfEveryShippedFileParsesIntoItsRecord() throws IOException {
    Function<Path, Executable> parses =
        file ->
            () ->
                assertDoesNotThrow(
                    () -> {
                      ScalinglabConfig c = ConfigFiles.load(List.of(file));
                      ModelSettings.fromConfig(c.resolved());
                      TrainSettings.fromConfig(c.resolved());
                      SweepSettings.fromConfig(c.resolved());
                      MetricsSettings.fromConfig(c.resolved());
                      IdConfig.fromConfig(c.resolved());
                      AnalysisConfig.fromConfig(c.resolved());
                      TestbedSettings.fromConfig(c.resolved());
                    },
                    file.toString());
    assertAll(shippedConfigs().stream().map(parses));
  }

  @Test
  void sweepFilesHaveThePapersShapes() {
    Path sweeps = CONFIGS.resolve("sweeps");
    for (String corpus : List.of("owt", "tinystories", "stack-sql")) {
      SweepSettings data = sweep(sweeps.resolve(corpus + "-data-scaling.conf"));
      assertEquals(List.of("f0.01", "f0.1", "f1"), data.subsets(), corpus);
      assertTrue(data.models().isEmpty(), "one model: GPT-2 small");
      SweepSettings model = sweep(sweeps.resolve(corpus + "-model-scaling.conf"));
      assertEquals(4, model.models().size(), corpus);
      assertEquals(List.of("f1"), model.subsets());

      ScalinglabConfig cpu =
          ConfigFiles.load(List.of(sweeps.resolve("cpu").resolve(corpus + "-data-scaling.conf")));
      assertEquals(TokenizerName.BYTE, cpu.dataset().tokenizer());
      assertEquals(128, ModelSettings.fromConfig(cpu.resolved()).nEmbd());
      assertEquals(
          4, sweep(sweeps.resolve("cpu").resolve(corpus + "-model-scaling.conf")).models().size());
    }
    ScalinglabConfig paper = ConfigFiles.load(List.of(sweeps.resolve("owt-data-scaling.conf")));
    TrainSettings t = TrainSettings.fromConfig(paper.resolved());
    ModelSettings m = ModelSettings.fromConfig(paper.resolved());
    assertEquals(491_520, t.batchSize() * t.gradAccum() * m.blockSize(), "~0.5M tokens per step");
    assertEquals(2000, t.warmupSteps());
    assertEquals(768, m.nEmbd());
  }

  @Test
  void paperSweepsCollectActivationsAsThePaperAndStopWhenConverged() {
    Path sweeps = CONFIGS.resolve("sweeps");
    for (String corpus : List.of("owt", "tinystories", "stack-sql")) {
      for (String axis : List.of("data", "model")) {
        String name = corpus + "-" + axis + "-scaling.conf";
        ScalinglabConfig c = ConfigFiles.load(List.of(sweeps.resolve(name)));
        TrainSettings.Activations a = TrainSettings.fromConfig(c.resolved()).activations();
        assertEquals(4000, a.documents(), name);
        assertEquals(32, a.perDocument(), name);
        assertEquals(1_000_000, a.maxVectors(), name);
        assertEquals(4000, c.dataset().valDocuments(), name);
        IdConfig id = IdConfig.fromConfig(c.resolved());
        assertEquals(3600, id.paper().batchSize(), name);
        assertEquals(1_000_000, id.paper().maxPoints(), name);
        StopRule stop = TrainSettings.fromConfig(c.resolved()).stop();
        assertEquals(axis.equals("data") ? StopRule.CONVERGED : StopRule.STEPS, stop, name);
      }
    }
    ScalinglabConfig cpu =
        ConfigFiles.load(List.of(sweeps.resolve("cpu").resolve("tinystories-data-scaling.conf")));
    TrainSettings t = TrainSettings.fromConfig(cpu.resolved());
    assertEquals(StopRule.CONVERGED, t.stop(), "a data axis trains until converged");
    assertTrue(t.maxSteps() >= 10_000, "a cap that lets the full subset reach its regime");
  }

  @Test
  void testbedSweepsHaveTheIssuesShapes() {
    for (String name : List.of("manifold-sphere.conf", "manifold-sphere-cluster.conf")) {
      ScalinglabConfig c = ConfigFiles.load(List.of(CONFIGS.resolve("sweeps").resolve(name)));
      TestbedSettings t = TestbedSettings.fromConfig(c.resolved());
      assertTrue(t.enabled(), name);
      assertEquals(List.of(2, 4, 6, 8), t.dims(), name);
      assertEquals(32, t.ambient(), name);
      assertEquals(512, t.samples().get(0), name);
      assertTrue(t.samples().contains(32768), name);
      assertTrue(SweepSettings.fromConfig(c.resolved()).models().size() >= 4, name);
      assertTrue(SweepSettings.fromConfig(c.resolved()).seeds().size() >= 2, name);
    }
  }

  private static SweepSettings sweep(Path file) {
    return SweepSettings.fromConfig(ConfigFiles.load(List.of(file)).resolved());
  }

  @Test
  void datasetFilesSayWhatTheyRead() {
    DatasetConfig europarl = dataset("demo-europarl.conf");
    assertEquals(SourceFormat.TSV, europarl.source().format());
    assertEquals(2, europarl.source().tsvColumn());
    assertEquals(TokenizerName.BYTE, europarl.tokenizer());
    assertEquals(0.02, europarl.valFraction());

    DatasetConfig sql = dataset("demo-spark-sql.conf");
    assertEquals(SourceFormat.FILES, sql.source().format());
    assertEquals(TokenizerName.BYTE, sql.tokenizer());
    assertEquals(0.05, sql.valFraction());

    DatasetConfig owt = dataset("openwebtext.conf");
    assertEquals(SourceFormat.JSONL, owt.source().format());
    assertEquals("text", owt.source().textField());
    assertEquals(0.0005, owt.valFraction());

    DatasetConfig stack = dataset("stack-sql.conf");
    assertEquals("content", stack.source().textField());
    assertEquals("lang", stack.source().filterField());
    assertEquals(List.of("SQL"), stack.source().filterValues());

    DatasetConfig stories = dataset("tinystories.conf");
    assertEquals(SourceFormat.TEXT, stories.source().format());
    assertEquals("<|endoftext|>", stories.source().separator());
    assertTrue(stories.source().paths().get(0).startsWith("hdfs:///"));

    DatasetConfig storiesJsonl = dataset("tinystories-jsonl.conf");
    assertEquals(SourceFormat.JSONL, storiesJsonl.source().format());
    assertEquals(stories.valFraction(), storiesJsonl.valFraction());
  }

  private static DatasetConfig dataset(String name) {
    return ConfigFiles.load(List.of(CONFIGS.resolve("datasets").resolve(name))).dataset();
  }

  private static List<Path> shippedConfigs() throws IOException {
    try (Stream<Path> walk = Files.walk(CONFIGS)) {
      return walk.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
    }
  }
}
