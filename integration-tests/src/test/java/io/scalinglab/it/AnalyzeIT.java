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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analysis job on a real in-JVM HDFS with Spark {@code local[2]}: a sweep whose results exist
 * only as Parquet (so Spark reads them) and whose ID estimates are CSV; the analysis folder is
 * written on HDFS with nothing half-written left behind.
 */
class AnalyzeIT {
  @TempDir static Path tmp;
  static MiniHdfs hdfs;
  static SparkSession spark;
  static ResultsStore store;

  @BeforeAll
  static void start() throws Exception {
    hdfs = MiniHdfs.start(tmp.resolve("hdfs"), 1);
    spark =
        SparkSessions.getOrCreate(
            new SparkSettings("local[2]", "analyze-it", "127.0.0.1", Map.of()));
    spark.sparkContext().hadoopConfiguration().addResource(hdfs.conf());
    store = ResultsStore.open(hdfs.uri() + "/sl", spark.sparkContext().hadoopConfiguration());
    writeResults();
    store.writeString(
        new org.apache.hadoop.fs.Path(store.sweepDir("grid"), "id/estimates.csv"),
        "run_id,estimator,metric,k,protocol,layer,id,ci_low,ci_high\n"
            + "r22,mle,euclidean,20,global,3,10.0,9.0,11.0\n"
            + "r21,mle,euclidean,20,global,3,9.5,8.5,10.5\n");
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

  /** 3 × 3 runs of L = 1.5 + 40/N^0.3 + 300/D^0.3 as Parquet; run r00 diverged. */
  static void writeResults() {
    StructType schema =
        new StructType()
            .add("run_id", DataTypes.StringType)
            .add("dataset", DataTypes.StringType)
            .add("status", DataTypes.StringType)
            .add("params_total", DataTypes.LongType)
            .add("params_non_embedding", DataTypes.LongType)
            .add("train_tokens", DataTypes.LongType)
            .add("val_loss_mean5", DataTypes.DoubleType);
    double[] sizes = {1e6, 4e6, 1.6e7};
    double[] tokens = {1e7, 1e8, 1e9};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        boolean diverged = i == 0 && j == 0;
        double loss = 1.5 + 40 * Math.pow(sizes[i], -0.3) + 300 * Math.pow(tokens[j], -0.3);
        rows.add(
            RowFactory.create(
                String.format(Locale.ROOT, "r%d%d", i, j),
                "owt",
                diverged ? "diverged" : "done",
                (long) (1.2 * sizes[i]),
                (long) sizes[i],
                (long) tokens[j],
                diverged ? null : loss));
      }
    }
    spark
        .createDataFrame(rows, schema)
        .coalesce(1)
        .write()
        .parquet(
            new org.apache.hadoop.fs.Path(store.sweepDir("grid"), "results.parquet").toString());
  }

  @Test
  void analyzeWritesTheAnalysisFolderOnHdfs() throws Exception {
    ScalinglabConfig config =
        ScalinglabConfig.load(
            List.of(),
            List.of("store.root=\"" + store.rootUri() + "\"", "analysis.bootstrap.resamples=100"));
    List<String> log = new ArrayList<>();
    AnalyzeJob.Result r =
        AnalyzeJob.run(() -> spark, config, config.analysis(), store, "grid", log::add);
    assertTrue(r.report().toString().endsWith("grid/analysis/report.html"), r.report().toString());
    org.apache.hadoop.fs.Path dir =
        new org.apache.hadoop.fs.Path(store.sweepDir("grid"), "analysis");
    for (String f : List.of("fits.json", "fits.csv", "predictions.csv", "report.html")) {
      assertTrue(store.exists(new org.apache.hadoop.fs.Path(dir, f)), f);
    }
    List<String> figures = new ArrayList<>();
    for (FileStatus s : store.fs().listStatus(new org.apache.hadoop.fs.Path(dir, "figures"))) {
      figures.add(s.getPath().getName());
    }
    assertTrue(
        figures.contains("data-scaling.png") && figures.contains("data-scaling.svg"),
        figures.toString());
    assertTrue(store.temporaryLeftovers(store.sweepDir("grid")).isEmpty());

    JsonNode json =
        new ObjectMapper()
            .readTree(store.readString(new org.apache.hadoop.fs.Path(dir, "fits.json")));
    assertEquals("r00", json.path("excluded").get(0).path("run_id").asText());
    JsonNode owt = json.path("datasets").get(0);
    assertEquals(8, owt.path("runs").asInt());
    assertEquals("r22", owt.path("id").path("run_id").asText());
    assertEquals(2, owt.path("comparisons").size());
    assertTrue(json.path("inputs").get(0).asText().endsWith("grid/results.parquet"));
    assertTrue(log.stream().anyMatch(l -> l.contains("1 run(s) left out")), log.toString());
  }
}
