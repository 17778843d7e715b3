package io.scalinglab.trainer;

import io.scalinglab.core.cli.Console;
import io.scalinglab.core.cli.JobOptions;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.error.ScalinglabException;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.sweep.SweepJob;
import io.scalinglab.trainer.sweep.SweepResult;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/** The {@code sweep} command: trains every run of a sweep, one Spark task per run. */
public final class SweepCommand {
  private SweepCommand() {}

  /** The help text, with {@code program} as the command line that precedes {@code sweep}. */
  public static String help(String program) {
    return """
        usage: {program} sweep --config SWEEP.conf [flags]

        Trains every (model size, data size, seed) combination of the sweep section on a
        dataset prepared with the same dataset settings, one Spark task per run, into
        <store>/<train.sweep>/runs/<run-id>/, and writes sweep.json, results.csv and
        results.parquet beside them. Submitting it again skips finished runs and resumes the
        others from their last checkpoints. Exit status 1 if a run failed. A config with
        testbed.enabled = true (configs/sweeps/manifold-*.conf) trains the manifold testbed's
        regression runs instead, on generated data that needs no prepare step.

        examples:
          {program} sweep --config configs/sweeps/tinystories-data-scaling.conf \\
            --store hdfs://namenode:8020/scalinglab
          {program} sweep --config configs/sweeps/manifold-sphere.conf

        flags:
        """
            .replace("{program}", program)
        + JobOptions.HELP;
  }

  /** Parses {@code argv} (the flags after {@code sweep}) and runs the sweep. */
  public static void run(String program, String[] argv) {
    Optional<ScalinglabConfig> parsed = JobOptions.parse("sweep", argv, help(program));
    if (parsed.isEmpty()) {
      return;
    }
    ScalinglabConfig config = parsed.get();
    SparkSession spark = SparkSessions.getOrCreate(config.spark());
    SweepResult r;
    try {
      ResultsStore store =
          ResultsStore.open(
              config.store().root(), SparkSessions.hadoopConfiguration(config.spark()));
      r = SweepJob.run(spark, config, store, Console::line);
    } finally {
      spark.stop();
    }
    if (r.failed()) {
      r.failures().forEach(f -> Console.plain("  failed: " + f));
      throw new ScalinglabException(
          r.failures().size()
              + " of "
              + r.total()
              + " runs failed (see above); submit the sweep again to retry them, finished runs"
              + " are kept");
    }
  }
}
