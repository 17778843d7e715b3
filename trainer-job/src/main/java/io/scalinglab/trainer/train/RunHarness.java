package io.scalinglab.trainer.train;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.config.TrainSettings;
import io.scalinglab.core.store.Json;
import io.scalinglab.core.store.Manifests;
import io.scalinglab.core.store.Provenance;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.core.store.RunManifest;
import io.scalinglab.trainer.checkpoint.Numerics;
import io.scalinglab.trainer.optim.AdamW;
import io.scalinglab.trainer.optim.OptimConfig;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What every run does around its {@link TrainLoop}, whatever model it trains: the finished-run
 * check, the backend's threads and GPU, the checkpoint header (numerics, provenance) and the
 * resume, the run's {@code manifest.json} and {@code result.json} (each with provenance; the result
 * also with the numerics), the summary line and the caller's listener. {@link Trainer} (a GPT on a
 * corpus) and {@link RegressionTrainer} (the testbed's regressor) differ only in the model, the
 * data and what they add to those two files.
 */
final class RunHarness {
  private final ResultsStore store;
  private final Path runDir;
  private final String runId;
  private final TrainSettings train;
  private final String resolvedConfigJson;
  private final RunManifest manifest;
  private final Trainer.Listener listener;
  private final Consumer<String> log;
  private final boolean writer;

  /**
   * The harness of the run {@code manifest} describes (status running, no provenance yet); with
   * {@code writer} false, that of a data-parallel member other than rank 0, which trains along but
   * writes nothing (no manifest, checkpoint, metrics or result).
   */
  RunHarness(
      ResultsStore store,
      Path runDir,
      RunManifest manifest,
      TrainSettings train,
      String resolvedConfigJson,
      Trainer.Listener listener,
      Consumer<String> log,
      boolean writer) {
    this.writer = writer;
    this.store = requireNonNull(store, "store");
    this.runDir = requireNonNull(runDir, "runDir");
    this.manifest = requireNonNull(manifest, "manifest");
    this.runId = manifest.runId();
    this.train = requireNonNull(train, "train");
    this.resolvedConfigJson = requireNonNull(resolvedConfigJson, "resolvedConfigJson");
    this.listener = requireNonNull(listener, "listener");
    this.log = requireNonNull(log, "log");
  }

  /** The run's result if it has finished already (its {@code result.json}), else empty. */
  Optional<RunResult> finished() {
    Path resultPath = new Path(runDir, "result.json");
    if (!store.exists(resultPath)) {
      return Optional.empty();
    }
    log.accept("run " + runId + " is already finished: " + runDir);
    return Optional.of(RunResult.fromJson(store.readJson(resultPath)));
  }

  /** Whether this harness writes the run's files: alone, or rank 0 of a data-parallel group. */
  boolean writer() {
    return writer;
  }

  /** Gives the run its threads and, on the CUDA backend, its GPU. */
  void bindBackend() {
    Backends.setThreads(train.threads());
    Backends.bindGpu(train.gpu());
  }

  /** The run's progress, its checkpoints' header set: these numerics and the provenance. */
  Trainer.Progress progress(Numerics numerics) {
    Trainer.Progress p = new Trainer.Progress();
    p.describe(numerics, provenance());
    return p;
  }

  /** The loop that trains the run with {@code optim}. */
  TrainLoop loop(OptimConfig optim) {
    return new TrainLoop(store, runDir, runId, train, optim, listener, log, writer);
  }

  /**
   * Restores the latest checkpoint, if any (refused if its numerics differ), through {@code loop};
   * writes the manifest, status {@code running}, when the run starts afresh.
   *
   * @return the step to go on from
   */
  int resume(
      TrainLoop loop, Consumer<Map<String, INDArray>> loadParams, AdamW opt, Trainer.Progress p) {
    int step = loop.resume(loadParams, opt, p);
    if (step == 0 && writer) {
      writeManifest("running", null);
    }
    return step;
  }

  /**
   * Writes {@code result.json} ({@code r} with {@code extra}'s fields, the provenance and the
   * numerics) and the manifest with the final status, prints the summary and tells the listener.
   */
  RunResult finish(RunResult r, ObjectNode extra, Trainer.Progress p) {
    if (!writer) {
      return r;
    }
    ObjectNode result = r.toJson();
    result.setAll(extra);
    Manifests.withProvenance(result, provenance());
    result.set("numerics", Json.MAPPER.valueToTree(p.numerics().values()));
    store.writeJson(new Path(runDir, "result.json"), result);
    writeManifest(r.status(), r.reason());
    log.accept(r.summary());
    listener.finished(r);
    return r;
  }

  /** The provenance of the run's files: build, platform, the seed and the resolved config. */
  Provenance provenance() {
    return Provenance.capture(resolvedConfigJson, Map.of("train.seed", train.seed()));
  }

  /** {@code manifest.json} ({@link RunManifest}) with this status and the provenance. */
  private void writeManifest(String status, String reason) {
    store.writeJson(
        new Path(runDir, "manifest.json"),
        manifest.finished(status, reason, provenance()).toJson());
  }
}
