package io.scalinglab.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.error.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's contract on the local file system, plus what is particular to {@code file://}. */
class LocalResultsStoreTest extends ResultsStoreContract {
  @TempDir Path temp;

  @Override
  ResultsStore store() {
    return ResultsStore.open(temp.resolve("store").toString(), new Configuration());
  }

  @Test
  void localPathsBecomeAbsoluteFileUris() {
    ResultsStore s = ResultsStore.open(temp.resolve("a/../b").toString(), new Configuration());
    assertEquals("file", s.rootUri().getScheme());
    assertEquals(temp.resolve("b").toUri().getPath(), s.rootUri().getPath() + "/");
    assertTrue(Files.isDirectory(temp.resolve("b")));

    ResultsStore viaUri =
        ResultsStore.open(temp.resolve("c").toUri().toString(), new Configuration());
    assertTrue(Files.isDirectory(temp.resolve("c")));
    assertEquals("file", viaUri.rootUri().getScheme());
  }

  @Test
  void relativePathsResolveAgainstTheWorkingDirectory() {
    String relative = Path.of("").toAbsolutePath().relativize(temp.resolve("rel")).toString();
    ResultsStore s = ResultsStore.open(relative, new Configuration());
    assertTrue(Files.isDirectory(temp.resolve("rel")));
    assertTrue(s.rootUri().getPath().startsWith("/"), s.rootUri().toString());
  }

  @Test
  void unusableRootNamesItAndTheFix() throws IOException {
    Path file = Files.writeString(temp.resolve("a-file"), "x");
    String root = file.resolve("store").toString();
    StoreException e =
        assertThrows(StoreException.class, () -> ResultsStore.open(root, new Configuration()));
    assertTrue(e.getMessage().contains(root), e.getMessage());
    assertTrue(e.getMessage().contains("Check that the folder"), e.getMessage());
    assertThrows(StoreException.class, () -> ResultsStore.open(" ", new Configuration()));
  }

  @Test
  void layout() {
    ResultsStore s = store();
    String r = s.root().toString();
    assertEquals(r + "/data/owt/gpt2", s.dataDir("owt", "gpt2").toString());
    assertEquals(r + "/sweep-a", s.sweepDir("sweep-a").toString());
    assertEquals(r + "/sweep-a/runs/3f2a", s.runDir("sweep-a", "3f2a").toString());
    for (String bad : List.of("", "..", ".hidden", "_meta", "a/b", "c:d")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> s.runDir("sw", bad));
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void writesNoChecksumFilesAndReplacesStaleOnes() throws IOException {
    ResultsStore s = store();
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(s.root(), "m.json");
    // A checksummed writer (Spark, say) wrote the file first and left .m.json.crc beside it.
    try (var out = s.fs().create(target)) {
      out.write("{\"old\": true}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    Path dir = Path.of(s.rootUri());
    assertTrue(Files.exists(dir.resolve(".m.json.crc")));

    s.writeString(target, "{\"new\": true, \"longer\": \"than before\"}");
    assertFalse(Files.exists(dir.resolve(".m.json.crc")), "a stale checksum would fail readers");
    assertEquals("{\"new\": true, \"longer\": \"than before\"}", s.readString(target));
    try (var list = Files.list(dir)) {
      assertEquals(List.of("m.json"), list.map(p -> p.getFileName().toString()).toList());
    }
  }
}
