package io.scalinglab.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster of separate JVMs, as a cluster runs it: a Master and a Worker started
 * from a SPARK_HOME whose {@code jars/} holds the Maven-resolved Spark runtime (integration-tests'
 * pom copies it), the Worker launching executor JVMs from the same folder, and applications
 * submitted by {@code deploy/submit --target standalone}, the driver a separate JVM too (client
 * deploy mode). Everything binds to 127.0.0.1 on ephemeral ports; every JVM's output goes to a log
 * file under the work folder, which {@link #logs()} gathers for a failing test's message.
 *
 * <pre>{@code
 * try (StandaloneCluster cluster = StandaloneCluster.start(work, 2, "2g")) {
 *   Submission s = cluster.submit(Duration.ofMinutes(3), "trainer", "prepare", "--config", conf);
 *   assertEquals(0, s.exitCode(), cluster::logs);
 * }
 * }</pre>
 */
final class StandaloneCluster implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Pattern MASTER_URL =
      Pattern.compile("Starting Spark master at (spark://\\S+)");
  private static final Pattern WEB_UI = Pattern.compile("MasterWebUI.* started at (http://\\S+)");

  private final Path work;
  private final List<Process> daemons = new ArrayList<>();
  private final List<Path> logFiles = new ArrayList<>();
  private String masterUrl;
  private String webUi;
  private int submissions;

  /** What one {@code deploy/submit} run did. */
  record Submission(int exitCode, String output, Path log) {}

  private StandaloneCluster(Path work) {
    this.work = work;
  }

  /**
   * Starts a Master and one Worker with {@code cores} cores and {@code memory} for executors, and
   * waits until the Worker has registered.
   *
   * @param work a folder for logs, the Worker's work dir and local dirs (emptied first)
   */
  static StandaloneCluster start(Path work, int cores, String memory) {
    StandaloneCluster c = new StandaloneCluster(work);
    try {
      deleteTree(work);
      Files.createDirectories(work);
      Path masterLog = work.resolve("master.log");
      c.daemons.add(
          c.daemon(
              masterLog,
              "org.apache.spark.deploy.master.Master",
              "--host",
              "127.0.0.1",
              "--port",
              "0",
              "--webui-port",
              "0"));
      c.masterUrl = c.awaitLog(masterLog, MASTER_URL);
      c.webUi = c.awaitLog(masterLog, WEB_UI);
      c.daemons.add(
          c.daemon(
              work.resolve("worker.log"),
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
              work.resolve("worker").toString(),
              c.masterUrl));
      c.awaitWorkers(1);
      return c;
    } catch (IOException | RuntimeException | InterruptedException e) {
      String logs = c.logs();
      c.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("the standalone cluster did not start:\n" + logs, e);
    }
  }

  /** The master's URL, {@code spark://127.0.0.1:<port>}. */
  String masterUrl() {
    return masterUrl;
  }

  /**
   * Runs {@code deploy/submit --target standalone --master <this master> <args>} with this
   * cluster's SPARK_HOME and waits for it; a submission still running after {@code timeout} is
   * killed and reported with exit code -1.
   */
  Submission submit(Duration timeout, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(checkout().resolve("deploy/submit").toString());
    command.addAll(List.of("--target", "standalone", "--master", masterUrl));
    command.addAll(args);
    Path log = work.resolve("driver-" + (++submissions) + ".log");
    logFiles.add(log);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    environment(pb.environment());
    try {
      Process p = pb.start();
      int exit;
      if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        exit = p.exitValue();
      } else {
        destroyTree(p);
        exit = -1;
      }
      return new Submission(exit, Files.readString(log, StandardCharsets.UTF_8), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + command, e);
    }
  }

  /**
   * The last lines of every log: Master, Worker, each driver and each executor's stdout and stderr
   * (under the Worker's work dir), for the message of a failed assertion.
   */
  String logs() {
    List<Path> all = new ArrayList<>(logFiles);
    Path executors = work.resolve("worker");
    if (Files.isDirectory(executors)) {
      try (Stream<Path> s = Files.walk(executors)) {
        s.filter(p -> p.getFileName().toString().matches("stdout|stderr"))
            .sorted()
            .forEach(all::add);
      } catch (IOException e) {
        // the logs gathered so far are still worth showing
      }
    }
    StringBuilder sb = new StringBuilder();
    for (Path p : all) {
      sb.append("\n===== ").append(work.relativize(p)).append(" (last 150 lines) =====\n");
      try {
        List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
        lines
            .subList(Math.max(0, lines.size() - 150), lines.size())
            .forEach(l -> sb.append(l).append('\n'));
      } catch (IOException e) {
        sb.append("(unreadable: ").append(e.getMessage()).append(")\n");
      }
    }
    return sb.toString();
  }

  /** The executor JVMs the Worker runs now: its {@code CoarseGrainedExecutorBackend} children. */
  List<ProcessHandle> executors() {
    if (daemons.size() < 2) {
      return List.of();
    }
    return daemons
        .get(1)
        .descendants()
        .filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
        .toList();
  }

  /** Stops the Worker (which stops its executors) and the Master, with their process trees. */
  @Override
  public void close() {
    for (int i = daemons.size() - 1; i >= 0; i--) {
      destroyTree(daemons.get(i));
    }
    daemons.clear();
  }

  /** The SPARK_HOME integration-tests' pom assembles, checked to hold Spark and nothing of ours. */
  static Path sparkHome() {
    Path home = Path.of(System.getProperty("scalinglab.it.spark-home", "target/spark-home"));
    Path jars = home.resolve("jars");
    try (Stream<Path> s = Files.list(jars)) {
      List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
      if (names.stream().noneMatch(n -> n.startsWith("spark-core_"))) {
        throw new IllegalStateException(jars + " holds no spark-core jar");
      }
      for (String n : names) {
        if (n.startsWith("scalinglab-") || n.startsWith("nd4j-")) {
          throw new IllegalStateException(
              jars + " holds " + n + ": the jobs' dependencies must come from their shaded jars");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          jars + " is missing: run the integration tests through Maven (pre-integration-test)", e);
    }
    return home.toAbsolutePath();
  }

  /**
   * The arguments of {@link #submit} that run {@code job} ({@code trainer}, {@code id}, {@code
   * analysis}) from its jar with {@code config}, 1g heaps and 1g of native memory, against a
   * one-DataNode {@code MiniHdfs}: {@code jobArgs} follow the job's name; one replica, and no 400
   * ms back-off on each file's close. Arguments added after these go to spark-submit, and win.
   */
  static List<String> jobArgs(String job, Path config, List<String> jobArgs) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--jar",
            jobJar(job + "-job").toString(),
            "--driver-memory",
            "1g",
            "--executor-memory",
            "1g",
            "--native-memory",
            "1g",
            job));
    args.addAll(jobArgs);
    args.addAll(
        List.of(
            "--config",
            config.toString(),
            "--",
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.hadoop.dfs.replication=1",
            "--conf",
            "spark.hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms=10"));
    return args;
  }

  /**
   * A job's shaded spark-submit jar ({@code trainer-job}, {@code id-job}, {@code analysis-job}).
   */
  static Path jobJar(String module) {
    Path dir = Path.of(System.getProperty("scalinglab.it.job-jars", "target/job-jars"));
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(
              p -> p.getFileName().toString().matches("scalinglab-" + module + "-.*-spark\\.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no " + module + " spark jar in " + dir))
          .toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(dir + " is missing: build with mvn verify", e);
    }
  }

  /** The project checkout (integration-tests' parent folder). */
  static Path checkout() {
    return Path.of("").toAbsolutePath().getParent();
  }

  /** The JVM options of every Spark JVM: bin/jvm-options, as the launcher and deploy/submit use. */
  static List<String> jvmOptions() {
    try {
      return Files.readAllLines(checkout().resolve("bin/jvm-options")).stream()
          .map(String::trim)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void environment(Map<String, String> env) {
    env.put("SPARK_HOME", sparkHome().toString());
    // The launcher library needs it to find jars/ in a SPARK_HOME that is not a build of Spark.
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_LOCAL_DIRS", work.resolve("local").toString());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("OMP_NUM_THREADS", "1");
  }

  private Process daemon(Path log, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(sparkHome().resolve("jars") + "/*");
    command.add(mainClass);
    command.addAll(List.of(args));
    logFiles.add(log);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    environment(pb.environment());
    return pb.start();
  }

  private String awaitLog(Path log, Pattern pattern) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        Matcher m = pattern.matcher(Files.readString(log, StandardCharsets.UTF_8));
        if (m.find()) {
          return m.group(1);
        }
      }
      for (Process p : daemons) {
        if (!p.isAlive()) {
          throw new IllegalStateException("a Spark daemon exited with " + p.exitValue());
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("no '" + pattern + "' in " + log + " after " + START_TIMEOUT);
  }

  /** Polls the Master's JSON status page until {@code count} workers are alive. */
  private void awaitWorkers(int count) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    ObjectMapper json = new ObjectMapper();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(webUi + "/json/")).build(),
                HttpResponse.BodyHandlers.ofString());
        last = r.body();
        JsonNode status = json.readTree(last);
        if (status.path("aliveworkers").asInt() >= count) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      for (Process p : daemons) {
        if (!p.isAlive()) {
          throw new IllegalStateException("a Spark daemon exited with " + p.exitValue());
        }
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        count + " worker(s) did not register within " + START_TIMEOUT + "; master says " + last);
  }

  private static void destroyTree(Process p) {
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

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
