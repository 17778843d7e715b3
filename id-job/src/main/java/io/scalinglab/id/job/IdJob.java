package io.scalinglab.id.job;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.config.IdConfig;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.store.Ids;
import io.scalinglab.core.store.Manifests;
import io.scalinglab.core.store.Provenance;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.id.job.Activations.Run;
import io.scalinglab.id.knn.InvalidPointsException;
import io.scalinglab.id.knn.Progress;
import io.scalinglab.id.protocol.Estimation;
import io.scalinglab.id.protocol.IdEstimate;
import io.scalinglab.id.protocol.KnnEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The ID job of a sweep: every run's collected activations estimated, read top to bottom.
 *
 * <ol>
 *   <li>list the runs that hold activations ({@link Activations});
 *   <li>for each run whose {@code id/<run-id>.json} is missing or was made with other settings:
 *       estimate each activation file, from the embedding to the output ({@link Estimation}) and,
 *       where the sidecar gives each row's context position, each window of {@code
 *       id.ablation.position-window} positions; write {@code id/<run-id>.json} with its provenance;
 *   <li>write the tables from all runs' JSON: {@code id/estimates}, {@code id/sweeps} (every
 *       estimate's n and k sweeps), and the ablations of the paper's Figure 4 ({@code
 *       id/ablation-layer}, {@code id/ablation-position}, {@code id/ablation-model}), each as CSV
 *       and Parquet ({@link IdTables}).
 * </ol>
 *
 * Every file is written atomically; running the job again redoes only runs whose settings changed.
 */
public final class IdJob {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private IdJob() {}

  /**
   * What the job did.
   *
   * @param dir the sweep's {@code id} folder
   * @param runs runs with activations
   * @param estimated runs estimated now (the others were up to date)
   * @param runJson every run's JSON, by run id order
   */
  public record Result(
      Path dir, int runs, int estimated, List<ObjectNode> runJson, double seconds) {}

  /** Estimates the sweep {@code sweep} in {@code store} under {@code config}'s id section. */
  public static Result run(
      SparkSession spark,
      ScalinglabConfig config,
      IdConfig id,
      ResultsStore store,
      String sweep,
      KnnEngine engine,
      Progress progress,
      Consumer<String> log) {
    return run(spark, config, List.of(id), store, sweep, engine, progress, log);
  }

  /**
   * Estimates the sweep under each of {@code ids} (e.g. both protocols), all estimates side by side
   * in each run's JSON and in the tables.
   */
  public static Result run(
      SparkSession spark,
      ScalinglabConfig config,
      List<IdConfig> ids,
      ResultsStore store,
      String sweep,
      KnnEngine engine,
      Progress progress,
      Consumer<String> log) {
    requireNonNull(spark, "spark");
    requireNonNull(ids, "ids");
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("no id settings to estimate with");
    }
    long t0 = System.nanoTime();
    List<Run> runs = Activations.list(store, sweep);
    Path dir = new Path(store.sweepDir(sweep), "id");
    if (runs.isEmpty()) {
      throw InputException.of(
          store.sweepDir(sweep) + "/runs",
          "no run of sweep '" + sweep + "' holds activations (runs/<run-id>/activations/*.npy)",
          "Train the sweep first; it collects activations at the end of each run");
    }
    String settings = config.sectionJson("id");
    // The records' text holds every setting each estimate used, in a fixed order.
    String hash = Ids.hash(ids.toString(), 16);
    List<ObjectNode> all = new ArrayList<>();
    int estimated = 0;
    for (int r = 0; r < runs.size(); r++) {
      Run run = runs.get(r);
      Path json = new Path(dir, run.runId() + ".json");
      if (store.exists(json)) {
        JsonNode old = store.readJson(json);
        if (hash.equals(old.path("settings_hash").asText())) {
          log.accept(
              String.format(
                  Locale.ROOT,
                  "run %d/%d %s: up to date, skipped",
                  r + 1,
                  runs.size(),
                  run.runId()));
          all.add((ObjectNode) old);
          continue;
        }
      }
      ObjectNode node = estimateRun(run, sweep, ids, store, engine, progress, log, r, runs.size());
      node.put("settings_hash", hash);
      node.set("settings", parse(settings));
      ArrayNode protocols = node.putArray("protocols");
      ids.forEach(i -> protocols.add(i.protocol().key()));
      Manifests.withProvenance(
          node, Provenance.capture(config.toJson(), Map.of("id.seed", ids.get(0).seed())));
      store.writeJson(json, node);
      all.add(node);
      estimated++;
    }
    IdTables.write(store, spark, dir, sweep, all);
    return new Result(dir, runs.size(), estimated, all, (System.nanoTime() - t0) / 1e9);
  }

  private static ObjectNode estimateRun(
      Run run,
      String sweep,
      List<IdConfig> ids,
      ResultsStore store,
      KnnEngine engine,
      Progress progress,
      Consumer<String> log,
      int index,
      int runs) {
    ObjectNode node = F.objectNode();
    node.put("sweep", sweep);
    node.put("run_id", run.runId());
    run.model().ifPresentOrElse(m -> node.put("model", m), () -> node.putNull("model"));
    ArrayNode estimates = node.putArray("estimates");
    ArrayNode windows = node.putArray("positions");
    Long runSize = run.parameters().orElse(null);
    for (Activations.File f : run.files()) {
      Inputs.Matrix m = Inputs.npy(f.npy().toString(), store.hadoopConf());
      log.accept(
          String.format(
              Locale.ROOT,
              "run %d/%d %s: %s, %,d x %d",
              index + 1,
              runs,
              run.runId(),
              f.name(),
              m.rows(),
              m.cols()));
      for (IdConfig id : ids) {
        IdEstimate e = estimate(m.values(), m.rows(), m.cols(), id, engine, progress, f.npy());
        ObjectNode en = describe(f, runSize);
        en.setAll(EstimateJson.of(e));
        estimates.add(en);
        log.accept(
            String.format(
                Locale.ROOT,
                "  %s %s (k = %d, %s, %s): ID %.2f%s%s",
                id.estimator().key(),
                id.protocol().key(),
                e.k(),
                id.metric().key(),
                id.combine().key(),
                e.id(),
                e.interval()
                    .map(i -> String.format(Locale.ROOT, " [%.2f, %.2f]", i.low(), i.high()))
                    .orElse(""),
                e.convergence()
                    .map(
                        c ->
                            String.format(
                                Locale.ROOT,
                                ", %s (%+.1f %% over the last doubling of n)",
                                c.levelledOff() ? "levelled off" : "still moving",
                                100 * c.change()))
                    .orElse("")));
        if (f.positions() != null) {
          positionWindows(f, m, id, engine, runSize, windows, log);
        }
      }
    }
    if (runSize != null) {
      node.put("parameters", runSize);
    } else {
      node.putNull("parameters");
    }
    return node;
  }

  private static void positionWindows(
      Activations.File f,
      Inputs.Matrix m,
      IdConfig id,
      KnnEngine engine,
      Long runSize,
      ArrayNode windows,
      Consumer<String> log) {
    int[] pos = f.positions();
    if (pos.length != m.rows()) {
      throw InputException.of(
          f.npy().toString(),
          "its sidecar lists " + pos.length + " positions for " + m.rows() + " rows",
          "Write one context position per row, in row order");
    }
    int w = id.positionWindow();
    int before = windows.size();
    int maxPos = 0;
    for (int p : pos) {
      maxPos = Math.max(maxPos, p);
    }
    for (int start = 0; start <= maxPos; start += w) {
      List<Integer> rows = new ArrayList<>();
      for (int i = 0; i < pos.length; i++) {
        if (pos[i] >= start && pos[i] < start + w) {
          rows.add(i);
        }
      }
      if (rows.isEmpty()) {
        continue;
      }
      double[] sub = new double[rows.size() * m.cols()];
      for (int r = 0; r < rows.size(); r++) {
        System.arraycopy(m.values(), rows.get(r) * m.cols(), sub, r * m.cols(), m.cols());
      }
      ObjectNode wn = describe(f, runSize);
      wn.put("window_start", start);
      wn.put("window_end", start + w);
      try {
        IdEstimate e = Estimation.estimate(sub, rows.size(), m.cols(), id, engine, Progress.NONE);
        wn.setAll(EstimateJson.of(e));
      } catch (InvalidPointsException e) {
        // a window with too few distinct vectors has no estimate; the table says why
        wn.put("n", rows.size());
        wn.putNull("id");
        wn.put("skipped", e.problem());
      }
      windows.add(wn);
    }
    log.accept(
        String.format(Locale.ROOT, "  positions: %d windows of %d tokens", windows.size(), w));
  }

  private static JsonNode parse(String json) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("config JSON did not parse: " + e.getMessage(), e);
    }
  }

  private static ObjectNode describe(Activations.File f, Long runSize) {
    ObjectNode n = F.objectNode();
    n.put("activation", f.name());
    f.layer().ifPresentOrElse(l -> n.put("layer", l), () -> n.putNull("layer"));
    f.site().ifPresentOrElse(s -> n.put("site", s), () -> n.putNull("site"));
    Long size = f.parameters().orElse(runSize);
    if (size != null) {
      n.put("parameters", size);
    } else {
      n.putNull("parameters");
    }
    return n;
  }

  private static IdEstimate estimate(
      double[] values,
      int rows,
      int cols,
      IdConfig id,
      KnnEngine engine,
      Progress progress,
      Path file) {
    try {
      return Estimation.estimate(values, rows, cols, id, engine, progress);
    } catch (InvalidPointsException e) {
      throw InputException.of(file.toString(), e.problem(), e.fix(), e);
    }
  }
}
