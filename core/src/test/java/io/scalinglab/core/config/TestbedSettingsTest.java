package io.scalinglab.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.scalinglab.core.error.ConfigException;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class TestbedSettingsTest {
  @Test
  void recordReadsExactlyTheKeysReferenceDeclares() {
    Settings s = Settings.withReference(ConfigFactory.empty());
    TestbedSettings.from(s);
    assertEquals(
        new TreeSet<>(ReferenceConfig.get().leafPaths("testbed")), new TreeSet<>(s.pathsRead()));
  }

  @Test
  void defaultsAreOneSphereOfDimensionFourInThirtyTwo() {
    TestbedSettings t = TestbedSettings.fromConfig(ConfigFactory.empty());
    assertFalse(t.enabled());
    assertEquals("sphere", t.manifold());
    assertEquals(List.of(4), t.dims());
    assertEquals(32, t.ambient());
    assertEquals(8, t.tokens());
    assertEquals(new TestbedSettings.Target(1.0, 32, 1.0, 0.1), t.target());
    assertEquals(4096, t.modelAxisSamples());
    assertEquals("sphere-d4", t.datasetName(4));
    assertEquals("axes", t.design());
    assertEquals("mean", t.pooling());
  }

  @Test
  void tokenWidthMustDivideTheAmbientDimension() {
    ConfigException e = fails("testbed { ambient = 30, token-width = 4 }");
    assertTrue(e.getMessage().contains("'4' in testbed.token-width is invalid"), e.getMessage());
  }

  @Test
  void ambientSpaceMustHoldTheManifold() {
    ConfigException e = fails("testbed { manifold = torus, dims = [2, 16], ambient = 24 }");
    assertTrue(e.getMessage().contains("testbed.ambient"), e.getMessage());
    assertTrue(e.getMessage().contains("dimension 16"), e.getMessage());
    TestbedSettings.fromConfig(ConfigFactory.parseString("testbed { dims = [31] }"));
  }

  @Test
  void betaAboveOneAndUnknownManifoldsFail() {
    assertTrue(fails("testbed.target.beta = 1.5").getMessage().contains("testbed.target.beta"));
    ConfigException e = fails("testbed.manifold = klein");
    assertTrue(e.getMessage().contains("sphere, torus or fourier-cube"), e.getMessage());
    assertTrue(fails("testbed.samples = []").getMessage().contains("testbed.samples"));
  }

  @Test
  void modelAxisTakesTheLargestSampleSizeUnlessSet() {
    TestbedSettings t =
        TestbedSettings.fromConfig(
            ConfigFactory.parseString("testbed.samples = [512, 4096, 1024]"));
    assertEquals(4096, t.modelAxisSamples());
    TestbedSettings u =
        TestbedSettings.fromConfig(
            ConfigFactory.parseString("testbed { samples = [512, 4096], model-samples = 1024 }"));
    assertEquals(1024, u.modelAxisSamples());
  }

  private static ConfigException fails(String hocon) {
    return assertThrows(
        ConfigException.class, () -> TestbedSettings.fromConfig(ConfigFactory.parseString(hocon)));
  }
}
