package io.scalinglab.id.job;

import static io.scalinglab.core.spark.Tables.big;
import static io.scalinglab.core.spark.Tables.bool;
import static io.scalinglab.core.spark.Tables.integer;
import static io.scalinglab.core.spark.Tables.real;
import static io.scalinglab.core.spark.Tables.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.spark.Tables;
import io.scalinglab.core.spark.Tables.Column;
import io.scalinglab.core.store.LayerOrder;
import io.scalinglab.core.store.ResultsStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The tables of a sweep's ID estimates, built from the runs' {@code id/<run-id>.json}: every
 * estimate ({@code estimates}), their n and k sweeps in long form ({@code sweeps}), and the
 * ablations of the paper's Figure 4 — ID per layer ({@code ablation-layer}), per context-position
 * window ({@code ablation-position}) and per model size ({@code ablation-model}: each run's last
 * layer, averaged over the runs of one size).
 */
final class IdTables {
  static final List<Column> ESTIMATES =
      List.of(
          text("sweep"),
          text("run_id"),
          text("model"),
          big("parameters"),
          text("activation"),
          text("layer"),
          text("site"),
          text("estimator"),
          integer("k"),
          text("combine"),
          text("metric"),
          text("protocol"),
          integer("n"),
          integer("dim"),
          real("id"),
          real("ci_low"),
          real("ci_high"),
          integer("batch_count"),
          real("batch_std"),
          real("batch_min"),
          real("batch_max"),
          real("seconds"),
          bool("levelled_off"),
          real("last_doubling_change"),
          real("levelled_off_tolerance"));

  /**
   * The n and k sweeps of every estimate, one row per point: {@code kind} {@code n} (nested
   * subsamples; points per batch for the paper protocol) or {@code k} (neighbours), its {@code
   * value}, and the {@code id} there. {@code estimate_k} is the estimate's own k, to match the row
   * in {@code estimates}.
   */
  static final List<Column> SWEEPS =
      List.of(
          text("sweep"),
          text("run_id"),
          text("activation"),
          text("layer"),
          text("estimator"),
          text("metric"),
          integer("estimate_k"),
          text("protocol"),
          text("kind"),
          integer("value"),
          real("id"));

  static final List<Column> LAYER =
      List.of(
          text("run_id"),
          text("protocol"),
          big("parameters"),
          text("activation"),
          text("layer"),
          text("site"),
          integer("n"),
          real("id"),
          real("ci_low"),
          real("ci_high"));

  static final List<Column> POSITION =
      List.of(
          text("run_id"),
          text("protocol"),
          big("parameters"),
          text("activation"),
          text("layer"),
          integer("window_start"),
          integer("window_end"),
          integer("n"),
          real("id"),
          real("ci_low"),
          real("ci_high"),
          text("skipped"));

  static final List<Column> MODEL =
      List.of(
          text("protocol"),
          big("parameters"),
          text("model"),
          integer("runs"),
          real("id_mean"),
          real("id_min"),
          real("id_max"));

  private IdTables() {}

  static void write(
      ResultsStore store, SparkSession spark, Path dir, String sweep, List<ObjectNode> runs) {
    List<Object[]> estimates = new ArrayList<>();
    List<Object[]> sweeps = new ArrayList<>();
    List<Object[]> layers = new ArrayList<>();
    List<Object[]> positions = new ArrayList<>();
    Map<String, Map<Long, List<Double>>> bySize = new TreeMap<>();
    Map<Long, String> modelOf = new TreeMap<>();
    for (ObjectNode run : runs) {
      String runId = run.path("run_id").asText();
      String model = str(run.path("model"));
      Map<String, JsonNode> last = new TreeMap<>();
      for (JsonNode e : run.path("estimates")) {
        estimates.add(
            new Object[] {
              sweep,
              runId,
              model,
              lng(e.path("parameters")),
              str(e.path("activation")),
              str(e.path("layer")),
              str(e.path("site")),
              str(e.path("estimator")),
              in(e.path("k")),
              str(e.path("combine")),
              str(e.path("metric")),
              str(e.path("protocol")),
              in(e.path("n")),
              in(e.path("dim")),
              dbl(e.path("id")),
              dbl(e.path("interval").path("low")),
              dbl(e.path("interval").path("high")),
              in(e.path("batches").path("count")),
              dbl(e.path("batches").path("std")),
              dbl(e.path("batches").path("min")),
              dbl(e.path("batches").path("max")),
              dbl(e.path("seconds")),
              e.path("levelled_off").isBoolean() ? e.path("levelled_off").booleanValue() : null,
              dbl(e.path("last_doubling_change")),
              dbl(e.path("levelled_off_tolerance"))
            });
        for (String kind : List.of("n", "k")) {
          for (JsonNode p : e.path(kind + "_sweep")) {
            sweeps.add(
                new Object[] {
                  sweep,
                  runId,
                  str(e.path("activation")),
                  str(e.path("layer")),
                  str(e.path("estimator")),
                  str(e.path("metric")),
                  in(e.path("k")),
                  str(e.path("protocol")),
                  kind,
                  in(p.path(kind)),
                  dbl(p.path("id"))
                });
          }
        }
        if (!e.path("layer").isNull() && !e.path("layer").isMissingNode()) {
          layers.add(
              new Object[] {
                runId,
                str(e.path("protocol")),
                lng(e.path("parameters")),
                str(e.path("activation")),
                str(e.path("layer")),
                str(e.path("site")),
                in(e.path("n")),
                dbl(e.path("id")),
                dbl(e.path("interval").path("low")),
                dbl(e.path("interval").path("high"))
              });
        }
        String protocol = e.path("protocol").asText();
        if (!last.containsKey(protocol) || laterLayer(e, last.get(protocol))) {
          last.put(protocol, e);
        }
      }
      for (JsonNode w : run.path("positions")) {
        positions.add(
            new Object[] {
              runId,
              str(w.path("protocol")),
              lng(w.path("parameters")),
              str(w.path("activation")),
              str(w.path("layer")),
              in(w.path("window_start")),
              in(w.path("window_end")),
              in(w.path("n")),
              dbl(w.path("id")),
              dbl(w.path("interval").path("low")),
              dbl(w.path("interval").path("high")),
              str(w.path("skipped"))
            });
      }
      for (Map.Entry<String, JsonNode> l : last.entrySet()) {
        Long size = lng(l.getValue().path("parameters"));
        Double id = dbl(l.getValue().path("id"));
        if (size != null && id != null) {
          bySize
              .computeIfAbsent(l.getKey(), p -> new TreeMap<>())
              .computeIfAbsent(size, x -> new ArrayList<>())
              .add(id);
          if (model != null) {
            modelOf.putIfAbsent(size, model);
          }
        }
      }
    }
    List<Object[]> models = new ArrayList<>();
    bySize.forEach(
        (protocol, sizes) ->
            sizes.forEach(
                (size, ids) ->
                    models.add(
                        new Object[] {
                          protocol,
                          size,
                          modelOf.get(size),
                          ids.size(),
                          ids.stream().mapToDouble(Double::doubleValue).average().orElseThrow(),
                          ids.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                          ids.stream().mapToDouble(Double::doubleValue).max().orElseThrow()
                        })));
    Tables.write(store, spark, dir, "estimates", ESTIMATES, estimates);
    Tables.write(store, spark, dir, "sweeps", SWEEPS, sweeps);
    Tables.write(store, spark, dir, "ablation-layer", LAYER, layers);
    Tables.write(store, spark, dir, "ablation-position", POSITION, positions);
    Tables.write(store, spark, dir, "ablation-model", MODEL, models);
  }

  /** Whether estimate {@code a} is of a later layer than {@code b}, by {@link LayerOrder}. */
  private static boolean laterLayer(JsonNode a, JsonNode b) {
    return LayerOrder.BY_DEPTH.compare(layerName(a), layerName(b)) > 0;
  }

  /** The sidecar's layer, else the activation file's name. */
  private static String layerName(JsonNode e) {
    String layer = str(e.path("layer"));
    return layer != null ? layer : e.path("activation").asText();
  }

  private static String str(JsonNode n) {
    return n.isValueNode() && !n.isNull() ? n.asText() : null;
  }

  private static Integer in(JsonNode n) {
    return n.isNumber() ? n.intValue() : null;
  }

  private static Long lng(JsonNode n) {
    return n.isNumber() ? n.longValue() : null;
  }

  private static Double dbl(JsonNode n) {
    return n.isNumber() ? n.doubleValue() : null;
  }
}
