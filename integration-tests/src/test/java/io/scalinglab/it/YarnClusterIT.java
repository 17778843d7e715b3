package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.analysis.AnalysisMain;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.core.testing.MiniHdfs;
import io.scalinglab.id.IdMain;
import io.scalinglab.trainer.TrainerMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs' shaded jars on a real YARN cluster ({@link MiniYarn}: ResourceManager and NodeManager
 * in this JVM, every container its own process) over a MiniDFSCluster, submitted the ways a user
 * submits them: {@code bin/scalinglab prepare --master yarn}, {@code deploy/submit --target yarn}
 * in cluster mode for the sweep and the analysis and in client mode for the id job. The store is
 * {@code hdfs:///yarn}, resolved through HADOOP_CONF_DIR's {@code fs.defaultFS} in every driver and
 * executor. The results equal those of the same jobs run in this JVM on local Spark; then an
 * executor container is killed while it trains, and its run resumes from its checkpoint in a new
 * container.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YarnClusterIT {
  @TempDir static Path tmp;
  static MiniHdfs hdfs;
  static MiniYarn yarn;
  static Path config;
  static Path work;
  static ResultsStore store;
  static int submissions;

  @BeforeAll
  static void start() throws IOException {
    work = Path.of(System.getProperty("scalinglab.it.work", "target/standalone")).resolve("yarn");
    deleteTree(work);
    Files.createDirectories(work);
    hdfs = MiniHdfs.start(tmp.resolve("hdfs"), 1);
    ClusterSweep.copyCorpus(hdfs);
    config = tmp.resolve("yarn.conf");
    // Paths without a NameNode: the cluster's HADOOP_CONF_DIR names it, as on a real cluster.
    Files.writeString(
        config,
        ClusterSweep.config("hdfs://", "hdfs:///corpora/train-sample.txt")
            .replace("hdfs:///store", "hdfs:///yarn")
            .replace("n-embd = 32", "n-embd = 16")
            .replace("max-steps = 20", "max-steps = 40")
            .replace("decay-steps = 20", "decay-steps = 40"));
    yarn = MiniYarn.start("YarnClusterIT", hdfs, work.resolve("hadoop-conf"));
    store = ResultsStore.open(hdfs.uri() + "/", hdfs.conf());
  }

  @AfterAll
  static void stop() {
    if (yarn != null) {
      yarn.close();
    }
    if (hdfs != null) {
      hdfs.close();
    }
  }

  @Test
  @Order(1)
  void preparesSweepsEstimatesAndAnalysesOnYarnAsALocalRunDoes() throws IOException {
    long start = System.nanoTime();
    // The README's form: the launcher hands a cluster master to spark-submit.
    List<String> prepare = new ArrayList<>(List.of("bash", checkout("bin/scalinglab")));
    prepare.addAll(List.of("prepare", "--config", config.toString(), "--master", "yarn"));
    for (String c : sparkSettings(false)) {
      prepare.addAll(List.of("--conf", c));
    }
    expectSuccess(run(prepare, Duration.ofMinutes(4), true), "prepare");
    expectSuccess(submit(false, "trainer", "sweep"), "sweep");
    expectSuccess(submit(true, "id", "--sweep", ClusterSweep.NAME, "--k", "10"), "id");
    expectSuccess(submit(false, "analysis", "--sweep", ClusterSweep.NAME), "analysis");
    double yarnSeconds = (System.nanoTime() - start) / 1e9;

    // The same jobs in this JVM on local Spark, reading the same corpus into another root.
    String[] flags = {
      "--config",
      config.toString(),
      "--store",
      "hdfs:///local",
      "--master",
      "local[2]",
      "--conf",
      "spark.hadoop.fs.defaultFS=" + hdfs.uri()
    };
    assertEquals(0, TrainerMain.run(concat(new String[] {"prepare"}, flags)), "local prepare");
    assertEquals(0, TrainerMain.run(concat(new String[] {"sweep"}, flags)), "local sweep");
    assertEquals(
        0, IdMain.run(concat(flags, "--sweep", ClusterSweep.NAME, "--k", "10")), "local id");
    assertEquals(0, AnalysisMain.run(concat(flags, "--sweep", ClusterSweep.NAME)), "local analyze");
    System.out.printf(
        "YarnClusterIT: prepare, sweep, id and analyze on YARN took %.0f s%n", yarnSeconds);

    List<Map<String, String>> onYarn = table("yarn/cluster/results.csv", "run_id");
    List<Map<String, String>> local = table("local/cluster/results.csv", "run_id");
    assertEquals(2, onYarn.size(), onYarn::toString);
    // Measured: the two runs' final validation losses differ by 6.3e-9 and 5.4e-10 (5.19 nats;
    // the first steps' losses and norms equal to the csv's digits, the same numerics), far below
    // one float32 step of a loss (4.8e-7 at 5.19): 1e-6 is two such steps.
    sameRunsAndLosses(local, onYarn, 1e-6);
    for (Map<String, String> row : onYarn) {
      assertTrue(row.get("run_dir").startsWith(hdfs.uri() + "/yarn/"), row.get("run_dir"));
    }

    // The activations agree to float32 rounding, as the losses do, and the estimators carry that
    // through: their logs of distance ratios and sums move by about 1e-6 relative (7e-6 seen for
    // last_doubling_change, a difference of two estimates). 1e-4 relative leaves a tenfold margin.
    List<Map<String, String>> idYarn = table("yarn/cluster/id/estimates.csv", null);
    List<Map<String, String>> idLocal = table("local/cluster/id/estimates.csv", null);
    assertFalse(idYarn.isEmpty(), "ID estimates on YARN");
    assertEquals(idLocal.size(), idYarn.size(), "estimates");
    double worst = 0;
    for (int i = 0; i < idYarn.size(); i++) {
      for (Map.Entry<String, String> cell : idLocal.get(i).entrySet()) {
        if (!cell.getKey().equals("seconds")) {
          String got = idYarn.get(i).get(cell.getKey());
          worst = Math.max(worst, sameValue(cell.getKey(), cell.getValue(), got, 1e-4));
        }
      }
    }
    System.out.printf(
        "YarnClusterIT: %d ID estimates equal a local run's, largest relative difference %.1e%n",
        idYarn.size(), worst);
    assertTrue(store.exists(new org.apache.hadoop.fs.Path("/yarn/cluster/analysis/report.html")));
    List<Map<String, String>> fitsYarn = table("yarn/cluster/analysis/fits.csv", null);
    List<Map<String, String>> fitsLocal = table("local/cluster/analysis/fits.csv", null);
    assertEquals(fitsLocal.size(), fitsYarn.size(), "fits");
  }

  @Test
  @Order(2)
  void aKilledExecutorContainersRunResumesInANewContainer() throws Exception {
    org.apache.hadoop.fs.Path sweep = new org.apache.hadoop.fs.Path("/yarn/yarn-kill");
    AtomicReference<ProcessHandle> killed = new AtomicReference<>();
    AtomicReference<Path> killedLogs = new AtomicReference<>();
    AtomicReference<String> killedRun = new AtomicReference<>();
    AtomicReference<String> seen = new AtomicReference<>("nothing");
    Thread killer =
        ProcessKillIT.whenPresent(
            () -> {
              Optional<String> training = runBetweenCheckpointAndResult(sweep);
              List<ProcessHandle> executors = yarn.executors();
              if (training.isPresent() || !executors.isEmpty()) {
                seen.set("run training " + training + ", executors " + executors);
              }
              if (training.isPresent() && executors.size() == 1) {
                killedRun.set(training.get());
                killed.set(executors.get(0));
                killedLogs.set(MiniYarn.logDir(executors.get(0)).orElseThrow().toAbsolutePath());
                return true;
              }
              return false;
            },
            () -> killed.get().destroyForcibly());
    // One executor, so the retried task can only run in a container YARN starts anew.
    Submission s =
        submit(
            false,
            List.of("trainer", "sweep", "--set", "train.sweep=yarn-kill"),
            List.of("--conf", "spark.executor.instances=1"));
    killer.interrupt();
    killer.join();
    expectSuccess(s, "sweep with a killed container");
    assertNotNull(killed.get(), () -> "no executor container was killed; last seen: " + seen.get());
    assertFalse(killed.get().isAlive(), "container process " + killed.get().pid() + " is gone");

    String resumed = "resuming " + killedRun.get() + " from its checkpoint at step ";
    List<Path> resumedIn =
        yarn.containerLogs().stream()
            .filter(p -> MiniYarn.read(p).contains(resumed))
            .map(p -> p.getParent().toAbsolutePath())
            .toList();
    assertFalse(resumedIn.isEmpty(), () -> "no '" + resumed + "' in any container:" + yarn.logs());
    assertFalse(resumedIn.contains(killedLogs.get()), "the run resumed in another container");

    assertEquals(
        "done",
        store.readJson(new org.apache.hadoop.fs.Path(sweep, "sweep.json")).path("status").asText());
    List<Map<String, String>> rows = table("yarn/yarn-kill/results.csv", "run_id");
    for (Map<String, String> row : rows) {
      assertEquals("done", row.get("status"), row::toString);
    }
    // Same runs as the undisturbed sweep, on the same numerics: the resumed run follows the
    // uninterrupted trajectory bit for bit, as in ProcessKillIT.
    sameRunsAndLosses(table("yarn/cluster/results.csv", "run_id"), rows, 0);
    assertTrue(store.temporaryLeftovers(sweep).isEmpty(), "no temporary files");
  }

  /** The spark-submit settings every submission here adds (after deploy/submit's, so they win). */
  static List<String> sparkSettings(boolean clientMode) {
    String java = System.getProperty("java.home");
    List<String> confs =
        new ArrayList<>(
            List.of(
                // Spark's jars are on the node already: no archive of them uploaded per job.
                "spark.yarn.jars=local:" + StandaloneCluster.sparkHome().resolve("jars") + "/*",
                "spark.executor.cores=1",
                "spark.executor.memory=1g",
                "spark.executor.memoryOverhead=512m",
                "spark.driver.memory=1g",
                "spark.driver.memoryOverhead=512m",
                "spark.yarn.am.memory=512m",
                "spark.yarn.report.interval=250ms",
                "spark.yarn.appMasterEnv.JAVA_HOME=" + java,
                "spark.executorEnv.JAVA_HOME=" + java,
                "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1",
                "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1",
                "spark.ui.enabled=false",
                "spark.hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms=10"));
    if (clientMode) {
      confs.add("spark.driver.host=127.0.0.1");
    }
    return confs;
  }

  /** What one submission did; {@code cluster}: its driver ran in YARN (cluster deploy mode). */
  record Submission(int exitCode, String output, boolean cluster) {}

  /** Runs {@code deploy/submit --target yarn} for {@code job} with the test's config file. */
  static Submission submit(boolean clientMode, String... job) {
    return submit(clientMode, List.of(job), List.of());
  }

  static Submission submit(boolean clientMode, List<String> job, List<String> sparkArgs) {
    List<String> args = StandaloneCluster.jobArgs(job.get(0), config, job.subList(1, job.size()));
    List<String> command = new ArrayList<>(List.of("bash", checkout("deploy/submit")));
    command.addAll(List.of("--target", "yarn"));
    if (clientMode) {
      command.addAll(List.of("--deploy-mode", "client"));
    }
    command.addAll(args);
    for (String c : sparkSettings(clientMode)) {
      command.addAll(List.of("--conf", c));
    }
    command.addAll(sparkArgs);
    return run(command, Duration.ofMinutes(5), !clientMode);
  }

  static Submission run(List<String> command, Duration timeout, boolean cluster) {
    Path log = work.resolve("submit-" + (++submissions) + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", StandaloneCluster.sparkHome().toString());
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("HADOOP_CONF_DIR", yarn.confDir().toString());
    env.put("TMPDIR", tmp.toString());
    env.put("SCALINGLAB_NO_BUILD", "1");
    try {
      Process p = pb.start();
      int exit = -1;
      if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        exit = p.exitValue();
      } else {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
      return new Submission(exit, Files.readString(log, StandardCharsets.UTF_8), cluster);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + command, e);
    }
  }

  static void expectSuccess(Submission s, String what) {
    assertEquals(
        0,
        s.exitCode(),
        () -> what + " failed on YARN:\n" + tail(s.output(), 60) + "\ncontainers:" + yarn.logs());
    if (s.cluster()) {
      // spark-submit's YARN client reports the application's end in cluster mode.
      assertTrue(s.output().contains("final status: SUCCEEDED"), () -> tail(s.output(), 60));
    }
  }

  /**
   * Both tables list the same runs with the same validation losses, within {@code tolerance}: 0
   * where the numerics are the same (a resumed run), float32 rounding between a YARN container and
   * this JVM.
   */
  static void sameRunsAndLosses(
      List<Map<String, String>> want, List<Map<String, String>> got, double tolerance) {
    assertEquals(
        want.stream().map(r -> r.get("run_id")).toList(),
        got.stream().map(r -> r.get("run_id")).toList(),
        "run ids");
    for (int i = 0; i < want.size(); i++) {
      assertEquals("done", got.get(i).get("status"), got.get(i)::toString);
      for (String column : List.of("val_loss_final", "val_loss_best", "val_loss_mean5")) {
        assertEquals(
            Double.parseDouble(want.get(i).get(column)),
            Double.parseDouble(got.get(i).get(column)),
            tolerance,
            column + " of " + got.get(i).get("run_id"));
      }
    }
  }

  /**
   * Numbers equal within {@code rtol} relative (to at least 1), anything else equal as text;
   * returns the relative difference of numbers, else 0.
   */
  static double sameValue(String column, String want, String got, double rtol) {
    double a;
    double b;
    try {
      a = Double.parseDouble(want);
      b = Double.parseDouble(got);
    } catch (NumberFormatException | NullPointerException notANumber) {
      assertEquals(want, got, column);
      return 0;
    }
    if (Double.isNaN(a)) {
      assertTrue(Double.isNaN(b), column + ": " + got);
      return 0;
    }
    double scale = Math.max(1, Math.abs(a));
    assertEquals(a, b, rtol * scale, column);
    return Math.abs(a - b) / scale;
  }

  /** A CSV table in the store as rows of column → cell, sorted by {@code key} if given. */
  static List<Map<String, String>> table(String path, String key) {
    List<String> lines =
        store.readString(new org.apache.hadoop.fs.Path("/" + path)).lines().toList();
    List<String> header = SweepIT.cells(lines.get(0));
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      List<String> cells = SweepIT.cells(line);
      Map<String, String> row = new HashMap<>();
      for (int i = 0; i < header.size(); i++) {
        row.put(header.get(i), cells.get(i));
      }
      rows.add(row);
    }
    if (key != null) {
      rows.sort(Comparator.comparing(r -> r.get(key)));
    }
    return rows;
  }

  /** A run of {@code sweep} with a checkpoint and no result yet: one that is training now. */
  static Optional<String> runBetweenCheckpointAndResult(org.apache.hadoop.fs.Path sweep) {
    try {
      org.apache.hadoop.fs.Path runs = new org.apache.hadoop.fs.Path(sweep, "runs");
      if (!store.fs().exists(runs)) {
        return Optional.empty();
      }
      RemoteIterator<LocatedFileStatus> it = store.fs().listFiles(runs, true);
      List<String> checkpointed = new ArrayList<>();
      List<String> finished = new ArrayList<>();
      while (it.hasNext()) {
        org.apache.hadoop.fs.Path p = it.next().getPath();
        String s = p.toString();
        String run = s.substring(s.indexOf("/runs/") + 6).split("/")[0];
        if (s.contains("/checkpoints/step-")) {
          checkpointed.add(run);
        } else if (p.getName().equals("result.json")) {
          finished.add(run);
        }
      }
      checkpointed.removeAll(finished);
      return checkpointed.stream().findFirst();
    } catch (IOException | RuntimeException listingRacedAWriter) {
      return Optional.empty();
    }
  }

  static String checkout(String path) {
    return StandaloneCluster.checkout().resolve(path).toString();
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
