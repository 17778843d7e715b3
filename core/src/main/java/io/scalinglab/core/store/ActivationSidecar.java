package io.scalinglab.core.store;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON beside an activation file ({@code activations/<name>.npy} → {@code <name>.json}), the
 * one record both trainers write: which hidden state it holds and of which model, how many rows of
 * what width, each row's context position where there is one, and how the rows were sampled. The id
 * job reads {@code layer}, {@code site}, {@code positions} and {@code parameters}; it also reads
 * sidecars written elsewhere, where every key is optional (id-job/README.md).
 *
 * @param formatVersion {@link #FORMAT_VERSION} when this build wrote it
 * @param layer the hidden state's name ({@code h_3}, {@code ln_f}) or block index (the testbed's
 *     pooled state), as a JSON value
 * @param site where in the model the state is taken, or null
 * @param positions each row's context position, or null where rows are not tokens
 * @param sampling how the rows were drawn (documents asked and used, per document, cap, context, a
 *     shortfall warning), written at the top level; null for none
 * @param provenance as written, or null before it is added
 */
public record ActivationSidecar(
    int formatVersion,
    String runId,
    JsonNode layer,
    String site,
    int points,
    int width,
    long parameters,
    long paramsNonEmbedding,
    int nLayer,
    int[] positions,
    ObjectNode sampling,
    JsonNode provenance) {

  /** The layout version of a sidecar; raise it when an old reader would misread one. */
  public static final int FORMAT_VERSION = 1;

  public ActivationSidecar {
    requireNonNull(runId, "runId");
    requireNonNull(layer, "layer");
  }

  /** This sidecar with {@code p} as its provenance. */
  public ActivationSidecar withProvenance(Provenance p) {
    return new ActivationSidecar(
        formatVersion,
        runId,
        layer,
        site,
        points,
        width,
        parameters,
        paramsNonEmbedding,
        nLayer,
        positions,
        sampling,
        Json.MAPPER.valueToTree(p));
  }

  /** The sidecar as written: snake_case keys, the sampling details at the top level. */
  public ObjectNode toJson() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("kind", "activations");
    o.put("format_version", formatVersion);
    o.put("run_id", runId);
    o.set("layer", layer);
    if (site != null) {
      o.put("site", site);
    }
    o.put("points", points);
    o.put("width", width);
    o.put("parameters", parameters); // the id job's model-size column
    o.put("params_non_embedding", paramsNonEmbedding);
    o.put("n_layer", nLayer);
    if (sampling != null) {
      o.setAll(sampling);
    }
    if (positions != null) {
      ArrayNode a = o.putArray("positions");
      for (int p : positions) {
        a.add(p);
      }
    }
    if (provenance != null) {
      o.set(Manifests.PROVENANCE, provenance);
    }
    return o;
  }
}
