package io.scalinglab.trainer.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SweepSettings;
import io.scalinglab.core.spark.HadoopConf;
import io.scalinglab.core.spark.Tables;
import io.scalinglab.core.spark.Tables.Column;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.model.GptConfig;
import io.scalinglab.trainer.train.RunSpec;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.function.Function;

/**
 * A sweep of GPTs on one prepared dataset ({@link SweepPlan}): runs submitted in plan order, each
 * trained by a {@link RunTask}, with the GPT's shape, the subset and the speed in every row.
 */
public final class CorpusSweep implements SweepKind<SweepPlan.Run> {
  /** The columns of results.csv / results.parquet. */
  static final List<Column> COLUMNS =
      List.of(
          Tables.text("run_id"),
          Tables.text("status"),
          Tables.text("reason"),
          Tables.text("dataset"),
          Tables.text("tokenizer"),
          Tables.text("model"),
          Tables.integer("n_layer"),
          Tables.integer("n_head"),
          Tables.integer("d_model"),
          Tables.integer("block_size"),
          Tables.integer("vocab_size"),
          Tables.text("subset"),
          Tables.big("seed"),
          Tables.big("params_total"),
          Tables.big("params_non_embedding"),
          Tables.big("train_tokens"),
          Tables.integer("steps"),
          Tables.integer("max_steps"),
          Tables.big("tokens_seen"),
          Tables.real("val_loss_final"),
          Tables.real("val_loss_best"),
          Tables.real("val_loss_mean5"),
          Tables.real("epochs"),
          Tables.real("tokens_per_param"),
          Tables.text("regime"),
          Tables.real("tokens_per_second"),
          Tables.real("mfu"),
          Tables.real("wall_seconds"),
          Tables.text("run_dir"));

  private final ScalinglabConfig config;
  private final List<SweepPlan.Run> runs;
  private final String dataset;
  private final String tokenizer;

  /**
   * The corpus sweep {@code config} describes, expanded against the prepared dataset in {@code
   * store}.
   */
  public CorpusSweep(ScalinglabConfig config, ResultsStore store) {
    this.config = config;
    this.runs = SweepPlan.expand(config, store);
    this.dataset = config.dataset().name();
    this.tokenizer = config.dataset().tokenizer().key();
  }

  @Override
  public String noun() {
    return "sweep";
  }

  @Override
  public List<SweepPlan.Run> runs() {
    return runs;
  }

  @Override
  public Comparator<SweepPlan.Run> submitOrder() {
    return (a, b) -> 0; // plan order: the config decides what trains first
  }

  @Override
  public String describe() {
    SweepSettings s = config.sweep();
    return String.format(
        Locale.ROOT,
        "%d runs (%d model sizes %s %d subsets x %d seeds%s) of %s/%s",
        runs.size(),
        Math.max(1, s.models().size()),
        s.axes() ? "on the model axis +" : "x",
        Math.max(1, s.subsets().size()),
        Math.max(1, s.seeds().size()),
        s.repeat().any()
            ? ", the "
                + s.repeat().smallest()
                + " smallest of each with "
                + s.repeat().seeds().size()
                + " more seeds"
            : "",
        dataset,
        tokenizer);
  }

  @Override
  public void header(ObjectNode sweepJson) {
    sweepJson.put("dataset", dataset);
    sweepJson.put("tokenizer", tokenizer);
  }

  @Override
  public Function<String, String> task(HadoopConf hadoop, String sweep) {
    return new RunTask(hadoop, sweep, dataset);
  }

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public Object[] row(SweepPlan.Run run, String status, String reason, int step, JsonNode r) {
    RunSpec spec = run.spec();
    GptConfig m = spec.model();
    return new Object[] {
      spec.runId(),
      status,
      reason,
      dataset,
      tokenizer,
      run.model(),
      m.nLayer(),
      m.nHead(),
      m.nEmbd(),
      m.blockSize(),
      m.vocabSize(),
      spec.subset(),
      run.seed(),
      m.totalParams(),
      m.nonEmbeddingParams(),
      spec.subsetTokens(),
      r == null ? step : r.path("steps").asInt(),
      spec.train().maxSteps(),
      r == null ? null : r.path("tokens_seen").asLong(),
      real(r, "val_loss_final"),
      real(r, "val_loss_best"),
      real(r, "val_loss_mean5"),
      real(r, "epochs"),
      real(r, "tokens_per_param"),
      text(r, "regime"),
      real(r, "tokens_per_second"),
      real(r, "mfu"),
      real(r, "wall_seconds"),
      spec.runDir().toString()
    };
  }

  /** A number of a result, or null where the result or the number is missing. */
  public static Double real(JsonNode r, String field) {
    return r == null || !r.hasNonNull(field) ? null : r.path(field).asDouble();
  }

  /** A text of a result, or null where the result or the text is missing. */
  public static String text(JsonNode r, String field) {
    return r == null || !r.hasNonNull(field) ? null : r.path(field).asText();
  }
}
