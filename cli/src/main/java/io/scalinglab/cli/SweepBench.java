package io.scalinglab.cli;

import io.scalinglab.core.cli.Args;
import io.scalinglab.core.cli.Console;
import io.scalinglab.core.cli.JobOptions;
import io.scalinglab.core.cli.UsageException;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.sweep.SweepJob;
import io.scalinglab.trainer.sweep.SweepResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * {@code scalinglab bench sweep}: the wall time of one 4-run sweep with 1 and with 2 Spark cores
 * (one run per task, one native thread per task), and the speed-up, on the demo's Europarl corpus;
 * beside them the same 4 runs as two independent 2-run sweeps in two JVMs on local[1] each, which
 * shares nothing but the machine: the speed-up two cores can give this work at all.
 */
final class SweepBench {
  static final String HELP =
      """
      usage: scalinglab bench sweep [--steps N] [--repeats R] [--dir DIR]

      Trains the same 4-run sweep (2 model sizes x 2 data sizes, byte-level Europarl from the
      demo, N steps per run, default 100) on local[1] and on local[2], R times each (default 3,
      alternating), and prints the median wall time of each and the speed-up. A third figure
      trains the same 4 runs as two 2-run sweeps (one data size each) in two separate JVMs on
      local[1] at once: nothing shared but the machine, so its speed-up shows what two cores
      give this work outside Spark. Only the sweeps are timed: the corpus is prepared once beforehand and each
      Spark session is started before its clock starts. Runs go to DIR/store (default
      scalinglab-bench) and are deleted after timing.
      """;

  /** The data sizes of the sweep; the two-JVM figure gives each JVM one. */
  private static final List<String> SUBSETS = List.of("t128000", "f1");

  /**
   * How long the two JVMs get to start Spark and warm up (a 100-step sweep of the same runs, so
   * that they are timed with compiled code as the in-process sweeps are) before their common start.
   */
  private static final long WORKER_START_MILLIS = 45_000;

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
            "sweep.subsets=[" + String.join(", ", SUBSETS) + "]",
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
    if (args.has("--worker")) {
      // Internal: how twoJvms starts its JVMs, e.g. --worker f1-0 --start-at 1790000000000.
      String worker = args.get("--worker", "");
      String startAt = args.get("--start-at", "");
      if (!worker.matches(".+-\\d+") || !startAt.matches("\\d+")) {
        throw new UsageException(
            "'--worker "
                + worker
                + " --start-at "
                + startAt
                + "' is invalid: these flags are bench sweep's own, for the JVMs it starts"
                + " (SUBSET-REPEAT and epoch milliseconds); run bench sweep without them");
      }
      worker(base, worker, Long.parseLong(startAt));
      return;
    }
    Console.line(
        String.format(
            Locale.ROOT,
            "4 runs (2l32w, 2l64w x t128000, f1) of %d steps, %d repeats per core count, %d cores on"
                + " this machine",
            steps,
            repeats,
            Runtime.getRuntime().availableProcessors()));
    BenchInput.prepare(base);
    double[][] seconds = new double[3][repeats];
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
      seconds[2][r] = twoJvms(steps, dir, r);
      Console.line(
          String.format(
              Locale.ROOT, "repeat %d, two JVMs on local[1]: %.1f s", r + 1, seconds[2][r]));
    }
    double one = median(seconds[0]);
    double two = median(seconds[1]);
    double jvms = median(seconds[2]);
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
    Console.plain(
        String.format(
            Locale.ROOT,
            "the same runs as two independent JVMs on local[1] at once: %.1f s, speed-up %.2fx"
                + " with nothing shared but the machine; local[2] takes %.2fx that time",
            jvms,
            one / jvms,
            two / jvms));
  }

  /**
   * Starts two JVMs that each train one data size's 2 runs on local[1] from the same moment, and
   * returns the seconds from that moment until the later one finished.
   */
  private static double twoJvms(int steps, Path dir, int repeat) {
    long startAt = System.currentTimeMillis() + WORKER_START_MILLIS;
    String java = ProcessHandle.current().info().command().orElse("java");
    List<Process> workers = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    try {
      for (String subset : SUBSETS) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(
            List.of(
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "bench",
                "sweep",
                "--steps",
                Integer.toString(steps),
                "--dir",
                dir.toString(),
                "--worker",
                subset + "-" + repeat,
                "--start-at",
                Long.toString(startAt)));
        Path log = dir.resolve("worker-" + subset + ".log");
        logs.add(log);
        workers.add(
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start());
      }
      long end = 0;
      for (int i = 0; i < workers.size(); i++) {
        if (workers.get(i).waitFor() != 0) {
          throw new IllegalStateException(
              "a benchmark JVM failed; its output is in " + logs.get(i));
        }
        end = Math.max(end, workerEnd(logs.get(i)));
      }
      return (end - startAt) / 1000.0;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start a benchmark JVM: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the benchmark JVMs", e);
    } finally {
      workers.forEach(Process::destroyForcibly);
    }
  }

  /**
   * One of {@link #twoJvms}'s JVMs: starts Spark on local[1], waits for {@code startAt}, trains the
   * 2 runs of data size {@code subset} (suffixed with the repeat), and prints when it ended.
   */
  private static void worker(ScalinglabConfig base, String subsetAndRepeat, long startAt) {
    String subset = subsetAndRepeat.substring(0, subsetAndRepeat.lastIndexOf('-'));
    String sweep = "bench-sweep-jvm-" + subsetAndRepeat;
    ScalinglabConfig c =
        base.withOverrides(
            List.of(
                "spark.master=\"local[1]\"",
                "sweep.subsets=[" + subset + "]",
                "train.sweep=" + sweep));
    SparkSession spark = SparkSessions.getOrCreate(c.spark());
    try {
      ResultsStore store =
          ResultsStore.open(c.store().root(), spark.sparkContext().hadoopConfiguration());
      String warmUp = sweep + "-warm-up";
      SweepJob.run(
          spark,
          c.withOverrides(
              List.of(
                  "train.sweep=" + warmUp,
                  "train.max-steps=100",
                  "train.decay-steps=100",
                  "train.eval-interval=50",
                  "train.checkpoint-interval=100",
                  "train.log-interval=100")),
          store,
          line -> {});
      store.deleteQuietly(store.sweepDir(warmUp));
      long wait = startAt - System.currentTimeMillis();
      if (wait <= 0) {
        throw new IllegalStateException(
            "the warm-up ran past the common start time by " + -wait + " ms");
      }
      Thread.sleep(wait);
      SweepResult result = SweepJob.run(spark, c, store, line -> {});
      long end = System.currentTimeMillis();
      if (result.failed() || result.trained() != 2) {
        throw new IllegalStateException(
            "the benchmark sweep did not train its 2 runs: " + result.failures());
      }
      store.deleteQuietly(store.sweepDir(sweep));
      System.out.println(WORKER_END + end);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted before the benchmark sweep", e);
    } finally {
      spark.stop();
    }
  }

  private static final String WORKER_END = "worker ended at ";

  /** The end time a worker printed. */
  private static long workerEnd(Path log) throws IOException {
    return Files.readAllLines(log).stream()
        .filter(l -> l.startsWith(WORKER_END))
        .map(l -> Long.parseLong(l.substring(WORKER_END.length()).trim()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no end time in " + log));
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
