package io.scalinglab.trainer.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SparkSettings;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dataset.val-documents} on a small corpus of 120 distinct documents, prepared with Spark
 * {@code local[2]}: the validation split holds exactly the N documents of smallest split key (the
 * fraction alone gives one or two), and the setting is part of the dataset id.
 */
class ValDocumentsTest {
  private static final int DOCUMENTS = 120;
  private static final long SEED = 2357;

  @TempDir static Path tmp;
  static SparkSession spark;
  static List<String> docs;

  @BeforeAll
  static void start() throws Exception {
    spark =
        SparkSessions.getOrCreate(
            new SparkSettings("local[2]", "val-documents-test", "127.0.0.1", Map.of()));
    docs =
        IntStream.range(0, DOCUMENTS)
            .mapToObj(i -> "Story " + i + ": a cat named Tom" + i + " sat on the mat.")
            .toList();
    Files.writeString(tmp.resolve("corpus.txt"), String.join("\n<|endoftext|>\n", docs));
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static ScalinglabConfig config(int valDocuments) {
    return ScalinglabConfig.load(
        List.of(),
        List.of(
            "store.root=\"" + tmp.resolve("store").toUri() + "\"",
            "dataset.name=small",
            "dataset.source.paths=[\"" + tmp.resolve("corpus.txt").toUri() + "\"]",
            "dataset.tokenizer=byte",
            "dataset.val-fraction=0.01",
            "dataset.seed=" + SEED,
            "dataset.subsets.fractions=[1.0]",
            "dataset.val-documents=" + valDocuments));
  }

  @Test
  void theSplitHoldsTheDocumentsOfSmallestKey() throws Exception {
    ScalinglabConfig c = config(25);
    ResultsStore store =
        ResultsStore.open(c.store().root(), spark.sparkContext().hadoopConfiguration());
    List<String> log = new ArrayList<>();
    PrepareResult r = PrepareJob.run(spark, c, store, log::add);
    JsonNode m = r.manifest();
    assertEquals(25, m.path("val").path("documents").asLong());
    assertEquals(DOCUMENTS - 25, m.path("train").path("documents").asLong());
    assertTrue(
        log.stream().anyMatch(l -> l.contains("dataset.val-documents = 25")), log.toString());

    DocumentKeys keys = new DocumentKeys(SEED);
    Set<String> smallest =
        docs.stream()
            .sorted(Comparator.comparingLong(d -> ValidationSplit.rank(keys.of(d).splitKey())))
            .limit(25)
            .collect(Collectors.toCollection(TreeSet::new));
    long byFraction = docs.stream().filter(d -> keys.of(d).isValidation(0.01)).count();
    assertTrue(byFraction < 25, "the fraction alone gives " + byFraction);
    assertEquals(smallest, new TreeSet<>(valTexts(store, r)));

    ScalinglabConfig off = config(0);
    assertNotEquals(PrepareJob.datasetId(c), PrepareJob.datasetId(off), "part of the id");
  }

  @Test
  void theRuleAddsToTheFractionAndIsMonotone() {
    DocumentKeys keys = new DocumentKeys(SEED);
    List<Long> split = docs.stream().map(d -> keys.of(d).splitKey()).toList();
    List<Long> ranks = split.stream().map(ValidationSplit::rank).sorted().toList();
    ValidationSplit ten = new ValidationSplit(0.01, ranks.get(9));
    ValidationSplit twenty = new ValidationSplit(0.01, ranks.get(19));
    assertEquals(10, split.stream().filter(ten::contains).count());
    assertTrue(split.stream().filter(ten::contains).allMatch(twenty::contains), "nested");
    ValidationSplit half = new ValidationSplit(0.5, ranks.get(9));
    long fractionAlone = split.stream().filter(ValidationSplit.ofFraction(0.5)::contains).count();
    assertEquals(fractionAlone, split.stream().filter(half::contains).count(), "max, not sum");
    assertFalse(ValidationSplit.ofFraction(0.01).contains(Long.MAX_VALUE));
  }

  /** The texts of the validation split's documents, decoded from its byte-level shards. */
  private static List<String> valTexts(ResultsStore store, PrepareResult r) throws Exception {
    List<String> texts = new ArrayList<>();
    ByteArrayOutputStream doc = new ByteArrayOutputStream();
    for (JsonNode shard : r.manifest().path("val").path("shards")) {
      org.apache.hadoop.fs.Path p =
          new org.apache.hadoop.fs.Path(r.dir(), shard.path("file").asText());
      byte[] bytes;
      try (InputStream in = store.fs().open(p)) {
        bytes = in.readAllBytes();
      }
      for (int i = 0; i + 1 < bytes.length; i += 2) {
        int token = (bytes[i] & 0xFF) | (bytes[i + 1] & 0xFF) << 8;
        if (token == 256) {
          texts.add(doc.toString(StandardCharsets.UTF_8));
          doc.reset();
        } else {
          doc.write(token);
        }
      }
    }
    return texts;
  }
}
