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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unknown keys fail with the key, where it was set and the closest valid key. */
class UnknownKeyTest {
  @TempDir Path dir;

  @Test
  void misspeltKeyNamesFileLineAndSuggestion() {
    Path file =
        write(dir, "sweep.conf", "# a sweep", "dataset {", "  name = x", "  tokeniser = byte", "}");

    ConfigException e = assertThrows(ConfigException.class, () -> load(List.of(file)));

    assertEquals(
        "unknown key dataset.tokeniser ("
            + file
            + ":4); the closest valid key is dataset.tokenizer. Every valid key is declared,"
            + " with its meaning, in scalinglab's reference.conf.",
        e.getMessage());
  }

  @Test
  void misspeltSectionIsSuggestedItsSection() {
    Path file = write(dir, "a.conf", "stor.root = /x");
    ConfigException e = assertThrows(ConfigException.class, () -> load(List.of(file)));
    assertTrue(e.getMessage().contains("unknown key stor.root (" + file + ":1)"), e.getMessage());
    assertTrue(e.getMessage().contains("closest valid key is store.root"), e.getMessage());
  }

  @Test
  void includedFileIsNamedWithItsOwnLine() {
    write(dir, "datasets/d.conf", "dataset {", "  nmae = x", "}");
    Path sweep = write(dir, "sweeps/s.conf", "include \"../datasets/d.conf\"");
    ConfigException e = assertThrows(ConfigException.class, () -> load(List.of(sweep)));
    String where = dir.resolve("datasets/d.conf") + ":2";
    assertTrue(e.getMessage().contains("dataset.nmae (" + where + ")"), e.getMessage());
    assertTrue(e.getMessage().contains("closest valid key is dataset.name"), e.getMessage());
  }

  @Test
  void overrideIsNamedAsSet() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigFiles.overrides("dataset.sed=3"));
    assertTrue(
        e.getMessage().contains("unknown key dataset.sed (--set dataset.sed=3)"), e.getMessage());
    assertTrue(e.getMessage().contains("closest valid key is dataset.seed"), e.getMessage());
  }

  @Test
  void everyUnknownKeyIsReportedAtOnce() {
    Path file =
        write(
            dir,
            "a.conf",
            "trian.lr = 0.1",
            "dataset.source.fromat = jsonl",
            "dataset.subsets.fractoins = [0.5]");
    ConfigException e =
        assertThrows(ConfigException.class, () -> load(List.of(file), "spark.mastr=local"));
    String m = e.getMessage();
    assertTrue(m.startsWith("4 config errors:"), m);
    assertTrue(m.contains("dataset.source.fromat (" + file + ":2)"), m);
    assertTrue(m.contains("closest valid key is dataset.source.format"), m);
    assertTrue(m.contains("closest valid key is dataset.subsets.fractions"), m);
    assertTrue(m.contains("unknown key trian.lr (" + file + ":1)"), m);
    assertTrue(m.contains("unknown key spark.mastr (--set spark.mastr=local)"), m);
    assertTrue(m.contains("closest valid key is spark.master"), m);
  }

  @Test
  void unknownSectionIsReportedByItsLeaves() {
    Path file = write(dir, "a.conf", "dataset.sorce {", "  paths = [a]", "  format = text", "}");
    ConfigException e = assertThrows(ConfigException.class, () -> load(List.of(file)));
    assertTrue(
        e.getMessage().contains("closest valid key is dataset.source.paths"), e.getMessage());
    assertTrue(
        e.getMessage().contains("closest valid key is dataset.source.format"), e.getMessage());
  }

  @Test
  void openMapKeysAreFree() {
    Path file =
        write(
            dir,
            "a.conf",
            "spark.conf {",
            "  \"spark.executor.memory\" = 4g",
            "  spark.task.cpus = 2",
            "  \"spark.ui.enabled\" = false",
            "}");
    Map<String, String> conf = load(List.of(file)).spark().conf();
    assertEquals(
        Map.of("spark.executor.memory", "4g", "spark.task.cpus", "2", "spark.ui.enabled", "false"),
        conf);
  }

  @Test
  void valueWhereSectionBelongsFails() {
    Path file = write(dir, "a.conf", "dataset.source = \"data.txt\"");
    ConfigException e = assertThrows(ConfigException.class, () -> load(List.of(file)));
    assertTrue(
        e.getMessage()
            .startsWith(
                "'data.txt' in dataset.source is invalid: must be a section of settings ({ ... }),"
                    + " not a string ("
                    + file
                    + ":1)"),
        e.getMessage());
  }

  @Test
  void fromConfigRejectsForeignTopLevelKeys() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ScalinglabConfig.fromConfig(ConfigFactory.parseString("akka.loglevel = INFO")));
    assertTrue(e.getMessage().contains("unknown key akka.loglevel"), e.getMessage());
  }

  @Test
  void closestUsesEditDistanceOverTheFullPath() {
    ReferenceConfig reference = ReferenceConfig.get();
    assertEquals("dataset.tokenizer", KeyCheck.closest("dataset.tokeniser", reference));
    assertEquals("store.root", KeyCheck.closest("stor.root", reference));
    assertEquals("dataset.val-fraction", KeyCheck.closest("dataset.val_fraction", reference));
    assertEquals("spark.conf.\"spark.x\"", KeyCheck.closest("spark.cnf.\"spark.x\"", reference));
  }

  @Test
  void aSpelledOutKeyFindsItsAbbreviation() {
    ReferenceConfig reference = ReferenceConfig.get();
    // Edit distance alone picks train.eval-interval (9 edits) over train.lr (11).
    assertEquals("train.lr", KeyCheck.closest("train.learning-rate", reference));
    assertEquals("train.min-lr", KeyCheck.closest("train.min-learning-rate", reference));
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ScalinglabConfig.load(List.of(), List.of("train.learning-rate=1e-3")));
    assertTrue(e.getMessage().contains("closest valid key is train.lr"), e.getMessage());
  }

  @Test
  void initialsAreFormsOfTheLastPartOnly() {
    assertEquals(
        List.of("a.min-learning-rate", "a.ml-rate", "a.mlr", "a.min-lr"),
        Closest.forms("a.min-learning-rate"));
    assertEquals(List.of("--max-threads", "--mt"), Closest.forms("--max-threads"));
    assertEquals(0, Closest.nameDistance("train.lr", "train.learning-rate"));
    assertEquals(2, Closest.nameDistance("trian.lr", "train.lr"));
  }

  @Test
  void editDistance() {
    assertEquals(0, KeyCheck.distance("abc", "abc"));
    assertEquals(3, KeyCheck.distance("", "abc"));
    assertEquals(1, KeyCheck.distance("stor", "store"));
    assertEquals(2, KeyCheck.distance("trian", "train"));
    assertEquals(3, KeyCheck.distance("kitten", "sitting"));
  }
}
