package io.scalinglab.core.store;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Helpers for the {@code manifest.json} that sits beside every artifact in the store. */
public final class Manifests {
  /** The key the provenance block is stored under. */
  public static final String PROVENANCE = "provenance";

  private Manifests() {}

  /**
   * Adds {@code p} to {@code body} as its {@value #PROVENANCE} block, replacing one already there,
   * and returns {@code body} (changed in place) for chaining.
   */
  public static ObjectNode withProvenance(ObjectNode body, Provenance p) {
    requireNonNull(body, "body");
    requireNonNull(p, "p");
    body.set(PROVENANCE, Json.MAPPER.valueToTree(p));
    return body;
  }
}
