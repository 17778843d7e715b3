package io.scalinglab.analysis.sweep;

import io.scalinglab.analysis.table.Table;
import io.scalinglab.core.config.ModelSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One row of a sweep's {@code results.csv}: a trained run.
 *
 * <p>Columns read (README, "Inputs"): {@code run_id}, {@code dataset}, {@code status}, {@code
 * params_total}, {@code params_non_embedding}, {@code train_tokens} and the loss column ({@code
 * analysis.loss-column}, default {@code val_loss_mean5}); optional {@code model}, {@code d_model},
 * {@code n_layer}, and {@code intrinsic_dim}, the known dimension of a theory-testbed dataset
 * (whose {@code train_tokens} hold training samples); and the trainer's regime columns {@code
 * regime} ({@code converged}, {@code improving}, {@code overfitting}: whether the validation loss
 * was still falling at the end), {@code epochs} (passes over the run's subset) and {@code
 * tokens_per_param}. Tables written before those columns existed read as unknown (empty regime,
 * NaN). A blank loss reads as NaN; such runs are excluded with a reason.
 *
 * @param loss the loss the fits use; NaN when the run has none
 * @param width embedding width (d_model), NaN when not given
 * @param layers number of blocks, NaN when not given
 * @param intrinsicDim the data's known intrinsic dimension (testbed sweeps), NaN when not given
 * @param regime {@code converged}, {@code improving} or {@code overfitting}; empty when unknown
 * @param epochs passes over the run's training subset, NaN when unknown
 * @param tokensPerParam training tokens per parameter, NaN when unknown
 */
public record Run(
    String runId,
    String dataset,
    String model,
    String status,
    double paramsTotal,
    double paramsNonEmbedding,
    double trainTokens,
    double loss,
    double width,
    double layers,
    double intrinsicDim,
    String regime,
    double epochs,
    double tokensPerParam) {

  public static final String RUN_ID = "run_id";
  public static final String DATASET = "dataset";
  public static final String STATUS = "status";
  public static final String PARAMS_TOTAL = "params_total";
  public static final String PARAMS_NON_EMBEDDING = "params_non_embedding";
  public static final String TRAIN_TOKENS = "train_tokens";
  public static final String INTRINSIC_DIM = "intrinsic_dim";
  public static final String REGIME = "regime";
  public static final String EPOCHS = "epochs";
  public static final String TOKENS_PER_PARAM = "tokens_per_param";

  /** The regime of a run whose validation loss stopped improving: the state a fit wants. */
  public static final String CONVERGED = "converged";

  /** The regime of a run whose validation loss was still falling when it stopped. */
  public static final String IMPROVING = "improving";

  /** The status of a finished run, the only one that enters fits. */
  public static final String DONE = "done";

  public Run {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(regime, "regime");
  }

  /** A run without the regime columns (tables written before the trainer reported them). */
  public Run(
      String runId,
      String dataset,
      String model,
      String status,
      double paramsTotal,
      double paramsNonEmbedding,
      double trainTokens,
      double loss,
      double width,
      double layers,
      double intrinsicDim) {
    this(
        runId,
        dataset,
        model,
        status,
        paramsTotal,
        paramsNonEmbedding,
        trainTokens,
        loss,
        width,
        layers,
        intrinsicDim,
        "",
        Double.NaN,
        Double.NaN);
  }

  /** Whether the trainer reported the run's regime. */
  public boolean regimeKnown() {
    return !regime.isEmpty();
  }

  /** The model size on the model-scaling axis. */
  public double size(ModelSize which) {
    return which == ModelSize.TOTAL ? paramsTotal : paramsNonEmbedding;
  }

  /**
   * The runs of a results table.
   *
   * @throws io.scalinglab.core.error.InputException naming the file and column when a required
   *     column is missing or a number cannot be read
   */
  public static List<Run> fromTable(Table t, String lossColumn) {
    for (String c :
        List.of(RUN_ID, DATASET, STATUS, PARAMS_TOTAL, PARAMS_NON_EMBEDDING, TRAIN_TOKENS)) {
      t.require(c);
    }
    t.require(lossColumn);
    List<Run> runs = new ArrayList<>();
    for (int r = 0; r < t.size(); r++) {
      runs.add(
          new Run(
              t.text(r, RUN_ID),
              t.text(r, DATASET),
              t.optionalText(r, "model").orElse(""),
              t.text(r, STATUS),
              t.number(r, PARAMS_TOTAL),
              t.number(r, PARAMS_NON_EMBEDDING),
              t.number(r, TRAIN_TOKENS),
              t.number(r, lossColumn),
              t.has("d_model") ? t.number(r, "d_model") : Double.NaN,
              t.has("n_layer") ? t.number(r, "n_layer") : Double.NaN,
              t.has(INTRINSIC_DIM) ? t.number(r, INTRINSIC_DIM) : Double.NaN,
              t.optionalText(r, REGIME).orElse("").strip().toLowerCase(java.util.Locale.ROOT),
              t.has(EPOCHS) ? t.number(r, EPOCHS) : Double.NaN,
              t.has(TOKENS_PER_PARAM) ? t.number(r, TOKENS_PER_PARAM) : Double.NaN));
    }
    return runs;
  }
}
