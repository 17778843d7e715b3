package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.core.testing.MiniHdfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train.data-parallel} on a standalone cluster of separate JVMs ({@link StandaloneCluster},
 * one Worker of 2 cores): one run trained by 2 barrier tasks on two one-core executors ends on the
 * numbers the same run ends on with {@code train.threads = 2} in one two-core executor, bit for bit
 * (the members sum in the threads' order); with one executor killed mid-run, Spark retries the
 * whole barrier stage, both members resume from the last checkpoint and the run still ends on those
 * numbers; and a run that needs more task slots than the cluster has fails saying so.
 */
class DataParallelIT {
  @TempDir static Path tmp;
  static HdfsStandalone fixture;
  static MiniHdfs hdfs;
  static StandaloneCluster cluster;
  static Path config;
  static ResultsStore store;

  @BeforeAll
  static void start() throws IOException {
    fixture =
        HdfsStandalone.start(
            tmp,
            "data-parallel",
            (fs, corpus) ->
                """
        store.root = "%s/store"
        dataset {
          name = "tinystories-sample"
          source.paths = ["%s"]
          tokenizer = "byte"
          val-fraction = 0.05
        }
        model { n-layer = 1, n-head = 2, n-embd = 16, block-size = 32, dropout = 0.1 }
        train {
          batch-size = 5
          max-steps = 30
          decay-steps = 30
          warmup-steps = 2
          eval-interval = 10
          eval-batches = 2
          checkpoint-interval = 10
          log-interval = 10
          activations { documents = 4, per-document = 4 }
        }
        sweep { progress-interval = 2 }
        """
                    .formatted(fs, corpus));
    hdfs = fixture.hdfs;
    cluster = fixture.cluster;
    config = fixture.config;
    store = fixture.store;
    fixture.prepare();
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  /**
   * A sweep of the one run into {@code name}, with {@code W} = {@code tasks} tasks of {@code cores}
   * cores each ({@code spark.task.cpus}, so {@code train.threads}).
   */
  static StandaloneCluster.Submission sweep(String name, int tasks, int cores, String... conf) {
    List<String> args = new ArrayList<>();
    args.addAll(
        StandaloneCluster.jobArgs(
            "trainer",
            config,
            List.of(
                "sweep", "--set", "train.sweep=" + name, "--set", "train.data-parallel=" + tasks)));
    args.addAll(
        List.of(
            "--conf", "spark.executor.cores=" + cores,
            "--conf", "spark.task.cpus=" + cores,
            "--conf", "spark.cores.max=2"));
    for (String c : conf) {
      args.addAll(List.of("--conf", c));
    }
    return cluster.submit(Duration.ofMinutes(5), args);
  }

  @Test
  void twoTasksEqualTwoThreadsBitForBitAndAKilledExecutorsRunResumesOnTheSameNumbers()
      throws Exception {
    StandaloneCluster.Submission threads = sweep("threads", 1, 2);
    assertEquals(0, threads.exitCode(), () -> "train.threads = 2:" + cluster.logs());
    StandaloneCluster.Submission tasks = sweep("tasks", 2, 1);
    assertEquals(0, tasks.exitCode(), () -> "train.data-parallel = 2:" + cluster.logs());
    assertTrue(tasks.output().contains("trains on 2 tasks"), tasks.output());

    AtomicReference<ProcessHandle> killed = new AtomicReference<>();
    Thread killer =
        ProcessKillIT.whenPresent(
            () -> anyPathContains(store.sweepDir("killed"), "/checkpoints/step-0000010"),
            () -> {
              List<ProcessHandle> executors = cluster.executors();
              if (executors.size() == 2) { // both members run: kill one of them
                killed.set(executors.get(1));
                executors.get(1).destroyForcibly();
              }
            });
    StandaloneCluster.Submission k = sweep("killed", 2, 1);
    killer.interrupt();
    killer.join();
    assertEquals(
        0, k.exitCode(), () -> "train.data-parallel = 2, one executor killed:" + cluster.logs());
    assertTrue(killed.get() != null, "an executor JVM was killed while the run trained");
    assertFalse(killed.get().isAlive(), "executor " + killed.get().pid() + " is gone");
    assertTrue(
        executorLogsContain("from its checkpoint at step 10")
            || executorLogsContain("from its checkpoint at step 20"),
        "the retried stage resumed from a checkpoint:" + cluster.logs());

    Map<String, String> a = row("threads");
    for (String sweep : List.of("tasks", "killed")) {
      Map<String, String> b = row(sweep);
      assertEquals(a.get("run_id"), b.get("run_id"), "W is not part of the run id");
      assertEquals("done", b.get("status"), b.toString());
      for (String column : List.of("val_loss_final", "val_loss_best", "val_loss_mean5")) {
        assertEquals(a.get(column), b.get(column), sweep + ": " + column);
      }
      assertEquals(losses(a), losses(b), sweep + ": train_loss and val_loss of every step");
      JsonNode result = result(b);
      assertEquals(2, result.path("numerics").path("train.data-parallel").asInt());
      assertEquals(1, result.path("numerics").path("train.threads").asInt());
      assertEquals(
          "shared-memory",
          result.path("data_parallel").path("transport").asText(),
          sweep + ": two executors on one host sum through shared memory");
    }
    assertEquals(2, result(a).path("numerics").path("train.threads").asInt());
    assertTrue(store.temporaryLeftovers(store.sweepDir("killed")).isEmpty(), "no temporary files");
  }

  @Test
  void aRunThatNeedsMoreTaskSlotsThanTheClusterHasFailsSayingSo() {
    StandaloneCluster.Submission s =
        sweep(
            "too-wide",
            3,
            1,
            "spark.scheduler.maxRegisteredResourcesWaitingTime=5s",
            "spark.scheduler.barrier.maxConcurrentTasksCheck.interval=1s",
            "spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures=20");
    assertNotEquals(0, s.exitCode(), s.output());
    assertTrue(s.output().contains("trains on 3 tasks at once"), s.output());
    assertTrue(s.output().contains("needs 3 task slots at once"), s.output());
    assertTrue(s.output().contains("but the cluster has 2"), s.output());
  }

  /** The one row of {@code sweep}'s results.csv. */
  static Map<String, String> row(String sweep) {
    List<String> lines =
        store
            .readString(new org.apache.hadoop.fs.Path(store.sweepDir(sweep), "results.csv"))
            .lines()
            .toList();
    assertEquals(2, lines.size(), lines.toString());
    List<String> header = SweepIT.cells(lines.get(0));
    List<String> cells = SweepIT.cells(lines.get(1));
    Map<String, String> row = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      row.put(header.get(i), cells.get(i));
    }
    return row;
  }

  /** step, train_loss and val_loss of every row of the run's metrics.csv, as written. */
  static List<String> losses(Map<String, String> row) {
    String csv =
        store.readString(
            new org.apache.hadoop.fs.Path(
                new org.apache.hadoop.fs.Path(row.get("run_dir")), "metrics.csv"));
    List<String> out = new ArrayList<>();
    csv.lines()
        .forEach(
            l -> {
              String[] c = l.split(",", -1);
              out.add(c[0] + "," + c[2] + "," + c[3]);
            });
    assertEquals(31, out.size(), "one row per step, none twice");
    return out;
  }

  static JsonNode result(Map<String, String> row) {
    return store.readJson(
        new org.apache.hadoop.fs.Path(
            new org.apache.hadoop.fs.Path(row.get("run_dir")), "result.json"));
  }

  static boolean executorLogsContain(String text) throws IOException {
    try (java.util.stream.Stream<Path> files = Files.walk(work().resolve("worker"))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if ((name.equals("stderr") || name.equals("stdout"))
            && Files.readString(p, java.nio.charset.StandardCharsets.UTF_8).contains(text)) {
          return true;
        }
      }
    }
    return false;
  }

  static boolean anyPathContains(org.apache.hadoop.fs.Path dir, String part) {
    try {
      if (!store.fs().exists(dir)) {
        return false;
      }
      RemoteIterator<LocatedFileStatus> it = store.fs().listFiles(dir, true);
      while (it.hasNext()) {
        if (it.next().getPath().toString().contains(part)) {
          return true;
        }
      }
    } catch (IOException | RuntimeException listingRacedAWriter) {
      // a folder was renamed while it was listed: look again
    }
    return false;
  }

  static Path work() {
    return HdfsStandalone.work("data-parallel");
  }
}
