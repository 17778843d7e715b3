package io.scalinglab.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.checkpoint.Checkpoints;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint records how it was computed (numerics, provenance, the resolved config), and a run
 * resumes only with the numerics it was started with: another engine, element-wise ops or thread
 * count is refused with the key, both values and what to do, not finished on other arithmetic.
 */
class NumericsTest {
  @TempDir Path tmp;

  @Test
  void aCheckpointCarriesItsConfigProvenanceAndNumerics() {
    ScalinglabConfig config = config();
    ResultsStore store = store(config);
    RunSpec spec = RunSpec.resolve(config, store);
    new Trainer(store, spec, line -> {}).run();

    JsonNode state =
        store.readJson(
            new org.apache.hadoop.fs.Path(Checkpoints.stepDir(spec.runDir(), 2), "state.json"));
    JsonNode numerics = state.path("numerics");
    assertEquals("kernel", numerics.path("model.engine").asText());
    assertEquals("nd4j", numerics.path("model.kernel-ops").asText());
    assertEquals(1, numerics.path("train.threads").asInt());
    assertEquals(1, numerics.path("train.data-parallel").asInt());
    assertEquals("float32", numerics.path("dtype").asText());
    JsonNode resolved = state.path("provenance").path("resolved_config");
    assertEquals(3, resolved.path("train").path("max-steps").asInt(), state.toString());
    assertEquals("kernel", resolved.path("model").path("engine").asText());
    JsonNode result = store.readJson(new org.apache.hadoop.fs.Path(spec.runDir(), "result.json"));
    assertEquals(numerics, result.path("numerics"), "result.json records the same numerics");
  }

  @Test
  void aResumeWithOtherNumericsIsRefusedNamingTheKey() {
    ScalinglabConfig config = config();
    ResultsStore store = store(config);
    RunSpec spec = RunSpec.resolve(config, store);
    new Trainer(store, spec, line -> {}).run();
    store.deleteQuietly(new org.apache.hadoop.fs.Path(spec.runDir(), "result.json"));

    for (String change :
        List.of(
            "model.engine=samediff",
            "model.kernel-ops=vector",
            "train.threads=2",
            "train.data-parallel=2")) {
      ScalinglabConfig other = config.withOverrides(List.of(change));
      RunSpec otherSpec = RunSpec.resolve(other, store);
      assertEquals(spec.runId(), otherSpec.runId(), change + " keeps the id");
      InputException e =
          assertThrows(
              InputException.class, () -> new Trainer(store, otherSpec, line -> {}).run(), change);
      String key = change.substring(0, change.indexOf('='));
      assertTrue(e.getMessage().contains(key + " = "), e.getMessage());
      assertTrue(e.getMessage().contains("--set " + key + "="), e.getMessage());
      assertTrue(e.getMessage().contains("delete " + spec.runDir()), e.getMessage());
    }

    List<String> log = new ArrayList<>();
    RunResult same = new Trainer(store, spec, log::add).run();
    assertEquals("done", same.status());
    assertTrue(log.stream().anyMatch(l -> l.startsWith("resuming")), log.toString());
  }

  private ScalinglabConfig config() {
    return ScalinglabConfig.load(
        List.of(),
        List.of(
            "store.root=\"" + tmp.resolve("store").toUri() + "\"",
            "dataset.name=numerics",
            "dataset.tokenizer=byte",
            "model.n-layer=1",
            "model.n-head=2",
            "model.n-embd=8",
            "model.block-size=8",
            "model.kernel-ops=nd4j",
            "train.max-steps=3",
            "train.checkpoint-interval=2",
            "train.eval-interval=2",
            "train.warmup-steps=0",
            "train.decay-steps=3",
            "train.batch-size=2",
            "train.eval-batches=1",
            "train.threads=1",
            "train.activations.documents=1",
            "train.activations.per-document=4"));
  }

  private static ResultsStore store(ScalinglabConfig config) {
    ResultsStore store = ResultsStore.open(config.store().root(), new Configuration());
    int[] tokens = new SplittableRandom(5).ints(400, 0, 255).toArray();
    TinyDataset.write(store, config, tokens, tokens, 256, 255);
    return store;
  }
}
