package io.scalinglab.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.format.ShardWriter;
import io.scalinglab.core.format.TokenShards;
import io.scalinglab.core.store.ResultsStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prepared split of four shards whose tokens are their positions (vocabulary 2^16), read into the
 * heap and mapped, from a {@code file://} store (mapped in place) and from a store on another
 * scheme (copied to a local cache first, as from HDFS).
 */
class ShardDataTest {
  /** Shard sizes in tokens: small enough that many windows of 64 + 1 tokens straddle two. */
  private static final int[] SHARDS = {300, 1, 517, 400};

  private static final int TOTAL = 1218;
  private static final int BLOCK = 64;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private ObjectNode manifest;
  private Path dataset;

  /**
   * The local disk under another scheme, so the store is not {@code file://} and shards are copied
   * as from HDFS; counts the files opened.
   */
  static final class ElsewhereFs extends RawLocalFileSystem {
    static final AtomicInteger OPENED = new AtomicInteger();

    @Override
    public URI getUri() {
      return URI.create("elsewhere:///");
    }

    @Override
    public FSDataInputStream open(org.apache.hadoop.fs.Path f, int bufferSize) throws IOException {
      OPENED.incrementAndGet();
      return super.open(f, bufferSize);
    }
  }

  @BeforeEach
  void writeDataset() throws IOException {
    dataset = tmp.resolve("store/data/tiny/byte");
    Files.createDirectories(dataset.resolve("train"));
    manifest = JSON.createObjectNode();
    manifest.put("vocab_size", TokenShards.MAX_VOCAB_SIZE);
    manifest.put("eot", 5);
    ObjectNode train = manifest.putObject("train");
    train.put("tokens", TOTAL);
    ArrayNode shards = train.putArray("shards");
    int position = 0;
    for (int k = 0; k < SHARDS.length; k++) {
      String file = "train/part-0000" + k + ".bin";
      ShardWriter w =
          TokenShards.writer(
              Files.newOutputStream(dataset.resolve(file)), TokenShards.MAX_VOCAB_SIZE);
      for (int i = 0; i < SHARDS[k]; i++) {
        w.write(position++);
      }
      w.close();
      shards.addObject().put("file", file).put("tokens", SHARDS[k]).put("bytes", 2 * SHARDS[k]);
    }
  }

  private ResultsStore store(String scheme) {
    Configuration conf = new Configuration();
    conf.set("fs.elsewhere.impl", ElsewhereFs.class.getName());
    conf.setBoolean("fs.elsewhere.impl.disable.cache", true);
    return ResultsStore.open(scheme + "://" + tmp.resolve("store").toUri().getPath(), conf);
  }

  private ShardData data(ResultsStore store) {
    return new ShardData(store, store.dataDir("tiny", "byte"), manifest, line -> {});
  }

  private ShardData.Split map(ResultsStore store, long maxTokens, Path cache) {
    return data(store).map("train", maxTokens, cache);
  }

  @Test
  void mappedWindowsEqualInMemoryWindowsAcrossShardBoundaries() {
    for (String scheme : List.of("file", "elsewhere")) {
      ResultsStore store = store(scheme);
      // A subset prefix that ends inside the third shard: the fourth is neither read nor copied.
      long subset = 300 + 1 + 400;
      ShardData.Split heap = data(store).read("train", subset);
      ShardData.Split mapped = map(store, subset, tmp.resolve("cache-" + scheme));
      assertInstanceOf(ArrayTokens.class, heap.tokens());
      assertInstanceOf(MappedTokens.class, mapped.tokens());
      assertEquals(subset, mapped.tokens().length());

      TokenWindows a = new TokenWindows(heap.tokens(), subset, BLOCK, 42);
      TokenWindows b = new TokenWindows(mapped.tokens(), subset, BLOCK, 42);
      int straddling = 0;
      for (int step = 0; step < 50; step++) {
        TokenWindows.Batch x = a.batch(step, 1, 8);
        TokenWindows.Batch y = b.batch(step, 1, 8);
        assertArrayEquals(x.x(), y.x(), scheme + " step " + step);
        assertArrayEquals(x.y(), y.y(), scheme + " step " + step);
        for (int row = 0; row < 8; row++) {
          int start = y.x()[row * BLOCK]; // tokens are positions
          assertTrue(start + BLOCK < subset);
          straddling += start < 300 && start + BLOCK >= 300 ? 1 : 0;
          straddling += start < 301 && start + BLOCK >= 301 ? 1 : 0;
        }
      }
      // About 22% of the 400 windows cross the first shards' ends; none doing so is ~1e-40 likely.
      assertTrue(straddling > 0, "no window straddled two shards");
      List<int[]> docs = mapped.documents(3, 10);
      assertArrayEquals(new int[] {0, 1, 2, 3, 4}, docs.get(0)); // EOT is token 5
      assertEquals(1, docs.size(), "one EOT in the subset: one whole document");
    }
  }

  @Test
  void copiesOnlyTheShardsTheSubsetReachesAndLeavesNoTemporaryFile() throws IOException {
    Path cache = tmp.resolve("cache");
    map(store("elsewhere"), 302, cache);
    assertEquals(
        List.of("train_part-00000.bin", "train_part-00001.bin", "train_part-00002.bin"),
        names(cache));
  }

  @Test
  void anEarlierCompleteCopyIsReusedAndAWrongOneReplaced() throws IOException {
    Path cache = tmp.resolve("cache");
    ResultsStore store = store("elsewhere");
    int[] expected = new int[TOTAL];
    data(store).read("train", TOTAL).tokens().read(0, expected, 0, TOTAL);
    map(store, TOTAL, cache);
    Path copy = cache.resolve("train_part-00002.bin");
    long modified = Files.getLastModifiedTime(copy).toMillis();

    int before = ElsewhereFs.OPENED.get();
    ShardData.Split again = map(store, TOTAL, cache);
    assertEquals(before, ElsewhereFs.OPENED.get(), "no shard read from the store again");
    assertEquals(modified, Files.getLastModifiedTime(copy).toMillis());

    // A copy of the wrong size is not trusted. (A new file: `again` still maps the old one, and
    // cutting a mapped file short would fault its reads.)
    Files.delete(copy);
    Files.write(copy, new byte[10]);
    ShardData.Split repaired = map(store, TOTAL, cache);
    assertEquals(before + 1, ElsewhereFs.OPENED.get(), "only the bad copy is fetched again");
    assertEquals(2L * SHARDS[2], Files.size(copy));
    for (ShardData.Split s : List.of(again, repaired)) {
      int[] got = new int[TOTAL];
      s.tokens().read(0, got, 0, TOTAL);
      assertArrayEquals(expected, got);
    }
    assertEquals(4, names(cache).size(), "no temporary files: " + names(cache));
  }

  @Test
  void aTruncatedShardIsNamedWithTheFix() throws IOException {
    Path shard = dataset.resolve("train/part-00002.bin");
    try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
      f.setLength(2 * 200);
    }
    for (String scheme : List.of("file", "elsewhere")) {
      ResultsStore store = store(scheme);
      InputException e =
          assertThrows(InputException.class, () -> map(store, TOTAL, tmp.resolve("cache")));
      assertTrue(e.getMessage().contains("part-00002.bin"), e.getMessage());
      assertTrue(e.getMessage().contains("holds 400 bytes"), e.getMessage());
      assertTrue(e.getMessage().contains("manifest says 517 tokens"), e.getMessage());
      assertTrue(e.getMessage().contains("Prepare the dataset again"), e.getMessage());
      e = assertThrows(InputException.class, () -> data(store).read("train", TOTAL));
      assertTrue(e.getMessage().contains("part-00002.bin"), e.getMessage());
    }
    // Shards before the truncated one are enough for a small subset.
    assertEquals(301, map(store("file"), 301, tmp.resolve("cache")).tokens().length());
  }

  @Test
  void smallSplitsAreReadIntoTheHeap() {
    ResultsStore store = store("elsewhere");
    ShardData.Split s = data(store).open("train", TOTAL, tmp.resolve("cache"));
    assertInstanceOf(ArrayTokens.class, s.tokens());
    assertEquals(TOTAL, s.tokens().length());
    assertTrue(TOTAL <= ShardData.IN_MEMORY_MAX_TOKENS);
  }

  @Test
  void documentsAreCutToTheirLengthAndStopAtTheirCount() {
    int eot = 9;
    int[] tokens = {1, 2, 3, eot, eot, 4, eot, 5, 6, 7, 8, eot, 1};
    ShardData.Split s = new ShardData.Split(TokenSource.of(tokens), eot);
    List<int[]> docs = s.documents(10, 3);
    assertEquals(3, docs.size(), "empty documents skipped, the unterminated tail dropped");
    assertArrayEquals(new int[] {1, 2, 3}, docs.get(0));
    assertArrayEquals(new int[] {4}, docs.get(1));
    assertArrayEquals(new int[] {5, 6, 7}, docs.get(2));
    assertEquals(1, s.documents(1, 3).size());
  }

  @Test
  void windowsCutEachDocumentIntoConsecutiveContexts() {
    int eot = 9;
    int[] tokens = {1, 2, 3, 4, 5, 6, 7, 8, eot, 4, eot, 5, 6, 7, eot};
    ShardData.Split s = new ShardData.Split(TokenSource.of(tokens), eot);
    ShardData.Windows w = s.windows(10, 3, 2);
    assertEquals(3, w.documents());
    List<int[]> windows = w.windows();
    assertEquals(4, windows.size(), "the first document gives two windows, the tail cut off");
    assertArrayEquals(new int[] {1, 2, 3}, windows.get(0));
    assertArrayEquals(new int[] {4, 5, 6}, windows.get(1));
    assertArrayEquals(new int[] {4}, windows.get(2));
    assertArrayEquals(new int[] {5, 6, 7}, windows.get(3));
    assertEquals(3, s.windows(1, 3, 5).windows().size(), "8 tokens: windows of 3, 3 and 2");
    assertEquals(1, s.windows(1, 3, 5).documents());
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }
}
