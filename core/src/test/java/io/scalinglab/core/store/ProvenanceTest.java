package io.scalinglab.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProvenanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void captureFillsEveryField() {
    String before = System.getProperty(Provenance.GIT_COMMIT_PROPERTY);
    System.setProperty(Provenance.GIT_COMMIT_PROPERTY, "0123abc");
    try {
      Provenance p =
          Provenance.capture("{\"lr\": 0.001, \"model\": {\"n_layer\": 2}}", Map.of("seed", 7L));
      assertEquals(Provenance.FORMAT_VERSION, p.formatVersion());
      assertEquals("0123abc", p.gitCommit());
      assertEquals("dev", p.scalinglabVersion(), "classes, not a jar: no manifest version");
      assertEquals(System.getProperty("java.version"), p.javaVersion());
      assertEquals(System.getProperty("os.arch"), p.osArch());
      assertEquals(System.getProperty("os.name"), p.osName());
      assertFalse(Instant.parse(p.createdAt()).isAfter(Instant.now()));
      assertEquals(Map.of("seed", 7L), p.seeds());
      assertEquals(2, p.resolvedConfig().path("model").path("n_layer").asInt());
    } finally {
      if (before == null) {
        System.clearProperty(Provenance.GIT_COMMIT_PROPERTY);
      } else {
        System.setProperty(Provenance.GIT_COMMIT_PROPERTY, before);
      }
    }
  }

  @Test
  void manifestCarriesAProvenanceBlockThatReadsBack() throws Exception {
    Provenance p = Provenance.capture("{\"a\": 1}", Map.of("shuffle", 3L, "init", 1L));
    ObjectNode body = JSON.createObjectNode().put("runId", "3f2a");
    ObjectNode manifest = Manifests.withProvenance(body, p);
    JsonNode block = manifest.path(Manifests.PROVENANCE);
    for (String field :
        List.of(
            "format_version",
            "scalinglab_version",
            "git_commit",
            "java_version",
            "os_arch",
            "os_name",
            "created_at",
            "seeds",
            "resolved_config")) {
      assertTrue(block.has(field), field);
    }
    assertEquals(List.of("init", "shuffle"), List.copyOf(p.seeds().keySet()), "sorted by name");
    assertEquals(p, JSON.treeToValue(block, Provenance.class));
    assertEquals("3f2a", manifest.path("runId").asText());
  }

  @Test
  void badConfigJsonIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Provenance.capture("{oops", Map.of()));
  }
}
