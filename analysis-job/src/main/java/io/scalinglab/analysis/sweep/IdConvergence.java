package io.scalinglab.analysis.sweep;

import io.scalinglab.analysis.table.Table;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How one ID estimate moves with the number of points and with K: its n sweep (the estimate on
 * nested subsamples; points per batch for the paper protocol) and k sweep from {@code
 * id/sweeps.csv}, and the id job's verdict from {@code id/estimates.csv} ({@code levelled_off}: the
 * last doubling of n moved it by less than {@code levelled_off_tolerance}).
 *
 * @param n the n sweep as {n, id} pairs, smallest n first
 * @param k the k sweep as {k, id} pairs, smallest k first
 * @param levelledOff the verdict; empty when the estimate has none (too few points, or an id job
 *     that predates it)
 * @param change (id(n) − id(n/2)) / id(n); NaN when unknown
 * @param tolerance the tolerance the verdict used; NaN when unknown
 */
public record IdConvergence(
    String runId,
    String layer,
    String estimator,
    String metric,
    int estimateK,
    String protocol,
    List<double[]> n,
    List<double[]> k,
    Optional<Boolean> levelledOff,
    double change,
    double tolerance) {

  public IdConvergence {
    n = List.copyOf(n);
    k = List.copyOf(k);
  }

  /** Whether this is the convergence of estimate row {@code r}. */
  public boolean of(IdRow r) {
    return runId.equals(r.runId())
        && layer.equals(r.layer())
        && estimator.equals(r.estimator())
        && metric.equals(r.metric())
        && estimateK == r.k()
        && protocol.equals(r.protocol());
  }

  /**
   * The convergence of every estimate in {@code estimates} that has a verdict or sweep points in
   * {@code sweeps} (absent for an id job older than the n sweep).
   */
  public static List<IdConvergence> fromTables(Table estimates, Optional<Table> sweeps) {
    Map<String, List<double[]>> nPoints = new LinkedHashMap<>();
    Map<String, List<double[]>> kPoints = new LinkedHashMap<>();
    if (sweeps.isPresent()) {
      Table t = sweeps.get();
      for (String c : List.of("run_id", "estimator", "protocol", "kind", "value", "id")) {
        t.require(c);
      }
      for (int r = 0; r < t.size(); r++) {
        String key =
            key(
                t.text(r, "run_id"),
                t.optionalText(r, "layer").orElse(""),
                t.text(r, "estimator"),
                t.optionalText(r, "metric").orElse(""),
                t.has("estimate_k") ? (int) t.number(r, "estimate_k") : 0,
                t.text(r, "protocol"));
        double[] point = {t.number(r, "value"), t.number(r, "id")};
        if (!Double.isFinite(point[0]) || !Double.isFinite(point[1])) {
          continue;
        }
        (t.text(r, "kind").equals("k") ? kPoints : nPoints)
            .computeIfAbsent(key, x -> new ArrayList<>())
            .add(point);
      }
    }
    List<IdConvergence> out = new ArrayList<>();
    List<IdRow> rows = IdRow.fromTable(estimates);
    for (int r = 0; r < rows.size(); r++) {
      IdRow row = rows.get(r);
      String key =
          key(row.runId(), row.layer(), row.estimator(), row.metric(), row.k(), row.protocol());
      Optional<Boolean> verdict =
          estimates.optionalText(r, "levelled_off").map(v -> v.equalsIgnoreCase("true"));
      List<double[]> n = sorted(nPoints.getOrDefault(key, List.of()));
      List<double[]> k = sorted(kPoints.getOrDefault(key, List.of()));
      if (verdict.isEmpty() && n.isEmpty() && k.isEmpty()) {
        continue;
      }
      out.add(
          new IdConvergence(
              row.runId(),
              row.layer(),
              row.estimator(),
              row.metric(),
              row.k(),
              row.protocol(),
              n,
              k,
              verdict,
              estimates.has("last_doubling_change")
                  ? estimates.number(r, "last_doubling_change")
                  : Double.NaN,
              estimates.has("levelled_off_tolerance")
                  ? estimates.number(r, "levelled_off_tolerance")
                  : Double.NaN));
    }
    return out;
  }

  private static List<double[]> sorted(List<double[]> points) {
    List<double[]> s = new ArrayList<>(points);
    s.sort(Comparator.comparingDouble(p -> p[0]));
    return s;
  }

  private static String key(
      String run, String layer, String estimator, String metric, int k, String protocol) {
    return String.join("\u0000", run, layer, estimator, metric, Integer.toString(k), protocol);
  }
}
