package io.scalinglab.cli;

import io.scalinglab.analysis.table.Table;
import io.scalinglab.core.cli.Args;
import io.scalinglab.core.cli.Console;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * {@code scalinglab bench sweep-load}: a sweep of many tiny runs on local[2], where scheduling, not
 * training, is what costs; it reports runs per minute and the overhead per run.
 */
final class SweepLoadBench {
  static final String HELP =
      """
      usage: scalinglab bench sweep-load [--runs N] [--steps S] [--dir DIR]
                                         [--config DATASET.conf] [--set KEY=VALUE]...

      Trains one sweep of N tiny runs (default 64: one model of 1 layer, width 16, block 32,
      batch 4, S steps each, default 10, seeds 1..N) on local[2], one run per Spark task, and
      prints runs/minute and the scheduler overhead per run:
        overhead per run = (sweep wall time x 2 cores - sum of the runs' own wall_seconds) / N
      where a run's wall_seconds is what its trainer measured from opening its data to its
      result (results.csv). The overhead is what the 2 slots spent on anything else: Spark's
      scheduling, task start and result, the driver's bookkeeping, and slots left idle.
      It is split into
        in-task      median task duration - median wall_seconds of the runs: deserializing,
                     the run's manifest and result files, all a task does around training
        slot gap     median time a slot stays idle between one task's end and the next launch
      The queue wait (a task's launch minus its job's submission) is printed too; it is mostly
      waiting for a free slot, since all N jobs are submitted at once.
      The corpus (demo Europarl, bytes, unless --config names another dataset) is prepared
      before the clock starts. Runs go to DIR/store (default scalinglab-bench), deleted after.
      The last line, starting "sweep-load:", holds every figure as key=value.
      """;

  private SweepLoadBench() {}

  static void run(Args args) {
    int runs = args.getInt("--runs", 64, 1);
    int steps = args.getInt("--steps", 10, 1);
    int cores = 2;
    Path dir = Path.of(args.get("--dir", "scalinglab-bench")).toAbsolutePath().normalize();
    List<String> overrides =
        new ArrayList<>(
            List.of(
                "spark.master=\"local[" + cores + "]\"",
                "model.n-layer=1",
                "model.n-head=2",
                "model.n-embd=16",
                "model.block-size=32",
                "sweep.models=[]",
                "sweep.subsets=[]",
                "sweep.seeds=["
                    + String.join(
                        ", ", IntStream.rangeClosed(1, runs).mapToObj(Integer::toString).toList())
                    + "]",
                "sweep.progress-interval=3600",
                "train.sweep=bench-sweep-load-" + System.currentTimeMillis(),
                "train.batch-size=4",
                "train.max-steps=" + steps,
                "train.decay-steps=" + steps,
                "train.warmup-steps=0",
                "train.eval-interval=" + steps,
                "train.eval-batches=1",
                "train.checkpoint-interval=" + steps,
                "train.log-interval=" + steps,
                "train.activations.documents=1"));
    ScalinglabConfig config = BenchInput.dataset(args, dir, overrides, 0);
    Console.line(
        String.format(
            Locale.ROOT,
            "%d runs of %d steps (1 layer, width 16, block 32, batch 4) on local[%d]; %d cores on"
                + " this machine",
            runs,
            steps,
            cores,
            Runtime.getRuntime().availableProcessors()));
    SparkSession spark = SparkSessions.getOrCreate(config.spark());
    try {
      ResultsStore store =
          ResultsStore.open(config.store().root(), spark.sparkContext().hadoopConfiguration());
      PrepareJob.run(spark, config, store, line -> {});
      TaskTimes times = new TaskTimes();
      spark.sparkContext().addSparkListener(times);
      SweepResult result = SweepJob.run(spark, config, store, line -> {});
      times.awaitTasks(runs);
      spark.sparkContext().removeSparkListener(times);
      if (result.failed() || result.trained() != runs) {
        throw new IllegalStateException(
            "the benchmark sweep did not train its " + runs + " runs: " + result.failures());
      }
      Table table =
          Table.parse(
              "results.csv",
              store.readString(new org.apache.hadoop.fs.Path(result.dir(), "results.csv")));
      double[] runSeconds = table.numbers("wall_seconds", true);
      store.deleteQuietly(result.dir());
      Figures f = Figures.of(result.seconds(), cores, runSeconds, times);
      Console.plain("");
      Console.plain(f.explain());
      Console.plain(f.line());
    } finally {
      spark.stop();
    }
  }

  /** The figures of one sweep, computed as {@link #HELP} says. */
  record Figures(
      int runs,
      int cores,
      double wallSeconds,
      double runSecondsSum,
      double inTaskMedian,
      double slotGapMedian,
      double queueWaitMedian) {

    static Figures of(double wall, int cores, double[] runSeconds, TaskTimes t) {
      return new Figures(
          runSeconds.length,
          cores,
          wall,
          Arrays.stream(runSeconds).sum(),
          t.inTaskMedian(runSeconds),
          t.slotGapMedian(cores),
          t.queueWaitMedian());
    }

    double runsPerMinute() {
      return runs * 60 / wallSeconds;
    }

    double overheadPerRun() {
      return (wallSeconds * cores - runSecondsSum) / runs;
    }

    String explain() {
      return String.format(
          Locale.ROOT,
          "%d runs in %.1f s on %d cores = %.1f runs/minute; runs' own wall_seconds sum to %.1f s"
              + " (mean %.2f s); overhead per run = (%.1f s x %d - %.1f s) / %d = %.2f s"
              + " (median in-task %.2f s, median slot gap %.3f s; median queue wait %.1f s)",
          runs,
          wallSeconds,
          cores,
          runsPerMinute(),
          runSecondsSum,
          runSecondsSum / runs,
          wallSeconds,
          cores,
          runSecondsSum,
          runs,
          overheadPerRun(),
          inTaskMedian,
          slotGapMedian,
          queueWaitMedian);
    }

    String line() {
      return String.format(
          Locale.ROOT,
          "sweep-load: runs=%d cores=%d wall_s=%.2f runs_per_min=%.2f run_s_mean=%.3f"
              + " overhead_s_per_run=%.3f in_task_s_median=%.3f slot_gap_s_median=%.4f"
              + " queue_wait_s_median=%.2f",
          runs,
          cores,
          wallSeconds,
          runsPerMinute(),
          runSecondsSum / runs,
          overheadPerRun(),
          inTaskMedian,
          slotGapMedian,
          queueWaitMedian);
    }
  }

  /** Launch and finish times of the sweep's run tasks, and their jobs' submission times. */
  static final class TaskTimes extends SparkListener {
    private static final String GROUP = "spark.jobGroup.id";
    private final Map<Integer, Long> stageSubmitted = new ConcurrentHashMap<>();
    private final List<long[]> tasks = new ArrayList<>(); // {submitted, launch, finish} in ms
    private final Set<Integer> runStages = ConcurrentHashMap.newKeySet();

    @Override
    public void onJobStart(SparkListenerJobStart job) {
      String group = job.properties() == null ? null : job.properties().getProperty(GROUP);
      if (group != null && group.startsWith("scalinglab-sweep-")) {
        scala.collection.Iterator<Object> stages = job.stageIds().iterator();
        while (stages.hasNext()) {
          int stage = (Integer) stages.next();
          runStages.add(stage);
          stageSubmitted.put(stage, job.time());
        }
      }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
      if (runStages.contains(end.stageId()) && end.taskInfo().successful()) {
        long launch = end.taskInfo().launchTime();
        tasks.add(
            new long[] {
              stageSubmitted.getOrDefault(end.stageId(), launch),
              launch,
              end.taskInfo().finishTime()
            });
        notifyAll();
      }
    }

    /**
     * Waits up to 10 s for {@code n} run tasks to have ended: Spark's listener bus delivers events
     * on its own thread, possibly after the jobs' results reached the driver.
     */
    synchronized void awaitTasks(int n) {
      long deadline = System.currentTimeMillis() + 10_000;
      while (tasks.size() < n && System.currentTimeMillis() < deadline) {
        try {
          wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    synchronized double inTaskMedian(double[] runSeconds) {
      double[] task = tasks.stream().mapToDouble(t -> (t[2] - t[1]) / 1e3).sorted().toArray();
      double[] run = runSeconds.clone();
      Arrays.sort(run);
      // Medians of each, since a task and its run are not paired here.
      return SweepBench.median(task) - SweepBench.median(run);
    }

    /** The i-th launch needs the (i - cores)-th finish to have freed a slot (FIFO, one job). */
    synchronized double slotGapMedian(int cores) {
      long[] launches = tasks.stream().mapToLong(t -> t[1]).sorted().toArray();
      long[] finishes = tasks.stream().mapToLong(t -> t[2]).sorted().toArray();
      double[] gaps = new double[Math.max(0, launches.length - cores)];
      for (int i = cores; i < launches.length; i++) {
        gaps[i - cores] = Math.max(0, launches[i] - finishes[i - cores]) / 1e3;
      }
      return gaps.length == 0 ? 0 : SweepBench.median(gaps);
    }

    synchronized double queueWaitMedian() {
      double[] waits = tasks.stream().mapToDouble(t -> (t[1] - t[0]) / 1e3).toArray();
      return waits.length == 0 ? 0 : SweepBench.median(waits);
    }
  }
}
