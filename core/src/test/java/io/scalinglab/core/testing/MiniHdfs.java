package io.scalinglab.core.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * A real HDFS (one NameNode, some DataNodes) running inside the test JVM, from Hadoop's {@link
 * MiniDFSCluster}, for tests that must see what HDFS does rather than what the local file system
 * does: atomic renames in the NameNode, replication, DataNodes that die. Everything it stores lives
 * under the base folder given to {@link #start}. Start one per test class, not per test: a cluster
 * with one DataNode starts in about 1.3 s (three DataNodes: about 3 s), plus 3 to 4 s for loading
 * Hadoop's classes the first time in a JVM.
 *
 * <pre>{@code
 * try (MiniHdfs hdfs = MiniHdfs.start(tempDir, 1)) {
 *   ResultsStore store = ResultsStore.open(hdfs.uri() + "/sl", hdfs.conf());
 *   ...
 * }
 * }</pre>
 */
public final class MiniHdfs implements AutoCloseable {
  private final MiniDFSCluster cluster;
  private final Configuration conf;
  private final URI uri;

  private MiniHdfs(MiniDFSCluster cluster, Configuration conf, URI uri) {
    this.cluster = cluster;
    this.conf = conf;
    this.uri = uri;
  }

  /**
   * Starts a cluster with {@code dataNodes} DataNodes and waits until it accepts writes.
   *
   * @param baseDir a folder for the NameNode's and DataNodes' storage (a JUnit {@code @TempDir})
   * @param dataNodes 1 or more; files are replicated min(3, dataNodes) times
   */
  public static MiniHdfs start(Path baseDir, int dataNodes) {
    return start(baseDir, dataNodes, Map.of());
  }

  /**
   * As {@link #start(Path, int)}, with Hadoop settings that override the defaults chosen here (e.g.
   * {@code dfs.blocksize} to make multi-block files small).
   */
  public static MiniHdfs start(Path baseDir, int dataNodes, Map<String, String> settings) {
    requireNonNull(baseDir, "baseDir");
    requireNonNull(settings, "settings");
    if (dataNodes < 1) {
      throw new IllegalArgumentException("dataNodes must be >= 1, got " + dataNodes);
    }
    Configuration conf = new Configuration();
    java.io.File base = baseDir.toAbsolutePath().toFile();
    conf.setInt("dfs.replication", Math.min(3, dataNodes));
    conf.setInt("dfs.namenode.safemode.extension", 0);
    // With at most three DataNodes there is no spare to swap into a failed write pipeline; fault
    // tests that stop a DataNode want the write to go on with the ones left.
    conf.set("dfs.client.block.write.replace-datanode-on-failure.policy", "NEVER");
    // Closing a file waits until the NameNode has heard of its last block from a DataNode, and the
    // client loses that race on nearly every close; it then sleeps 400 ms before asking again.
    conf.setLong("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 10);
    // Nothing here uses the REST API; without it a one-DataNode cluster starts in ~1.3 s, not ~1.8.
    conf.setBoolean("dfs.webhdfs.enabled", false);
    settings.forEach(conf::set);
    try {
      MiniDFSCluster cluster =
          new MiniDFSCluster.Builder(conf, base)
              .numDataNodes(dataNodes)
              .format(true)
              .waitSafeMode(true)
              .build();
      cluster.waitActive();
      // getURI() says localhost, which may resolve to ::1 first; the NameNode listens on 127.0.0.1.
      URI uri = URI.create("hdfs://127.0.0.1:" + cluster.getNameNodePort());
      Configuration clientConf = new Configuration(cluster.getConfiguration(0));
      clientConf.set("fs.defaultFS", uri.toString());
      return new MiniHdfs(cluster, clientConf, uri);
    } catch (IOException e) {
      throw new UncheckedIOException("MiniDFSCluster did not start under " + base, e);
    }
  }

  /** The NameNode's URI, {@code hdfs://127.0.0.1:<port>}; append a path to make a store root. */
  public URI uri() {
    return uri;
  }

  /** A configuration that reaches this cluster (its {@code fs.defaultFS} is {@link #uri()}). */
  public Configuration conf() {
    return conf;
  }

  /** Hadoop's cached client for this cluster (what {@code ResultsStore.fs()} also gets). */
  public FileSystem fs() {
    try {
      return FileSystem.get(uri, conf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The underlying cluster, for tests that stop DataNodes or the NameNode. */
  public MiniDFSCluster cluster() {
    return cluster;
  }

  /** Shuts the cluster down, deletes its storage and drops its client from Hadoop's cache. */
  @Override
  public void close() {
    try {
      FileSystem.get(uri, conf).close();
    } catch (IOException e) {
      // The cluster goes down next either way; a client that failed to close holds nothing.
    }
    // Every DataNode logs "Command processor encountered interrupt and exit" at ERROR when it is
    // stopped, as it should be; keep that out of test output without hiding real DataNode errors.
    withLoggerOff("org.apache.hadoop.hdfs.server.datanode.DataNode", () -> cluster.shutdown(true));
  }

  /**
   * Runs {@code r} with a log4j2 logger turned off, or as it is where log4j2 is not the backend.
   */
  private static void withLoggerOff(String logger, Runnable r) {
    Level before;
    try {
      before = LogManager.getLogger(logger).getLevel();
      Configurator.setLevel(logger, Level.OFF);
    } catch (LinkageError | ClassCastException e) {
      r.run();
      return;
    }
    try {
      r.run();
    } finally {
      Configurator.setLevel(logger, before);
    }
  }
}
