package io.scalinglab.trainer.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SweepSettings;
import io.scalinglab.core.config.TrainSettings;
import io.scalinglab.core.error.StoreException;
import io.scalinglab.core.spark.HadoopConf;
import io.scalinglab.core.spark.Tables;
import io.scalinglab.core.spark.Tables.Column;
import io.scalinglab.core.store.Manifests;
import io.scalinglab.core.store.Provenance;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.sweep.SweepLock;
import io.scalinglab.trainer.sweep.SweepResult;
import io.scalinglab.trainer.train.RegressionTrainer;
import io.scalinglab.trainer.train.Trainer;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a testbed sweep on Spark, read top to bottom: expand the sweep ({@link TestbedPlan}); take
 * the sweep folder's lock ({@link SweepLock}, shared with the corpus sweeps); skip runs whose
 * result.json exists; submit one Spark job of one task per remaining run, all at once, largest
 * model first, so the cluster's task slots run them in parallel and each fails, retries and resumes
 * from its checkpoint on its own; then write {@code results.csv} / {@code results.parquet} (the
 * columns the analysis reads, plus the testbed's) and {@code sweep.json}.
 *
 * <p>It is its own job rather than a mode of the corpus sweep driver because that driver's plan,
 * state and results table are built on a prepared token dataset (a {@code RunSpec} per run, one
 * dataset and tokenizer per sweep, GPT shapes in every row), where a testbed sweep has no prepared
 * data, one dataset per d and regression models.
 */
public final class TestbedSweepJob {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The columns of the testbed's results table. */
  public static final List<Column> COLUMNS =
      List.of(
          Tables.text("run_id"),
          Tables.text("status"),
          Tables.text("reason"),
          Tables.text("dataset"),
          Tables.text("manifold"),
          Tables.integer("intrinsic_dim"),
          Tables.integer("ambient"),
          Tables.real("beta"),
          Tables.text("model"),
          Tables.integer("n_layer"),
          Tables.integer("n_head"),
          Tables.integer("d_model"),
          Tables.big("seed"),
          Tables.big("params_total"),
          Tables.big("params_non_embedding"),
          Tables.big("train_tokens"),
          Tables.big("train_samples"),
          Tables.integer("steps"),
          Tables.integer("max_steps"),
          Tables.big("samples_seen"),
          Tables.real("val_loss_final"),
          Tables.real("val_loss_best"),
          Tables.real("val_loss_mean5"),
          Tables.real("epochs"),
          Tables.real("tokens_per_param"),
          Tables.text("regime"),
          Tables.real("wall_seconds"),
          Tables.text("run_dir"));

  private TestbedSweepJob() {}

  /** Runs the testbed sweep {@code config} describes into {@code store}. */
  @SuppressWarnings("try") // the lock is held for the extent of the try, never referenced in it
  public static SweepResult run(
      SparkSession spark, ScalinglabConfig config, ResultsStore store, Consumer<String> log) {
    long start = System.nanoTime();
    SweepSettings settings = SweepSettings.fromConfig(config.resolved());
    TrainSettings train = TrainSettings.fromConfig(config.resolved());
    List<TestbedPlan.Run> runs = TestbedPlan.expand(config, store);
    Path dir = store.sweepDir(train.sweep());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    String started = Instant.now().toString();
    try (SweepLock lock =
        SweepLock.acquire(
            store,
            dir,
            "spark application " + jsc.sc().applicationId(),
            SweepLock.application(jsc.sc()),
            settings.lockHeartbeat(),
            settings.lockStaleAfter(),
            log)) {
      Map<String, JsonNode> results = new LinkedHashMap<>();
      Map<String, String> failures = new LinkedHashMap<>();
      List<TestbedPlan.Run> pending = new ArrayList<>();
      for (TestbedPlan.Run r : runs) {
        Path result = new Path(r.spec().runDir(), "result.json");
        if (store.exists(result)) {
          results.put(r.runId(), store.readJson(result));
        } else {
          pending.add(r);
        }
      }
      int earlier = results.size();
      log.accept(
          String.format(
              Locale.ROOT,
              "testbed sweep %s: %d runs over d = %s; %d finished earlier, %d to train on %s with %d"
                  + " task slots",
              train.sweep(),
              runs.size(),
              runs.stream().map(r -> r.spec().d()).distinct().toList(),
              earlier,
              pending.size(),
              jsc.master(),
              jsc.defaultParallelism()));
      writeStatus(store, dir, config, runs, results, failures, "running", started);
      pending.sort(
          Comparator.comparingLong((TestbedPlan.Run r) -> r.spec().model().totalParams())
              .reversed());
      Task task = new Task(new HadoopConf(store.hadoopConf()));
      Map<String, JavaFutureAction<List<String>>> jobs = new LinkedHashMap<>();
      String group = "scalinglab-testbed-" + train.sweep();
      for (TestbedPlan.Run r : pending) {
        jsc.setJobGroup(group, "testbed " + train.sweep() + " run " + r.runId(), true);
        jobs.put(r.runId(), jsc.parallelize(List.of(r.configJson()), 1).map(task).collectAsync());
      }
      jsc.clearJobGroup();
      try {
        for (Map.Entry<String, JavaFutureAction<List<String>>> job : jobs.entrySet()) {
          try {
            JsonNode r = JSON.readTree(job.getValue().get().get(0));
            results.put(job.getKey(), r);
            log.accept(
                String.format(
                    Locale.ROOT,
                    "testbed %s: %d/%d runs finished; %s %s, val loss (mean of 5 lowest) %s",
                    train.sweep(),
                    results.size(),
                    runs.size(),
                    job.getKey(),
                    r.path("status").asText(),
                    r.path("val_loss_mean5").asText()));
          } catch (ExecutionException e) {
            String why = String.valueOf((e.getCause() == null ? e : e.getCause()).getMessage());
            failures.put(job.getKey(), why.lines().findFirst().orElse(why));
            log.accept("run " + job.getKey() + " failed: " + failures.get(job.getKey()));
          } catch (IOException e) {
            failures.put(job.getKey(), "unreadable result: " + e.getMessage());
          }
          store.writeString(
              new Path(dir, "results.csv"), Tables.csv(COLUMNS, rows(runs, results, failures)));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        jsc.cancelJobGroup(group);
        throw new StoreException("the sweep driver was interrupted; run the sweep again to resume");
      }
      Tables.write(store, spark, dir, "results", COLUMNS, rows(runs, results, failures));
      String status = failures.isEmpty() ? "done" : "failed";
      writeStatus(store, dir, config, runs, results, failures, status, started);
      int diverged =
          (int)
              results.values().stream()
                  .filter(r -> r.path("status").asText().equals("diverged"))
                  .count();
      SweepResult result =
          new SweepResult(
              dir,
              runs.size(),
              earlier,
              results.size() - earlier,
              diverged,
              failures.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList(),
              (System.nanoTime() - start) / 1e9);
      log.accept(
          String.format(
              Locale.ROOT,
              "testbed sweep %s %s in %.0f s: %d trained, %d finished earlier, %d failed; results"
                  + " in %s",
              train.sweep(),
              status,
              result.seconds(),
              result.trained(),
              earlier,
              failures.size(),
              new Path(dir, "results.csv")));
      return result;
    }
  }

  /** One row per planned run, in plan order; unfinished runs carry their status only. */
  static List<Object[]> rows(
      List<TestbedPlan.Run> runs, Map<String, JsonNode> results, Map<String, String> failures) {
    List<Object[]> rows = new ArrayList<>();
    for (TestbedPlan.Run run : runs) {
      TestbedSpec s = run.spec();
      JsonNode r = results.get(run.runId());
      String status =
          r != null
              ? r.path("status").asText()
              : failures.containsKey(run.runId()) ? "failed" : "pending";
      String reason =
          r != null && r.hasNonNull("reason")
              ? r.path("reason").asText()
              : failures.get(run.runId());
      rows.add(
          new Object[] {
            run.runId(),
            status,
            reason,
            s.dataset(),
            s.testbed().manifold(),
            s.d(),
            s.testbed().ambient(),
            s.testbed().target().beta(),
            s.model().label(),
            s.model().nLayer(),
            s.model().nHead(),
            s.model().nEmbd(),
            run.seed(),
            s.model().totalParams(),
            s.model().nonEmbeddingParams(),
            (long) s.n(),
            (long) s.n(),
            r == null ? null : r.path("steps").asInt(),
            s.train().maxSteps(),
            r == null ? null : r.path("tokens_seen").asLong(),
            real(r, "val_loss_final"),
            real(r, "val_loss_best"),
            real(r, "val_loss_mean5"),
            real(r, "epochs"),
            real(r, "tokens_per_param"),
            r == null || !r.hasNonNull("regime") ? null : r.path("regime").asText(),
            real(r, "wall_seconds"),
            s.runDir().toString()
          });
    }
    return rows;
  }

  private static Double real(JsonNode r, String field) {
    return r == null || !r.hasNonNull(field) ? null : r.path(field).asDouble();
  }

  private static void writeStatus(
      ResultsStore store,
      Path dir,
      ScalinglabConfig config,
      List<TestbedPlan.Run> runs,
      Map<String, JsonNode> results,
      Map<String, String> failures,
      String status,
      String started) {
    ObjectNode o = JSON.createObjectNode();
    o.put("kind", "sweep");
    o.put("testbed", true);
    o.put("sweep", TrainSettings.fromConfig(config.resolved()).sweep());
    o.put("status", status);
    o.put("started", started);
    o.put("updated", Instant.now().toString());
    o.put("runs_total", runs.size());
    o.put("runs_finished", results.size());
    o.put("runs_failed", failures.size());
    ArrayNode list = o.putArray("runs");
    for (TestbedPlan.Run r : runs) {
      ObjectNode e = list.addObject();
      e.put("run_id", r.runId());
      e.put("dataset", r.spec().dataset());
      e.put("model", r.spec().model().label());
      e.put("train_samples", r.spec().n());
      e.put("seed", r.seed());
      JsonNode res = results.get(r.runId());
      e.put(
          "status",
          res != null
              ? res.path("status").asText()
              : failures.containsKey(r.runId()) ? "failed" : "pending");
    }
    store.writeJson(
        new Path(dir, "sweep.json"),
        Manifests.withProvenance(o, Provenance.capture(config.toJson(), Map.of())));
  }

  /**
   * The Spark task of one run: resolves the run from its config, uses spark.task.cpus threads and
   * the GPU Spark assigned (if any), trains or resumes it, and returns its result.json.
   */
  static final class Task implements Function<String, String> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(Task.class);

    private final HadoopConf hadoop;

    Task(HadoopConf hadoop) {
      this.hadoop = hadoop;
    }

    @Override
    public String call(String configJson) {
      ScalinglabConfig config = ScalinglabConfig.fromJson(configJson);
      TaskContext task = TaskContext.get();
      List<String> overrides = new ArrayList<>();
      if (task != null) {
        overrides.add("train.threads=" + Math.max(1, task.cpus()));
        var gpus = task.resourcesJMap().get("gpu");
        if (gpus != null && gpus.addresses().length > 0) {
          overrides.add("train.gpu=" + gpus.addresses()[0]);
        }
      }
      config = config.withOverrides(overrides);
      ResultsStore store = ResultsStore.open(config.store().root(), hadoop.get());
      TestbedSpec spec = TestbedSpec.resolve(config, store);
      TestbedProblem problem = TestbedProblem.of(spec.testbed(), spec.d());
      new RegressionTrainer(store, spec.toRun(problem), LOG::info, new Trainer.Listener() {}).run();
      return store.readJson(new Path(spec.runDir(), "result.json")).toString();
    }
  }
}
