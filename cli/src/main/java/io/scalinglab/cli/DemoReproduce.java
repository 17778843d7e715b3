package io.scalinglab.cli;

import io.scalinglab.analysis.AnalyzeCommand;
import io.scalinglab.analysis.job.AnalyzeJob;
import io.scalinglab.core.cli.Console;
import io.scalinglab.core.cli.JobOptions;
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
import org.apache.spark.sql.SparkSession;

/**
 * {@code scalinglab demo --reproduce}: the paper's data- and model-scaling experiments at
 * one-machine scale on each corpus given (configs/sweeps/reproduce.conf), read top to bottom: per
 * corpus prepare (bytes), the sweep (a model axis of seven widths and a data axis of six subsets,
 * three seeds at the smallest sizes), the ID of every run's every layer (both protocols), the
 * analysis with its report; then one table over all corpora ({@link ReproduceTable}).
 */
final class DemoReproduce {
  static final String SWEEP_CONFIG = "sweeps/reproduce.conf";

  private DemoReproduce() {}

  static void run(Path dir, String master, List<String> corpusSpecs, List<String> sets) {
    Console.line("reproduce folder: " + dir);
    List<ReproduceCorpus> corpora = new ArrayList<>();
    if (corpusSpecs.isEmpty()) {
      Path jars = Home.demoJars();
      Path extracted = dir.resolve("corpora");
      // Europarl's lines are title, date and body separated by tabs, in a .txt.gz
      corpora.add(
          ReproduceCorpus.of(
              "europarl",
              DemoCorpora.europarl(jars, extracted),
              List.of("dataset.source.format=tsv", "dataset.source.tsv-column=2")));
      corpora.add(ReproduceCorpus.parse("spark-sql=" + DemoCorpora.sparkSql(jars, extracted)));
    } else {
      corpusSpecs.forEach(s -> corpora.add(ReproduceCorpus.parse(s)));
    }
    List<String> common = new ArrayList<>();
    common.add("store.root=" + JobOptions.quote(dir.resolve("store").toUri().toString()));
    if (master != null) {
      common.add("spark.master=" + JobOptions.quote(master));
    }
    List<ScalinglabConfig> configs = new ArrayList<>();
    for (ReproduceCorpus c : corpora) {
      configs.add(config(c, common, sets)); // every corpus checked before anything runs
      Console.line(
          String.format(
              Locale.ROOT,
              "corpus %s: %s, %,d bytes; data axis on %s",
              c.name(),
              c.path(),
              c.bytes(),
              String.join(", ", c.subsetNames())));
    }
    List<ReproduceTable.Row> rows = new ArrayList<>();
    SparkSession spark = SparkSessions.getOrCreate(configs.get(0).spark());
    try {
      ResultsStore store =
          ResultsStore.open(
              configs.get(0).store().root(), spark.sparkContext().hadoopConfiguration());
      for (int i = 0; i < corpora.size(); i++) {
        rows.add(corpus(spark, store, corpora.get(i), configs.get(i)));
      }
    } finally {
      spark.stop();
    }
    Console.plain("");
    ReproduceTable table = new ReproduceTable(rows);
    table.print();
    Path csv = dir.resolve(ReproduceTable.CSV);
    Path md = dir.resolve(ReproduceTable.MARKDOWN);
    table.write(csv, md);
    Console.plain("");
    Console.plain("table: " + csv + " and " + md);
    Console.plain("reports: " + dir.resolve("store") + "/reproduce-<corpus>/analysis/report.html");
  }

  /** One corpus from prepare to report, timed. */
  private static ReproduceTable.Row corpus(
      SparkSession spark, ResultsStore store, ReproduceCorpus c, ScalinglabConfig config) {
    long t0 = System.nanoTime();
    String sweep = config.train().sweep();
    Console.line("prepare " + c.name() + " (bytes)");
    PrepareResult prepared = PrepareJob.run(spark, config, store, Console::line);
    int asked = config.train().activations().documents();
    if (prepared.valDocuments() < asked) {
      // activations from every validation document there is, instead of a warning per run
      config =
          config.withOverrides(List.of("train.activations.documents=" + prepared.valDocuments()));
    }
    SweepResult r = SweepJob.run(spark, config, store, Console::line);
    if (r.failed()) {
      throw new ScalinglabException(
          "sweep "
              + sweep
              + " had failed runs: "
              + r.failures()
              + "; run the same command again to resume them");
    }
    Console.line("intrinsic dimension of every layer of every run of " + sweep);
    IdCommand.print(
        IdCommand.sweep(
            spark, config, DemoCommand.bothProtocols(config.id()), store, sweep, Console::line));
    Console.line("scaling laws of " + sweep);
    AnalyzeJob.Result analysis = AnalyzeCommand.analyze(config, sweep, Console::line);
    AnalyzeCommand.print(analysis);
    double minutes = (System.nanoTime() - t0) / 60e9;
    return ReproduceTable.Row.of(c.name(), analysis, minutes);
  }

  /** The corpus's config: reproduce.conf, the corpus's source and subsets, then {@code sets}. */
  static ScalinglabConfig config(ReproduceCorpus c, List<String> common, List<String> sets) {
    List<String> o = new ArrayList<>(common);
    o.addAll(c.overrides());
    List<String> subsets = c.subsetNames();
    o.add("train.sweep=" + JobOptions.quote("reproduce-" + c.name()));
    o.add("sweep.subsets=[" + String.join(", ", subsets) + "]");
    o.add(
        "dataset.subsets.tokens=["
            + String.join(", ", c.subsets().stream().map(String::valueOf).toList())
            + "]");
    o.add("sweep.model-subset=" + subsets.get(subsets.size() - 1));
    o.addAll(sets);
    return ScalinglabConfig.load(List.of(Home.config(SWEEP_CONFIG)), o);
  }
}
