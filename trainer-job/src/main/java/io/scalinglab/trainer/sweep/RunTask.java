package io.scalinglab.trainer.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.cli.Console;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SweepSettings;
import io.scalinglab.core.spark.HadoopConf;
import io.scalinglab.core.store.Json;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.data.TokenCache;
import io.scalinglab.trainer.parallel.BarrierRun;
import io.scalinglab.trainer.parallel.Collective;
import io.scalinglab.trainer.train.MetricsListener;
import io.scalinglab.trainer.train.RunResult;
import io.scalinglab.trainer.train.RunSpec;
import io.scalinglab.trainer.train.Trainer;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Spark task that trains one run of a sweep: it resolves the run from its config (the same spec
 * the driver planned), binds the GPU Spark assigned to the task if there is one, trains or resumes
 * the run, and returns its result.json. While training it keeps {@code progress.json} in the run
 * folder fresh for the driver's progress lines. A run of {@code train.data-parallel} W > 1 runs it
 * in each of the W tasks of a barrier stage ({@link BarrierRun}), rank 0 writing the files.
 */
final class RunTask implements Function<String, String>, BarrierRun.Member {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RunTask.class);
  private static final ObjectMapper JSON = Json.MAPPER;

  /** Progress files are rewritten at most this often, so HDFS sees a few writes a minute. */
  static final long PROGRESS_EVERY_MS = 2000;

  private final HadoopConf hadoop;
  private final String sweepName;
  private final String dataset;

  /** Whether the writer's log lines also go to standard output: the train command's progress. */
  private final boolean console;

  RunTask(HadoopConf hadoop, String sweepName, String dataset) {
    this(hadoop, sweepName, dataset, false);
  }

  RunTask(HadoopConf hadoop, String sweepName, String dataset, boolean console) {
    this.hadoop = hadoop;
    this.sweepName = sweepName;
    this.dataset = dataset;
    this.console = console;
  }

  @Override
  public String call(String configJson) {
    return train(configJson, null);
  }

  /** Trains the run as member {@code group.rank()} of its data-parallel tasks (null: alone). */
  @Override
  public String train(String configJson, Collective group) {
    boolean writer = group == null || group.rank() == 0;
    ScalinglabConfig config = ScalinglabConfig.fromJson(configJson);
    TaskContext task = TaskContext.get();
    int attempt = task == null ? 0 : task.attemptNumber();
    List<String> overrides = new ArrayList<>();
    if (task != null) {
      overrides.add("train.threads=" + Math.max(1, task.cpus())); // spark.task.cpus
    }
    String gpu = assignedGpu(task);
    if (gpu != null) {
      overrides.add("train.gpu=" + gpu);
    }
    config = config.withOverrides(overrides);
    ResultsStore store = ResultsStore.open(config.store().root(), hadoop.get());
    RunSpec spec = RunSpec.resolve(config, store);
    SweepSettings.Testing fault = config.sweep().testing();
    MetricsListener metrics = MetricsListener.start(config, spec, sweepName, dataset);
    Listener listener = new Listener(store, spec, attempt, fault, metrics);
    LOG.info(
        "sweep {} run {} attempt {}{}",
        sweepName,
        spec.runId(),
        attempt,
        gpu == null ? "" : " on GPU " + gpu);
    RunResult r;
    try {
      Consumer<String> log =
          console && writer
              ? line -> {
                log(line);
                Console.line(line);
              }
              : RunTask::log;
      r = new Trainer(store, spec, log, listener, tokenCache(), group).run();
    } catch (RuntimeException | Error e) {
      metrics.failed();
      throw e;
    }
    if (writer) {
      listener.write(r.steps(), spec.train().maxSteps(), 0, 0, Double.NaN, true);
      removeLeftovers(store, spec);
    }
    return r.toJson().toString();
  }

  /**
   * One line of a run's log: a warning (a line starting {@code "WARNING "}, such as a validation
   * split smaller than the activations ask for) at WARN, so the console of a sweep, which shows
   * only warnings of the executors' loggers, shows it; the rest at INFO.
   */
  private static void log(String line) {
    if (line.startsWith("WARNING ")) {
      LOG.warn(line.substring("WARNING ".length()));
    } else {
      LOG.info(line);
    }
  }

  /**
   * Deletes the temporary files an earlier attempt of this run left when it died mid-write (an
   * executor killed while writing a checkpoint or progress.json). This attempt's own writes are all
   * complete here, so whatever is left under the run folder belongs to an attempt that is gone.
   */
  private static void removeLeftovers(ResultsStore store, RunSpec spec) {
    List<Path> leftovers = store.temporaryLeftovers(spec.runDir());
    for (Path p : leftovers) {
      store.deleteQuietly(p);
    }
    if (!leftovers.isEmpty()) {
      LOG.info(
          "run {}: removed {} temporary file(s) an earlier attempt left: {}",
          spec.runId(),
          leftovers.size(),
          leftovers);
    }
  }

  /**
   * A token cache in the folder Spark gives the task for files ({@code SparkFiles}): the executor's
   * working folder, which goes with its container (YARN, Kubernetes) or with the worker's cleanup
   * (standalone), or in local mode a temporary folder removed when Spark stops. It is shared, so
   * the runs this executor trains on one dataset copy it once.
   */
  private static TokenCache tokenCache() {
    return TokenCache.shared(
        Paths.get(SparkFiles.getRootDirectory(), "scalinglab-tokens").toAbsolutePath());
  }

  /** The first GPU address Spark assigned to this task, or null on a cluster without GPUs. */
  static String assignedGpu(TaskContext task) {
    if (task == null) {
      return null;
    }
    ResourceInformation gpus = task.resourcesJMap().get("gpu");
    if (gpus == null || gpus.addresses().length == 0) {
      return null;
    }
    return gpus.addresses()[0];
  }

  /** Writes progress.json, updates the run's Prometheus gauges and fires the fault hook. */
  private final class Listener implements Trainer.Listener {
    private final ResultsStore store;
    private final RunSpec spec;
    private final int attempt;
    private final SweepSettings.Testing fault;
    private final MetricsListener metrics;
    private final String started = Instant.now().toString();
    private long lastWrite;

    Listener(
        ResultsStore store,
        RunSpec spec,
        int attempt,
        SweepSettings.Testing fault,
        MetricsListener metrics) {
      this.store = store;
      this.spec = spec;
      this.attempt = attempt;
      this.fault = fault;
      this.metrics = metrics;
    }

    @Override
    public void finished(RunResult result) {
      metrics.finished(result);
    }

    @Override
    public void step(Trainer.StepStats s) {
      metrics.step(s);
      long now = System.currentTimeMillis();
      if (now - lastWrite >= PROGRESS_EVERY_MS || s.step() == s.maxSteps()) {
        write(s.step(), s.maxSteps(), s.tokensPerStep(), s.tokensPerSecond(), s.trainLoss(), false);
        lastWrite = now;
      }
      if (fault.hits(spec.model().label(), s.step(), attempt)) {
        throw new IllegalStateException(
            "fault injected by sweep.testing.fail-at-step="
                + fault.failAtStep()
                + " into run "
                + spec.runId()
                + " (attempt "
                + attempt
                + ")");
      }
    }

    void write(
        int step,
        int maxSteps,
        long tokensPerStep,
        double tokensPerSecond,
        double trainLoss,
        boolean finished) {
      ObjectNode p = JSON.createObjectNode();
      p.put("run_id", spec.runId());
      p.put("sweep", sweepName);
      p.put("dataset", dataset);
      p.put("attempt", attempt);
      p.put("started", started);
      p.put("updated", Instant.now().toString());
      p.put("updated_ms", System.currentTimeMillis());
      p.put("step", step);
      p.put("max_steps", maxSteps);
      p.put("tokens_per_step", tokensPerStep);
      p.put("tokens_per_second", tokensPerSecond);
      if (Double.isFinite(trainLoss)) {
        p.put("train_loss", trainLoss);
      }
      p.put("finished", finished);
      store.writeJson(new Path(spec.runDir(), "progress.json"), p);
    }
  }
}
