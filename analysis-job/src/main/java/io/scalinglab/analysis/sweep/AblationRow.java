package io.scalinglab.analysis.sweep;

import io.scalinglab.analysis.table.Table;
import java.util.ArrayList;
import java.util.List;

/**
 * One row of the id job's Figure-4 ablations: the ID of one run at one layer ({@code
 * id/ablation-layer.csv}) or in one window of context positions ({@code id/ablation-position.csv}).
 *
 * @param at the layer index, or the middle of the position window
 * @param label the layer as written, or the window as {@code start-end}
 */
public record AblationRow(
    String runId,
    double parameters,
    double at,
    String label,
    double id,
    double ciLow,
    double ciHigh) {

  /** Rows of {@code ablation-layer.csv}; layers without a numeric index are left out. */
  public static List<AblationRow> layers(Table t) {
    t.require("run_id");
    t.require("layer");
    t.require("id");
    List<AblationRow> out = new ArrayList<>();
    for (int r = 0; r < t.size(); r++) {
      String layer = t.text(r, "layer");
      double at;
      try {
        at = Double.parseDouble(layer);
      } catch (NumberFormatException e) {
        continue;
      }
      out.add(row(t, r, at, layer));
    }
    return out;
  }

  /** Rows of {@code ablation-position.csv}; skipped windows (no ID) are left out. */
  public static List<AblationRow> positions(Table t) {
    for (String c : List.of("run_id", "window_start", "window_end", "id")) {
      t.require(c);
    }
    List<AblationRow> out = new ArrayList<>();
    for (int r = 0; r < t.size(); r++) {
      double start = t.number(r, "window_start");
      double end = t.number(r, "window_end");
      if (!Double.isFinite(t.number(r, "id"))) {
        continue;
      }
      out.add(row(t, r, (start + end) / 2, (long) start + "-" + (long) end));
    }
    return out;
  }

  private static AblationRow row(Table t, int r, double at, String label) {
    return new AblationRow(
        t.text(r, "run_id"),
        t.has("parameters") ? t.number(r, "parameters") : Double.NaN,
        at,
        label,
        t.number(r, "id"),
        t.has("ci_low") ? t.number(r, "ci_low") : Double.NaN,
        t.has("ci_high") ? t.number(r, "ci_high") : Double.NaN);
  }
}
