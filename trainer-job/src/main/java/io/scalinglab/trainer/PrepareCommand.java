package io.scalinglab.trainer;

import io.scalinglab.core.cli.Console;
import io.scalinglab.core.cli.JobOptions;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.prepare.PrepareJob;
import io.scalinglab.trainer.prepare.PrepareResult;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code prepare} command: tokenizes a corpus into the results store. {@code bin/scalinglab
 * prepare} and {@code TrainerMain prepare} under spark-submit both run it.
 */
public final class PrepareCommand {
  private PrepareCommand() {}

  /** The help text, with {@code program} as the command line that precedes {@code prepare}. */
  public static String help(String program) {
    return """
        usage: {program} prepare --config DATASET.conf [flags]

        Reads the corpus named by dataset.source.paths, tokenizes it with dataset.tokenizer on
        Spark and writes train/val token shards (nanoGPT's uint16 layout) and manifest.json to
        <store>/data/<name>-<hash>/<tokenizer>/. Running it again with the same config does no work.

        example:
          {program} prepare --config configs/datasets/tinystories.conf \\
            --set 'dataset.source.paths=["hdfs:///corpora/TinyStories-train.txt"]'

        flags:
        """
            .replace("{program}", program)
        + JobOptions.HELP;
  }

  /** Parses {@code argv} (the flags after {@code prepare}) and prepares the dataset. */
  public static void run(String program, String[] argv) {
    Optional<ScalinglabConfig> parsed = JobOptions.parse("prepare", argv, help(program));
    if (parsed.isEmpty()) {
      return;
    }
    ScalinglabConfig config = parsed.get();
    SparkSession spark = SparkSessions.getOrCreate(config.spark());
    try {
      ResultsStore store =
          ResultsStore.open(
              config.store().root(), SparkSessions.hadoopConfiguration(config.spark()));
      PrepareResult r = PrepareJob.run(spark, config, store, Console::line);
      print(r);
    } finally {
      spark.stop();
    }
  }

  /** The result in a few lines: where, how many documents and tokens, how long. */
  public static void print(PrepareResult r) {
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
