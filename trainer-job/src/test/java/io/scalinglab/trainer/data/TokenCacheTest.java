package io.scalinglab.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCacheTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private static ObjectNode manifest(String sha256) {
    ObjectNode m = JSON.createObjectNode();
    m.putObject("train")
        .putArray("shards")
        .addObject()
        .put("file", "train/part-00000.bin")
        .put("sha256", sha256);
    return m;
  }

  @Test
  void foldersAreKeyedByTheSplitsContent() {
    TokenCache c = TokenCache.shared(tmp);
    Path a = c.folder("run-a", manifest("aa"), "train");
    assertEquals(a, c.folder("run-b", manifest("aa"), "train"), "runs share a shared cache");
    assertTrue(a.getFileName().toString().startsWith("train-"));
    assertNotEquals(a, c.folder("run-a", manifest("bb"), "train"), "data prepared again");
    assertNotEquals(a, c.folder("run-a", manifest("aa"), "val"));
  }

  @Test
  void aDeletedCacheGivesEachRunItsOwnFolderAndDeletesOnlyThat() throws IOException {
    TokenCache c = new TokenCache(tmp, true);
    Path mine = c.folder("run-a", manifest("aa"), "train");
    Path theirs = c.folder("run-b", manifest("aa"), "train");
    assertNotEquals(mine, theirs);
    for (Path p : List.of(mine, theirs)) {
      Files.createDirectories(p);
      Files.write(p.resolve("train_part-00000.bin"), new byte[4]);
    }
    List<String> log = new ArrayList<>();
    c.release("run-a", log::add);
    assertFalse(Files.exists(tmp.resolve("run-a")));
    assertTrue(Files.exists(theirs.resolve("train_part-00000.bin")));
    assertEquals(List.of(), log);
    c.release("run-a", log::add); // nothing left: nothing to do
  }

  @Test
  void aSharedCacheIsKept() throws IOException {
    TokenCache c = TokenCache.shared(tmp);
    Path f = c.folder("run-a", manifest("aa"), "train");
    Files.createDirectories(f);
    c.release("run-a", line -> {});
    assertTrue(Files.exists(f));
  }
}
