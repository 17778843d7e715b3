package io.scalinglab.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.error.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code id} section: reference.conf and {@link IdConfig} agree, values are checked. */
class IdConfigTest {

  @Test
  void recordReadsExactlyTheLeafPathsOfTheSection() {
    ReferenceConfig reference = ReferenceConfig.get();
    Settings settings = new Settings(reference.config());
    IdConfig.from(settings);
    assertEquals(reference.leafPaths("id"), settings.pathsRead());
  }

  @Test
  void referenceAloneGivesTheDocumentedDefaults() {
    IdConfig id = IdConfig.fromConfig(ConfigFiles.overrides().resolved());
    assertEquals(IdConfig.Estimator.MLE, id.estimator());
    assertEquals(20, id.k());
    assertEquals(IdConfig.Combine.MEAN, id.combine());
    assertFalse(id.unbiased());
    assertEquals(IdConfig.Metric.EUCLIDEAN, id.metric());
    assertEquals(IdConfig.Protocol.GLOBAL, id.protocol());
    assertEquals(0.1, id.twonnDiscard());
    assertEquals(IdConfig.NonFinite.FAIL, id.nonFinite());
    assertEquals(new IdConfig.Paper(3600, 1_000_000), id.paper());
    assertEquals(new IdConfig.Global(List.of(5, 10, 20, 50), 200, 0.95, 0), id.global());
    assertEquals(new IdConfig.Knn(0, 1024, IdConfig.Engine.AUTO), id.knn());
    assertEquals(128, id.positionWindow());
    assertEquals(0.02, id.levelledOffTolerance());
  }

  @Test
  void overridesAreReadByKey() {
    IdConfig id =
        IdConfig.fromConfig(
            ConfigFiles.overrides(
                    "id.metric=cosine", "id.combine=harmonic", "id.global.k-sweep=[10]", "id.k=10")
                .resolved());
    assertEquals(IdConfig.Metric.COSINE, id.metric());
    assertEquals(IdConfig.Combine.HARMONIC, id.combine());
    assertEquals(List.of(10), id.global().kSweep());
  }

  @Test
  void badValuesNameKeyValueAndRule() {
    ConfigException metric =
        assertThrows(
            ConfigException.class,
            () -> IdConfig.fromConfig(ConfigFiles.overrides("id.metric=manhattan").resolved()));
    assertTrue(
        metric.getMessage().contains("'manhattan' in id.metric is invalid: must be one of"),
        metric.getMessage());
    ConfigException k =
        assertThrows(
            ConfigException.class,
            () -> IdConfig.fromConfig(ConfigFiles.overrides("id.k=1").resolved()));
    assertTrue(k.getMessage().contains("'1' in id.k is invalid"), k.getMessage());
    ConfigException tolerance =
        assertThrows(
            ConfigException.class,
            () ->
                IdConfig.fromConfig(
                    ConfigFiles.overrides("id.levelled-off-tolerance=0").resolved()));
    assertTrue(
        tolerance.getMessage().contains("'0' in id.levelled-off-tolerance is invalid"),
        tolerance.getMessage());
    ConfigException unbiased =
        assertThrows(
            ConfigException.class,
            () ->
                IdConfig.fromConfig(
                    ConfigFiles.overrides("id.k=2", "id.unbiased=true").resolved()));
    assertTrue(
        unbiased.getMessage().contains("must be >= 3 when id.unbiased is true"),
        unbiased.getMessage());
  }
}
