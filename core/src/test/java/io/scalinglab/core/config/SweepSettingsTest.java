package io.scalinglab.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.scalinglab.core.error.ConfigException;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SweepSettingsTest {
  @Test
  void recordReadsExactlyTheKeysReferenceDeclares() {
    Settings s = Settings.withReference(ConfigFactory.empty());
    SweepSettings.from(s);
    assertEquals(
        new TreeSet<>(ReferenceConfig.get().leafPaths("sweep")), new TreeSet<>(s.pathsRead()));
  }

  @Test
  void defaultsAreOneRunOfTheModelSection() {
    SweepSettings d = SweepSettings.fromConfig(ConfigFactory.empty());
    assertEquals(List.of(), d.models());
    assertEquals(List.of(), d.subsets());
    assertEquals(List.of(), d.seeds());
    assertEquals(new SweepSettings.Testing(0, 1, "", ""), d.testing());
  }

  @Test
  void modelFamilyEntriesAreModelKeysAsText() {
    SweepSettings s =
        SweepSettings.fromConfig(
            ConfigFactory.parseString(
                "sweep { models = [{n-layer = 2, n-embd = 64}, {n-layer = 4, bias = true}],"
                    + " subsets = [f0.1, f1], seeds = [1, 2] }"));
    assertEquals(
        List.of(Map.of("n-embd", "64", "n-layer", "2"), Map.of("bias", "true", "n-layer", "4")),
        s.models());
    assertEquals(List.of("f0.1", "f1"), s.subsets());
    assertEquals(List.of(1L, 2L), s.seeds());
  }

  @Test
  void unknownModelKeyNamesTheClosest() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                SweepSettings.fromConfig(
                    ConfigFactory.parseString("sweep.models = [{n-layers = 2}]")));
    assertTrue(e.getMessage().contains("sweep.models[0].n-layers"), e.getMessage());
    assertTrue(e.getMessage().contains("the closest is n-layer"), e.getMessage());
  }

  @Test
  void designIsGridByDefaultAndAxesNameTheirModelAndSubset() {
    SweepSettings d = SweepSettings.fromConfig(ConfigFactory.empty());
    assertEquals("grid", d.design());
    assertEquals(-1, d.dataModel());
    assertEquals("", d.modelSubset());
    SweepSettings a =
        SweepSettings.fromConfig(
            ConfigFactory.parseString(
                "sweep { models = [{n-embd = 16}, {n-embd = 32}], design = axes, data-model = 1,"
                    + " model-subset = t1000 }"));
    assertTrue(a.axes());
    assertEquals(1, a.dataModel());
    assertEquals("t1000", a.modelSubset());
    ConfigException design =
        assertThrows(
            ConfigException.class,
            () -> SweepSettings.fromConfig(ConfigFactory.parseString("sweep.design = diagonal")));
    assertTrue(design.getMessage().contains("'diagonal' in sweep.design"), design.getMessage());
    assertTrue(design.getMessage().contains("grid or axes"), design.getMessage());
    ConfigException model =
        assertThrows(
            ConfigException.class,
            () ->
                SweepSettings.fromConfig(
                    ConfigFactory.parseString(
                        "sweep { models = [{n-embd = 16}, {n-embd = 32}], data-model = 2 }")));
    assertTrue(model.getMessage().contains("sweep.data-model"), model.getMessage());
    assertTrue(model.getMessage().contains("indices 0..1"), model.getMessage());
  }

  @Test
  void modelLrNeedsOneRatePerModel() {
    SweepSettings s =
        SweepSettings.fromConfig(
            ConfigFactory.parseString(
                "sweep { models = [{n-embd = 16}, {n-embd = 32}], model-lr = [1e-2, 5e-3] }"));
    assertEquals(List.of(1e-2, 5e-3), s.modelLr());
    ConfigException count =
        assertThrows(
            ConfigException.class,
            () ->
                SweepSettings.fromConfig(
                    ConfigFactory.parseString(
                        "sweep { models = [{n-embd = 16}, {n-embd = 32}], model-lr = [1e-2] }")));
    assertTrue(count.getMessage().contains("sweep.model-lr"), count.getMessage());
    assertTrue(count.getMessage().contains("1 rates for 2 entries"), count.getMessage());
    ConfigException rate =
        assertThrows(
            ConfigException.class,
            () ->
                SweepSettings.fromConfig(
                    ConfigFactory.parseString(
                        "sweep { models = [{n-embd = 16}], model-lr = [0] }")));
    assertTrue(rate.getMessage().contains("sweep.model-lr"), rate.getMessage());
  }

  @Test
  void staleLockMustOutliveTheHeartbeat() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                SweepSettings.fromConfig(
                    ConfigFactory.parseString(
                        "sweep { lock-heartbeat = 60, lock-stale-after = 30 }")));
    assertTrue(e.getMessage().contains("sweep.lock-stale-after"), e.getMessage());
  }
}
