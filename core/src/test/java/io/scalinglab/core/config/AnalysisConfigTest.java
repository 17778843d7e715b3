package io.scalinglab.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.error.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * The {@code analysis} section: reference.conf and {@link AnalysisConfig} agree, values checked.
 */
class AnalysisConfigTest {

  @Test
  void recordReadsExactlyTheLeafPathsOfItsSection() {
    ReferenceConfig reference = ReferenceConfig.get();
    Settings settings = new Settings(reference.config());
    AnalysisConfig.from(settings);
    assertEquals(reference.leafPaths("analysis"), settings.pathsRead());
  }

  @Test
  void referenceAloneGivesTheDocumentedDefaults() {
    AnalysisConfig a = ConfigFiles.overrides().analysis();
    assertEquals(1.0, a.beta());
    assertEquals(TheoryError.SQUARED, a.error());
    assertEquals("val_loss_mean5", a.lossColumn());
    assertEquals(ModelSize.NON_EMBEDDING, a.modelSize());
    assertEquals(1e-3, a.huberDelta());
    assertEquals(IntervalMethod.T, a.interval());
    assertEquals(1000, a.resamples());
    assertEquals(0.95, a.level());
    assertEquals(1, a.holdout());
    assertEquals("mle", a.idEstimator());
    assertEquals("", a.idMetric());
    assertEquals(0, a.idK());
  }

  @Test
  void overridesAreReadAndBadValuesNameTheKey() {
    AnalysisConfig a =
        ConfigFiles.overrides("analysis.theory.error=root", "analysis.model-size=total").analysis();
    assertEquals(TheoryError.ROOT, a.error());
    assertEquals(0.5, a.error().factor());
    assertEquals(ModelSize.TOTAL, a.modelSize());
    assertEquals(
        IntervalMethod.BOOTSTRAP,
        ConfigFiles.overrides("analysis.interval=bootstrap").analysis().interval());
    ConfigException interval =
        assertThrows(
            ConfigException.class,
            () -> ConfigFiles.overrides("analysis.interval=wald").analysis());
    assertTrue(
        interval.getMessage().contains("analysis.interval is invalid: must be one of t, bootstrap"),
        interval.getMessage());

    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigFiles.overrides("analysis.theory.error=cubed").analysis());
    assertTrue(
        e.getMessage().contains("analysis.theory.error is invalid: must be one of squared, root"),
        e.getMessage());
    ConfigException resamples =
        assertThrows(
            ConfigException.class,
            () -> ConfigFiles.overrides("analysis.bootstrap.resamples=10").analysis());
    assertTrue(
        resamples.getMessage().startsWith("'10' in analysis.bootstrap.resamples is invalid"),
        resamples.getMessage());
    assertThrows(
        ConfigException.class, () -> ConfigFiles.overrides("analysis.theory.beta=0").analysis());
  }

  @Test
  void enumKeysRoundTrip() {
    for (TheoryError t : TheoryError.values()) {
      assertEquals(t, TheoryError.parse(t.key()));
    }
    for (ModelSize m : ModelSize.values()) {
      assertEquals(m, ModelSize.parse(m.key()));
    }
    for (IntervalMethod m : IntervalMethod.values()) {
      assertEquals(m, IntervalMethod.parse(m.key()));
    }
  }
}
