package io.scalinglab.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.scalinglab.core.error.ConfigException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The records are immutable and as valid when built in code as when read from a file. */
class RecordsTest {

  private static SourceConfig source(List<String> paths) {
    return new SourceConfig(paths, SourceFormat.JSONL, "text", "<|endoftext|>", 0, "", List.of());
  }

  private static DatasetConfig dataset(List<Double> fractions, double valFraction) {
    return new DatasetConfig(
        "d",
        source(List.of("a")),
        TokenizerName.GPT2,
        valFraction,
        0,
        1,
        fractions,
        List.of(),
        0.01,
        4096,
        0);
  }

  @Test
  void listsAreCopiedAndUnmodifiable() {
    List<String> paths = new ArrayList<>(List.of("a"));
    SourceConfig source = source(paths);
    paths.add("b");
    assertEquals(List.of("a"), source.paths());
    assertThrows(UnsupportedOperationException.class, () -> source.paths().add("c"));

    List<Double> fractions = new ArrayList<>(List.of(0.5));
    DatasetConfig dataset = dataset(fractions, 0.1);
    fractions.add(1.0);
    assertEquals(List.of(0.5), dataset.subsetFractions());
    assertThrows(UnsupportedOperationException.class, () -> dataset.subsetFractions().add(1.0));
    assertThrows(UnsupportedOperationException.class, () -> dataset.subsetTokens().add(1L));
  }

  @Test
  void valDocumentsIsACountOrZero() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                DatasetConfig.fromConfig(
                    com.typesafe.config.ConfigFactory.parseString("dataset.val-documents = -1")));
    assertEquals(true, e.getMessage().contains("'-1' in dataset.val-documents is invalid"));
    assertEquals(
        4000,
        DatasetConfig.fromConfig(
                com.typesafe.config.ConfigFactory.parseString("dataset.val-documents = 4000"))
            .valDocuments());
  }

  @Test
  void sparkConfIsCopiedUnmodifiableAndSorted() {
    Map<String, String> conf = new HashMap<>(Map.of("spark.b", "2", "spark.a", "1"));
    SparkSettings spark = new SparkSettings("local[*]", "app", "", conf);
    conf.put("spark.c", "3");
    assertEquals(List.of("spark.a", "spark.b"), List.copyOf(spark.conf().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> spark.conf().put("x", "y"));
  }

  @Test
  void recordsReadFromAFileAreUnmodifiable() {
    ScalinglabConfig config = ConfigFiles.overrides("dataset.source.paths=[a]");
    assertThrows(
        UnsupportedOperationException.class, () -> config.dataset().source().paths().add("b"));
    assertThrows(
        UnsupportedOperationException.class, () -> config.spark().conf().put("spark.x", "1"));
  }

  @Test
  void constructorsApplyTheSameChecks() {
    ConfigException e = assertThrows(ConfigException.class, () -> dataset(List.of(0.5), 1.0));
    assertEquals("'1.0' in dataset.val-fraction is invalid: must be in (0, 1)", e.getMessage());
    assertThrows(ConfigException.class, () -> dataset(List.of(0.0), 0.1));
    assertThrows(ConfigException.class, () -> new StoreConfig(""));
    assertThrows(NullPointerException.class, () -> new StoreConfig(null));
    assertThrows(
        ConfigException.class,
        () -> new SourceConfig(List.of(), SourceFormat.TEXT, "", "x", 0, "", List.of()));
    assertThrows(
        ConfigException.class,
        () -> new SourceConfig(List.of(), SourceFormat.TEXT, "t", "x", 0, "lang", List.of()));
  }

  @Test
  void sameSettingsGiveEqualRecords() {
    assertEquals(
        ConfigFiles.overrides("dataset.seed=3", "dataset.source.paths=a"),
        ConfigFiles.overrides("dataset.source.paths=[a]", "dataset.seed=3.0"));
  }

  @Test
  void enumKeysRoundTrip() {
    for (SourceFormat f : SourceFormat.values()) {
      assertEquals(f, SourceFormat.parse(f.key()));
    }
    for (TokenizerName t : TokenizerName.values()) {
      assertEquals(t, TokenizerName.parse(t.key()));
    }
    assertEquals("nanogpt-bin", SourceFormat.NANOGPT_BIN.key());
    ConfigException e = assertThrows(ConfigException.class, () -> SourceFormat.parse("xml"));
    assertEquals(
        "'xml' is not a valid sourceformat: must be one of text, jsonl, json, parquet, tsv, files,"
            + " nanogpt-bin",
        e.getMessage());
  }
}
