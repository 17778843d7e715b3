package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scalinglab.core.config.IdConfig;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SparkSettings;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.format.Npy;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.core.testing.MiniHdfs;
import io.scalinglab.id.job.IdJob;
import io.scalinglab.id.job.Inputs;
import io.scalinglab.id.knn.Progress;
import io.scalinglab.id.protocol.KnnEngine;
import io.scalinglab.manifold.Manifolds;
import io.scalinglab.manifold.Sample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
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
 * The ID job of a sweep on a real in-JVM HDFS and Spark {@code local[2]}: synthetic activations of
 * known dimension written where training puts them ({@code runs/<run-id>/activations/*.npy} with
 * JSON sidecars), estimated into {@code id/<run-id>.json} and the CSV and Parquet tables; a second
 * run redoes nothing; a Parquet file of vectors is read by its array column.
 */
class IdJobIT {
  @TempDir static Path tmp;
  static MiniHdfs hdfs;
  static SparkSession spark;
  static ResultsStore store;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    hdfs = MiniHdfs.start(tmp.resolve("hdfs"), 1);
    spark =
        SparkSessions.getOrCreate(
            new SparkSettings("local[2]", "id-job-it", "127.0.0.1", Map.of()));
    spark.sparkContext().hadoopConfiguration().addResource(hdfs.conf());
    store = ResultsStore.open(hdfs.uri() + "/sl", spark.sparkContext().hadoopConfiguration());
    // Two model sizes, two runs of the small one; layers 1 and 2; the last layer lists positions.
    writeRun("run-a", 1000L, 3, 1);
    writeRun("run-b", 1000L, 3, 2);
    writeRun("run-c", 5000L, 5, 3);
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

  static void writeRun(String id, long parameters, int d, long seed) throws Exception {
    org.apache.hadoop.fs.Path run = store.runDir("toy", id);
    store.writeString(
        new org.apache.hadoop.fs.Path(run, "manifest.json"),
        "{\"run_id\": \""
            + id
            + "\", \"model\": {\"name\": \"gpt-"
            + parameters
            + "\", \"parameters\": "
            + parameters
            + "}}\n");
    for (int layer = 1; layer <= 2; layer++) {
      Sample s = Manifolds.ball(900, d + layer - 1, 32, seed * 10 + layer);
      float[] f = new float[s.values().length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) s.values()[i];
      }
      org.apache.hadoop.fs.Path act = new org.apache.hadoop.fs.Path(run, "activations");
      store.writeAtomically(
          new org.apache.hadoop.fs.Path(act, "layer" + layer + ".npy"),
          out -> Npy.writeFloat32(out, f, s.n(), s.ambient()));
      StringBuilder side =
          new StringBuilder("{\"layer\": " + layer + ", \"site\": \"block_output\"");
      if (layer == 2) {
        side.append(", \"positions\": [");
        for (int i = 0; i < s.n(); i++) {
          side.append(i == 0 ? "" : ",").append(i % 256);
        }
        side.append("]");
      }
      store.writeString(
          new org.apache.hadoop.fs.Path(act, "layer" + layer + ".json"),
          side.append("}\n").toString());
    }
  }

  static ScalinglabConfig config(String... overrides) {
    List<String> all = new ArrayList<>(List.of(overrides));
    all.add("store.root=\"" + hdfs.uri() + "/sl\"");
    return ScalinglabConfig.load(List.of(), all);
  }

  @Test
  void estimatesEveryRunWritesTablesAndSkipsWhatIsDone() throws Exception {
    ScalinglabConfig config =
        config("id.k=10", "id.global.k-sweep=[5,10]", "id.ablation.position-window=128");
    IdConfig id = config.id();
    List<String> log = new ArrayList<>();
    IdJob.Result first =
        IdJob.run(
            spark, config, id, store, "toy", KnnEngine.local(2, 256), Progress.NONE, log::add);
    assertEquals(3, first.runs());
    assertEquals(3, first.estimated());

    FileSystem fs = store.fs();
    org.apache.hadoop.fs.Path dir = first.dir();
    JsonNode a = store.readJson(new org.apache.hadoop.fs.Path(dir, "run-a.json"));
    assertEquals(2, a.get("estimates").size());
    JsonNode last = a.get("estimates").get(1);
    assertEquals("layer2", last.get("activation").asText());
    assertEquals("2", last.get("layer").asText());
    assertEquals(1000, last.get("parameters").asLong());
    assertTrue(Math.abs(last.get("id").asDouble() - 4) < 0.6, last.toString()); // a 4-ball
    assertTrue(last.get("interval").get("low").asDouble() < last.get("id").asDouble());
    assertEquals(2, a.get("positions").size()); // positions 0..255 in windows of 128
    assertTrue(a.get("provenance").has("git_commit"), a.toString());
    assertTrue(a.get("settings").get("k").asInt() == 10, a.get("settings").toString());

    String csv = store.readString(new org.apache.hadoop.fs.Path(dir, "estimates.csv"));
    assertEquals(1 + 6, csv.strip().split("\n").length, csv);
    assertTrue(csv.startsWith("sweep,run_id,model,parameters,activation,layer"), csv);
    Dataset<Row> parquet =
        spark.read().parquet(new org.apache.hadoop.fs.Path(dir, "estimates.parquet").toString());
    assertEquals(6, parquet.count());
    assertEquals(6, spark.read().parquet(dir + "/ablation-layer.parquet").count());
    assertEquals(6, spark.read().parquet(dir + "/ablation-position.parquet").count());
    List<Row> models =
        spark.read().parquet(dir + "/ablation-model.parquet").orderBy("parameters").collectAsList();
    assertEquals(2, models.size());
    assertEquals("global", models.get(0).getString(0));
    assertEquals(1000L, models.get(0).getLong(1));
    assertEquals(2, models.get(0).getInt(3)); // two runs of the small model
    assertTrue(store.temporaryLeftovers(dir).isEmpty());

    log.clear();
    IdJob.Result again =
        IdJob.run(
            spark, config, id, store, "toy", KnnEngine.local(2, 256), Progress.NONE, log::add);
    assertEquals(0, again.estimated());
    assertTrue(log.stream().allMatch(l -> l.contains("up to date")), log.toString());
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(dir, "ablation-model.csv")));

    ScalinglabConfig both = config("id.k=10", "id.paper.batch-size=300");
    IdConfig global = IdConfig.fromConfig(both.resolved());
    IdConfig paper =
        global.with(
            global.estimator(),
            global.k(),
            global.combine(),
            global.metric(),
            IdConfig.Protocol.PAPER);
    IdJob.Result redone =
        IdJob.run(
            spark,
            both,
            List.of(global, paper),
            store,
            "toy",
            KnnEngine.local(2, 256),
            Progress.NONE,
            l -> {});
    assertEquals(3, redone.estimated());
    JsonNode b = store.readJson(new org.apache.hadoop.fs.Path(dir, "run-b.json"));
    assertEquals(4, b.get("estimates").size()); // two files, two protocols each
    assertEquals("paper", b.get("estimates").get(1).get("protocol").asText());
    assertEquals(3, b.get("estimates").get(1).get("batches").get("count").asInt());
    assertEquals(4, spark.read().parquet(dir + "/ablation-model.parquet").count());
    assertEquals(12, spark.read().parquet(dir + "/estimates.parquet").count());
  }

  @Test
  void aSweepWithoutActivationsSaysWhatToDo() {
    ScalinglabConfig config = config();
    InputException e =
        assertThrows(
            InputException.class,
            () ->
                IdJob.run(
                    spark,
                    config,
                    config.id(),
                    store,
                    "nothing-here",
                    KnnEngine.local(1, 256),
                    Progress.NONE,
                    l -> {}));
    assertTrue(e.getMessage().contains("has no runs folder"), e.getMessage());
  }

  @Test
  void parquetArrayColumnIsRead() {
    Sample s = Manifolds.sphere(400, 2, 6, 9);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < s.n(); i++) {
      List<Float> v = new ArrayList<>();
      for (int c = 0; c < s.ambient(); c++) {
        v.add((float) s.values()[i * s.ambient() + c]);
      }
      rows.add(RowFactory.create("doc-" + i, v));
    }
    StructType schema =
        new StructType()
            .add("doc", DataTypes.StringType)
            .add("embedding", DataTypes.createArrayType(DataTypes.FloatType));
    String path = hdfs.uri() + "/vectors.parquet";
    spark.createDataFrame(rows, schema).write().parquet(path);
    Inputs.Matrix m = Inputs.parquet(spark, path, null);
    assertEquals(400, m.rows());
    assertEquals(6, m.cols());
    // Spark does not keep the row order across part files: compare the rows as a set.
    double[] expected = new double[s.n()];
    double[] got = new double[s.n()];
    for (int i = 0; i < s.n(); i++) {
      expected[i] = (float) s.values()[i * 6];
      got[i] = m.values()[i * 6];
    }
    java.util.Arrays.sort(expected);
    java.util.Arrays.sort(got);
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, got);
    InputException e = assertThrows(InputException.class, () -> Inputs.parquet(spark, path, "doc"));
    assertTrue(e.getMessage().contains("Array columns: embedding"), e.getMessage());
    assertFalse(Inputs.isParquet("a.npy"));
  }
}
