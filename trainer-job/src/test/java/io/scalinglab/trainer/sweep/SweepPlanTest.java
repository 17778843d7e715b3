package io.scalinglab.trainer.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.error.ConfigException;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.prepare.PrepareJob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expanding a sweep config into runs, and what the driver shows of them. */
class SweepPlanTest {
  @TempDir Path tmp;
  ResultsStore store;

  @BeforeEach
  void preparedDataset() {
    store = ResultsStore.open(tmp.toUri().toString(), new Configuration());
    ScalinglabConfig c = config();
    ObjectNode manifest = new ObjectMapper().createObjectNode();
    manifest.put("vocab_size", 257);
    var subsets = manifest.putArray("subsets");
    subsets.addObject().put("name", "f0.1").put("tokens", 10_000);
    subsets.addObject().put("name", "f1").put("tokens", 100_000);
    store.writeJson(
        new org.apache.hadoop.fs.Path(
            store.dataDir(PrepareJob.datasetId(c), "byte"), "manifest.json"),
        manifest);
  }

  ScalinglabConfig config(String... more) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "store.root=\"" + tmp.toUri() + "\"",
                "dataset.name=plan",
                "dataset.tokenizer=byte",
                "model.block-size=32",
                "model.n-head=2",
                "train.sweep=plan",
                "train.max-steps=100",
                "train.batch-size=4"));
    all.addAll(Arrays.asList(more));
    return ScalinglabConfig.load(List.of(), all);
  }

  @Test
  void everyCombinationIsOneRunWithItsOwnId() {
    List<SweepPlan.Run> runs =
        SweepPlan.expand(
            config(
                "sweep.models=[{n-layer=1, n-embd=16}, {n-layer=2, n-embd=32}]",
                "sweep.subsets=[f0.1, f1]",
                "sweep.seeds=[1, 2]"),
            store);
    assertEquals(8, runs.size());
    Set<String> ids = runs.stream().map(SweepPlan.Run::runId).collect(Collectors.toSet());
    assertEquals(8, ids.size());
    assertEquals("1l16w", runs.get(0).model());
    assertEquals("f0.1", runs.get(0).spec().subset());
    assertEquals(10_000, runs.get(0).spec().subsetTokens());
    assertEquals(1, runs.get(0).seed());
    assertEquals(2, runs.get(1).seed());
    assertEquals("2l32w", runs.get(7).model());
    assertTrue(runs.get(0).runId().startsWith("1l16w-"), runs.get(0).runId());
    // The executor resolves the same run from the run's own config.
    ScalinglabConfig again = ScalinglabConfig.fromJson(runs.get(5).configJson());
    assertEquals(
        runs.get(5).runId(), io.scalinglab.trainer.train.RunSpec.resolve(again, store).runId());
  }

  @Test
  void axesDesignTrainsTheModelAxisThenTheDataAxisWithoutTheSharedRun() {
    List<SweepPlan.Run> runs =
        SweepPlan.expand(
            config(
                "sweep.models=[{n-embd=16}, {n-embd=32}, {n-embd=64}]",
                "sweep.subsets=[f0.1, f1]",
                "sweep.design=axes",
                "sweep.data-model=1"),
            store);
    assertEquals(
        List.of("12l16w f1", "12l32w f1", "12l64w f1", "12l32w f0.1"),
        runs.stream().map(r -> r.model() + " " + r.spec().subset()).toList());
    List<SweepPlan.Run> at =
        SweepPlan.expand(
            config(
                "sweep.models=[{n-embd=16}, {n-embd=32}]",
                "sweep.subsets=[f0.1, f1]",
                "sweep.design=axes",
                "sweep.model-subset=f0.1"),
            store);
    assertEquals(
        List.of("12l16w f0.1", "12l32w f0.1", "12l32w f1"),
        at.stream().map(r -> r.model() + " " + r.spec().subset()).toList(),
        "the model axis at f0.1; the data axis's model is the last by default");
  }

  @Test
  void repeatSeedsTrainTheSmallestSizesOfEachAxisAgain() {
    List<SweepPlan.Run> runs =
        SweepPlan.expand(
            config(
                "sweep.models=[{n-embd=64}, {n-embd=32}, {n-embd=16}]",
                "sweep.subsets=[f1, f0.1]",
                "sweep.design=axes",
                "sweep.data-model=0",
                "sweep.model-subset=f1",
                "sweep.seeds=[1]",
                "sweep.repeat.seeds=[7, 8]",
                "sweep.repeat.smallest=1"),
            store);
    assertEquals(
        List.of(
            "12l64w f1 1",
            "12l32w f1 1",
            "12l16w f1 1",
            "12l16w f1 7",
            "12l16w f1 8",
            "12l64w f0.1 1",
            "12l64w f0.1 7",
            "12l64w f0.1 8"),
        runs.stream().map(r -> r.model() + " " + r.spec().subset() + " " + r.seed()).toList(),
        "the narrowest model and the smallest subset, each with the two extra seeds");
    ConfigException shared =
        assertThrows(
            ConfigException.class,
            () ->
                SweepPlan.expand(
                    config(
                        "sweep.models=[{n-embd=64}, {n-embd=32}]",
                        "sweep.seeds=[1]",
                        "sweep.repeat.seeds=[1]"),
                    store));
    assertTrue(shared.getMessage().contains("must not share a seed"), shared.getMessage());
  }

  @Test
  void modelLrGivesEachModelItsRateAndScalesTheFloorAlike() {
    List<SweepPlan.Run> runs =
        SweepPlan.expand(
            config(
                "sweep.models=[{n-embd=16}, {n-embd=32}]",
                "sweep.model-lr=[1e-2, 5e-3]",
                "train.lr=4e-3",
                "train.min-lr=4e-5"),
            store);
    assertEquals(1e-2, runs.get(0).spec().train().lr());
    assertEquals(1e-4, runs.get(0).spec().train().minLr(), 1e-18);
    assertEquals(5e-3, runs.get(1).spec().train().lr());
    assertEquals(5e-5, runs.get(1).spec().train().minLr(), 1e-18);
  }

  @Test
  void anEmptySweepSectionIsTheOneRunOfTheModelSection() {
    List<SweepPlan.Run> runs = SweepPlan.expand(config("train.subset=f0.1"), store);
    assertEquals(1, runs.size());
    assertEquals("f0.1", runs.get(0).spec().subset());
  }

  @Test
  void runIdsIgnoreHowARunIsShownButNotWhatItComputes() {
    String plain = SweepPlan.expand(config(), store).get(0).runId();
    assertEquals(
        plain,
        SweepPlan.expand(config("train.sweep=other", "train.log-interval=7"), store)
            .get(0)
            .runId());
    for (String engine : new String[] {"samediff", "kernel"}) {
      SweepPlan.Run run = SweepPlan.expand(config("model.engine=" + engine), store).get(0);
      assertEquals(plain, run.runId(), "the engine computes the same model");
      assertEquals(engine, run.spec().engine().key());
    }
    assertNotEquals(plain, SweepPlan.expand(config("train.lr=1e-3"), store).get(0).runId());
    // A key added later leaves the id alone at its default, so earlier runs keep theirs.
    assertEquals(
        plain, SweepPlan.expand(config("train.activations.windows=1"), store).get(0).runId());
    assertNotEquals(
        plain, SweepPlan.expand(config("train.activations.windows=4"), store).get(0).runId());
  }

  @Test
  void aRepeatedSizeAndAMissingSubsetFailClearly() {
    ConfigException twice =
        assertThrows(
            ConfigException.class,
            () ->
                SweepPlan.expand(
                    config("sweep.models=[{n-layer=1, n-embd=16}, {n-embd=16, n-layer=1}]"),
                    store));
    assertTrue(twice.getMessage().contains("is the same run as"), twice.getMessage());
    InputException missing =
        assertThrows(
            InputException.class,
            () -> SweepPlan.expand(config("sweep.subsets=[f0.1, f0.5]"), store));
    assertTrue(missing.getMessage().contains("no subset 'f0.5'"), missing.getMessage());
  }

  @Test
  void progressLineCountsRunsAndEstimatesTheTimeLeft() {
    CorpusSweep kind =
        new CorpusSweep(config("sweep.subsets=[f0.1, f1]", "sweep.seeds=[1, 2]"), store);
    List<SweepPlan.Run> runs = kind.runs();
    SweepState<SweepPlan.Run> state = new SweepState<>("plan", kind);
    assertEquals(
        "sweep plan: 0/4 runs done, 0 running, 0 failed, 4 pending  0 tok/s  ETA -",
        state.progressLine());
    state.done(
        runs.get(0).runId(),
        new ObjectMapper().createObjectNode().put("status", "done").put("steps", 100));
    state.failed(runs.get(1).runId(), "boom");
    assertTrue(state.progressLine().startsWith("sweep plan: 1/4 runs done, 0 running, 1 failed"));
    assertEquals(List.of(runs.get(1).runId() + ": boom"), state.failures());
    assertEquals(4, state.rows().size());
    assertEquals("failed", state.rows().get(1)[1]);
    assertEquals("boom", state.rows().get(1)[2]);
    assertEquals("1m05s", SweepState.formatSeconds(65));
  }

  @Test
  void resultsTableCarriesEachRunsEpochsTokensPerParamAndRegime() {
    CorpusSweep kind = new CorpusSweep(config("sweep.subsets=[f0.1, f1]"), store);
    List<SweepPlan.Run> runs = kind.runs();
    SweepState<SweepPlan.Run> state = new SweepState<>("plan", kind);
    state.done(
        runs.get(0).runId(),
        new ObjectMapper()
            .createObjectNode()
            .put("status", "done")
            .put("steps", 100)
            .put("epochs", 12.8)
            .put("tokens_per_param", 3.5)
            .put("regime", "overfitting"));
    List<String> names = CorpusSweep.COLUMNS.stream().map(c -> c.name()).toList();
    Object[] done = state.rows().get(0);
    assertEquals(12.8, done[names.indexOf("epochs")]);
    assertEquals(3.5, done[names.indexOf("tokens_per_param")]);
    assertEquals("overfitting", done[names.indexOf("regime")]);
    Object[] pending = state.rows().get(1);
    assertEquals(null, pending[names.indexOf("regime")], "no result, no regime");
    assertEquals("2h00m", SweepState.formatSeconds(7200));
  }
}
