package io.scalinglab.cli;

import io.scalinglab.analysis.AnalyzeCommand;
import io.scalinglab.analysis.job.AnalyzeJob;
import io.scalinglab.analysis.sweep.TestbedRow;
import io.scalinglab.analysis.theory.Axis;
import io.scalinglab.core.cli.Console;
import io.scalinglab.core.cli.JobOptions;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.TheoryError;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.id.IdCommand;
import io.scalinglab.trainer.sweep.SweepJob;
import io.scalinglab.trainer.sweep.SweepResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * {@code scalinglab demo --testbed}: the default theory-testbed sweep ({@code
 * configs/sweeps/manifold-sphere.conf}) end to end in one JVM: trains it on local Spark, estimates
 * the ID of every run's inputs and pooled states, analyses the sweep and prints, per d, the fitted
 * exponents beside the theory at the true d and the estimated IDs. Safe to run again: finished runs
 * and estimates are reused.
 */
final class DemoTestbed {
  static final String SWEEP_CONFIG = "sweeps/manifold-sphere.conf";

  private DemoTestbed() {}

  static void run(Path dir, String master) {
    List<String> overrides = new ArrayList<>();
    overrides.add("store.root=" + JobOptions.quote(dir.resolve("store").toUri().toString()));
    if (master != null) {
      overrides.add("spark.master=" + JobOptions.quote(master));
    }
    ScalinglabConfig config = ScalinglabConfig.load(List.of(Home.config(SWEEP_CONFIG)), overrides);
    String sweep = config.train().sweep();
    Console.line("testbed demo: " + Home.config(SWEEP_CONFIG) + " into " + dir.resolve("store"));
    SparkSession spark = SparkSessions.getOrCreate(config.spark());
    SweepResult trained;
    try {
      ResultsStore store =
          ResultsStore.open(config.store().root(), spark.sparkContext().hadoopConfiguration());
      trained = SweepJob.run(spark, config, store, Console::line);
      Console.line("intrinsic dimension of every run's inputs and pooled states");
      IdCommand.sweep(spark, config, List.of(config.id()), store, sweep, Console::line);
    } finally {
      spark.stop();
    }
    AnalyzeJob.Result a = AnalyzeCommand.analyze(config, sweep, Console::line);
    Console.plain("");
    double beta = a.analysis().settings().beta();
    Console.plain(
        String.format(
            Locale.ROOT,
            "%-12s %4s  %-26s %-13s  %-26s %-13s  %-8s %-8s",
            "dataset",
            "d",
            "fitted alpha_D [interval]",
            "theory sq/rt",
            "fitted alpha_N [interval]",
            "theory sq/rt",
            "ID in",
            "ID last"));
    for (TestbedRow r : a.analysis().testbed()) {
      Console.plain(
          String.format(
              Locale.ROOT,
              "%-12s %4.0f  %-26s %-13s  %-26s %-13s  %-8s %-8s",
              r.dataset(),
              r.trueDim(),
              fitted(r, Axis.DATA),
              theory(r, Axis.DATA, beta),
              fitted(r, Axis.MODEL),
              theory(r, Axis.MODEL, beta),
              r.inputId().map(c -> String.format(Locale.ROOT, "%.2f", c.d().value())).orElse("-"),
              r.modelId().map(c -> String.format(Locale.ROOT, "%.2f", c.d().value())).orElse("-")));
    }
    Console.plain("");
    Console.plain(
        String.format(
            Locale.ROOT,
            "%d runs (%d trained now, %d failed) in %.0f s; report: %s",
            trained.total(),
            trained.trained(),
            trained.failures().size(),
            trained.seconds(),
            a.report()));
  }

  private static String fitted(TestbedRow r, Axis axis) {
    return r.fitted(axis)
        .map(e -> String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", e.value(), e.low(), e.high()))
        .orElse("not fitted");
  }

  private static String theory(TestbedRow r, Axis axis, double beta) {
    return String.format(
        Locale.ROOT,
        "%.3f/%.3f",
        r.theory(beta, TheoryError.SQUARED).exponent(axis).value(),
        r.theory(beta, TheoryError.ROOT).exponent(axis).value());
  }
}
