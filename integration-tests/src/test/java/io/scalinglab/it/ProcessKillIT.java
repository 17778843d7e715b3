package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.core.testing.MiniHdfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Processes killed by their id on a standalone cluster of separate JVMs ({@link
 * StandaloneCluster}): an executor JVM while it trains (Spark retries the runs on a new executor
 * and they resume from their checkpoints), and the sweep's driver JVM (a relaunch, as the
 * Kubernetes operator makes one, takes over the dead driver's lock at once and trains only the runs
 * that had not finished).
 */
class ProcessKillIT {
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
            "process-kill",
            (fs, corpus) ->
                """
        store.root = "%s/store"
        dataset {
          name = "tinystories-sample"
          source.paths = ["%s"]
          tokenizer = "byte"
          val-fraction = 0.05
          subsets.fractions = [0.25, 0.5, 1.0]
        }
        model { n-layer = 1, n-head = 2, n-embd = 16, block-size = 32 }
        train {
          batch-size = 4
          max-steps = 30
          decay-steps = 30
          warmup-steps = 2
          eval-interval = 10
          eval-batches = 2
          checkpoint-interval = 10
          log-interval = 10
          activations { documents = 4, per-document = 4 }
        }
        sweep {
          progress-interval = 2
          # the shipped settings scaled down 10x: a relaunched driver (another application) takes
          # the lock over once it has missed two heartbeats (4 s); the stale limit never comes
          lock-heartbeat = 2
          lock-stale-after = 600
        }
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

  static StandaloneCluster.Submission submit(Duration timeout, String... jobArgs) {
    List<String> args = StandaloneCluster.jobArgs("trainer", config, List.of(jobArgs));
    return cluster.submit(timeout, args);
  }

  static StandaloneCluster.Submission sweep(String name, String subsets) {
    return submit(
        Duration.ofMinutes(5),
        "sweep",
        "--set",
        "train.sweep=" + name,
        "--set",
        "sweep.subsets=" + subsets);
  }

  @Test
  void aKilledExecutorsRunsResumeAndTheResultsEqualAnUndisturbedSweep() throws Exception {
    StandaloneCluster.Submission clean = sweep("undisturbed", "[f0.5, f1]");
    assertEquals(0, clean.exitCode(), () -> "undisturbed sweep:" + cluster.logs());

    AtomicReference<ProcessHandle> killed = new AtomicReference<>();
    Thread killer =
        whenPresent(
            () -> anyPathContains(store.sweepDir("executor-kill"), "/checkpoints/step-0000010"),
            () -> {
              List<ProcessHandle> executors = cluster.executors();
              if (!executors.isEmpty()) {
                killed.set(executors.get(0));
                executors.get(0).destroyForcibly();
              }
            });
    StandaloneCluster.Submission s = sweep("executor-kill", "[f0.5, f1]");
    killer.interrupt();
    killer.join();
    assertEquals(0, s.exitCode(), () -> "sweep with a killed executor:" + cluster.logs());
    assertTrue(killed.get() != null, "an executor JVM was killed while the runs trained");
    assertFalse(killed.get().isAlive(), "executor " + killed.get().pid() + " is gone");

    List<Map<String, String>> a = rows("undisturbed");
    List<Map<String, String>> b = rows("executor-kill");
    assertEquals(2, b.size());
    assertEquals(2, new HashSet<>(b.stream().map(r -> r.get("run_id")).toList()).size());
    int resumed = 0;
    for (int i = 0; i < a.size(); i++) {
      Map<String, String> x = a.get(i);
      Map<String, String> y = b.get(i);
      assertEquals(x.get("run_id"), y.get("run_id"));
      assertEquals("done", y.get("status"), y.toString());
      // Same config, same numbers: a resumed run follows the uninterrupted trajectory bit for
      // bit (same batches, optimizer state and numerics), as SweepIT's retried run does.
      for (String column : List.of("val_loss_final", "val_loss_best", "val_loss_mean5")) {
        assertEquals(x.get(column), y.get(column), column);
      }
      org.apache.hadoop.fs.Path runDir = new org.apache.hadoop.fs.Path(y.get("run_dir"));
      String metrics = store.readString(new org.apache.hadoop.fs.Path(runDir, "metrics.csv"));
      assertEquals(31, metrics.lines().count(), "one row per step, none twice");
      if (store
              .readJson(new org.apache.hadoop.fs.Path(runDir, "progress.json"))
              .path("attempt")
              .asInt()
          > 0) {
        resumed++;
      }
    }
    assertTrue(resumed >= 1, "a run was retried after the executor died");
    assertTrue(
        executorLogsContain("from its checkpoint at step 10"),
        "a retried run resumed from its step-10 checkpoint:" + cluster.logs());
    assertTrue(s.output().contains("2/2 runs done"), s.output());
    assertTrue(
        store.temporaryLeftovers(store.sweepDir("executor-kill")).isEmpty(), "no temporary files");
  }

  /**
   * The operator's relaunch replayed with real timing, scaled down 10x from the shipped settings
   * (heartbeat 20 s, retry interval 60 s): the driver is killed mid-sweep, relaunched 6 s later
   * (past two heartbeats of 2 s, as 60 s is past two of 20 s), and the relaunch takes the lock over
   * at once, though the stale limit (600 s) is far off; the sweep finishes with no run trained
   * twice: finished runs keep their result files, and every run logs each step once.
   */
  @Test
  void aRelaunchedDriverTakesTheSweepOverAtOnceAndTrainsNoRunTwice() throws Exception {
    org.apache.hadoop.fs.Path dir = store.sweepDir("driver-kill");
    AtomicReference<ProcessHandle> killed = new AtomicReference<>();
    AtomicLong killedAt = new AtomicLong();
    Thread killer =
        whenPresent(
            () -> anyPathContains(dir, "/result.json"),
            () ->
                ProcessHandle.current()
                    .descendants()
                    .filter(
                        h -> {
                          String cmd = h.info().commandLine().orElse("");
                          return cmd.contains("SparkSubmit") && cmd.contains("driver-kill");
                        })
                    .findFirst()
                    .ifPresent(
                        h -> {
                          killed.set(h);
                          killedAt.set(System.nanoTime());
                          h.destroyForcibly();
                        }));
    StandaloneCluster.Submission first = sweep("driver-kill", "[f0.25, f0.5, f1]");
    killer.interrupt();
    killer.join();
    assertTrue(killed.get() != null, "the driver JVM was killed mid-sweep");
    assertNotEquals(0, first.exitCode(), "the killed driver's submission failed");
    assertTrue(store.exists(new org.apache.hadoop.fs.Path(dir, "sweep.lock")), "its lock is left");

    // The operator's retry interval, scaled: relaunch 6 s after the kill. The dead driver's
    // executors may still finish the run they were training meanwhile, so the runs that count as
    // finished are read just before the relaunch.
    Thread.sleep(Math.max(0, 6000 - (System.nanoTime() - killedAt.get()) / 1_000_000));
    Map<String, Long> finished = new HashMap<>();
    for (FileStatus run : store.fs().listStatus(new org.apache.hadoop.fs.Path(dir, "runs"))) {
      org.apache.hadoop.fs.Path result =
          new org.apache.hadoop.fs.Path(run.getPath(), "result.json");
      if (store.exists(result)) {
        finished.put(
            run.getPath().getName(), store.fs().getFileStatus(result).getModificationTime());
      }
    }
    assertTrue(finished.size() >= 1 && finished.size() < 3, finished.toString());
    double relaunchAfter = (System.nanoTime() - killedAt.get()) / 1e9;
    assertTrue(relaunchAfter < 60, "relaunched " + relaunchAfter + " s after the kill");
    StandaloneCluster.Submission second = sweep("driver-kill", "[f0.25, f0.5, f1]");
    assertEquals(0, second.exitCode(), () -> "relaunched sweep:" + cluster.logs());
    assertTrue(second.output().contains("taking over the lock"), second.output());
    assertTrue(second.output().contains("at once"), second.output());
    assertTrue(
        second
            .output()
            .contains(
                finished.size() + " finished earlier, " + (3 - finished.size()) + " to train"),
        second.output());
    List<Map<String, String>> rows = rows("driver-kill");
    assertEquals(3, rows.size());
    assertEquals(3, new HashSet<>(rows.stream().map(r -> r.get("run_id")).toList()).size());
    assertTrue(rows.stream().allMatch(r -> r.get("status").equals("done")), rows.toString());
    for (Map.Entry<String, Long> e : finished.entrySet()) {
      org.apache.hadoop.fs.Path result =
          new org.apache.hadoop.fs.Path(
              new org.apache.hadoop.fs.Path(dir, "runs/" + e.getKey()), "result.json");
      assertEquals(
          e.getValue(),
          store.fs().getFileStatus(result).getModificationTime(),
          e.getKey() + " was not trained again");
    }
    for (Map<String, String> r : rows) {
      String metrics =
          store.readString(
              new org.apache.hadoop.fs.Path(
                  new org.apache.hadoop.fs.Path(r.get("run_dir")), "metrics.csv"));
      assertEquals(31, metrics.lines().count(), r.get("run_id") + ": one row per step, none twice");
    }
    assertTrue(store.temporaryLeftovers(dir).isEmpty(), "no temporary files");
    assertFalse(store.exists(new org.apache.hadoop.fs.Path(dir, "sweep.lock")), "lock released");
  }

  static List<Map<String, String>> rows(String sweep) {
    List<String> lines =
        store
            .readString(new org.apache.hadoop.fs.Path(store.sweepDir(sweep), "results.csv"))
            .lines()
            .toList();
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
    rows.sort(java.util.Comparator.comparing(r -> r.get("run_id")));
    return rows;
  }

  /** Whether an executor's stdout or stderr under the Worker's work folder holds {@code text}. */
  static boolean executorLogsContain(String text) throws IOException {
    Path worker = work().resolve("worker");
    try (java.util.stream.Stream<Path> files = Files.walk(worker)) {
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

  static Path work() {
    return HdfsStandalone.work("process-kill");
  }

  static boolean anyPathContains(org.apache.hadoop.fs.Path dir, String part) {
    try {
      FileSystem fs = store.fs();
      if (!fs.exists(dir)) {
        return false;
      }
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
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

  /** A daemon thread that runs {@code action} once {@code condition} holds, polling every 20 ms. */
  static Thread whenPresent(Supplier<Boolean> condition, Runnable action) {
    Thread t =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                if (condition.get()) {
                  action.run();
                  return;
                }
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "process-killer");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
