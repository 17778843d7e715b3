package io.scalinglab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster on this machine for a benchmark: a Master and a Worker JVM started
 * from this JVM's class path, the Worker launching executor JVMs with the same class path ({@code
 * spark.executor.extraClassPath}) from a SPARK_HOME whose {@code jars/} is empty. Everything binds
 * to 127.0.0.1; the daemons' output goes to log files in the folder given.
 */
final class LocalStandalone implements AutoCloseable {
  private static final Pattern MASTER_URL =
      Pattern.compile("Starting Spark master at (spark://\\S+)");
  private static final Pattern REGISTERED = Pattern.compile("Successfully registered with master");

  private final Path dir;
  private final List<Process> daemons = new ArrayList<>();
  private String masterUrl;

  private LocalStandalone(Path dir) {
    this.dir = dir;
  }

  /** Starts a Master and one Worker offering {@code cores} cores and {@code memory}. */
  static LocalStandalone start(Path dir, int cores, String memory) {
    LocalStandalone c = new LocalStandalone(dir);
    try {
      Files.createDirectories(dir.resolve("spark-home/jars"));
      // the daemons' INFO lines, which say where they listen, whatever log4j2 file the class path
      // brings
      Files.writeString(
          dir.resolve("log4j2.properties"),
          String.join(
              "\n",
              "rootLogger.level = info",
              "rootLogger.appenderRef.stdout.ref = console",
              "appender.console.type = Console",
              "appender.console.name = console",
              "appender.console.target = SYSTEM_OUT",
              "appender.console.layout.type = PatternLayout",
              "appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n",
              ""));
      Path masterLog = dir.resolve("master.log");
      c.daemon(
          masterLog,
          "org.apache.spark.deploy.master.Master",
          "--host",
          "127.0.0.1",
          "--port",
          "0",
          "--webui-port",
          "0");
      c.masterUrl = c.await(masterLog, MASTER_URL);
      Path workerLog = dir.resolve("worker.log");
      c.daemon(
          workerLog,
          "org.apache.spark.deploy.worker.Worker",
          "--host",
          "127.0.0.1",
          "--port",
          "0",
          "--webui-port",
          "0",
          "--cores",
          Integer.toString(cores),
          "--memory",
          memory,
          "--work-dir",
          dir.resolve("work").toString(),
          c.masterUrl);
      c.await(workerLog, REGISTERED);
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw new IllegalStateException("the local standalone cluster did not start: " + e, e);
    }
  }

  String masterUrl() {
    return masterUrl;
  }

  /** The Spark settings a driver of this JVM needs for executors on this cluster. */
  Map<String, String> executorConf(List<String> javaOptions) {
    return Map.of(
        "spark.executor.extraClassPath",
        System.getProperty("java.class.path"),
        "spark.executor.extraJavaOptions",
        String.join(" ", javaOptions),
        "spark.executorEnv.SPARK_LOCAL_IP",
        "127.0.0.1",
        "spark.executorEnv.OMP_NUM_THREADS",
        "1");
  }

  @Override
  public void close() {
    for (int i = daemons.size() - 1; i >= 0; i--) {
      Process p = daemons.get(i);
      List<ProcessHandle> children = p.descendants().toList();
      p.destroy();
      children.forEach(ProcessHandle::destroy);
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
      children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
    daemons.clear();
  }

  private void daemon(Path log, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx256m");
    command.add("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", dir.resolve("spark-home").toString());
    // the launcher library looks for jars/ by Scala version in a SPARK_HOME that is not a build
    pb.environment().put("SPARK_SCALA_VERSION", "2.12");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("SPARK_LOCAL_DIRS", dir.resolve("local").toString());
    daemons.add(pb.start());
  }

  private String await(Path log, Pattern pattern) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        Matcher m = pattern.matcher(Files.readString(log, StandardCharsets.UTF_8));
        if (m.find()) {
          return m.groupCount() > 0 ? m.group(1) : m.group();
        }
      }
      for (Process p : daemons) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "a Spark daemon exited: " + Files.readString(log, StandardCharsets.UTF_8));
        }
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UncheckedIOException(new IOException("interrupted", e));
      }
    }
    throw new IllegalStateException("no '" + pattern + "' in " + log + " within 90 s");
  }
}
