package io.scalinglab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalinglab.core.cli.Args;
import io.scalinglab.core.cli.Console;
import io.scalinglab.core.cli.JobOptions;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SparkSettings;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.sweep.DataParallelTrain;
import io.scalinglab.trainer.train.RunSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * {@code scalinglab bench data-parallel}: the training speed of one run of {@code bench train}'s
 * config (b) on one and on two one-core executors of a standalone cluster on this machine ({@code
 * train.data-parallel} = 1, 2), the time each step spends summing gradients across the executors,
 * and the speed-up.
 */
final class DataParallelBench {
  static final String HELP =
      """
      usage: scalinglab bench data-parallel [--steps N] [--repeats R] [--dir DIR]

      Trains one run of bench train's config (b) (4 layers, 4 heads, width 256, block 128,
      batch 8, byte-level Europarl from the demo) for N steps (default 80) on a Spark
      standalone cluster started on this machine (a Master and a Worker of 2 cores, one-core
      executors), as train.data-parallel = 1 (one executor) and 2 (two executors, one barrier
      stage; the gradients summed through shared memory, as train.data-parallel-transport =
      auto does on one host, and again over TCP, as between hosts), R times each (default 3,
      alternating) after one untimed run of both, and prints the median tokens/s of each
      (steps N/4 to N-1: after the JIT's warm-up, before the last step's evaluation), the time
      per step in the gradient sum across executors, the bytes each executor exchanges per
      step, and the speed-up of two executors over one (shared memory; TCP's in brackets).
      Runs go to DIR/store (default scalinglab-bench) and are deleted after timing.
      """;

  private static final double TOKENS_PER_STEP = 8 * 128;

  private DataParallelBench() {}

  /** One timed run: tokens/s, and the gradient sum's seconds and bytes per step. */
  private record Timing(double tokensPerSecond, double sumSeconds, double bytesPerStep) {}

  /** What is timed: executors and transport. */
  private record Case(int executors, String transport, String label) {}

  private static final List<Case> CASES =
      List.of(
          new Case(1, "auto", "1 executor"),
          new Case(2, "auto", "2 executors, shared memory"),
          new Case(2, "tcp", "2 executors, TCP"));

  static void run(Args args) {
    int steps = args.getInt("--steps", 80, 8);
    int repeats = args.getInt("--repeats", 3, 1);
    Path dir = Path.of(args.get("--dir", "scalinglab-bench")).toAbsolutePath().normalize();
    Path corpus = DemoCorpora.europarl(Home.demoJars(), dir.resolve("corpora"));
    List<String> overrides =
        new ArrayList<>(
            List.of(
                "store.root=" + JobOptions.quote(dir.resolve("store").toUri().toString()),
                "dataset.source.paths=[" + JobOptions.quote(corpus.toUri().toString()) + "]",
                "spark.master=\"local[2]\"",
                "model.n-layer=4",
                "model.n-head=4",
                "model.n-embd=256",
                "model.block-size=128",
                "train.batch-size=8",
                "train.max-steps=" + steps,
                "train.decay-steps=" + steps,
                "train.warmup-steps=2",
                "train.eval-interval=" + steps,
                "train.eval-batches=1",
                "train.checkpoint-interval=" + steps,
                "train.log-interval=" + steps,
                "train.activations.documents=1",
                "train.activations.per-document=1"));
    ScalinglabConfig base =
        ScalinglabConfig.load(List.of(Home.config("datasets/demo-europarl.conf")), overrides);
    Console.line(
        String.format(
            Locale.ROOT,
            "bench data-parallel: config (b), %d steps, %d repeats, on 1 and 2 one-core executors"
                + " of a standalone cluster on this machine (%d cores)",
            steps,
            repeats,
            Runtime.getRuntime().availableProcessors()));
    BenchInput.prepare(base);
    List<List<Timing>> timings = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    try (LocalStandalone cluster = LocalStandalone.start(dir.resolve("cluster"), 2, "4g")) {
      Map<String, String> conf = new LinkedHashMap<>(cluster.executorConf(executorOptions()));
      conf.put("spark.executor.cores", "1");
      conf.put("spark.cores.max", "2");
      conf.put("spark.task.cpus", "1");
      conf.put("spark.executor.memory", "1536m");
      conf.put("spark.ui.enabled", "false");
      SparkSession spark =
          SparkSessions.getOrCreate(
              new SparkSettings(cluster.masterUrl(), "scalinglab-bench-data-parallel", "", conf));
      try {
        ResultsStore store =
            ResultsStore.open(base.store().root(), spark.sparkContext().hadoopConfiguration());
        // both executors compile the training code, both transports', before anything is timed
        once(spark, store, base, CASES.get(1), -1, steps);
        once(spark, store, base, CASES.get(2), -1, steps);
        for (int r = 0; r < repeats; r++) {
          for (int k = 0; k < CASES.size(); k++) {
            Timing t = once(spark, store, base, CASES.get(k), r, steps);
            timings.get(k).add(t);
            Console.line(
                String.format(
                    Locale.ROOT,
                    "repeat %d, %s: %,.0f tokens/s, gradient sum %.1f ms/step",
                    r + 1,
                    CASES.get(k).label(),
                    t.tokensPerSecond(),
                    1e3 * t.sumSeconds()));
          }
        }
      } finally {
        spark.stop();
      }
    }
    double one = median(timings.get(0), Timing::tokensPerSecond);
    double shm = median(timings.get(1), Timing::tokensPerSecond);
    double tcp = median(timings.get(2), Timing::tokensPerSecond);
    double shmSum = median(timings.get(1), Timing::sumSeconds);
    double tcpSum = median(timings.get(2), Timing::sumSeconds);
    double bytes = median(timings.get(2), Timing::bytesPerStep);
    Console.plain("");
    Console.plain(
        String.format(
            Locale.ROOT,
            "%-48s %12s%n%-48s %,12.0f%n%-48s %,12.0f%n%-48s %,12.0f%n%-48s %12.1f (%.0f%% of a"
                + " step)%n%-48s %12.1f (%.0f%% of a step)%n%-48s %12.2f",
            "medians of " + repeats,
            "",
            "tokens/s, 1 executor",
            one,
            "tokens/s, 2 executors, shared memory",
            shm,
            "tokens/s, 2 executors, TCP",
            tcp,
            "gradient sum, ms per step, shared memory",
            1e3 * shmSum,
            100 * shmSum * shm / TOKENS_PER_STEP,
            "gradient sum, ms per step, TCP",
            1e3 * tcpSum,
            100 * tcpSum * tcp / TOKENS_PER_STEP,
            "MB each executor exchanges per step",
            bytes / 1e6));
    Console.plain(
        String.format(
            Locale.ROOT,
            "data-parallel: 1 executor %,.0f tokens/s; 2 executors over TCP %,.0f tokens/s,"
                + " gradient sum %.1f ms/step (%.2f MB per executor), speed-up %.2fx; through"
                + " shared memory %,.0f tokens/s, gradient sum %.1f ms/step, speed-up %.2fx",
            one,
            tcp,
            1e3 * tcpSum,
            bytes / 1e6,
            tcp / one,
            shm,
            1e3 * shmSum,
            shm / one));
  }

  /** Trains the run once as {@code k} says and deletes it. */
  private static Timing once(
      SparkSession spark,
      ResultsStore store,
      ScalinglabConfig base,
      Case k,
      int repeat,
      int steps) {
    String sweep =
        "bench-data-parallel-"
            + k.executors()
            + "-"
            + k.transport()
            + "-"
            + (repeat < 0 ? "warm-up" : repeat);
    ScalinglabConfig c =
        base.withOverrides(
            List.of(
                "train.sweep=" + sweep,
                "train.data-parallel=" + k.executors(),
                "train.data-parallel-transport=" + k.transport()));
    RunSpec spec = RunSpec.resolve(c, store);
    DataParallelTrain.run(spark, c, store, line -> {});
    String csv = store.readString(new org.apache.hadoop.fs.Path(spec.runDir(), "metrics.csv"));
    List<String[]> rows = csv.lines().skip(1).map(l -> l.split(",", -1)).toList();
    String[] from = rows.get(steps / 4 - 1);
    String[] to = rows.get(steps - 2); // the last step evaluates: left out
    double tokens = Double.parseDouble(to[1]) - Double.parseDouble(from[1]);
    double seconds = Double.parseDouble(to[7]) - Double.parseDouble(from[7]);
    JsonNode dp =
        store
            .readJson(new org.apache.hadoop.fs.Path(spec.runDir(), "result.json"))
            .path("data_parallel");
    int sums = dp.path("gradient_sums").asInt();
    Timing t =
        new Timing(
            tokens / seconds,
            sums == 0 ? 0 : dp.path("sum_seconds").asDouble() / sums,
            dp.path("bytes_sent_per_sum").asDouble());
    store.deleteQuietly(store.sweepDir(sweep));
    return t;
  }

  /**
   * The executors' JVM options: bin/jvm-options (Spark's --add-opens, the Vector API), 1g native.
   */
  private static List<String> executorOptions() {
    try {
      List<String> options = new ArrayList<>();
      for (String line : Files.readAllLines(Home.root().resolve("bin/jvm-options"))) {
        if (!line.isBlank() && !line.startsWith("#")) {
          options.add(line.trim());
        }
      }
      options.add("-Dorg.bytedeco.javacpp.maxbytes=1g");
      return options;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double median(List<Timing> ts, java.util.function.ToDoubleFunction<Timing> f) {
    return SweepBench.median(ts.stream().mapToDouble(f).toArray());
  }
}
