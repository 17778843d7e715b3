package io.scalinglab.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sidecar both trainers write: the keys the id job reads, where it reads them. */
class ActivationSidecarTest {
  @Test
  void writesTheKeysTheIdJobReadsWithItsFormatVersion() {
    ObjectNode sampling = Json.MAPPER.createObjectNode().put("documents_used", 3);
    ObjectNode json =
        new ActivationSidecar(
                ActivationSidecar.FORMAT_VERSION,
                "2l64w-abc",
                Json.MAPPER.getNodeFactory().textNode("h_1"),
                null,
                4,
                64,
                12345,
                6789,
                2,
                new int[] {0, 5, 1, 7},
                sampling,
                null)
            .withProvenance(Provenance.capture("{}", Map.of("train.seed", 1L)))
            .toJson();
    assertEquals("activations", json.path("kind").asText());
    assertEquals(ActivationSidecar.FORMAT_VERSION, json.path("format_version").asInt());
    assertEquals("h_1", json.path("layer").asText());
    assertEquals(12345, json.path("parameters").asLong());
    assertEquals(4, json.path("positions").size());
    assertEquals(7, json.path("positions").get(3).asInt());
    assertEquals(3, json.path("documents_used").asInt(), "sampling details at the top level");
    assertFalse(json.has("site"), "no site for a GPT's hidden state");
    assertTrue(json.path(Manifests.PROVENANCE).isObject());
  }
}
