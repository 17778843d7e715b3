package io.scalinglab.trainer.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.spark.HadoopConf;
import io.scalinglab.core.spark.Tables;
import io.scalinglab.core.spark.Tables.Column;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.sweep.CorpusSweep;
import io.scalinglab.trainer.sweep.SweepKind;
import io.scalinglab.trainer.train.RegressionTrainer;
import io.scalinglab.trainer.train.Trainer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A testbed sweep as the one sweep driver ({@link io.scalinglab.trainer.sweep.SweepJob}) runs it:
 * the runs of {@link TestbedPlan} (no prepared data: one dataset per d, regression models),
 * submitted largest model first, each trained by a {@link Task}, with the manifold, d and the
 * training-set size in every row of the results table (the columns the analysis reads, plus the
 * testbed's).
 */
public final class TestbedSweep implements SweepKind<TestbedPlan.Run> {
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

  private final List<TestbedPlan.Run> runs;

  /** The testbed sweep {@code config} describes. */
  public TestbedSweep(ScalinglabConfig config, ResultsStore store) {
    this.runs = TestbedPlan.expand(config, store);
  }

  @Override
  public String noun() {
    return "testbed sweep";
  }

  @Override
  public List<TestbedPlan.Run> runs() {
    return runs;
  }

  @Override
  public Comparator<TestbedPlan.Run> submitOrder() {
    return Comparator.comparingLong(TestbedPlan.Run::parameters).reversed();
  }

  @Override
  public String describe() {
    return String.format(
        Locale.ROOT,
        "%d runs over d = %s",
        runs.size(),
        runs.stream().map(r -> r.spec().d()).distinct().toList());
  }

  @Override
  public void header(ObjectNode sweepJson) {
    sweepJson.put("testbed", true);
  }

  @Override
  public Function<String, String> task(HadoopConf hadoop, String sweep) {
    return new Task(hadoop);
  }

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public Object[] row(TestbedPlan.Run run, String status, String reason, int step, JsonNode r) {
    TestbedSpec s = run.spec();
    return new Object[] {
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
      CorpusSweep.real(r, "val_loss_final"),
      CorpusSweep.real(r, "val_loss_best"),
      CorpusSweep.real(r, "val_loss_mean5"),
      CorpusSweep.real(r, "epochs"),
      CorpusSweep.real(r, "tokens_per_param"),
      CorpusSweep.text(r, "regime"),
      CorpusSweep.real(r, "wall_seconds"),
      s.runDir().toString()
    };
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
