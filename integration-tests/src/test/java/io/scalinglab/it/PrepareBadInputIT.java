package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SparkSettings;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.error.ScalinglabException;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.prepare.PrepareJob;
import io.scalinglab.trainer.prepare.PrepareResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input to the prepare stage: it either fails with a message that names the
 * input, the problem and the fix, or skips the bad records with a count in the manifest. Either way
 * the store holds no partial output afterwards.
 */
class PrepareBadInputIT {
  static SparkSession spark;
  @TempDir Path dir;
  ResultsStore store;

  @BeforeAll
  static void start() {
    spark =
        SparkSessions.getOrCreate(
            new SparkSettings("local[2]", "bad-input-it", "127.0.0.1", Map.of()));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @AfterEach
  void storeHoldsNoPartialOutput() {
    if (store != null) {
      assertEquals(List.of(), store.temporaryLeftovers(store.root()), "temporary leftovers");
    }
  }

  PrepareResult prepare(Path input, String... overrides) {
    List<String> all = new ArrayList<>();
    all.add("store.root=\"" + dir.resolve("store").toUri() + "\"");
    all.add("dataset.source.paths=[\"" + input.toUri() + "\"]");
    all.add("dataset.tokenizer=byte");
    all.add("dataset.val-fraction=0.3");
    all.addAll(Arrays.asList(overrides));
    ScalinglabConfig c = ScalinglabConfig.load(List.of(), all);
    store = ResultsStore.open(c.store().root(), spark.sparkContext().hadoopConfiguration());
    return PrepareJob.run(spark, c, store, line -> {});
  }

  /** Runs prepare expecting failure; asserts the dataset folder was never created. */
  <T extends ScalinglabException> T fails(Class<T> type, Path input, String... overrides) {
    T e = assertThrows(type, () -> prepare(input, overrides));
    Path data = dir.resolve("store").resolve("data");
    if (Files.isDirectory(data)) {
      try (var datasets = Files.list(data)) {
        for (Path ds : (Iterable<Path>) datasets::iterator) {
          try (var inner = Files.list(ds)) {
            assertTrue(
                inner.noneMatch(p -> Files.exists(p.resolve("manifest.json"))),
                "no dataset committed after a failure");
          }
        }
      } catch (IOException io) {
        throw new AssertionError(io);
      }
    }
    return e;
  }

  static void contains(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "message lacks '" + p + "': " + message);
    }
  }

  Path write(String name, String content) throws IOException {
    return write(name, content.getBytes(StandardCharsets.UTF_8));
  }

  Path write(String name, byte[] content) throws IOException {
    Path p = dir.resolve("in").resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, content);
    return p;
  }

  static String jsonl(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append("{\"text\": \"document number ").append(i).append(" of the corpus\"}\n");
    }
    return b.toString();
  }

  @Test
  void missingPath() {
    Path missing = dir.resolve("no-such-corpus.txt");
    InputException e = fails(InputException.class, missing);
    contains(e.getMessage(), "no-such-corpus.txt", "no such file or folder", "Check the path");
  }

  @Test
  void emptyCorpus() throws IOException {
    InputException e = fails(InputException.class, write("empty.txt", ""));
    contains(e.getMessage(), "empty.txt", "every input file is empty", "non-empty corpus");
  }

  @Test
  void onlySeparatorsIsNoDocuments() throws IOException {
    InputException e =
        fails(InputException.class, write("seps.txt", "<|endoftext|>\n<|endoftext|>\n"));
    contains(e.getMessage(), "seps.txt", "corrupt", "empty-document");
  }

  @Test
  void jsonLinesReadAsParquetIsTheWrongFormat() throws IOException {
    InputException e =
        fails(InputException.class, write("c.jsonl", jsonl(10)), "dataset.source.format=parquet");
    contains(e.getMessage(), "c.jsonl", "cannot be read as Parquet", "dataset.source.format");
  }

  @Test
  void plainTextReadAsJsonLinesIsTheWrongFormat() throws IOException {
    InputException e =
        fails(
            InputException.class,
            write("story.txt", "Once upon a time.\nThe end.\n<|endoftext|>\nAnother.\n"),
            "dataset.source.format=jsonl");
    contains(
        e.getMessage(),
        "story.txt",
        "100.0% of records are corrupt",
        "invalid-json",
        "Check dataset.source.format (now jsonl)");
  }

  @Test
  void invalidJsonLineBelowTheShareIsSkippedAndCounted() throws IOException {
    String corpus = jsonl(150) + "{\"text\": \"cut off\n" + jsonl(49);
    PrepareResult r = prepare(write("c.jsonl", corpus), "dataset.source.format=jsonl");
    assertEquals(199, r.documents());
    assertEquals(1, r.skipped());
    assertEquals(1, r.manifest().path("skipped").path("by_reason").path("invalid-json").asLong());
    assertFalse(r.manifest().path("skipped").path("examples").path("invalid-json").isMissingNode());
  }

  @Test
  void invalidJsonAboveTheShareFails() throws IOException {
    String corpus = jsonl(20) + "not json\nnot json either\n";
    InputException e =
        fails(InputException.class, write("c.jsonl", corpus), "dataset.source.format=jsonl");
    contains(e.getMessage(), "c.jsonl", "invalid-json=2", "dataset.max-skipped-share");
  }

  @Test
  void recordWithoutTheTextFieldIsSkipped() throws IOException {
    String corpus = jsonl(120) + "{\"body\": \"the text is elsewhere\"}\n";
    PrepareResult r = prepare(write("c.jsonl", corpus), "dataset.source.format=jsonl");
    assertEquals(1, r.manifest().path("skipped").path("by_reason").path("missing-field").asLong());
  }

  @Test
  void wrongTextFieldFails() throws IOException {
    InputException e =
        fails(
            InputException.class,
            write("d.jsonl", jsonl(120)),
            "dataset.source.format=jsonl",
            "dataset.source.text-field=content");
    contains(e.getMessage(), "d.jsonl", "missing-field=120", "dataset.source.text-field");
  }

  @Test
  void invalidUtf8() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < 150; i++) {
      b.writeBytes(("story " + i + "\n<|endoftext|>\n").getBytes(StandardCharsets.UTF_8));
    }
    b.writeBytes(new byte[] {'b', 'a', 'd', (byte) 0xC3, (byte) 0x28, '\n'});
    b.writeBytes("<|endoftext|>\n".getBytes(StandardCharsets.UTF_8));
    PrepareResult r = prepare(write("c.txt", b.toByteArray()));
    assertEquals(150, r.documents());
    assertEquals(1, r.manifest().path("skipped").path("by_reason").path("invalid-utf8").asLong());
  }

  @Test
  void emptyDocument() throws IOException {
    String corpus = jsonl(150) + "{\"text\": \"   \"}\n";
    PrepareResult r = prepare(write("c.jsonl", corpus), "dataset.source.format=jsonl");
    assertEquals(1, r.manifest().path("skipped").path("by_reason").path("empty-document").asLong());
  }

  @Test
  void truncatedGzip() throws IOException {
    ByteArrayOutputStream full = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(full)) {
      gz.write(jsonl(5000).getBytes(StandardCharsets.UTF_8));
    }
    byte[] cut = Arrays.copyOf(full.toByteArray(), full.size() / 2);
    ScalinglabException e =
        fails(ScalinglabException.class, write("c.jsonl.gz", cut), "dataset.source.format=jsonl");
    contains(e.getMessage(), "c.jsonl.gz", "could not be read", "gzip -t");
  }

  @Test
  void hugeSingleDocumentStreamsThrough() throws IOException {
    // One 24 MB document (no separator inside) beside small ones: tokenized and sharded whole,
    // its tokens counted exactly, within the test JVM's heap.
    int huge = 24 << 20;
    byte[] line = "the quick brown fox jumps over the lazy dog\n".getBytes(StandardCharsets.UTF_8);
    byte[] corpus = new byte[huge + 40 * 64];
    int at = 0;
    while (at + line.length <= huge) {
      System.arraycopy(line, 0, corpus, at, line.length);
      at += line.length;
    }
    int hugeLength = at - 1; // the separated format trims the last newline
    StringBuilder small = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      small.append("<|endoftext|>\nsmall document ").append(i).append('\n');
    }
    byte[] tail = small.toString().getBytes(StandardCharsets.UTF_8);
    System.arraycopy(tail, 0, corpus, at, tail.length);
    PrepareResult r =
        prepare(
            write("huge.txt", java.util.Arrays.copyOf(corpus, at + tail.length)),
            "dataset.shard-tokens=4000000");
    JsonNode m = r.manifest();
    long tokens = m.path("train").path("tokens").asLong() + m.path("val").path("tokens").asLong();
    long smallBytes = 0;
    for (int i = 0; i < 40; i++) {
      smallBytes += ("small document " + i).length();
    }
    // The byte tokenizer: one token per byte, plus one end-of-text token per document.
    assertEquals(hugeLength + smallBytes + 41, tokens, m.toString());
  }

  @Test
  void validationSplitEmpty() throws IOException {
    InputException e =
        fails(
            InputException.class,
            write("c.jsonl", jsonl(3)),
            "dataset.source.format=jsonl",
            "dataset.val-fraction=0.0001");
    contains(e.getMessage(), "validation split is empty", "Raise dataset.val-fraction");
  }

  @Test
  void filterThatKeepsNothing() throws IOException {
    InputException e =
        fails(
            InputException.class,
            write("c.jsonl", jsonl(10)),
            "dataset.source.format=jsonl",
            "dataset.source.filter.field=lang",
            "dataset.source.filter.values=[SQL]");
    contains(e.getMessage(), "no documents found", "removed by dataset.source.filter");
  }

  @Test
  void parquetWithoutTheTextColumn() throws IOException {
    Path parquet = dir.resolve("in").resolve("table");
    spark.read().json(write("c.jsonl", jsonl(10)).toString()).write().parquet(parquet.toString());
    InputException e =
        fails(
            InputException.class,
            parquet,
            "dataset.source.format=parquet",
            "dataset.source.text-field=content");
    contains(e.getMessage(), "no column 'content'", "[text]", "dataset.source.text-field");
  }

  @Test
  void nanoGptBinWithOddLengthOrForeignTokens() throws IOException {
    write("odd/train.bin", new byte[] {1, 0, 2});
    write("odd/val.bin", new byte[] {1, 0});
    InputException odd =
        fails(InputException.class, dir.resolve("in/odd"), "dataset.source.format=nanogpt-bin");
    contains(odd.getMessage(), "train.bin", "odd byte length 3", "np.uint16");

    write("big/train.bin", new byte[] {1, 0, (byte) 0x10, (byte) 0x27}); // 10000 > byte vocab
    write("big/val.bin", new byte[] {1, 0});
    InputException foreign =
        fails(
            InputException.class,
            dir.resolve("in/big"),
            "dataset.source.format=nanogpt-bin",
            "dataset.name=big");
    contains(
        foreign.getMessage(),
        "token 10000 at position 1",
        "vocabulary of 257",
        "dataset.tokenizer");
  }
}
