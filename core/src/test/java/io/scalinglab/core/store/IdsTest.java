package io.scalinglab.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class IdsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void hashIsASha256HexPrefix() {
    // Reference: printf 'abc' | sha256sum
    String sha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    assertEquals(sha, Ids.hash("abc", 64));
    assertEquals(sha.substring(0, 16), Ids.hash("abc", 16));
    assertEquals(sha.substring(0, 7), Ids.hash("abc", 7));
    assertThrows(IllegalArgumentException.class, () -> Ids.hash("abc", 0));
    assertThrows(IllegalArgumentException.class, () -> Ids.hash("abc", 65));
  }

  @Test
  void canonicalJsonSortsKeysAtEveryLevelAndDropsWhitespace() throws Exception {
    JsonNode a =
        JSON.readTree(
            "{\"model\": {\"n_layer\": 4, \"d_model\": 128}, \"data\": [3, {\"z\": 1, \"a\": 2}],"
                + " \"lr\": 0.001, \"name\": \"tiny\"}");
    JsonNode b =
        JSON.readTree(
            "{\"name\":\"tiny\",\"lr\":0.001,\"data\":[3,{\"a\":2,\"z\":1}],"
                + "\"model\":{\"d_model\":128,\"n_layer\":4}}");
    String canonical =
        "{\"data\":[3,{\"a\":2,\"z\":1}],\"lr\":0.001,\"model\":{\"d_model\":128,\"n_layer\":4},"
            + "\"name\":\"tiny\"}";
    assertEquals(canonical, Ids.canonicalJson(a));
    assertEquals(canonical, Ids.canonicalJson(b));
    assertEquals(Ids.hash(Ids.canonicalJson(a), 16), Ids.hash(Ids.canonicalJson(b), 16));
  }

  @Test
  void differentSpecsGetDifferentIds() throws Exception {
    JsonNode a = JSON.readTree("{\"seed\": 1, \"data\": [1, 2]}");
    JsonNode b = JSON.readTree("{\"seed\": 2, \"data\": [1, 2]}");
    JsonNode c = JSON.readTree("{\"seed\": 1, \"data\": [2, 1]}");
    String ia = Ids.hash(Ids.canonicalJson(a), 16);
    assertNotEquals(ia, Ids.hash(Ids.canonicalJson(b), 16));
    assertNotEquals(ia, Ids.hash(Ids.canonicalJson(c), 16), "array order matters");
  }
}
