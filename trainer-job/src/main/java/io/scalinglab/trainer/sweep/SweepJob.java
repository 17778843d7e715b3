package io.scalinglab.trainer.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SweepSettings;
import io.scalinglab.core.config.TrainSettings;
import io.scalinglab.core.error.StoreException;
import io.scalinglab.core.metrics.SweepMetrics;
import io.scalinglab.core.metrics.TrainMetrics;
import io.scalinglab.core.spark.HadoopConf;
import io.scalinglab.core.spark.Tables;
import io.scalinglab.core.store.Json;
import io.scalinglab.core.store.Manifests;
import io.scalinglab.core.store.Provenance;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.parallel.BarrierRun;
import io.scalinglab.trainer.testbed.TestbedSweep;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.SparkSession;

/**
 * The one driver of every sweep, corpus or testbed ({@link SweepKind}): one Spark job of one task
 * per run, all submitted at once so the cluster's task slots run them in parallel, each run
 * failing, retrying (Spark's {@code spark.task.maxFailures}) and resuming from its checkpoint on
 * its own; a run of {@code train.data-parallel} W > 1 is a barrier stage of W tasks ({@link
 * BarrierRun}). The driver holds the sweep folder's lock, removes what interrupted writers left,
 * prints progress, sets the sweep's Prometheus gauges, and keeps {@code sweep.json}, {@code
 * results.csv} and {@code results.parquet} current. Runs finished by an earlier submission are
 * skipped.
 */
public final class SweepJob {
  private static final ObjectMapper JSON = Json.MAPPER;

  private SweepJob() {}

  /**
   * Runs the sweep {@code config} describes into {@code store}: the theory testbed's with {@code
   * testbed.enabled}, else a corpus sweep.
   */
  public static SweepResult run(
      SparkSession spark, ScalinglabConfig config, ResultsStore store, Consumer<String> log) {
    return config.testbed().enabled()
        ? run(spark, config, store, log, new TestbedSweep(config, store))
        : run(spark, config, store, log, new CorpusSweep(config, store));
  }

  /** Runs a sweep of {@code kind} into {@code store}. */
  public static <R extends SweepRun> SweepResult run(
      SparkSession spark,
      ScalinglabConfig config,
      ResultsStore store,
      Consumer<String> log,
      SweepKind<R> kind) {
    long start = System.nanoTime();
    SweepSettings settings = config.sweep();
    TrainSettings train = config.train();
    List<R> runs = kind.runs();
    Path dir = store.sweepDir(train.sweep());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SweepState<R> state = new SweepState<>(train.sweep(), kind);
    TrainMetrics metrics = TrainMetrics.get().start(config.metrics());
    if (metrics.port() > 0) {
      log.accept("Prometheus metrics of this driver: http://<host>:" + metrics.port() + "/metrics");
    }
    try (SweepMetrics gauges = metrics.forSweep(train.sweep());
        SweepLock lock =
            SweepLock.acquire(
                store,
                dir,
                "spark application " + jsc.sc().applicationId(),
                SweepLock.application(jsc.sc()),
                settings.lockHeartbeat(),
                settings.lockStaleAfter(),
                log)) {
      // Holding the lock, this driver owns the folder: temporary files there were left by a
      // driver or executor that died mid-write, and no live writer will rename them.
      List<Path> leftovers = store.temporaryLeftovers(dir);
      if (!leftovers.isEmpty()) {
        leftovers.forEach(store::deleteQuietly);
        log.accept(
            "removed " + leftovers.size() + " temporary file(s) left by an interrupted writer");
      }
      state.readFinished(store);
      List<R> pending = new ArrayList<>(state.pending());
      pending.sort(kind.submitOrder());
      log.accept(
          String.format(
              Locale.ROOT,
              "%s %s: %s; %d finished earlier, %d to train on %s with %d task slots",
              kind.noun(),
              train.sweep(),
              kind.describe(),
              state.finishedEarlier(),
              pending.size(),
              jsc.master(),
              jsc.defaultParallelism()));
      writeStatus(store, dir, state, "running", config);
      Function<String, String> task = kind.task(new HadoopConf(store.hadoopConf()), train.sweep());
      String group = "scalinglab-sweep-" + train.sweep();
      Map<String, JavaFutureAction<List<String>>> jobs = new LinkedHashMap<>();
      Map<String, Integer> tasks = new LinkedHashMap<>();
      for (R r : pending) {
        jsc.setJobGroup(group, kind.noun() + " " + train.sweep() + " run " + r.runId(), true);
        int w = r instanceof SweepPlan.Run run ? run.spec().dataParallel() : 1;
        tasks.put(r.runId(), w);
        jobs.put(
            r.runId(),
            w > 1 && task instanceof BarrierRun.Member member
                ? BarrierRun.submit(jsc, r.runId(), r.configJson(), w, member, log)
                : jsc.parallelize(List.of(r.configJson()), 1).map(task).collectAsync());
      }
      jsc.clearJobGroup();
      ScheduledExecutorService progress =
          progressThread(store, dir, state, config, settings, gauges, log);
      try {
        for (Map.Entry<String, JavaFutureAction<List<String>>> job : jobs.entrySet()) {
          try {
            String resultJson = job.getValue().get().get(0);
            state.done(job.getKey(), JSON.readTree(resultJson));
          } catch (ExecutionException e) {
            String why =
                BarrierRun.explain(
                    failureMessage(e.getCause() == null ? e : e.getCause()),
                    job.getKey(),
                    tasks.get(job.getKey()),
                    jsc.sc());
            state.failed(job.getKey(), why);
            log.accept("run " + job.getKey() + " failed: " + why);
          } catch (IOException e) {
            state.failed(job.getKey(), "unreadable result: " + e.getMessage());
          }
          state.poll(store);
          store.writeString(new Path(dir, "results.csv"), Tables.csv(kind.columns(), state.rows()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        jsc.cancelJobGroup(group);
        throw new StoreException("the sweep driver was interrupted; run the sweep again to resume");
      } finally {
        progress.shutdownNow();
      }
      log.accept(state.progressLine());
      state.report(gauges);
      Tables.write(store, spark, dir, "results", kind.columns(), state.rows());
      String status = state.failures().isEmpty() ? "done" : "failed";
      writeStatus(store, dir, state, status, config);
      int trained =
          state.count(SweepState.Status.DONE)
              + state.count(SweepState.Status.DIVERGED)
              - state.finishedEarlier();
      SweepResult result =
          new SweepResult(
              dir,
              runs.size(),
              state.finishedEarlier(),
              trained,
              state.count(SweepState.Status.DIVERGED),
              state.failures(),
              (System.nanoTime() - start) / 1e9);
      log.accept(
          String.format(
              Locale.ROOT,
              "%s %s %s in %.0f s: %d trained, %d finished earlier, %d failed; results in %s",
              kind.noun(),
              train.sweep(),
              status,
              result.seconds(),
              result.trained(),
              result.finishedEarlier(),
              result.failures().size(),
              new Path(dir, "results.csv")));
      return result;
    }
  }

  private static ScheduledExecutorService progressThread(
      ResultsStore store,
      Path dir,
      SweepState<?> state,
      ScalinglabConfig config,
      SweepSettings settings,
      SweepMetrics gauges,
      Consumer<String> log) {
    ScheduledExecutorService progress =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sweep-progress");
              t.setDaemon(true);
              return t;
            });
    progress.scheduleAtFixedRate(
        () -> {
          try {
            state.poll(store);
            log.accept(state.progressLine());
            state.report(gauges);
            writeStatus(store, dir, state, "running", config);
          } catch (RuntimeException e) {
            log.accept("could not update the sweep's progress: " + e.getMessage());
          }
        },
        settings.progressInterval(),
        settings.progressInterval(),
        TimeUnit.SECONDS);
    return progress;
  }

  private static void writeStatus(
      ResultsStore store, Path dir, SweepState<?> state, String status, ScalinglabConfig config) {
    store.writeJson(
        new Path(dir, "sweep.json"),
        Manifests.withProvenance(
            state.statusJson(status), Provenance.capture(config.toJson(), Map.of())));
  }

  /** The cause a failed Spark job reports, on one line: the task's exception, not the stage's. */
  static String failureMessage(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int at = m.indexOf("most recent failure: ");
    if (at >= 0) {
      m = m.substring(at + "most recent failure: ".length());
    }
    int nl = m.indexOf('\n');
    if (nl >= 0) {
      m = m.substring(0, nl);
    }
    return m.length() > 500 ? m.substring(0, 500) + "..." : m;
  }
}
