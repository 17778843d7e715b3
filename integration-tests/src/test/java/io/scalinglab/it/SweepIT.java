package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalinglab.analysis.job.AnalyzeJob;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SparkSettings;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.core.testing.MiniHdfs;
import io.scalinglab.core.testing.SharedData;
import io.scalinglab.trainer.checkpoint.Checkpoints;
import io.scalinglab.trainer.prepare.PrepareJob;
import io.scalinglab.trainer.sweep.SweepJob;
import io.scalinglab.trainer.sweep.SweepLock;
import io.scalinglab.trainer.sweep.SweepResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps on Spark {@code local[2,2]} (two task slots, a failed task retried once) into a
 * MiniDFSCluster {@code hdfs://} store: the results table, resuming, fault injection and the lock.
 */
class SweepIT {
  @TempDir static java.nio.file.Path tmp;
  static MiniHdfs hdfs;
  static SparkSession spark;
  static ResultsStore store;
  static List<String> base;

  @BeforeAll
  static void prepare() throws IOException {
    hdfs = MiniHdfs.start(tmp.resolve("hdfs"), 1);
    spark =
        SparkSessions.getOrCreate(
            new SparkSettings("local[2,2]", "sweep-it", "127.0.0.1", Map.of()));
    spark.sparkContext().hadoopConfiguration().addResource(hdfs.conf());
    String corpus = hdfs.uri() + "/corpora/train-sample.txt";
    try (InputStream in =
        java.nio.file.Files.newInputStream(
            SharedData.path("corpora/tinystories/train-sample.txt"))) {
      try (var out = hdfs.fs().create(new Path(corpus))) {
        in.transferTo(out);
      }
    }
    base = new ArrayList<>();
    base.add("store.root=\"" + hdfs.uri() + "/store\"");
    base.add("dataset.source.paths=[\"" + corpus + "\"]");
    base.add("dataset.name=tinystories-sample");
    base.add("dataset.tokenizer=byte");
    base.add("dataset.val-fraction=0.05");
    base.add("dataset.subsets.fractions=[0.25, 1.0]");
    ScalinglabConfig c = ScalinglabConfig.load(List.of(), base);
    store = ResultsStore.open(c.store().root(), spark.sparkContext().hadoopConfiguration());
    PrepareJob.run(spark, c, store, line -> {});
    base.addAll(TinyRuns.settings(12));
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (hdfs != null) {
      hdfs.close();
    }
  }

  static ScalinglabConfig config(String sweep, String... more) {
    List<String> all = new ArrayList<>(base);
    all.add("train.sweep=" + sweep);
    all.addAll(Arrays.asList(more));
    return ScalinglabConfig.load(List.of(), all);
  }

  static final String FOUR_RUNS = "sweep.models=[{n-layer=1, n-embd=16}, {n-layer=1, n-embd=32}]";

  @Test
  void fourRunsGiveACompleteResultsTableAndARerunTrainsNothing() throws IOException {
    List<String> log = new ArrayList<>();
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    ScalinglabConfig c =
        config("grid", FOUR_RUNS, "sweep.subsets=[f0.25, f1]", "metrics.port=" + port);
    // Scrape the Prometheus endpoint while the sweep runs, as Prometheus would.
    List<String> scrapes = new CopyOnWriteArrayList<>();
    AtomicBoolean running = new AtomicBoolean(true);
    HttpClient http = HttpClient.newHttpClient();
    Thread scraper =
        new Thread(
            () -> {
              while (running.get()) {
                try {
                  HttpResponse<String> response =
                      http.send(
                          HttpRequest.newBuilder(
                                  URI.create("http://127.0.0.1:" + port + "/metrics"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  if (response.statusCode() == 200) {
                    scrapes.add(response.body());
                  }
                  Thread.sleep(200);
                } catch (IOException notYetUp) {
                  // the endpoint starts with the sweep
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    scraper.start();
    SweepResult r;
    try {
      r = SweepJob.run(spark, c, store, line -> log.add(line));
    } finally {
      running.set(false);
    }
    assertTrue(
        scrapes.stream()
            .anyMatch(
                body ->
                    body.lines()
                        .anyMatch(
                            l ->
                                l.startsWith("scalinglab_train_loss{")
                                    && l.contains("sweep=\"grid\"")
                                    && l.contains("dataset=\"tinystories-sample\"")
                                    && l.contains("model=\"1l16w\""))),
        "a scrape during the sweep shows the training gauges; " + scrapes.size() + " scrapes");
    assertTrue(
        scrapes.stream().anyMatch(b -> b.contains("scalinglab_tokens_per_second{")),
        "tokens/s gauge");
    assertTrue(
        scrapes.stream().anyMatch(b -> b.contains("scalinglab_sweep_runs{")), "sweep gauges");
    assertEquals(4, r.total());
    assertEquals(4, r.trained());
    assertFalse(r.failed(), r.failures().toString());

    List<Map<String, String>> rows = csv(new Path(r.dir(), "results.csv"));
    assertEquals(4, rows.size());
    for (Map<String, String> row : rows) {
      assertEquals("done", row.get("status"));
      assertEquals("tinystories-sample", row.get("dataset"));
      assertEquals("12", row.get("steps"));
      Path runDir = new Path(row.get("run_dir"));
      JsonNode result = store.readJson(new Path(runDir, "result.json"));
      assertEquals(row.get("run_id"), result.path("run_id").asText());
      assertEquals(
          result.path("val_loss_mean5").asDouble(),
          Double.parseDouble(row.get("val_loss_mean5")),
          1e-12);
      assertEquals(result.path("params_total").asText(), row.get("params_total"));
      assertTrue(store.exists(new Path(runDir, "metrics.csv")), "metrics.csv of " + runDir);
      assertTrue(store.exists(new Path(runDir, "activations/h_final.npy")));
      assertEquals(13, store.readString(new Path(runDir, "metrics.csv")).lines().count());
    }
    // Two data sizes per model: the larger subset has more training tokens.
    assertEquals(
        2, rows.stream().map(m -> m.get("train_tokens")).distinct().count(), rows.toString());
    assertEquals(2, rows.stream().map(m -> m.get("d_model")).distinct().count());

    Dataset<Row> parquet = spark.read().parquet(new Path(r.dir(), "results.parquet").toString());
    assertEquals(4, parquet.count());
    assertEquals(4, parquet.filter("status = 'done' AND val_loss_mean5 > 0").count());

    JsonNode sweep = store.readJson(new Path(r.dir(), "sweep.json"));
    assertEquals("done", sweep.path("status").asText());
    assertEquals(4, sweep.path("runs_done").asInt());
    assertTrue(log.stream().anyMatch(l -> l.contains("4/4 runs done")), log.toString());
    assertTrue(store.temporaryLeftovers(r.dir()).isEmpty(), "no temporary files");
    assertFalse(store.exists(new Path(r.dir(), "sweep.lock")), "the lock is released");

    Map<String, Long> modified = modificationTimes(r.dir());
    SweepResult again = SweepJob.run(spark, c, store, line -> {});
    assertEquals(0, again.trained(), "a finished sweep trains nothing");
    assertEquals(4, again.finishedEarlier());
    for (Map.Entry<String, Long> e : modificationTimes(r.dir()).entrySet()) {
      if (e.getKey().contains("/runs/")) {
        assertEquals(modified.get(e.getKey()), e.getValue(), e.getKey() + " was rewritten");
      }
    }
  }

  @Test
  void aTaskThatFailsOnceIsRetriedAndEndsWhereAnUninterruptedRunEnds() throws IOException {
    SweepResult clean =
        SweepJob.run(spark, config("clean", "model.n-layer=1", "model.n-embd=16"), store, l -> {});
    List<String> log = new ArrayList<>();
    SweepResult faulty =
        SweepJob.run(
            spark,
            config(
                "faulty",
                "model.n-layer=1",
                "model.n-embd=16",
                "sweep.testing.fail-at-step=5",
                "sweep.testing.fail-attempts=1"),
            store,
            log::add);
    assertFalse(faulty.failed(), faulty.failures().toString());
    assertEquals(1, faulty.trained());
    Map<String, String> a = csv(new Path(clean.dir(), "results.csv")).get(0);
    Map<String, String> b = csv(new Path(faulty.dir(), "results.csv")).get(0);
    assertEquals(a.get("run_id"), b.get("run_id"), "the sweep's name is not part of the run");
    for (String column : List.of("val_loss_final", "val_loss_best", "val_loss_mean5")) {
      // bit for bit: the same batches, masks and optimizer state, the same numerics
      assertEquals(a.get(column), b.get(column), column);
    }
    Path runDir = new Path(b.get("run_dir"));
    JsonNode progress = store.readJson(new Path(runDir, "progress.json"));
    assertEquals(1, progress.path("attempt").asInt(), "the second attempt finished the run");
    String metrics = store.readString(new Path(runDir, "metrics.csv"));
    assertEquals(13, metrics.lines().count(), "one row per step, none twice:\n" + metrics);
    assertTrue(store.temporaryLeftovers(faulty.dir()).isEmpty(), "no partial files");
    FileStatus[] checkpoints = store.fs().listStatus(new Path(runDir, "checkpoints"));
    assertTrue(checkpoints.length <= 2, Arrays.toString(checkpoints));
  }

  @Test
  void aRunKilledMidwayIsTheOnlyOneTheNextSubmissionTrains() throws IOException {
    ScalinglabConfig killed =
        config(
            "resume",
            FOUR_RUNS,
            "sweep.testing.fail-at-step=4",
            "sweep.testing.fail-attempts=99",
            "sweep.testing.fail-model=1l32w");
    SweepResult first = SweepJob.run(spark, killed, store, l -> {});
    assertEquals(1, first.failures().size(), first.failures().toString());
    assertTrue(first.failures().get(0).contains("fault injected"), first.failures().get(0));
    assertEquals(1, first.trained());
    assertEquals(
        "failed", store.readJson(new Path(first.dir(), "sweep.json")).path("status").asText());
    Map<String, String> failedRow =
        csv(new Path(first.dir(), "results.csv")).stream()
            .filter(m -> m.get("status").equals("failed"))
            .findFirst()
            .orElseThrow();
    Path runDir = new Path(failedRow.get("run_dir"));
    assertEquals(4, Checkpoints.latest(store, runDir).orElseThrow().step());

    List<String> log = new ArrayList<>();
    SweepResult second = SweepJob.run(spark, config("resume", FOUR_RUNS), store, log::add);
    assertFalse(second.failed(), second.failures().toString());
    assertEquals(1, second.trained());
    assertEquals(1, second.finishedEarlier());
    assertEquals(12, store.readJson(new Path(runDir, "result.json")).path("steps").asInt());
    assertTrue(
        csv(new Path(second.dir(), "results.csv")).stream()
            .allMatch(m -> m.get("status").equals("done")));
  }

  @Test
  void aRunThatDivergesIsMarkedTheSweepGoesOnAndTheAnalysisLeavesItOut() throws IOException {
    List<String> log = new ArrayList<>();
    SweepResult r =
        SweepJob.run(
            spark,
            config(
                "diverging",
                FOUR_RUNS,
                "sweep.subsets=[f0.25, f1]",
                "sweep.testing.diverge-model=1l32w"),
            store,
            log::add);
    assertFalse(r.failed(), "a diverged run is a result, not a failure: " + r.failures());
    assertEquals(4, r.trained());
    assertEquals(2, r.diverged());
    assertEquals("done", store.readJson(new Path(r.dir(), "sweep.json")).path("status").asText());
    List<Map<String, String>> rows = csv(new Path(r.dir(), "results.csv"));
    assertEquals(4, rows.size());
    List<String> divergedRuns = new ArrayList<>();
    for (Map<String, String> row : rows) {
      if (row.get("model").equals("1l32w")) {
        assertEquals("diverged", row.get("status"), row.toString());
        int step = Integer.parseInt(row.get("steps"));
        assertTrue(step < 12, "stopped early, at step " + step);
        assertTrue(row.get("reason").contains(" at step " + step), row.get("reason"));
        assertTrue(row.get("reason").contains("lower train.lr"), row.get("reason"));
        divergedRuns.add(row.get("run_id"));
      } else {
        assertEquals("done", row.get("status"), row.toString());
        assertEquals("12", row.get("steps"));
      }
    }
    assertTrue(store.temporaryLeftovers(r.dir()).isEmpty(), "no temporary files");

    ScalinglabConfig c = config("diverging", "analysis.bootstrap.resamples=100");
    List<String> analysisLog = new ArrayList<>();
    AnalyzeJob.Result a =
        AnalyzeJob.run(() -> spark, c, c.analysis(), store, "diverging", analysisLog::add);
    JsonNode fits = store.readJson(new Path(new Path(r.dir(), "analysis"), "fits.json"));
    List<String> excluded = new ArrayList<>();
    fits.path("excluded").forEach(e -> excluded.add(e.path("run_id").asText()));
    assertEquals(divergedRuns.stream().sorted().toList(), excluded.stream().sorted().toList());
    String report = store.readString(new Path(a.report().toString()));
    assertTrue(report.contains("2 run(s) were left out of every fit"), "report says so");
    for (String run : divergedRuns) {
      assertTrue(report.contains(run), "report names " + run);
    }
    assertTrue(
        analysisLog.stream().anyMatch(l -> l.contains("2 run(s) left out")),
        analysisLog.toString());
  }

  @Test
  void aSecondSweepInTheSameFolderIsRefusedUntilTheLockIsStale() throws IOException {
    Path dir = store.sweepDir("locked");
    try (SweepLock held = SweepLock.acquire(store, dir, "test", 60, 120, l -> {})) {
      InputException e =
          assertThrows(
              InputException.class, () -> SweepJob.run(spark, config("locked"), store, l -> {}));
      assertTrue(e.getMessage().contains("another sweep is running"), e.getMessage());
      assertTrue(e.getMessage().contains("test"), "names the owner: " + e.getMessage());
    }
    // A lock whose driver died: not refreshed for longer than the stale limit.
    SweepLock dead = SweepLock.acquire(store, dir, "dead driver", 3600, 7200, l -> {});
    store.fs().setTimes(dead.path(), System.currentTimeMillis() - 3_600_000, -1);
    List<String> log = new ArrayList<>();
    try (SweepLock taken = SweepLock.acquire(store, dir, "new driver", 30, 300, log::add)) {
      assertEquals(1, log.size(), log.toString());
      assertTrue(log.get(0).contains("taking over the stale lock"), log.get(0));
      assertTrue(log.get(0).contains("dead driver"), log.get(0));
    }
  }

  static List<Map<String, String>> csv(Path p) {
    List<String> lines = store.readString(p).lines().toList();
    List<String> header = cells(lines.get(0));
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      List<String> cells = cells(line);
      assertEquals(header.size(), cells.size(), line);
      Map<String, String> row = new HashMap<>();
      for (int i = 0; i < header.size(); i++) {
        row.put(header.get(i), cells.get(i));
      }
      rows.add(row);
    }
    return rows;
  }

  /** The cells of one CSV line, RFC 4180 quoting ({@code "a, b"}, {@code ""} for a quote). */
  static List<String> cells(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
        cell.append('"');
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    cells.add(cell.toString());
    return cells;
  }

  static Map<String, Long> modificationTimes(Path dir) throws IOException {
    Map<String, Long> times = new HashMap<>();
    var it = store.fs().listFiles(dir, true);
    while (it.hasNext()) {
      var f = it.next();
      times.put(f.getPath().toString(), f.getModificationTime());
    }
    return times;
  }
}
