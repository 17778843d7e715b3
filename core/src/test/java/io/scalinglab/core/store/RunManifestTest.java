package io.scalinglab.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.error.InputException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The run manifest both trainers write and the other jobs read: written, then read back. */
class RunManifestTest {
  private static final Provenance P = Provenance.capture("{\"train\": {\"seed\": 1}}", Map.of());

  @Test
  void aCorpusRunsManifestReadsBackAsWritten() {
    ObjectNode model = Json.MAPPER.createObjectNode().put("n_layer", 2).put("vocab_size", 257);
    RunManifest m =
        RunManifest.corpus("2l64w-abc", 12345, model, "file:/store/data/d-1/byte", "f1", 1000)
            .finished("done", null, P);
    ObjectNode json = m.toJson();
    assertEquals("run", json.path("kind").asText());
    assertEquals(RunManifest.FORMAT_VERSION, json.path("format_version").asInt());
    assertEquals(12345, json.path("parameters").asLong(), "the id job's model-size column");
    RunManifest back = RunManifest.of(json, "manifest.json");
    assertEquals(m, back);
    assertEquals("file:/store/data/d-1/byte", back.datasetDir());
    assertEquals(1, back.resolvedConfig().path("train").path("seed").asInt());
    assertNull(back.dataset());
  }

  @Test
  void aTestbedRunsManifestNamesItsDatasetInstead() {
    RunManifest m =
        RunManifest.testbed(
                "tb-1",
                99,
                Json.MAPPER.createObjectNode(),
                "sphere-d4",
                512,
                Json.MAPPER.nullNode())
            .finished("diverged", "loss is NaN", P);
    RunManifest back = RunManifest.of(m.toJson(), "manifest.json");
    assertEquals("sphere-d4", back.dataset());
    assertEquals(512L, back.trainSamples());
    assertEquals("loss is NaN", back.reason());
    assertNull(back.datasetDir());
  }

  @Test
  void aNewerFormatOrAnotherFileIsRefusedNamingIt() {
    ObjectNode json =
        RunManifest.corpus("r", 1, Json.MAPPER.createObjectNode(), "d", "f1", 1)
            .finished("done", null, P)
            .toJson();
    json.put("format_version", RunManifest.FORMAT_VERSION + 1);
    InputException newer =
        assertThrows(InputException.class, () -> RunManifest.of(json, "runs/r/manifest.json"));
    assertTrue(newer.getMessage().startsWith("runs/r/manifest.json: was written in run manifest"));
    InputException other =
        assertThrows(
            InputException.class,
            () -> RunManifest.of(Json.MAPPER.createObjectNode().put("kind", "dataset"), "x.json"));
    assertTrue(other.getMessage().contains("is not a run's manifest"), other.getMessage());
  }
}
