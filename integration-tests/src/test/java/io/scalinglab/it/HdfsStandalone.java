package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.core.testing.MiniHdfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.hadoop.conf.Configuration;

/**
 * What the standalone-cluster tests stand on: a MiniDFSCluster in this JVM with the TinyStories
 * sample copied in, a config file naming both, the store under {@code /store}, and a standalone
 * cluster of one 2-core Worker in {@code target/standalone/<name>} (or {@code
 * -Dscalinglab.it.work}).
 */
final class HdfsStandalone implements AutoCloseable {
  final MiniHdfs hdfs;
  final Path config;
  final ResultsStore store;
  final StandaloneCluster cluster;

  private HdfsStandalone(
      MiniHdfs hdfs, Path config, ResultsStore store, StandaloneCluster cluster) {
    this.hdfs = hdfs;
    this.config = config;
    this.store = store;
    this.cluster = cluster;
  }

  /** The cluster's folder for the test called {@code name}. */
  static Path work(String name) {
    return Path.of(System.getProperty("scalinglab.it.work", "target/standalone")).resolve(name);
  }

  /**
   * Starts HDFS and the cluster; {@code config} makes the config file's text from the file system's
   * URI and the corpus's.
   */
  static HdfsStandalone start(Path tmp, String name, BiFunction<String, String, String> config)
      throws IOException {
    MiniHdfs hdfs = MiniHdfs.start(tmp.resolve("hdfs"), 1);
    try {
      String corpus = ClusterSweep.copyCorpus(hdfs);
      Path file = tmp.resolve(name + ".conf");
      Files.writeString(file, config.apply(hdfs.uri().toString(), corpus));
      ResultsStore store = ResultsStore.open(hdfs.uri() + "/store", new Configuration(hdfs.conf()));
      return new HdfsStandalone(hdfs, file, store, StandaloneCluster.start(work(name), 2, "2g"));
    } catch (IOException | RuntimeException e) {
      hdfs.close();
      throw e;
    }
  }

  /** Submits the trainer job's {@code prepare} with the config file and expects it to succeed. */
  void prepare() {
    StandaloneCluster.Submission s =
        cluster.submit(
            Duration.ofMinutes(4),
            StandaloneCluster.jobArgs("trainer", config, List.of("prepare")));
    assertEquals(0, s.exitCode(), () -> "prepare failed:" + cluster.logs());
  }

  @Override
  public void close() {
    cluster.close();
    hdfs.close();
  }
}
