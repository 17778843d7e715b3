package io.scalinglab.cli;

import io.scalinglab.core.cli.Args;
import io.scalinglab.core.cli.Console;
import io.scalinglab.core.cli.JobOptions;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.prepare.PrepareJob;
import io.scalinglab.trainer.sweep.SweepJob;
import io.scalinglab.trainer.sweep.SweepResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * {@code scalinglab bench sweep}: the wall time of one 4-run sweep with 1 and with 2 Spark cores
 * (one run per task, one native thread per task), and the speed-up, on the demo's Europarl corpus.
 */
final class SweepBench {
  static final String HELP =
      """
      usage: scalinglab bench sweep [--steps N] [--repeats R] [--dir DIR]

      Trains the same 4-run sweep (2 model sizes x 2 data sizes, byte-level Europarl from the
      demo, N steps per run, default 100) on local[1] and on local[2], R times each (default 3,
      alternating), and prints the median wall time of each and the speed-up. Only the sweep is
      timed: the corpus is prepared once beforehand and each Spark session is started before its
      clock starts. Runs go to DIR/store (default scalinglab-bench) and are deleted after timing.
      """;

  private SweepBench() {}

  static void run(Args args) {
    int steps = args.getInt("--steps", 100, 10);
    int repeats = args.getInt("--repeats", 3, 1);
    Path dir = Path.of(args.get("--dir", "scalinglab-bench")).toAbsolutePath().normalize();
    Path corpus = DemoCorpora.europarl(Home.demoJars(), dir.resolve("corpora"));
    List<String> overrides = new ArrayList<>();
    overrides.add("store.root=" + JobOptions.quote(dir.resolve("store").toUri().toString()));
    overrides.add("dataset.source.paths=[" + JobOptions.quote(corpus.toUri().toString()) + "]");
    overrides.addAll(
        List.of(
            "model.n-head=4",
            "model.block-size=64",
            "sweep.models=[{n-layer=2, n-embd=32}, {n-layer=2, n-embd=64}]",
            "sweep.subsets=[t100000, f1]",
            "sweep.progress-interval=3600",
            "train.batch-size=8",
            "train.max-steps=" + steps,
            "train.decay-steps=" + steps,
            "train.warmup-steps=10",
            "train.eval-interval=" + Math.max(1, steps / 2),
            "train.eval-batches=5",
            "train.checkpoint-interval=" + steps,
            "train.log-interval=" + steps,
            "train.activations.documents=50"));
    ScalinglabConfig base =
        ScalinglabConfig.load(List.of(Home.config("datasets/demo-europarl.conf")), overrides);
    Console.line(
        String.format(
            Locale.ROOT,
            "4 runs (2l32w, 2l64w x t100000, f1) of %d steps, %d repeats per core count, %d cores on"
                + " this machine",
            steps,
            repeats,
            Runtime.getRuntime().availableProcessors()));
    prepare(base);
    double[][] seconds = new double[2][repeats];
    for (int r = 0; r < repeats; r++) {
      for (int cores = 1; cores <= 2; cores++) {
        String sweep = "bench-sweep-" + cores + "-" + r;
        ScalinglabConfig c =
            base.withOverrides(
                List.of("spark.master=\"local[" + cores + "]\"", "train.sweep=" + sweep));
        SparkSession spark = SparkSessions.getOrCreate(c.spark());
        try {
          ResultsStore store =
              ResultsStore.open(c.store().root(), spark.sparkContext().hadoopConfiguration());
          SweepResult result = SweepJob.run(spark, c, store, line -> {});
          if (result.failed() || result.trained() != 4) {
            throw new IllegalStateException(
                "the benchmark sweep did not train its 4 runs: " + result.failures());
          }
          seconds[cores - 1][r] = result.seconds();
          store.deleteQuietly(store.sweepDir(sweep));
        } finally {
          spark.stop();
        }
        Console.line(
            String.format(
                Locale.ROOT, "repeat %d, local[%d]: %.1f s", r + 1, cores, seconds[cores - 1][r]));
      }
    }
    double one = median(seconds[0]);
    double two = median(seconds[1]);
    Console.plain("");
    Console.plain(
        String.format(
            Locale.ROOT,
            "sweep of 4 runs x %d steps: local[1] %.1f s, local[2] %.1f s (medians of %d);"
                + " speed-up %.2fx; %.1f runs/minute on 2 cores",
            steps,
            one,
            two,
            repeats,
            one / two,
            4 * 60 / two));
  }

  private static void prepare(ScalinglabConfig config) {
    SparkSession spark = SparkSessions.getOrCreate(config.spark());
    try {
      ResultsStore store =
          ResultsStore.open(config.store().root(), spark.sparkContext().hadoopConfiguration());
      PrepareJob.run(spark, config, store, line -> {});
    } finally {
      spark.stop();
    }
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
