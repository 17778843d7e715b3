package io.scalinglab.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** reference.conf and the records declare the same keys, so neither can drift from the other. */
class ReferenceCoverageTest {

  @Test
  void recordsReadExactlyTheLeafPathsOfTheirSections() {
    ReferenceConfig reference = ReferenceConfig.get();
    Settings settings = new Settings(reference.config());
    StoreConfig.from(settings);
    SparkSettings.from(settings);
    DatasetConfig.from(settings);
    IdConfig.from(settings);
    ModelSettings.from(settings);
    TrainSettings.from(settings);
    SweepSettings.from(settings);
    TestbedSettings.from(settings);
    MetricsSettings.from(settings);
    AnalysisConfig.from(settings);

    Set<String> declared = new TreeSet<>();
    for (String section : ScalinglabConfig.RECORD_SECTIONS) {
      declared.addAll(reference.leafPaths(section));
    }
    assertEquals(declared, settings.pathsRead());
  }

  @Test
  void referenceHoldsTheRecordSectionsAndTheirOpenMaps() {
    ReferenceConfig reference = ReferenceConfig.get();
    assertEquals(
        new TreeSet<>(reference.sections()),
        new TreeSet<>(ScalinglabConfig.RECORD_SECTIONS),
        "every section of reference.conf is parsed into a record at load");
    assertEquals(
        ScalinglabConfig.RECORD_SECTIONS,
        java.util.Arrays.stream(ScalinglabConfig.class.getRecordComponents())
            .map(java.lang.reflect.RecordComponent::getName)
            .filter(n -> !n.equals("resolved"))
            .toList(),
        "one record component per section, in the same order");
    assertTrue(reference.isOpenMap("spark.conf"));
    assertTrue(reference.leafPaths().contains("spark.conf"));
    assertTrue(reference.leafPaths().contains("dataset.source.filter.values"));
  }

  @Test
  void referenceAloneGivesTheDocumentedDefaults() {
    ScalinglabConfig config = ConfigFiles.overrides();
    assertEquals(new StoreConfig("scalinglab-store"), config.store());
    assertEquals("local[*]", config.spark().master());
    assertEquals("scalinglab", config.spark().appName());
    assertEquals("127.0.0.1", config.spark().localIp());
    assertTrue(config.spark().conf().isEmpty());

    DatasetConfig dataset = config.dataset();
    assertEquals("corpus", dataset.name());
    assertEquals(TokenizerName.GPT2, dataset.tokenizer());
    assertEquals(0.0005, dataset.valFraction());
    assertEquals(0, dataset.valDocuments());
    assertEquals(2357, dataset.seed());
    assertEquals(List.of(0.01, 0.1, 1.0), dataset.subsetFractions());
    assertEquals(List.of(), dataset.subsetTokens());
    assertEquals(0.01, dataset.maxSkippedShare());
    assertEquals(50_000_000L, dataset.shardTokens());
    assertEquals(0, dataset.partitions());

    SourceConfig source = dataset.source();
    assertEquals(List.of(), source.paths());
    assertEquals(SourceFormat.TEXT, source.format());
    assertEquals("text", source.textField());
    assertEquals("<|endoftext|>", source.separator());
    assertEquals(0, source.tsvColumn());
    assertEquals("", source.filterField());
    assertEquals(List.of(), source.filterValues());
  }
}
