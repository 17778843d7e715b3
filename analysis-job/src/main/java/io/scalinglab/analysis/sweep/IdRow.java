package io.scalinglab.analysis.sweep;

import io.scalinglab.analysis.table.Table;
import io.scalinglab.core.store.LayerOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One row of a sweep's {@code id/estimates.csv}, as the id job writes it.
 *
 * <p>Required columns: {@code run_id}, {@code estimator}, {@code metric}, {@code k}, {@code
 * protocol}, {@code id}; optional {@code layer}, {@code parameters}, {@code ci_low}, {@code
 * ci_high}, {@code batch_std} (the spread over batches of the paper's protocol).
 *
 * @param layer the layer the activations came from, as written (a block index or a name); empty
 *     when not given
 */
public record IdRow(
    String runId,
    String estimator,
    String metric,
    int k,
    String protocol,
    String layer,
    double parameters,
    double id,
    double ciLow,
    double ciHigh,
    double batchStd) {

  public IdRow {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(estimator, "estimator");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(layer, "layer");
  }

  /** The layer name of estimates on a model's inputs rather than its activations. */
  public static final String INPUT = "input";

  /**
   * The layer as a number for ordering ({@link LayerOrder#depth}): −∞ for {@link #INPUT} (the data
   * the model reads comes before every layer), −1 for {@code emb}, i for block {@code h_i} or
   * {@code i}, +∞ for other names ({@code h_final}, {@code ln_f}: a name marks the end).
   */
  public double layerOrder() {
    return LayerOrder.depth(layer);
  }

  /** The rows of an {@code estimates.csv} table. */
  public static List<IdRow> fromTable(Table t) {
    for (String c : List.of("run_id", "estimator", "metric", "k", "protocol", "id")) {
      t.require(c);
    }
    List<IdRow> rows = new ArrayList<>();
    for (int r = 0; r < t.size(); r++) {
      double k = t.number(r, "k");
      rows.add(
          new IdRow(
              t.text(r, "run_id"),
              t.text(r, "estimator"),
              t.text(r, "metric"),
              Double.isFinite(k) ? (int) k : 0,
              t.text(r, "protocol"),
              t.optionalText(r, "layer").orElse(""),
              t.has("parameters") ? t.number(r, "parameters") : Double.NaN,
              t.number(r, "id"),
              t.has("ci_low") ? t.number(r, "ci_low") : Double.NaN,
              t.has("ci_high") ? t.number(r, "ci_high") : Double.NaN,
              t.has("batch_std") ? t.number(r, "batch_std") : Double.NaN));
    }
    return rows;
  }
}
