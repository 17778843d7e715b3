package io.scalinglab.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.scalinglab.core.error.ConfigException;
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
    assertEquals(declared, new java.util.TreeSet<>(s.pathsRead()));
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
}
