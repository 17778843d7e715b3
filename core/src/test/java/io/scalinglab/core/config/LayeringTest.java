package io.scalinglab.core.config;

import static io.scalinglab.core.config.ConfigFiles.load;
import static io.scalinglab.core.config.ConfigFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.scalinglab.core.error.ConfigException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** reference.conf ← files in order ← --set, and includes relative to the including file. */
class LayeringTest {
  @TempDir Path dir;

  @Test
  void eachLayerOverridesTheOneBelow() {
    Path first = write(dir, "a.conf", "dataset { name = a, seed = 1, partitions = 3 }");
    Path second = write(dir, "b.conf", "dataset { name = b, seed = 2 }");

    ScalinglabConfig config = load(List.of(first, second), "dataset.name=c");

    assertEquals("c", config.dataset().name()); // --set beats both files
    assertEquals(2, config.dataset().seed()); // the later file beats the earlier
    assertEquals(3, config.dataset().partitions()); // the earlier file beats reference.conf
    assertEquals(0.0005, config.dataset().valFraction()); // reference.conf fills the rest
  }

  @Test
  void fileOrderDecides() {
    Path first = write(dir, "a.conf", "dataset.seed = 1");
    Path second = write(dir, "b.conf", "dataset.seed = 2");
    assertEquals(1, load(List.of(second, first)).dataset().seed());
  }

  @Test
  void laterOverrideOfTheSameKeyWins() {
    assertEquals(7, ConfigFiles.overrides("dataset.seed=5", "dataset.seed=7").dataset().seed());
  }

  @Test
  void includesResolveAgainstTheIncludingFile() {
    write(dir, "datasets/d.conf", "dataset { name = from-dataset, seed = 11, partitions = 4 }");
    Path sweep =
        write(
            dir,
            "sweeps/s.conf",
            "include \"../datasets/d.conf\"",
            "dataset.seed = 12 // the sweep's own value beats the included one");

    ScalinglabConfig config = load(List.of(sweep));

    assertEquals("from-dataset", config.dataset().name());
    assertEquals(12, config.dataset().seed());
    assertEquals(4, config.dataset().partitions());
  }

  @Test
  void includeWithoutExtensionFindsTheConfFile() {
    write(dir, "datasets/d.conf", "dataset.name = found");
    Path sweep = write(dir, "sweeps/s.conf", "include \"../datasets/d\"");
    assertEquals("found", load(List.of(sweep)).dataset().name());
  }

  @Test
  void missingIncludeFails() {
    Path sweep = write(dir, "sweeps/s.conf", "include \"../datasets/typo.conf\"");
    ConfigException e = assertThrows(ConfigException.class, () -> load(List.of(sweep)));
    assertTrue(e.getMessage().contains("../datasets/typo.conf"), e.getMessage());
    assertTrue(e.getMessage().contains("s.conf"), e.getMessage());
  }

  @Test
  void missingFileFailsNamingIt() {
    Path missing = dir.resolve("nowhere.conf");
    ConfigException e = assertThrows(ConfigException.class, () -> load(List.of(missing)));
    assertTrue(e.getMessage().contains("nowhere.conf does not exist"), e.getMessage());
  }

  @Test
  void syntaxErrorFailsNamingTheFile() {
    Path broken = write(dir, "broken.conf", "dataset { name = ");
    ConfigException e = assertThrows(ConfigException.class, () -> load(List.of(broken)));
    assertTrue(e.getMessage().contains("broken.conf"), e.getMessage());
  }

  @Test
  void substitutionsSeeOverridesAndReference() {
    Path file = write(dir, "a.conf", "dataset.name = ${dataset.tokenizer}-run");
    assertEquals("byte-run", load(List.of(file), "dataset.tokenizer=byte").dataset().name());
    assertEquals("gpt2-run", load(List.of(file)).dataset().name());
  }

  @Test
  void danglingSubstitutionFails() {
    Path file = write(dir, "a.conf", "dataset.name = ${nothing.here}");
    ConfigException e = assertThrows(ConfigException.class, () -> load(List.of(file)));
    assertTrue(e.getMessage().contains("nothing.here"), e.getMessage());
  }

  @Test
  void withOverridesLayersOnTopAndValidatesAgain() {
    Path file = write(dir, "a.conf", "dataset { name = a, seed = 1 }");
    ScalinglabConfig base = load(List.of(file));

    ScalinglabConfig more = base.withOverrides(List.of("dataset.seed=9"));

    assertEquals(9, more.dataset().seed());
    assertEquals("a", more.dataset().name());
    assertEquals(1, base.dataset().seed()); // the original is untouched
    assertThrows(ConfigException.class, () -> base.withOverrides(List.of("dataset.sed=3")));
    assertThrows(ConfigException.class, () -> base.withOverrides(List.of("dataset.seed=x")));
  }

  @Test
  void fromConfigAddsReferenceBeneath() {
    ScalinglabConfig config =
        ScalinglabConfig.fromConfig(ConfigFactory.parseString("store.root = \"/tmp/s\""));
    assertEquals("/tmp/s", config.store().root());
    assertEquals("corpus", config.dataset().name());
  }

  @Test
  void resolvedHoldsOnlyOurSections() {
    assertEquals(
        ReferenceConfig.get().sections(),
        List.copyOf(new java.util.TreeSet<>(ConfigFiles.overrides().resolved().root().keySet())));
  }
}
