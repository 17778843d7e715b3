package io.scalinglab.cli;

import io.scalinglab.core.cli.Console;
import io.scalinglab.core.cli.JobOptions;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SparkSettings;
import io.scalinglab.core.error.ScalinglabException;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.sweep.DataParallelTrain;
import io.scalinglab.trainer.train.MetricsListener;
import io.scalinglab.trainer.train.RunResult;
import io.scalinglab.trainer.train.RunSpec;
import io.scalinglab.trainer.train.Trainer;
import org.apache.spark.sql.SparkSession;

/** {@code scalinglab train}: trains one run into the results store, resuming if it can. */
final class TrainCommand {
  static final String HELP =
      """
      usage: scalinglab train --config DATASET.conf [--config MODEL.conf] [flags]

      Trains one GPT on a prepared dataset (run 'scalinglab prepare' with the same dataset config
      first) and writes <store>/<train.sweep>/runs/<run-id>/: manifest.json, metrics.csv,
      checkpoints/, result.json (final, best and mean-of-5-lowest validation loss) and
      activations/*.npy for the ID job. Running it again resumes from the last checkpoint, or does
      nothing if the run finished. Progress: one line per train.log-interval steps.

      example:
        scalinglab train --config configs/datasets/demo-europarl.conf \\
          --set model.n-layer=2 --set model.n-embd=128 --set model.block-size=64 \\
          --set train.max-steps=200

      With --set train.data-parallel=W (W > 1) the run trains as W Spark tasks of one barrier
      stage on the spark.master (local[*] by default), each with train.threads cores, summing
      their gradients every step.

      Exit status 1 if the run diverged (the message says at which step and what to try).

      flags:
      """
          + JobOptions.HELP;

  private TrainCommand() {}

  static void run(String[] argv) {
    java.util.Optional<ScalinglabConfig> parsed = JobOptions.parse("train", argv, HELP);
    if (parsed.isEmpty()) {
      return;
    }
    ScalinglabConfig config = parsed.get();
    ResultsStore store =
        ResultsStore.open(config.store().root(), SparkSessions.hadoopConfiguration(config.spark()));
    RunSpec spec = RunSpec.resolve(config, store);
    Console.line(
        String.format(
            java.util.Locale.ROOT,
            "run %s: %d layers, width %d, %,d parameters (%,d non-embedding), %,d training tokens",
            spec.runId(),
            spec.model().nLayer(),
            spec.model().nEmbd(),
            spec.model().totalParams(),
            spec.model().nonEmbeddingParams(),
            spec.subsetTokens()));
    MetricsListener metrics =
        MetricsListener.start(config, spec, config.train().sweep(), config.dataset().name());
    RunResult r;
    if (spec.dataParallel() > 1) {
      r = dataParallel(config, store);
    } else {
      try {
        r = new Trainer(store, spec, Console::line, metrics).run();
      } catch (RuntimeException e) {
        metrics.failed();
        throw e;
      }
    }
    Console.plain(spec.runDir().toString());
    if (r.status().equals("diverged")) {
      throw new ScalinglabException("the run diverged: " + r.reason());
    }
  }

  /**
   * The run as train.data-parallel tasks of one Spark barrier stage, on the config's Spark master
   * (local[*] by default: each task a thread of this JVM), each task with train.threads cores.
   */
  private static RunResult dataParallel(ScalinglabConfig config, ResultsStore store) {
    SparkSettings s = config.spark();
    java.util.Map<String, String> conf = new java.util.LinkedHashMap<>(s.conf());
    conf.putIfAbsent("spark.task.cpus", Integer.toString(config.train().threads()));
    SparkSession spark =
        SparkSessions.getOrCreate(new SparkSettings(s.master(), s.appName(), s.localIp(), conf));
    try {
      return DataParallelTrain.run(spark, config, store, Console::line);
    } finally {
      spark.stop();
    }
  }
}
