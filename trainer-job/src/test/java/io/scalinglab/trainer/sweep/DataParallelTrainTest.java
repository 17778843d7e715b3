package io.scalinglab.trainer.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SparkSettings;
import io.scalinglab.core.error.ScalinglabException;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.train.RunResult;
import io.scalinglab.trainer.train.RunSpec;
import io.scalinglab.trainer.train.TinyDataset;
import io.scalinglab.trainer.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train.data-parallel} on local Spark, whose barrier stages run as threads of this JVM: a
 * run trained by 2 barrier tasks of one thread ends on the numbers of the same run trained by 2
 * threads in one task, bit for bit, with one set of files; a run that needs more task slots than
 * the cluster has says so.
 */
class DataParallelTrainTest {
  @TempDir static Path tmp;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark =
        SparkSessions.getOrCreate(
            new SparkSettings(
                "local[2]",
                "data-parallel-test",
                "127.0.0.1",
                Map.of(
                    "spark.ui.enabled", "false",
                    "spark.scheduler.maxRegisteredResourcesWaitingTime", "1s",
                    "spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s",
                    "spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "1")));
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void twoBarrierTasksTrainTheRunTwoThreadsTrainBitForBit() throws Exception {
    ScalinglabConfig threads = config("threads", "train.threads=2");
    ResultsStore store = store(threads);
    RunSpec a = RunSpec.resolve(threads, store);
    RunResult two = new Trainer(store, a, line -> {}).run();

    // on one host: shared memory with the optimizer in shards (auto), and over TCP
    for (String transport : List.of("auto", "tcp")) {
      ScalinglabConfig dp =
          config(
              "tasks-" + transport,
              "train.data-parallel=2",
              "train.data-parallel-transport=" + transport);
      RunSpec b = RunSpec.resolve(dp, store);
      assertEquals(a.runId(), b.runId(), "W is how a run computes, not what: the same id");
      List<String> log = new ArrayList<>();
      RunResult tasks = DataParallelTrain.run(spark, dp, store, log::add);

      assertEquals("done", tasks.status());
      assertEquals(column(store, a, 2), column(store, b, 2), transport + ": every train_loss");
      assertEquals(column(store, a, 3), column(store, b, 3), transport + ": every val_loss");
      assertEquals(two.toJson().path("val_loss_final"), tasks.toJson().path("val_loss_final"));
      JsonNode result = store.readJson(new org.apache.hadoop.fs.Path(b.runDir(), "result.json"));
      assertEquals(2, result.path("numerics").path("train.data-parallel").asInt());
      JsonNode parallel = result.path("data_parallel");
      assertEquals(2, parallel.path("tasks").asInt());
      assertEquals(8, parallel.path("gradient_sums").asInt(), "one a step");
      assertEquals(
          transport.equals("auto") ? "shared-memory" : "tcp", parallel.path("transport").asText());
      assertTrue(log.stream().anyMatch(l -> l.contains("trains on 2 tasks")), log.toString());
      assertEquals(
          "done",
          store
              .readJson(new org.apache.hadoop.fs.Path(b.runDir(), "manifest.json"))
              .path("status")
              .asText(),
          "rank 0 wrote the manifest");
    }
  }

  /**
   * With two micro-batches a step the tasks sum through shared memory twice before each sharded
   * optimizer step: the second micro-batch's gradients must not be written while a peer still reads
   * the first's.
   */
  @Test
  void withGradientAccumulationTheTasksStillTrainWhatTwoThreadsTrain() throws Exception {
    ScalinglabConfig threads = config("accum-threads", "train.threads=2", "train.grad-accum=2");
    ResultsStore store = store(threads);
    RunSpec a = RunSpec.resolve(threads, store);
    new Trainer(store, a, line -> {}).run();
    ScalinglabConfig dp = config("accum-tasks", "train.data-parallel=2", "train.grad-accum=2");
    RunSpec b = RunSpec.resolve(dp, store);
    RunResult tasks = DataParallelTrain.run(spark, dp, store, line -> {});
    assertEquals("done", tasks.status());
    assertEquals(column(store, a, 2), column(store, b, 2), "train_loss of every step");
    assertEquals(column(store, a, 3), column(store, b, 3), "val_loss of every evaluation");
    JsonNode parallel =
        store
            .readJson(new org.apache.hadoop.fs.Path(b.runDir(), "result.json"))
            .path("data_parallel");
    assertEquals("shared-memory", parallel.path("transport").asText());
    assertEquals(16, parallel.path("gradient_sums").asInt(), "one a micro-batch");
  }

  @Test
  void aRunThatNeedsMoreSlotsThanTheClusterHasSaysSo() {
    ScalinglabConfig dp = config("three", "train.data-parallel=3");
    ResultsStore store = store(dp);
    List<String> log = new ArrayList<>();
    ScalinglabException e =
        assertThrows(
            ScalinglabException.class, () -> DataParallelTrain.run(spark, dp, store, log::add));
    assertTrue(e.getMessage().contains("needs 3 task slots at once"), e.getMessage());
    assertTrue(e.getMessage().contains("the cluster has 2"), e.getMessage());
    assertTrue(
        log.stream().anyMatch(l -> l.startsWith("WARNING") && l.contains("waits for executors")),
        log.toString());
    assertFalse(
        store.exists(
            new org.apache.hadoop.fs.Path(RunSpec.resolve(dp, store).runDir(), "result.json")));
  }

  @Test
  void aSweepTrainsItsLargeRunsOnTwoTasksAndItsSmallOnesOnOne() {
    ScalinglabConfig sweep =
        config(
            "mixed",
            "train.data-parallel=2",
            "train.data-parallel-min-params=5000",
            "sweep.models=[{n-embd=8}, {n-embd=16}]");
    ResultsStore store = store(sweep);
    List<String> log = new ArrayList<>();
    SweepResult r = SweepJob.run(spark, sweep, store, log::add);
    assertEquals(2, r.trained(), log.toString());
    assertTrue(r.failures().isEmpty(), r.failures().toString());
    List<Integer> tasks = new ArrayList<>();
    for (SweepPlan.Run run : SweepPlan.expand(sweep, store)) {
      JsonNode result =
          store.readJson(new org.apache.hadoop.fs.Path(run.spec().runDir(), "result.json"));
      tasks.add(result.path("numerics").path("train.data-parallel").asInt());
    }
    assertEquals(List.of(1, 2), tasks, "width 8 (~3k parameters) alone, width 16 (~7k) on two");
  }

  /** Column {@code c} of the run's metrics.csv, every row, as written. */
  private static List<String> column(ResultsStore store, RunSpec spec, int c) {
    List<String> out = new ArrayList<>();
    String csv = store.readString(new org.apache.hadoop.fs.Path(spec.runDir(), "metrics.csv"));
    csv.lines().skip(1).forEach(l -> out.add(l.split(",", -1)[c]));
    assertEquals(8, out.size());
    return out;
  }

  private static ScalinglabConfig config(String sweep, String... more) {
    List<String> settings =
        new ArrayList<>(
            List.of(
                "store.root=\"" + tmp.resolve("store").toUri() + "\"",
                "dataset.name=data-parallel",
                "dataset.tokenizer=byte",
                "model.n-layer=1",
                "model.n-head=2",
                "model.n-embd=16",
                "model.block-size=8",
                "model.dropout=0.1",
                "train.sweep=" + sweep,
                "train.max-steps=8",
                "train.checkpoint-interval=4",
                "train.eval-interval=4",
                "train.warmup-steps=1",
                "train.decay-steps=8",
                "train.batch-size=5",
                "train.eval-batches=2",
                "train.activations.documents=1",
                "train.activations.per-document=4"));
    settings.addAll(List.of(more));
    return ScalinglabConfig.load(List.of(), settings);
  }

  private static ResultsStore store(ScalinglabConfig config) {
    ResultsStore store = ResultsStore.open(config.store().root(), new Configuration());
    int[] tokens = new SplittableRandom(5).ints(600, 0, 255).toArray();
    TinyDataset.write(store, config, tokens, tokens, 256, 255);
    return store;
  }
}
