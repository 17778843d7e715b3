package io.scalinglab.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.scalinglab.core.error.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainSettingsTest {
  @Test
  void recordsReadExactlyTheKeysReferenceDeclares() {
    Settings s = Settings.withReference(ConfigFactory.empty());
    ModelSettings.from(s);
    TrainSettings.from(s);
    ReferenceConfig ref = ReferenceConfig.get();
    java.util.SortedSet<String> declared = new java.util.TreeSet<>(ref.leafPaths("model"));
    declared.addAll(ref.leafPaths("train"));
    declared.add("sweep.models"); // the layer check reads every model's n-layer
    assertEquals(declared, new java.util.TreeSet<>(s.pathsRead()));
  }

  @Test
  void stopRuleDefaultsToStepsWithPatienceAndMinDelta() {
    TrainSettings t = TrainSettings.fromConfig(ConfigFactory.empty());
    assertEquals(StopRule.STEPS, t.stop());
    assertEquals(5, t.patience());
    assertEquals(0.001, t.minDelta());
    TrainSettings c =
        TrainSettings.fromConfig(
            ConfigFactory.parseString("train { stop = converged, patience = 3, min-delta = 0 }"));
    assertEquals(StopRule.CONVERGED, c.stop());
    assertEquals(3, c.patience());
    assertEquals(0.0, c.minDelta());
  }

  @Test
  void badStopSettingsNameKeyValueAndWhatIsAllowed() {
    assertMessage("train.stop = early", "'early' in train.stop is invalid", "steps, converged");
    assertMessage("train.patience = 0", "'0' in train.patience is invalid");
    assertMessage("train.min-delta = -0.1", "'-0.1' in train.min-delta is invalid");
    // 4 evaluations 250 steps apart do not fit in 900 steps
    assertMessage(
        "train { stop = converged, patience = 3, eval-interval = 250, max-steps = 900 }",
        "'900' in train.max-steps is invalid",
        "train.patience + 1 = 4",
        "at least 1000");
    assertEquals(
        1000,
        TrainSettings.fromConfig(
                ConfigFactory.parseString(
                    "train { stop = converged, patience = 3, eval-interval = 250,"
                        + " max-steps = 1000 }"))
            .maxSteps());
    // a fixed budget evaluates at its last step whatever the interval
    assertEquals(
        StopRule.STEPS,
        TrainSettings.fromConfig(
                ConfigFactory.parseString("train { eval-interval = 5000, max-steps = 10 }"))
            .stop());
  }

  @Test
  void activationLayersAreCheckedAgainstEveryModelsDepth() {
    TrainSettings t =
        TrainSettings.fromConfig(
            ConfigFactory.parseString(
                "model.n-layer = 3\ntrain.activations.layers = [emb, h_0, h_2, h_final, ln_f]"));
    assertEquals(List.of("emb", "h_0", "h_2", "h_final", "ln_f"), t.activations().layers());
    assertMessage(
        "model.n-layer = 3\ntrain.activations.layers = [h_3]",
        "'[\"h_3\"]' in train.activations.layers is invalid",
        "h_3 is not a block of a 3-layer model (model.n-layer = 3)",
        "emb, h_0 … h_2, h_final, ln_f or all");
    assertMessage(
        "train.activations.layers = [h_final, block_1]",
        "'block_1' in train.activations.layers[1] is invalid",
        "emb, h_0 … h_<n-layer − 1>, h_final, ln_f or all");
    // a sweep: the shallowest model decides, whatever the model section says
    String sweep =
        "model.n-layer = 12\nsweep.models = [{n-layer = 2, n-embd = 64}, {n-embd = 128}]\n";
    assertMessage(
        sweep + "train.activations.layers = [h_2]",
        "h_2 is not a block of a 2-layer model",
        "sweep.models[0] has 2, sweep.models[1] has 12 layers");
    TrainSettings.fromConfig(ConfigFactory.parseString(sweep + "train.activations.layers = [h_1]"));
    TrainSettings.fromConfig(
        ConfigFactory.parseString(
            "model.n-layer = 2\nsweep.models = [{n-layer = 4}]\n"
                + "train.activations.layers = [h_3]"));
  }

  @Test
  void allExpandsToEmbeddingEveryBlockAndTheFinalLayerNorm() {
    TrainSettings.Activations a =
        new TrainSettings.Activations(10, 4, 1, 100, List.of("h_final", "all", "h_1"));
    assertEquals(
        List.of("h_final", "emb", "h_0", "h_1", "h_2", "ln_f"), a.layersFor(3), "once each");
    assertEquals(
        List.of("h_final"),
        TrainSettings.fromConfig(ConfigFactory.empty()).activations().layersFor(12));
  }

  @Test
  void dataParallelNeedsAWindowPerTaskTheKernelAndNoTestbed() {
    assertEquals(1, TrainSettings.fromConfig(ConfigFactory.empty()).dataParallel());
    assertEquals(
        4,
        TrainSettings.fromConfig(
                ConfigFactory.parseString("train { data-parallel = 4, batch-size = 4 }"))
            .dataParallel());
    assertMessage("train.data-parallel = 0", "'0' in train.data-parallel is invalid");
    assertMessage(
        "train { data-parallel = 4, batch-size = 3 }",
        "'4' in train.data-parallel is invalid",
        "raise train.batch-size to at least 4");
    assertMessage(
        "train.data-parallel = 2\nmodel.engine = samediff",
        "'2' in train.data-parallel is invalid",
        "needs model.engine = kernel");
    assertMessage(
        "train.data-parallel = 2\ntestbed.enabled = true",
        "'2' in train.data-parallel is invalid",
        "testbed");
  }

  private static void assertMessage(String hocon, String... parts) {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> TrainSettings.fromConfig(ConfigFactory.parseString(hocon)));
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), e.getMessage());
    }
  }

  @Test
  void defaultsAreGpt2SmallAndNanoGptsOptimizer() {
    ModelSettings m = ModelSettings.fromConfig(ConfigFactory.empty());
    assertEquals(new ModelSettings(12, 12, 768, 1024, false, true, 1, ModelEngine.KERNEL), m);
    assertEquals(
        50304,
        new ModelSettings(12, 12, 768, 1024, false, true, 64, ModelEngine.KERNEL)
            .paddedVocab(50257));
    assertEquals(
        ModelEngine.SAMEDIFF,
        ModelSettings.fromConfig(ConfigFactory.parseString("model.engine = samediff")).engine());
    TrainSettings t = TrainSettings.fromConfig(ConfigFactory.empty());
    assertEquals(6e-4, t.lr());
    assertEquals(0.95, t.beta2());
  }

  @Test
  void badValuesNameKeyValueAndRule() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> TrainSettings.fromConfig(ConfigFactory.parseString("train.lr = 2")));
    assertTrue(e.getMessage().contains("'2' in train.lr is invalid"), e.getMessage());
    ConfigException heads =
        assertThrows(
            ConfigException.class,
            () -> ModelSettings.fromConfig(ConfigFactory.parseString("model.n-embd = 100")));
    assertTrue(heads.getMessage().contains("multiple of model.n-head"), heads.getMessage());
  }

  @Test
  void rulesAcrossKeysFailAtLoadNamingKeysValuesAndWhatIsAllowed() {
    ConfigException minLr =
        assertThrows(ConfigException.class, () -> ConfigFiles.overrides("train.min-lr=0.1"));
    assertTrue(
        minLr.getMessage().contains("'0.1' in train.min-lr is invalid: must be at most train.lr"),
        minLr.getMessage());
    ConfigException decay =
        assertThrows(
            ConfigException.class,
            () -> ConfigFiles.overrides("train.warmup-steps=500", "train.decay-steps=500"));
    assertTrue(
        decay
            .getMessage()
            .contains(
                "'500' in train.decay-steps is invalid: must be greater than train.warmup-steps"
                    + " = 500"),
        decay.getMessage());
    ConfigException heads =
        assertThrows(ConfigException.class, () -> ConfigFiles.overrides("model.n-head=5"));
    assertTrue(heads.getMessage().contains("multiple of model.n-head (5)"), heads.getMessage());
    ScalinglabConfig ok = ConfigFiles.overrides("train.min-lr=6e-4");
    assertEquals(ok.train().lr(), ok.train().minLr(), "equal rates: a constant rate is allowed");
  }
}
