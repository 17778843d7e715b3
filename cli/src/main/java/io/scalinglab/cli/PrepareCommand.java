package io.scalinglab.cli;

import io.scalinglab.core.cli.JobOptions;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.prepare.PrepareJob;
import io.scalinglab.trainer.prepare.PrepareResult;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/** {@code scalinglab prepare}: tokenizes a corpus into the results store. */
final class PrepareCommand {
  static final String HELP =
      """
      usage: scalinglab prepare --config DATASET.conf [flags]

      Reads the corpus named by dataset.source.paths, tokenizes it with dataset.tokenizer on
      Spark and writes train/val token shards (nanoGPT's uint16 layout) and manifest.json to
      <store>/data/<name>-<hash>/<tokenizer>/. Running it again with the same config does no work.

      example:
        scalinglab prepare --config configs/datasets/tinystories.conf \\
          --set 'dataset.source.paths=["hdfs:///corpora/TinyStories-train.txt"]'

      flags:
      """
          + JobOptions.HELP;

  private PrepareCommand() {}

  static void run(String[] argv) {
    java.util.Optional<ScalinglabConfig> parsed = JobOptions.parse("prepare", argv, HELP);
    if (parsed.isEmpty()) {
      return;
    }
    ScalinglabConfig config = parsed.get();
    SparkSession spark = SparkSessions.getOrCreate(config.spark());
    try {
      ResultsStore store =
          ResultsStore.open(config.store().root(), spark.sparkContext().hadoopConfiguration());
      PrepareResult r = PrepareJob.run(spark, config, store, Console::line);
      print(r);
    } finally {
      spark.stop();
    }
  }

  static void print(PrepareResult r) {
    Console.plain(
        String.format(
            Locale.ROOT,
            "%s%n  %,d documents, %,d train tokens, %,d validation tokens, %,d corrupt records"
                + " skipped%n  subsets: %s%n  in %.1f s%s",
            r.dir(),
            r.documents(),
            r.trainTokens(),
            r.valTokens(),
            r.skipped(),
            r.manifest().path("subsets"),
            r.elapsed().toMillis() / 1000.0,
            r.reused() ? " (already prepared, nothing done)" : ""));
  }
}
