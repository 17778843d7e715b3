package io.scalinglab.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.config.ElementwiseOps;
import io.scalinglab.core.config.ModelEngine;
import io.scalinglab.core.config.ModelSettings;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.TrainSettings;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.store.Ids;
import io.scalinglab.core.store.Json;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.checkpoint.Numerics;
import io.scalinglab.trainer.model.GptConfig;
import io.scalinglab.trainer.optim.OptimConfig;
import io.scalinglab.trainer.prepare.PrepareJob;
import io.scalinglab.trainer.pretrained.Gpt2Weights;
import io.scalinglab.trainer.pretrained.Safetensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/**
 * Everything one training run needs, resolved: the prepared dataset and the subset to train on, the
 * model's shape and the engine that computes it, the training settings, and the run's id and
 * folder. The id is a hash of what the run computes (dataset, subset, model, optimizer, steps,
 * seed), so the same run started again finds its own folder and resumes. How it is computed (the
 * engine, the kernel's element-wise ops, the threads, the data-parallel tasks) changes only the
 * rounding and is left out of the id; a checkpoint records it instead, and a resume must match it
 * ({@link Numerics}).
 *
 * <p>A run that starts from pretrained weights ({@code model.init-from}) has the file checked
 * against the model's shape here, on the driver, before anything trains; its id holds the path (in
 * the model section) and the SHA-256 of the file's header with the file's length, so another file
 * at the same path changes the id unless it has the same layout, dtype and size.
 *
 * @param initFrom the {@code .safetensors} file of the initial weights, or "" for random ones
 */
public record RunSpec(
    String runId,
    Path runDir,
    Path datasetDir,
    JsonNode datasetManifest,
    String subset,
    long subsetTokens,
    GptConfig model,
    ModelEngine engine,
    ElementwiseOps kernelOps,
    String initFrom,
    TrainSettings train,
    String resolvedConfigJson) {

  private static final ObjectMapper JSON = Json.MAPPER;

  /** Keys of the train section that say how a run is shown or stored, not what it computes. */
  public static final List<String> PRESENTATION_KEYS =
      List.of(
          "sweep",
          "threads",
          "data-parallel",
          "data-parallel-min-params",
          "data-parallel-transport",
          "log-interval",
          "checkpoint-interval",
          "keep-checkpoints",
          "peak-flops",
          "gpu");

  /**
   * Train keys added after run ids were first written, each with its default: a key at its default
   * is left out of the id, so that runs trained before it existed keep their ids (and are not
   * trained again).
   */
  static final Map<String, Integer> ADDED_KEYS = Map.of("activations.windows", 1);

  /**
   * Resolves a run from a layered config: finds the prepared dataset the config's {@code dataset}
   * section names, and the subset {@code train.subset} within it.
   *
   * @throws InputException if the dataset is not prepared or lacks the subset
   */
  public static RunSpec resolve(ScalinglabConfig config, ResultsStore store) {
    ModelSettings m = config.model();
    TrainSettings t = config.train();
    String datasetId = PrepareJob.datasetId(config);
    String tokenizer = config.dataset().tokenizer().key();
    Path dataDir = store.dataDir(datasetId, tokenizer);
    Path manifestPath = new Path(dataDir, "manifest.json");
    if (!store.exists(manifestPath)) {
      throw InputException.of(
          dataDir.toString(),
          "the dataset is not prepared (no manifest.json)",
          "Run 'scalinglab prepare' with the same dataset config first");
    }
    JsonNode manifest = store.readJson(manifestPath);
    long subsetTokens = -1;
    StringBuilder names = new StringBuilder();
    for (JsonNode s : manifest.path("subsets")) {
      names.append(names.length() == 0 ? "" : ", ").append(s.path("name").asText());
      if (s.path("name").asText().equals(t.subset())) {
        subsetTokens = s.path("tokens").asLong();
      }
    }
    if (subsetTokens < 0) {
      throw InputException.of(
          dataDir.toString(),
          "has no subset '" + t.subset() + "' (train.subset); it has " + names,
          "Set train.subset to one of them, or add it to dataset.subsets and prepare again");
    }
    int vocab = m.paddedVocab(manifest.path("vocab_size").asInt());
    GptConfig model =
        new GptConfig(
            m.nLayer(),
            m.nHead(),
            m.nEmbd(),
            m.blockSize(),
            vocab,
            m.bias(),
            m.tiedHead(),
            m.gelu(),
            m.layerNormEps(),
            m.dropout());

    ObjectNode identity = JSON.createObjectNode();
    identity.put("dataset", datasetId + "/" + tokenizer);
    identity.put("subset", t.subset());
    ObjectNode modelSection = (ObjectNode) tree(config.sectionJson("model"));
    // how the model is computed, not what: a checkpoint's numerics pin these instead (Numerics)
    modelSection.remove(List.of("engine", "kernel-ops"));
    identity.set("model", modelSection);
    ObjectNode train = (ObjectNode) tree(config.sectionJson("train"));
    train.remove(PRESENTATION_KEYS); // how a run is shown or stored, not what it computes
    ADDED_KEYS.forEach((key, byDefault) -> removeAtDefault(train, key, byDefault));
    identity.set("train", train);
    if (!m.initFrom().isEmpty()) {
      identity.put("init_from", initFromFingerprint(m.initFrom(), model, store));
    }
    String runId = model.label() + "-" + Ids.hash(Ids.canonicalJson(identity), 12);
    return new RunSpec(
        runId,
        store.runDir(t.sweep(), runId),
        dataDir,
        manifest,
        t.subset(),
        subsetTokens,
        model,
        m.engine(),
        m.kernelOps(),
        m.initFrom(),
        t,
        config.toJson());
  }

  /**
   * Checks the file of {@code model.init-from} against the model and returns its length and the
   * SHA-256 of its header: what the id holds of it, read without reading the weights.
   */
  /** Removes the dotted {@code key} from {@code section} where it holds {@code byDefault}. */
  private static void removeAtDefault(ObjectNode section, String key, int byDefault) {
    int dot = key.lastIndexOf('.');
    JsonNode parent = dot < 0 ? section : section.at("/" + key.substring(0, dot).replace('.', '/'));
    String leaf = key.substring(dot + 1);
    if (parent instanceof ObjectNode o
        && o.path(leaf).isNumber()
        && o.get(leaf).asInt() == byDefault) {
      o.remove(leaf);
    }
  }

  private static String initFromFingerprint(String file, GptConfig model, ResultsStore store) {
    try (Safetensors st = Safetensors.open(file, store.hadoopConf())) {
      Gpt2Weights.check(st, model);
      return st.fingerprint();
    }
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The optimizer settings of {@link #train}. */
  /**
   * The Spark tasks this run trains on: {@code train.data-parallel} if its model has at least
   * {@code train.data-parallel-min-params} parameters, else 1.
   */
  public int dataParallel() {
    return model.totalParams() >= train.dataParallelMinParams() ? train.dataParallel() : 1;
  }

  public OptimConfig optim() {
    return OptimConfig.of(train);
  }
}
