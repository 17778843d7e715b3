package io.scalinglab.trainer.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.error.ConfigException;
import io.scalinglab.core.format.Npy;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.train.RegressionTrainer;
import io.scalinglab.trainer.train.RunResult;
import io.scalinglab.trainer.train.Trainer;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One testbed run into a local store: the files the id job and the analysis read, and resuming. */
class TestbedRunTest {
  @TempDir java.nio.file.Path temp;
  private ResultsStore store;

  static final List<String> TINY =
      List.of(
          "testbed.enabled=true",
          "testbed.dims=[2]",
          "testbed.samples=[256]",
          "testbed.val-samples=256",
          "testbed.ambient=16",
          "testbed.target.bumps=8",
          "model.n-layer=1",
          "model.n-head=2",
          "model.n-embd=16",
          "train.sweep=tb",
          "train.batch-size=64",
          "train.max-steps=60",
          "train.decay-steps=60",
          "train.warmup-steps=5",
          "train.lr=3e-3",
          "train.min-lr=3e-4",
          "train.weight-decay=0",
          "train.eval-interval=10",
          "train.checkpoint-interval=30",
          "train.log-interval=100");

  @BeforeEach
  void open() {
    store = ResultsStore.open(temp.resolve("store").toUri().toString(), new Configuration());
  }

  private TestbedSpec spec(String... more) {
    List<String> all = new ArrayList<>(TINY);
    all.addAll(List.of(more));
    ScalinglabConfig c = ScalinglabConfig.load(List.of(), all);
    return TestbedSpec.resolve(c, store);
  }

  private RunResult train(TestbedSpec spec, Trainer.Listener listener) {
    TestbedProblem problem = TestbedProblem.of(spec.testbed(), spec.d());
    return new RegressionTrainer(store, spec.toRun(problem), line -> {}, listener).run();
  }

  @Test
  void aRunWritesWhatTheIdJobAndTheAnalysisRead() throws Exception {
    TestbedSpec spec = spec();
    assertTrue(spec.runId().startsWith("sphere-d2-1l16w-"), spec.runId());
    RunResult r = train(spec, new Trainer.Listener() {});
    assertEquals("done", r.status());
    assertEquals(60, r.steps());
    assertEquals(256, r.subsetTokens(), "train_tokens holds the training samples n");
    assertEquals(60 * 64, r.tokensSeen(), "samples seen");
    // the validation MSE against the noiseless target falls from about its variance, 1
    double first = r.curve().get(0)[1];
    assertTrue(r.valLossMean5() < first, r.summary());

    Path dir = spec.runDir();
    JsonNode result = store.readJson(new Path(dir, "result.json"));
    assertEquals("sphere-d2", result.path("dataset").asText());
    assertEquals(2, result.path("data").path("intrinsic_dim").asInt());
    assertTrue(result.path("val_loss_mean5").isNumber());
    assertTrue(result.path("provenance").isObject());
    JsonNode manifest = store.readJson(new Path(dir, "manifest.json"));
    assertEquals("done", manifest.path("status").asText());
    assertEquals(spec.model().totalParams(), manifest.path("parameters").asLong());
    String csv = store.readString(new Path(dir, "metrics.csv"));
    assertEquals(61, csv.lines().count(), "header and one row per step");

    Path act = new Path(dir, "activations");
    try (InputStream in = store.fs().open(new Path(act, "h_pooled.npy"))) {
      Npy.NpyArray a = Npy.read(in, "h_pooled.npy");
      assertEquals(256, a.rows());
      assertEquals(16, a.cols());
    }
    try (InputStream in = store.fs().open(new Path(act, "input.npy"))) {
      Npy.NpyArray a = Npy.read(in, "input.npy");
      assertEquals(256, a.rows());
      assertEquals(16, a.cols());
    }
    assertEquals(1, store.readJson(new Path(act, "h_pooled.json")).path("layer").asInt());
    assertEquals("input", store.readJson(new Path(act, "input.json")).path("layer").asText());
  }

  @Test
  void aStoppedRunResumesToTheSameResult() {
    TestbedSpec spec = spec();
    RunResult straight = train(spec, new Trainer.Listener() {});
    TestbedSpec other = spec("train.sweep=tb2");
    assertThrows(
        IllegalStateException.class,
        () ->
            train(
                other,
                new Trainer.Listener() {
                  @Override
                  public void step(Trainer.StepStats s) {
                    if (s.step() == 30) {
                      throw new IllegalStateException("stopped at the checkpoint of step 30");
                    }
                  }
                }));
    RunResult resumed = train(other, new Trainer.Listener() {});
    // same batches (a function of seed and step) and the optimizer state from the checkpoint:
    // the same trajectory bit for bit (the moments are saved as the float32 they are)
    assertEquals(straight.finalValLoss(), resumed.finalValLoss());
    assertEquals(straight.runId(), resumed.runId(), "the sweep name is not part of the id");
    assertEquals("done", train(other, new Trainer.Listener() {}).status(), "finished: returned");
  }

  @Test
  void theIdChangesWithWhatChangesTheResult() {
    String id = spec().runId();
    assertNotEquals(id, spec("testbed.target.beta=0.5").runId());
    assertNotEquals(id, spec("train.seed=2").runId());
    assertNotEquals(id, spec("testbed.samples=[512]").runId());
    assertEquals(id, spec("train.log-interval=7", "testbed.design=grid").runId());
    ConfigException e = assertThrows(ConfigException.class, () -> spec("testbed.dims=[2, 4]"));
    assertTrue(e.getMessage().contains("one dimension"), e.getMessage());
  }
}
