package io.scalinglab.core.store;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.error.InputException;
import org.apache.hadoop.fs.Path;

/**
 * A run's {@code manifest.json}, the one record its trainers write and the other jobs read: what
 * the run is (id, status, the model and its size, the data it trained on) and how it was made (the
 * provenance, with the store's format version and the resolved config). A corpus run names its
 * prepared dataset folder and subset; a testbed run its dataset and training-set size.
 *
 * @param formatVersion {@link #FORMAT_VERSION} when this build wrote it; 0 for a manifest written
 *     before the field existed
 * @param status running, done or diverged
 * @param reason why the run stopped early, or null
 * @param parameters the model's parameters (the id job's model-size column)
 * @param model the model's shape as its trainer describes it
 * @param datasetDir a corpus run's prepared dataset folder, or null
 * @param subset a corpus run's subset, or null
 * @param subsetTokens the subset's tokens, or null
 * @param dataset a testbed run's dataset name, or null
 * @param trainSamples a testbed run's training-set size, or null
 * @param data a testbed run's problem description, or null
 * @param provenance as written, or null for a manifest from elsewhere
 */
public record RunManifest(
    int formatVersion,
    String runId,
    String status,
    String reason,
    long parameters,
    JsonNode model,
    String datasetDir,
    String subset,
    Long subsetTokens,
    String dataset,
    Long trainSamples,
    JsonNode data,
    JsonNode provenance) {

  /** The layout version of a run manifest; raise it when an old reader would misread one. */
  public static final int FORMAT_VERSION = 1;

  public RunManifest {
    requireNonNull(runId, "runId");
    requireNonNull(status, "status");
    requireNonNull(model, "model");
  }

  /** A corpus run's manifest, running, before its provenance is added. */
  public static RunManifest corpus(
      String runId,
      long parameters,
      JsonNode model,
      String datasetDir,
      String subset,
      long subsetTokens) {
    return new RunManifest(
        FORMAT_VERSION,
        runId,
        "running",
        null,
        parameters,
        model,
        datasetDir,
        subset,
        subsetTokens,
        null,
        null,
        null,
        null);
  }

  /** A testbed run's manifest, running, before its provenance is added. */
  public static RunManifest testbed(
      String runId,
      long parameters,
      JsonNode model,
      String dataset,
      long trainSamples,
      JsonNode data) {
    return new RunManifest(
        FORMAT_VERSION,
        runId,
        "running",
        null,
        parameters,
        model,
        null,
        null,
        null,
        dataset,
        trainSamples,
        data,
        null);
  }

  /** This manifest with another status and reason, and {@code p} as its provenance. */
  public RunManifest finished(String status, String reason, Provenance p) {
    return new RunManifest(
        formatVersion,
        runId,
        status,
        reason,
        parameters,
        model,
        datasetDir,
        subset,
        subsetTokens,
        dataset,
        trainSamples,
        data,
        Json.MAPPER.valueToTree(p));
  }

  /** The resolved config the run was trained with, or a missing node. */
  public JsonNode resolvedConfig() {
    return provenance == null ? Json.MAPPER.missingNode() : provenance.path("resolved_config");
  }

  /** The manifest as written: snake_case keys, absent values left out. */
  public ObjectNode toJson() {
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("kind", "run");
    m.put("format_version", formatVersion);
    m.put("run_id", runId);
    m.put("status", status);
    if (reason != null) {
      m.put("reason", reason);
    }
    m.put("parameters", parameters);
    m.set("model", model);
    if (datasetDir != null) {
      m.put("dataset_dir", datasetDir);
      m.put("subset", subset);
      m.put("subset_tokens", subsetTokens);
    }
    if (dataset != null) {
      m.put("dataset", dataset);
      m.put("train_samples", trainSamples);
      m.set("data", data);
    }
    if (provenance != null) {
      m.set(Manifests.PROVENANCE, provenance);
    }
    return m;
  }

  /**
   * The manifest in {@code runDir}.
   *
   * @throws InputException if there is none, it is not a run's, or a newer build wrote it
   */
  public static RunManifest read(ResultsStore store, Path runDir) {
    Path path = new Path(runDir, "manifest.json");
    if (!store.exists(path)) {
      throw InputException.of(
          runDir.toString(),
          "is not a run folder (no manifest.json)",
          "Give a folder <store>/<sweep>/runs/<run-id> that 'scalinglab train' or a sweep wrote");
    }
    return of(store.readJson(path), path.toString());
  }

  /**
   * The manifest in {@code json}, read from {@code where}.
   *
   * @throws InputException if it is not a run's manifest or a newer build wrote it
   */
  public static RunManifest of(JsonNode json, String where) {
    if (!"run".equals(json.path("kind").asText()) || !json.path("run_id").isTextual()) {
      throw InputException.of(where, "is not a run's manifest", "Point at a run folder");
    }
    int version = json.path("format_version").asInt(0);
    if (version > FORMAT_VERSION) {
      throw InputException.of(
          where,
          "was written in run manifest format " + version + ", this build reads " + FORMAT_VERSION,
          "Use the scalinglab version that trained the run, or a newer one");
    }
    return new RunManifest(
        version,
        json.path("run_id").asText(),
        json.path("status").asText(),
        text(json, "reason"),
        json.path("parameters").asLong(),
        json.path("model"),
        text(json, "dataset_dir"),
        text(json, "subset"),
        json.hasNonNull("subset_tokens") ? json.path("subset_tokens").asLong() : null,
        text(json, "dataset"),
        json.hasNonNull("train_samples") ? json.path("train_samples").asLong() : null,
        json.hasNonNull("data") ? json.path("data") : null,
        json.hasNonNull(Manifests.PROVENANCE) ? json.path(Manifests.PROVENANCE) : null);
  }

  private static String text(JsonNode json, String field) {
    return json.hasNonNull(field) ? json.path(field).asText() : null;
  }
}
