package io.scalinglab.core.config;

import static io.scalinglab.core.config.ConfigFiles.load;
import static io.scalinglab.core.config.ConfigFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** toJson and sectionJson: the same settings give the same text, whatever their spelling. */
class JsonTest {
  @TempDir Path dir;

  @Test
  void sameConfigGivesIdenticalText() {
    Path file = write(dir, "a.conf", "dataset { name = x, seed = 3 }");
    ScalinglabConfig a = load(List.of(file));
    ScalinglabConfig b = load(List.of(file));
    assertEquals(a.toJson(), b.toJson());
    assertEquals(a.sectionJson("dataset"), b.sectionJson("dataset"));
  }

  @Test
  void keyOrderDoesNotMatter() {
    Path one =
        write(
            dir,
            "one.conf",
            "dataset { seed = 3, name = x, source { format = jsonl, paths = [a] } }",
            "spark.conf { \"spark.b\" = 2, \"spark.a\" = 1 }");
    Path two =
        write(
            dir,
            "two.conf",
            "spark.conf { \"spark.a\" = 1, \"spark.b\" = 2 }",
            "dataset { source { paths = [a], format = jsonl }, name = x, seed = 3 }");
    assertEquals(load(List.of(one)).toJson(), load(List.of(two)).toJson());
    assertEquals(
        load(List.of(one)).sectionJson("dataset.source"),
        load(List.of(two)).sectionJson("dataset.source"));
  }

  @Test
  void equivalentSpellingsGiveTheSameSection() {
    String single =
        ConfigFiles.overrides("dataset.source.paths=a.txt", "dataset.source.format=JSONL")
            .sectionJson("dataset.source");
    String list =
        ConfigFiles.overrides("dataset.source.paths=[a.txt]", "dataset.source.format=jsonl")
            .sectionJson("dataset.source");
    assertEquals(single, list);
    assertEquals(
        ConfigFiles.overrides("dataset.subsets.fractions=[1]", "dataset.seed=7.0")
            .sectionJson("dataset"),
        ConfigFiles.overrides("dataset.subsets.fractions=[1.0]", "dataset.seed=7")
            .sectionJson("dataset"));
  }

  @Test
  void openMapKeysNestedOrQuotedGiveTheSameText() {
    String nested = ConfigFiles.overrides("spark.conf.spark.executor.memory=4g").toJson();
    String quoted = ConfigFiles.overrides("spark.conf.\"spark.executor.memory\"=4g").toJson();
    assertEquals(quoted, nested);
    assertEquals(
        "{\"spark.executor.memory\":\"4g\"}",
        ConfigFiles.overrides("spark.conf.spark.executor.memory=4g").sectionJson("spark.conf"));
  }

  @Test
  void sectionJsonIsCanonical() {
    String json =
        ConfigFiles.overrides("dataset.source.paths=[b, a]", "dataset.source.format=tsv")
            .sectionJson("dataset.source");
    assertEquals(
        "{\"filter\":{\"field\":\"\",\"values\":[]},\"format\":\"tsv\",\"paths\":[\"b\",\"a\"],"
            + "\"separator\":\"<|endoftext|>\",\"text-field\":\"text\",\"tsv-column\":0}",
        json);
  }

  @Test
  void differentSettingsGiveDifferentText() {
    assertNotEquals(
        ConfigFiles.overrides("dataset.seed=1").sectionJson("dataset"),
        ConfigFiles.overrides("dataset.seed=2").sectionJson("dataset"));
  }

  @Test
  void toJsonIsSortedIndentedAndReadsBack() {
    ScalinglabConfig config =
        ConfigFiles.overrides("dataset.name=x", "spark.conf.\"spark.task.cpus\"=2");
    String json = config.toJson();
    assertTrue(json.startsWith("{\n  \"analysis\" : {"), json);
    assertTrue(json.indexOf("\"analysis\"") < json.indexOf("\"dataset\""), json);
    assertTrue(json.indexOf("\"dataset\"") < json.indexOf("\"spark\""), json);
    assertTrue(json.indexOf("\"spark\"") < json.indexOf("\"store\""), json);

    ScalinglabConfig back = ScalinglabConfig.fromJson(json);
    assertEquals(config, back);
    assertEquals(json, back.toJson());
  }

  @Test
  void unknownSectionIsAnError() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConfigFiles.overrides().sectionJson("dataset.nothing"));
    assertTrue(e.getMessage().contains("dataset.nothing"), e.getMessage());
  }
}
