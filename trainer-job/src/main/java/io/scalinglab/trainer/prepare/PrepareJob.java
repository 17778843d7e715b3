package io.scalinglab.trainer.prepare;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.config.DatasetConfig;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SourceFormat;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.error.ScalinglabException;
import io.scalinglab.core.spark.HadoopConf;
import io.scalinglab.core.store.Ids;
import io.scalinglab.core.store.Json;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.corpus.Document;
import io.scalinglab.trainer.corpus.Record;
import io.scalinglab.trainer.corpus.Skipped;
import io.scalinglab.trainer.tokenize.Tokenizer;
import io.scalinglab.trainer.tokenize.Tokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The prepare stage of trainer-job: corpus in, token shards and a manifest out.
 *
 * <p>Reads top to bottom: find the dataset's id; stop if it is already prepared; read and parse the
 * corpus; tokenize and key every document; count and check; write the train and validation shards
 * in key order into a temporary folder; write the manifest; rename the folder into place.
 */
public final class PrepareJob {
  private static final ObjectMapper JSON = Json.MAPPER;

  private PrepareJob() {}

  /**
   * Prepares the dataset of {@code config} into {@code store}.
   *
   * @param log receives one line per step, for the console
   */
  public static PrepareResult run(
      SparkSession spark, ScalinglabConfig config, ResultsStore store, Consumer<String> log) {
    requireNonNull(spark, "spark");
    requireNonNull(config, "config");
    requireNonNull(store, "store");
    long start = System.nanoTime();
    DatasetConfig ds = config.dataset();
    String datasetId = datasetId(config);
    String tokenizerName = ds.tokenizer().key();
    Path dir = store.dataDir(datasetId, tokenizerName);
    Path manifestPath = new Path(dir, "manifest.json");

    boolean nanoGpt = ds.source().format() == SourceFormat.NANOGPT_BIN;
    if (store.exists(manifestPath)) {
      JsonNode manifest = store.readJson(manifestPath);
      CorpusSource.InputFiles now = null;
      try {
        now = inputs(ds, nanoGpt, store);
      } catch (InputException gone) {
        // Removed once prepared, as clusters often do: the prepared dataset is all there is.
        log.accept(
            "WARNING the inputs of "
                + dir
                + " cannot be listed ("
                + gone.getMessage()
                + "); reusing the prepared dataset without checking them");
      }
      boolean pinned = now != null && InputPin.check(manifest, now, dir);
      log.accept(
          "dataset "
              + datasetId
              + "/"
              + tokenizerName
              + " is already prepared"
              + (pinned ? " from these input files: " : ": ")
              + dir);
      return PrepareResult.of(datasetId, dir, true, manifest, start);
    }
    CorpusSource.InputFiles input = inputs(ds, nanoGpt, store);
    if (nanoGpt) {
      return NanoGptImport.run(config, store, datasetId, dir, input, log, start);
    }

    log.accept("reading " + CorpusSource.describe(input, ds.source().format()));
    int cores = spark.sparkContext().defaultParallelism();
    int minPartitions = inputPartitions(ds, cores);
    Tokenizer tokenizer = Tokenizers.forName(tokenizerName);
    JavaRDD<PreparedDoc> prepared =
        CorpusSource.read(spark, ds.source(), input, minPartitions)
            .mapPartitions(tokenize(tokenizer, ds.seed()))
            .persist(StorageLevel.MEMORY_AND_DISK());
    Path temp = null;
    try {
      log.accept("tokenizing with " + tokenizerName + " on " + cores + " Spark core(s)" + " ...");
      ValidationSplit split = validationSplit(ds, prepared, log);
      PrepareStats stats =
          unwrapSparkFailure(
              () ->
                  prepared.aggregate(
                      new PrepareStats(), (s, d) -> s.add(d, split), PrepareStats::merge));
      check(ds, input, stats);
      log.accept(summary(stats));
      List<Subsets.Subset> subsets =
          Subsets.resolve(ds.subsetFractions(), ds.subsetTokens(), stats.trainTokens);

      temp = store.newTempDir(dir);
      HadoopConf conf = new HadoopConf(store.hadoopConf());
      List<ShardEntry> train =
          writeSplit(
              prepared,
              split,
              false,
              stats.trainTokens,
              ds.shardTokens(),
              conf,
              temp,
              tokenizer.vocabSize());
      List<ShardEntry> val =
          writeSplit(
              prepared,
              split,
              true,
              stats.valTokens,
              ds.shardTokens(),
              conf,
              temp,
              tokenizer.vocabSize());
      log.accept("wrote " + train.size() + " train and " + val.size() + " validation shard(s)");

      ObjectNode manifest =
          manifest(config, datasetId, tokenizer, input, stats, train, val, subsets);
      store.writeJson(new Path(temp, "manifest.json"), manifest);
      if (!store.commitDirectory(temp, dir)) {
        log.accept("another run prepared " + dir + " at the same time; using its result");
        return PrepareResult.of(datasetId, dir, true, store.readJson(manifestPath), start);
      }
      temp = null;
      log.accept("dataset ready: " + dir);
      return PrepareResult.of(datasetId, dir, false, manifest, start);
    } finally {
      prepared.unpersist(false);
      if (temp != null) {
        store.deleteQuietly(temp);
      }
    }
  }

  /** The input files {@code dataset.source} names, with their sizes and modification times. */
  private static CorpusSource.InputFiles inputs(
      DatasetConfig ds, boolean nanoGpt, ResultsStore store) {
    return nanoGpt
        ? NanoGptImport.inputs(ds, store.hadoopConf())
        : CorpusSource.expand(ds.source(), store.hadoopConf());
  }

  /** Documents, tokens and input bytes of a corpus, as {@link #countTokens} measures them. */
  public record TokenCounts(long documents, long tokens, long textBytes, long inputBytes) {}

  /**
   * Reads, parses, keys and tokenizes the corpus and returns only the counts: the parallel part of
   * the prepare stage without the sort and the writes, for benchmarks and dry runs.
   */
  public static TokenCounts countTokens(
      SparkSession spark, ScalinglabConfig config, org.apache.hadoop.conf.Configuration conf) {
    DatasetConfig ds = config.dataset();
    CorpusSource.InputFiles input = CorpusSource.expand(ds.source(), conf);
    int minPartitions = inputPartitions(ds, spark.sparkContext().defaultParallelism());
    Tokenizer tokenizer = Tokenizers.forName(ds.tokenizer().key());
    ValidationSplit split =
        ValidationSplit.ofFraction(ds.valFraction()); // the closure's only state
    PrepareStats stats =
        unwrapSparkFailure(
            () ->
                CorpusSource.read(spark, ds.source(), input, minPartitions)
                    .mapPartitions(tokenize(tokenizer, ds.seed()))
                    .aggregate(new PrepareStats(), (s, d) -> s.add(d, split), PrepareStats::merge));
    return new TokenCounts(
        stats.documents(), stats.trainTokens + stats.valTokens, stats.textBytes, input.bytes());
  }

  /**
   * Input partitions: as configured, or four per core, so a core that finishes early takes another
   * slice instead of waiting for the slowest one.
   */
  static int inputPartitions(DatasetConfig ds, int cores) {
    return ds.partitions() > 0 ? ds.partitions() : 4 * cores;
  }

  /**
   * The dataset's id: its name and a hash of every setting that changes the prepared tokens. The
   * tokenizer is left out because it is the next folder level; the partition count is left out
   * because the output does not depend on it; {@code val-documents} counts only when it is set.
   */
  public static String datasetId(ScalinglabConfig config) {
    ObjectNode section;
    try {
      section = (ObjectNode) JSON.readTree(config.sectionJson("dataset"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    section.remove("tokenizer");
    section.remove("partitions");
    if (config.dataset().valDocuments() == 0) {
      // off: the ids of datasets prepared before the key existed stay the same
      section.remove("val-documents");
    }
    return config.dataset().name() + "-" + Ids.hash(Ids.canonicalJson(section), 10);
  }

  /**
   * The validation split: {@code dataset.val-fraction}'s documents, and with {@code
   * dataset.val-documents = N} at least the N documents of smallest split key. Finding the N-th
   * smallest key is one pass in which each partition keeps its N smallest and the driver merges
   * them: N numbers on the driver, never the documents.
   */
  static ValidationSplit validationSplit(
      DatasetConfig ds, JavaRDD<PreparedDoc> docs, Consumer<String> log) {
    int n = ds.valDocuments();
    if (n == 0) {
      return ValidationSplit.ofFraction(ds.valFraction());
    }
    List<Long> smallest =
        unwrapSparkFailure(
            () ->
                docs.filter(PreparedDoc::isDocument)
                    .map(d -> ValidationSplit.rank(d.splitKey))
                    .takeOrdered(n));
    long maxRank = smallest.isEmpty() ? -1 : smallest.get(smallest.size() - 1);
    log.accept(
        String.format(
            Locale.ROOT,
            "dataset.val-documents = %,d: the validation split takes at least the %,d documents"
                + " with the smallest split keys, besides dataset.val-fraction = %s",
            n,
            n,
            ds.valFraction()));
    return new ValidationSplit(ds.valFraction(), maxRank);
  }

  private static org.apache.spark.api.java.function.FlatMapFunction<Iterator<Record>, PreparedDoc>
      tokenize(Tokenizer tokenizer, long seed) {
    return records -> {
      DocumentKeys keys = new DocumentKeys(seed);
      return new Iterator<PreparedDoc>() {
        @Override
        public boolean hasNext() {
          return records.hasNext();
        }

        @Override
        public PreparedDoc next() {
          Record r = records.next();
          if (r instanceof Skipped s) {
            return PreparedDoc.skipped(s.reason().key(), s.reason().corrupt(), s.detail());
          }
          String text = ((Document) r).text();
          DocumentKeys.Keys k = keys.of(text);
          return PreparedDoc.document(
              k.splitKey(), k.orderKey(), packLe(tokenizer.encodeDocument(text)), k.utf8Bytes());
        }
      };
    };
  }

  /** Packs token ids as little-endian uint16, the shard layout. */
  static byte[] packLe(int[] tokens) {
    byte[] b = new byte[tokens.length * 2];
    for (int i = 0; i < tokens.length; i++) {
      int t = tokens[i];
      b[2 * i] = (byte) t;
      b[2 * i + 1] = (byte) (t >>> 8);
    }
    return b;
  }

  private static void check(DatasetConfig ds, CorpusSource.InputFiles input, PrepareStats stats) {
    String inputs = String.join(", ", ds.source().paths());
    double share = stats.corruptShare();
    if (stats.corruptCount() > 0 && share > ds.maxSkippedShare()) {
      throw InputException.of(
          inputs,
          String.format(
              Locale.ROOT,
              "%.1f%% of records are corrupt (%s), above dataset.max-skipped-share = %s;"
                  + " first example: %s",
              100 * share,
              stats.corruptByReason(),
              ds.maxSkippedShare(),
              stats.examples.isEmpty() ? "-" : stats.examples.firstEntry()),
          "Check dataset.source.format (now "
              + ds.source().format().key()
              + ")"
              + " and dataset.source.text-field; or raise dataset.max-skipped-share to keep"
              + " going without these records");
    }
    if (stats.documents() == 0) {
      throw InputException.of(
          inputs,
          "no documents found in "
              + CorpusSource.describe(input, ds.source().format())
              + (stats.filteredCount() > 0
                  ? "; " + stats.filteredCount() + " records were removed by dataset.source.filter"
                  : ""),
          "Check dataset.source.format, dataset.source.text-field and dataset.source.filter");
    }
    if (stats.valDocs == 0 || stats.trainDocs == 0) {
      String empty = stats.valDocs == 0 ? "validation" : "training";
      throw InputException.of(
          inputs,
          String.format(
              Locale.ROOT,
              "the %s split is empty (%d documents, dataset.val-fraction = %s,"
                  + " dataset.val-documents = %d)",
              empty,
              stats.documents(),
              ds.valFraction(),
              ds.valDocuments()),
          stats.valDocs == 0
              ? "Raise dataset.val-fraction, or set dataset.val-documents, so that some documents"
                  + " go to validation"
              : "Lower dataset.val-fraction and dataset.val-documents so that some documents go to"
                  + " training");
    }
  }

  private static String summary(PrepareStats s) {
    return String.format(
        Locale.ROOT,
        "documents: %,d train / %,d validation; tokens: %,d train / %,d validation;"
            + " skipped corrupt: %,d %s; filtered: %,d",
        s.trainDocs,
        s.valDocs,
        s.trainTokens,
        s.valTokens,
        s.corruptCount(),
        s.corruptCount() == 0 ? "" : s.corrupt.toString(),
        s.filteredCount());
  }

  private static List<ShardEntry> writeSplit(
      JavaRDD<PreparedDoc> prepared,
      ValidationSplit valSplit,
      boolean validation,
      long tokens,
      long shardTokens,
      HadoopConf conf,
      Path folder,
      int vocabSize) {
    int shards = (int) Math.max(1, (tokens + shardTokens - 1) / shardTokens);
    String split = validation ? "val" : "train";
    List<ShardEntry> written =
        unwrapSparkFailure(
            () ->
                prepared
                    .filter(d -> d.isDocument() && valSplit.contains(d.splitKey) == validation)
                    .mapToPair(d -> new Tuple2<>(d.orderKey, d.tokens))
                    .repartitionAndSortWithinPartitions(new UniformKeyPartitioner(shards))
                    .mapPartitionsWithIndex(
                        new PartitionShards(conf, folder.toString(), split, vocabSize), false)
                    .collect());
    List<ShardEntry> sorted = new ArrayList<>(written);
    sorted.sort(Comparator.comparingInt(ShardEntry::index));
    return sorted;
  }

  private static ObjectNode manifest(
      ScalinglabConfig config,
      String datasetId,
      Tokenizer tokenizer,
      CorpusSource.InputFiles input,
      PrepareStats stats,
      List<ShardEntry> train,
      List<ShardEntry> val,
      List<Subsets.Subset> subsets) {
    DatasetConfig ds = config.dataset();
    ObjectNode m =
        DatasetManifest.start(
            datasetId,
            ds.name(),
            tokenizer,
            ds.source().paths(),
            ds.source().format().key(),
            input);
    m.put("documents", stats.documents());
    m.put("text_bytes", stats.textBytes);
    m.set("train", DatasetManifest.split(stats.trainDocs, stats.trainTokens, train));
    m.set("val", DatasetManifest.split(stats.valDocs, stats.valTokens, val));
    ObjectNode skipped = m.putObject("skipped");
    skipped.put("total", stats.corruptCount());
    skipped.put("share", stats.corruptShare());
    skipped.set("by_reason", JSON.valueToTree(stats.corrupt));
    skipped.set("examples", JSON.valueToTree(stats.examples));
    ObjectNode filtered = m.putObject("filtered");
    filtered.put("total", stats.filteredCount());
    filtered.set("by_reason", JSON.valueToTree(stats.filtered));
    return DatasetManifest.finish(m, subsets, config);
  }

  /** Runs a Spark action and rethrows the scalinglab exception a task failed with, if any. */
  static <T> T unwrapSparkFailure(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (Exception e) { // SparkException is checked but escapes Spark's Java API undeclared
      for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
        if (t instanceof ScalinglabException se) {
          throw se;
        }
      }
      if (e instanceof RuntimeException re && !(e.getCause() instanceof SparkException)) {
        throw re;
      }
      throw new ScalinglabException("the prepare job failed: " + e.getMessage(), e);
    }
  }
}
