package io.scalinglab.it;

import io.scalinglab.core.testing.MiniHdfs;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A YARN cluster in the test's JVM: a {@link MiniYARNCluster} (ResourceManager and one NodeManager,
 * from hadoop-client-minicluster) over a {@link MiniHdfs}, and a HADOOP_CONF_DIR ({@link #confDir})
 * whose {@code core-site.xml} and {@code yarn-site.xml} name both, as a cluster's client
 * configuration does. The NodeManager runs each container as a child process of this JVM (bash,
 * then the container's java), so a test can find and kill one ({@link #executors}); each
 * container's stdout and stderr stay under the NodeManager's log folder.
 */
final class MiniYarn implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern LOG_DIR =
      Pattern.compile("-Dspark\\.yarn\\.app\\.container\\.log\\.dir=(\\S+)");

  private final MiniYARNCluster cluster;
  private final Path confDir;

  private MiniYarn(MiniYARNCluster cluster, Path confDir) {
    this.cluster = cluster;
    this.confDir = confDir;
  }

  /**
   * Starts a ResourceManager and a NodeManager with 8 GB and 8 cores to hand out, its work under
   * {@code target/<name>} (MiniYARNCluster's choice), and writes the client configuration into
   * {@code confDir}.
   */
  static MiniYarn start(String name, MiniHdfs hdfs, Path confDir) {
    YarnConfiguration conf = new YarnConfiguration(new Configuration(hdfs.conf()));
    // MiniYARNCluster gives its NodeManagers this, not yarn.nodemanager.resource.memory-mb.
    conf.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, 8192);
    conf.setInt(YarnConfiguration.NM_VCORES, 8);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, 8192);
    // ND4J's memory is off the heap and counted by the JVM's own cap (javacpp.maxbytes); the
    // NodeManager's memory checks would also count the shared pages of the test machine.
    conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
    conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    // A full disk on a developer's machine must not mark the only node unhealthy.
    conf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 100.0f);
    conf.setInt(YarnConfiguration.RM_AM_MAX_ATTEMPTS, 1);
    // The capacity scheduler wants a capacity-scheduler.xml the minicluster jar does not hold.
    conf.set(
        YarnConfiguration.RM_SCHEDULER,
        "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler");
    // Allocations every 100 ms instead of every second: each submission waits for two or three.
    conf.setLong(YarnConfiguration.RM_NM_HEARTBEAT_INTERVAL_MS, 100);
    conf.setLong(YarnConfiguration.DEBUG_NM_DELETE_DELAY_SEC, 600);
    MiniYARNCluster yarn = new MiniYARNCluster(name, 1, 1, 1);
    try {
      yarn.init(conf);
      yarn.start();
      // start() can return before the ResourceManager has put its real port into the config.
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS, ":0").endsWith(":0")) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the ResourceManager has no address after a minute");
        }
        Thread.sleep(100);
      }
      while (yarn.getResourceManager().getRMContext().getRMNodes().isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the NodeManager did not register within a minute");
        }
        Thread.sleep(100);
      }
      Files.createDirectories(confDir);
      Configuration core = new Configuration(false);
      core.set("fs.defaultFS", hdfs.uri().toString());
      core.set("dfs.replication", "1");
      write(core, confDir.resolve("core-site.xml"));
      // The ResourceManager's addresses only: the whole live config also holds the test
      // classes MiniDFSCluster configures (a rack mapping), which Spark's containers lack.
      Configuration site = new Configuration(false);
      for (Map.Entry<String, String> e : yarn.getConfig()) {
        if (e.getKey().startsWith("yarn.resourcemanager.")) {
          site.set(e.getKey(), e.getValue());
        }
      }
      write(site, confDir.resolve("yarn-site.xml"));
      return new MiniYarn(yarn, confDir.toAbsolutePath());
    } catch (IOException | RuntimeException | InterruptedException e) {
      yarn.stop();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("the YARN cluster did not start", e);
    }
  }

  /** The HADOOP_CONF_DIR of this cluster's clients. */
  Path confDir() {
    return confDir;
  }

  /**
   * The executor containers of this cluster running now: their java processes (not the shell that
   * YARN's launch script starts each with, whose command line names the class too), known by their
   * log folder under this NodeManager's.
   */
  List<ProcessHandle> executors() {
    String root = cluster.getTestWorkDir().getAbsolutePath();
    return ProcessHandle.allProcesses()
        .filter(
            h -> {
              String cmd = h.info().commandLine().orElse("");
              return cmd.split(" ", 2)[0].endsWith("/java")
                  && cmd.contains("YarnCoarseGrainedExecutorBackend")
                  && logDir(h).map(d -> d.toAbsolutePath().startsWith(root)).orElse(false);
            })
        .toList();
  }

  /** A container's log folder (its stdout and stderr), read from its java command line. */
  static Optional<Path> logDir(ProcessHandle container) {
    Matcher m = LOG_DIR.matcher(container.info().commandLine().orElse(""));
    return m.find() ? Optional.of(Path.of(m.group(1))) : Optional.empty();
  }

  /** Every container's stdout and stderr files, of every application so far. */
  List<Path> containerLogs() {
    List<Path> out = new ArrayList<>();
    // The NodeManager's log folders are {@code <work dir>/<name>-logDir-nm-*}, set in its own copy
    // of the configuration.
    try (Stream<Path> s = Files.walk(cluster.getTestWorkDir().toPath())) {
      s.filter(p -> p.getFileName().toString().matches("stdout|stderr"))
          .filter(p -> p.toString().contains("-logDir-nm-"))
          .sorted()
          .forEach(out::add);
    } catch (IOException | UncheckedIOException e) {
      // a container's folder went away while listed: the rest are still worth showing
    }
    return out;
  }

  /** Whether a container log of any application holds {@code text}. */
  boolean logsContain(String text) {
    return containerLogs().stream().anyMatch(p -> read(p).contains(text));
  }

  /** The last lines of every container log, for a failed assertion's message. */
  String logs() {
    StringBuilder sb = new StringBuilder();
    for (Path p : containerLogs()) {
      List<String> lines = read(p).lines().toList();
      sb.append("\n===== ")
          .append(p.getParent().getFileName())
          .append('/')
          .append(p.getFileName())
          .append(" (last 80 lines) =====\n");
      lines
          .subList(Math.max(0, lines.size() - 80), lines.size())
          .forEach(l -> sb.append(l).append('\n'));
    }
    return sb.toString();
  }

  static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    cluster.stop();
  }

  private static void write(Configuration conf, Path file) {
    try (OutputStream out = Files.newOutputStream(file)) {
      conf.writeXml(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
