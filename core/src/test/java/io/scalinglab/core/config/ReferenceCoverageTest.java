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

    Set<String> declared = new TreeSet<>();
    for (String section : ScalinglabConfig.RECORD_SECTIONS) {
      declared.addAll(reference.leafPaths(section));
    }
    assertEquals(declared, settings.pathsRead());
  }

  @Test
  void referenceHoldsTheRecordSectionsAndTheirOpenMaps() {
    ReferenceConfig reference = ReferenceConfig.get();
    assertTrue(reference.sections().containsAll(ScalinglabConfig.RECORD_SECTIONS));
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
