package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SparkSettings;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.core.testing.MiniHdfs;
import io.scalinglab.core.testing.SharedData;
import io.scalinglab.trainer.prepare.PrepareJob;
import io.scalinglab.trainer.prepare.PrepareResult;
import io.scalinglab.trainer.sweep.SweepJob;
import io.scalinglab.trainer.sweep.SweepResult;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DataNode of a three-DataNode HDFS (replication 2) stops while prepare writes its shards and
 * again while a sweep trains: both finish, and every file in the store reads back through the HDFS
 * client, which checks each block's checksums as it reads.
 */
class DataNodeLossIT {
  @TempDir static java.nio.file.Path tmp;
  static MiniHdfs hdfs;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    hdfs = MiniHdfs.start(tmp.resolve("hdfs"), 3, Map.of("dfs.replication", "2"));
    spark =
        SparkSessions.getOrCreate(
            new SparkSettings("local[2]", "datanode-loss-it", "127.0.0.1", Map.of()));
    spark.sparkContext().hadoopConfiguration().addResource(hdfs.conf());
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

  @Test
  void prepareAndASweepFinishWhenADataNodeStopsAndEveryFileReadsBack() throws Exception {
    FileSystem fs = hdfs.fs();
    Path corpus = new Path(hdfs.uri() + "/corpora/train-sample.txt");
    try (InputStream in =
            java.nio.file.Files.newInputStream(
                SharedData.path("corpora/tinystories/train-sample.txt"));
        var out = fs.create(corpus)) {
      in.transferTo(out);
    }
    List<String> settings =
        new ArrayList<>(
            List.of(
                "store.root=\"" + hdfs.uri() + "/store\"",
                "dataset.source.paths=[\"" + corpus + "\"]",
                "dataset.name=tinystories-sample",
                "dataset.tokenizer=byte",
                "dataset.val-fraction=0.05",
                "dataset.shard-tokens=100000",
                "dataset.subsets.fractions=[0.25, 1.0]",
                "model.n-layer=1",
                "model.n-embd=16",
                "train.sweep=datanode-loss",
                "sweep.subsets=[f0.25, f1]"));
    settings.addAll(TinyRuns.settings(12));
    ScalinglabConfig c = ScalinglabConfig.load(List.of(), settings);
    ResultsStore store =
        ResultsStore.open(c.store().root(), spark.sparkContext().hadoopConfiguration());

    // Prepare: DataNode 0 stops once the first shard is on its way.
    MiniDFSCluster cluster = hdfs.cluster();
    Stopper duringPrepare =
        Stopper.when(fs, store.root(), p -> p.getName().startsWith("part-"), cluster, 0);
    PrepareResult prepared = PrepareJob.run(spark, c, store, line -> {});
    duringPrepare.finish();
    assertFalse(prepared.reused());
    assertTrue(cluster.restartDataNode(duringPrepare.stopped(), true), "DataNode 0 restarts");
    cluster.waitActive();

    // The sweep: DataNode 1 stops once a run has written its first checkpoint.
    Stopper duringSweep =
        Stopper.when(
            fs, store.root(), p -> p.toString().contains("/checkpoints/step-"), cluster, 1);
    SweepResult r = SweepJob.run(spark, c, store, line -> {});
    duringSweep.finish();
    duringSweep.stopped();
    assertFalse(r.failed(), r.failures().toString());
    assertEquals(2, r.trained());
    List<String> lines = store.readString(new Path(r.dir(), "results.csv")).lines().toList();
    int status = SweepIT.cells(lines.get(0)).indexOf("status");
    for (String line : lines.subList(1, lines.size())) {
      assertEquals("done", SweepIT.cells(line).get(status), line);
    }

    // Every file reads back whole, its checksums checked by the HDFS client; shards also match
    // the SHA-256 that prepare wrote into the manifest.
    fs.setVerifyChecksum(true);
    int files = 0;
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(store.root(), true);
    while (it.hasNext()) {
      LocatedFileStatus f = it.next();
      assertEquals(f.getLen(), readAll(fs, f.getPath()), f.getPath().toString());
      files++;
    }
    assertTrue(files > 40, files + " files");
    JsonNode manifest = store.readJson(new Path(prepared.dir(), "manifest.json"));
    int shards = 0;
    for (String split : List.of("train", "val")) {
      for (JsonNode shard : manifest.path(split).path("shards")) {
        Path p = new Path(prepared.dir(), shard.path("file").asText());
        assertEquals(
            shard.path("sha256").asText(), HexFormat.of().formatHex(digest(fs, p)), p.toString());
        shards++;
      }
    }
    assertTrue(shards >= 10, shards + " shards");
    assertTrue(store.temporaryLeftovers(store.root()).isEmpty(), "no temporary files");
  }

  /** Reads {@code p} to its end through the HDFS client; the number of bytes read. */
  static long readAll(FileSystem fs, Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      return in.transferTo(java.io.OutputStream.nullOutputStream());
    }
  }

  static byte[] digest(FileSystem fs, Path p) throws IOException, NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new DigestInputStream(fs.open(p), sha)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return sha.digest();
  }

  /** A thread that stops one DataNode as soon as a file matching a predicate appears. */
  static final class Stopper extends Thread {
    private final FileSystem fs;
    private final Path root;
    private final Predicate<Path> trigger;
    private final MiniDFSCluster cluster;
    private final int dataNode;
    private final AtomicReference<MiniDFSCluster.DataNodeProperties> stopped =
        new AtomicReference<>();

    private Stopper(
        FileSystem fs, Path root, Predicate<Path> trigger, MiniDFSCluster cluster, int dataNode) {
      super("stop-datanode-" + dataNode);
      setDaemon(true);
      this.fs = fs;
      this.root = root;
      this.trigger = trigger;
      this.cluster = cluster;
      this.dataNode = dataNode;
    }

    static Stopper when(
        FileSystem fs, Path root, Predicate<Path> trigger, MiniDFSCluster cluster, int dataNode) {
      Stopper s = new Stopper(fs, root, trigger, cluster, dataNode);
      s.start();
      return s;
    }

    @Override
    public void run() {
      long deadline = System.currentTimeMillis() + 120_000;
      while (System.currentTimeMillis() < deadline) {
        try {
          RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
          while (it.hasNext()) {
            if (trigger.test(it.next().getPath())) {
              stopped.set(cluster.stopDataNode(dataNode));
              return;
            }
          }
        } catch (IOException | RuntimeException listingRacedAWriter) {
          // a folder vanished (renamed into place) while it was listed: look again
        }
        if (isInterrupted()) {
          return;
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /** Waits for the thread, which gives up at once if it has not stopped its DataNode yet. */
    void finish() throws InterruptedException {
      interrupt();
      join();
    }

    /** The stopped DataNode, for a restart; fails if the trigger never fired. */
    MiniDFSCluster.DataNodeProperties stopped() {
      MiniDFSCluster.DataNodeProperties p = stopped.get();
      assertTrue(p != null, "DataNode " + dataNode + " was stopped while the job ran");
      return p;
    }
  }
}
