package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scalinglab.analysis.job.AnalyzeJob;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SparkSettings;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.core.testing.MiniHdfs;
import io.scalinglab.id.job.IdJob;
import io.scalinglab.id.knn.Progress;
import io.scalinglab.id.protocol.KnnEngine;
import io.scalinglab.trainer.sweep.SweepJob;
import io.scalinglab.trainer.sweep.SweepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny theory-testbed sweep end to end on a MiniDFSCluster with Spark {@code local[2]}: the sweep
 * trains both axes for d = 2 and 4, the id job estimates the inputs and the pooled states of every
 * run, and the analysis writes the report with its testbed section and figure.
 */
class TestbedIT {
  @TempDir static java.nio.file.Path tmp;
  static MiniHdfs hdfs;
  static SparkSession spark;
  static ResultsStore store;

  @BeforeAll
  static void start() {
    hdfs = MiniHdfs.start(tmp.resolve("hdfs"), 1);
    spark =
        SparkSessions.getOrCreate(
            new SparkSettings("local[2]", "testbed-it", "127.0.0.1", Map.of()));
    spark.sparkContext().hadoopConfiguration().addResource(hdfs.conf());
    store = ResultsStore.open(hdfs.uri() + "/sl", spark.sparkContext().hadoopConfiguration());
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

  static ScalinglabConfig config() {
    return ScalinglabConfig.load(
        List.of(),
        List.of(
            "store.root=\"" + store.rootUri() + "\"",
            "testbed.enabled=true",
            "testbed.dims=[2, 4]",
            "testbed.ambient=16",
            "testbed.target.bumps=8",
            "testbed.target.label-noise=0.3",
            "testbed.samples=[128, 256, 512]",
            "testbed.val-samples=400",
            "sweep.models=[{n-embd=8}, {n-embd=16}, {n-embd=32}]",
            "model.n-layer=1",
            "model.n-head=2",
            "sweep.seeds=[1]",
            "train.sweep=tb-it",
            "train.batch-size=32",
            "train.max-steps=40",
            "train.decay-steps=40",
            "train.warmup-steps=4",
            "train.lr=3e-3",
            "train.eval-interval=5",
            "train.checkpoint-interval=20",
            "train.log-interval=100",
            "id.k=10",
            "id.global.k-sweep=[5, 10]",
            "id.global.bootstrap-resamples=50",
            "analysis.bootstrap.resamples=100"));
  }

  @Test
  void tinySweepEndsInAReportWithTheTestbedSection() throws Exception {
    ScalinglabConfig config = config();
    List<String> log = new ArrayList<>();
    SweepResult sweep = SweepJob.run(spark, config, store, log::add);
    // per d: the width-32 model at 3 sizes and widths 8, 16 at n = 512
    assertEquals(10, sweep.total());
    assertEquals(10, sweep.trained(), log.toString());
    assertTrue(sweep.failures().isEmpty(), sweep.failures().toString());
    Path dir = store.sweepDir("tb-it");
    String csv = store.readString(new Path(dir, "results.csv"));
    assertTrue(csv.startsWith("run_id,status,reason,dataset,manifold,intrinsic_dim"), csv);
    assertEquals(10, csv.lines().filter(l -> l.contains(",done,")).count(), csv);
    assertTrue(store.exists(new Path(dir, "results.parquet")));

    IdJob.Result id =
        IdJob.run(
            spark,
            config,
            config.id(),
            store,
            "tb-it",
            KnnEngine.local(2, 256),
            Progress.NONE,
            log::add);
    assertEquals(10, id.runs());

    AnalyzeJob.Result a =
        AnalyzeJob.run(() -> spark, config, config.analysis(), store, "tb-it", log::add);
    String html = store.readString(a.report());
    assertTrue(html.contains("Theory testbed: data of known intrinsic dimension"));
    assertTrue(store.exists(new Path(a.dir(), "figures/testbed.png")));
    JsonNode fits = new ObjectMapper().readTree(store.readString(new Path(a.dir(), "fits.json")));
    JsonNode rows = fits.path("testbed");
    assertEquals(2, rows.size(), fits.toPrettyString());
    for (JsonNode r : rows) {
      double d = r.path("true_d").asDouble();
      assertEquals(2 / (2 + d), r.path("alpha_data").path("squared").asDouble(), 1e-12);
      assertTrue(r.path("alpha_data").path("value").isNumber(), r.toString());
      assertTrue(r.path("alpha_model").path("value").isNumber(), r.toString());
      // MLE with K = 10 on the 400 validation points of S^d: within 25% of d (small N, small K)
      double inputs = r.path("id_inputs").path("value").asDouble();
      assertTrue(Math.abs(inputs - d) <= 0.25 * d, "d = " + d + ": ID of inputs " + inputs);
      assertTrue(r.path("id_last_layer").path("value").asDouble() > 0, r.toString());
    }

    SweepResult again = SweepJob.run(spark, config, store, log::add);
    assertEquals(10, again.finishedEarlier());
    assertEquals(0, again.trained());
  }
}
