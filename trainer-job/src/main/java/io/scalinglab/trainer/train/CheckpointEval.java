package io.scalinglab.trainer.train;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.config.ModelEngine;
import io.scalinglab.core.config.ModelSettings;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.TrainSettings;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.error.StoreException;
import io.scalinglab.core.store.Json;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.core.store.RunManifest;
import io.scalinglab.trainer.checkpoint.Checkpoints;
import io.scalinglab.trainer.data.ShardData;
import io.scalinglab.trainer.data.TokenCache;
import io.scalinglab.trainer.model.GptConfig;
import io.scalinglab.trainer.model.LanguageModel;
import io.scalinglab.trainer.model.LanguageModels;
import java.io.IOException;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The loss of a run's checkpoint on a prepared dataset: what {@code scalinglab eval} prints. The
 * model is rebuilt from the run's own resolved config (its {@code manifest.json}'s provenance) and
 * vocabulary, its parameters loaded from the checkpoint (the latest, or a given step), and {@link
 * WindowLoss} measured on the first windows of a split of the run's dataset or another one prepared
 * with the same tokenizer.
 */
public final class CheckpointEval {
  private static final ObjectMapper JSON = Json.MAPPER;

  /** The splits a prepared dataset has. */
  public static final List<String> SPLITS = List.of("val", "train");

  private CheckpointEval() {}

  /**
   * What to evaluate.
   *
   * @param run the run's folder, a local path or Hadoop URI
   * @param checkpoint the checkpoint's step, or empty for the latest
   * @param dataset a prepared dataset's folder ({@code <store>/data/<id>/<tokenizer>}), or null for
   *     the run's own
   * @param split "val" or "train"
   * @param windows how many windows to evaluate, at least 1; more than the split holds evaluates
   *     all of them
   */
  public record Request(
      String run, OptionalInt checkpoint, String dataset, String split, int windows) {
    public Request {
      requireNonNull(run, "run");
      requireNonNull(checkpoint, "checkpoint");
      requireNonNull(split, "split");
      if (!SPLITS.contains(split)) {
        throw new IllegalArgumentException("split must be one of " + SPLITS + ", got " + split);
      }
      if (windows < 1) {
        throw new IllegalArgumentException("windows must be at least 1, got " + windows);
      }
    }
  }

  /**
   * What was measured.
   *
   * @param windowsAsked the windows asked for; {@code loss.windows()} may be fewer if the split is
   *     short
   */
  public record Outcome(
      String runId,
      String runDir,
      int checkpoint,
      String dataset,
      String split,
      int windowsAsked,
      WindowLoss.Result loss,
      GptConfig model,
      ModelEngine engine) {

    /** One JSON object: loss, windows, tokens, checkpoint, run, split, dataset, model. */
    public ObjectNode toJson() {
      ObjectNode o = JSON.createObjectNode();
      o.put("loss", loss.loss());
      o.put("windows", loss.windows());
      o.put("tokens", loss.tokens());
      o.put("checkpoint", checkpoint);
      o.put("run", runId);
      o.put("run_dir", runDir);
      o.put("split", split);
      o.put("dataset", dataset);
      o.put("windows_asked", windowsAsked);
      o.put("perplexity", Math.exp(loss.loss()));
      ObjectNode m = model.toJson();
      o.set("model", m);
      m.put("engine", engine.key());
      return o;
    }
  }

  /**
   * Evaluates the request.
   *
   * @param log hears progress lines
   * @throws InputException if the run, its checkpoint or the dataset cannot be read, or the dataset
   *     was prepared with another tokenizer than the run's
   */
  public static Outcome run(Request r, Configuration conf, Consumer<String> log) {
    requireNonNull(conf, "conf");
    requireNonNull(log, "log");
    ResultsStore runStore = existing(r.run(), "run folder", conf);
    Path runDir = runStore.root();
    Path manifestPath = new Path(runDir, "manifest.json");
    RunManifest manifest = RunManifest.read(runStore, runDir);
    JsonNode resolved = manifest.resolvedConfig();
    if (!resolved.isObject()) {
      throw InputException.of(
          manifestPath.toString(),
          "has no provenance.resolved_config",
          "Train the run again with this build");
    }
    ScalinglabConfig config = ScalinglabConfig.fromJson(resolved.toString());
    ModelSettings ms = config.model();
    TrainSettings ts = config.train();
    int vocab = manifest.model().path("vocab_size").asInt(0);
    if (vocab <= 0) {
      throw InputException.of(
          manifestPath.toString(),
          "has no model.vocab_size",
          "Train the run again with this build");
    }
    GptConfig cfg =
        new GptConfig(
            ms.nLayer(),
            ms.nHead(),
            ms.nEmbd(),
            ms.blockSize(),
            vocab,
            ms.bias(),
            ms.tiedHead(),
            ms.gelu(),
            ms.layerNormEps(),
            ms.dropout());

    Checkpoints.Loaded ckpt =
        r.checkpoint().isPresent()
            ? Checkpoints.at(runStore, runDir, r.checkpoint().getAsInt())
            : Checkpoints.latest(runStore, runDir)
                .orElseThrow(
                    () ->
                        InputException.of(
                            runDir.toString(),
                            "has no checkpoint",
                            "Train it first (train.max-steps = 0 saves the initial weights)"));

    String datasetArg =
        r.dataset() != null
            ? r.dataset()
            : manifest.datasetDir() == null ? "" : manifest.datasetDir();
    ResultsStore dataStore = existing(datasetArg, "dataset folder", conf);
    Path dataDir = dataStore.root();
    Path dataManifestPath = new Path(dataDir, "manifest.json");
    if (!dataStore.exists(dataManifestPath)) {
      throw InputException.of(
          dataDir.toString(),
          "is not a prepared dataset (no manifest.json)",
          "Give --dataset a folder <store>/data/<dataset-id>/<tokenizer> that 'prepare' wrote");
    }
    JsonNode dataManifest = dataStore.readJson(dataManifestPath);
    String runTokenizer = config.dataset().tokenizer().key();
    String dataTokenizer = dataManifest.path("tokenizer").asText();
    if (!runTokenizer.equals(dataTokenizer)) {
      throw InputException.of(
          dataDir.toString(),
          "was prepared with the " + dataTokenizer + " tokenizer, the run with " + runTokenizer,
          "Prepare the corpus with dataset.tokenizer = " + runTokenizer);
    }

    Backends.setThreads(ts.threads());
    LanguageModel model =
        LanguageModels.create(ms.engine(), cfg, ts.seed(), ts.threads(), ms.kernelOps());
    try {
      model.loadParams(ckpt.params());
    } catch (IllegalArgumentException e) {
      throw InputException.of(
          Checkpoints.stepDir(runDir, ckpt.step()).toString(),
          "does not fit the model of the run's config: " + e.getMessage(),
          "Delete the checkpoint, or evaluate another with --checkpoint");
    }

    int t = cfg.blockSize();
    long splitTokens = dataManifest.path(r.split()).path("tokens").asLong();
    int available = WindowLoss.available(splitTokens, t);
    if (available < 1) {
      throw InputException.of(
          dataDir.toString(),
          "its "
              + r.split()
              + " split holds "
              + splitTokens
              + " tokens, fewer than one window of "
              + (t + 1),
          "Evaluate another split or a larger dataset");
    }
    int windows = Math.min(r.windows(), available);
    if (windows < r.windows()) {
      log.accept(
          "the "
              + r.split()
              + " split holds "
              + available
              + " windows of "
              + t
              + " tokens; evaluating all of them, not "
              + r.windows());
    }
    String cacheId = "eval-" + manifest.runId();
    TokenCache cache = TokenCache.temporary();
    WindowLoss.Result loss;
    try {
      ShardData data = new ShardData(dataStore, dataDir, dataManifest, log);
      ShardData.Split split =
          data.open(
              r.split(), (long) windows * t + 1, cache.folder(cacheId, dataManifest, r.split()));
      log.accept(
          "evaluating checkpoint "
              + ckpt.step()
              + " of "
              + runDir
              + " on "
              + windows
              + " windows of "
              + r.split());
      loss = WindowLoss.of(model, split.tokens(), windows);
    } finally {
      cache.release(cacheId, log);
    }
    return new Outcome(
        manifest.runId(),
        runDir.toString(),
        ckpt.step(),
        dataDir.toString(),
        r.split(),
        r.windows(),
        loss,
        cfg,
        ms.engine());
  }

  /** A store rooted at an existing folder: opening one creates it, which a reader must not. */
  private static ResultsStore existing(String location, String what, Configuration conf) {
    Path p = new Path(location);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p) || !fs.getFileStatus(p).isDirectory()) {
        throw InputException.of(location, "no such " + what, "Check the path");
      }
    } catch (IOException e) {
      throw new StoreException("cannot reach " + location + ": " + e, e);
    }
    return ResultsStore.open(location, conf);
  }
}
