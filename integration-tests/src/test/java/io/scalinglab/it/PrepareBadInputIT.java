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
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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

  /** Makes a bad input in the test's folder; returns the path to give dataset.source.paths. */
  @FunctionalInterface
  interface Input {
    Path make(PrepareBadInputIT test) throws IOException;
  }

  /**
   * A corpus that prepare must refuse.
   *
   * @param what the case, for the test's name
   * @param input makes the input
   * @param overrides settings besides the path (format, field, ...)
   * @param names the fragment of the input's name the message must hold
   * @param problem a fragment that states the problem
   * @param fix a fragment that says what to do
   */
  record Case(
      String what, Input input, List<String> overrides, String names, String problem, String fix) {
    @Override
    public String toString() {
      return what;
    }
  }

  static Stream<Case> refused() {
    return Stream.of(
        new Case(
            "missing path",
            t -> t.dir.resolve("no-such-corpus.txt"),
            List.of(),
            "no-such-corpus.txt",
            "no such file or folder",
            "Check the path"),
        new Case(
            "empty file",
            t -> t.write("empty.txt", ""),
            List.of(),
            "empty.txt",
            "every input file is empty",
            "non-empty corpus"),
        new Case(
            "only separators: every document empty",
            t -> t.write("seps.txt", "<|endoftext|>\n<|endoftext|>\n"),
            List.of(),
            "seps.txt",
            "empty-document",
            "raise dataset.max-skipped-share"),
        new Case(
            "invalid UTF-8 in every document",
            t -> t.write("bad.txt", new byte[] {'a', (byte) 0xC3, '(', '\n'}),
            List.of(),
            "bad.txt",
            "invalid-utf8",
            "raise dataset.max-skipped-share"),
        new Case(
            "JSON lines read as Parquet",
            t -> t.write("c.jsonl", jsonl(10)),
            List.of("dataset.source.format=parquet"),
            "c.jsonl",
            "cannot be read as Parquet",
            "set dataset.source.format (jsonl for JSON lines"),
        new Case(
            "plain text read as JSON lines",
            t -> t.write("story.txt", "Once upon a time.\nThe end.\n<|endoftext|>\nAnother.\n"),
            List.of("dataset.source.format=jsonl"),
            "story.txt",
            "100.0% of records are corrupt ({invalid-json=4}",
            "Check dataset.source.format (now jsonl)"),
        new Case(
            "invalid JSON above dataset.max-skipped-share",
            t -> t.write("c.jsonl", jsonl(20) + "not json\nnot json either\n"),
            List.of("dataset.source.format=jsonl"),
            "c.jsonl",
            "invalid-json=2",
            "raise dataset.max-skipped-share"),
        new Case(
            "text field missing from every record",
            t -> t.write("d.jsonl", jsonl(120)),
            List.of("dataset.source.format=jsonl", "dataset.source.text-field=content"),
            "d.jsonl",
            "missing-field=120",
            "dataset.source.text-field"),
        new Case(
            "truncated gzip",
            t -> t.write("c.jsonl.gz", half(gzip(jsonl(5000)))),
            List.of("dataset.source.format=jsonl"),
            "c.jsonl.gz",
            "could not be read",
            "gzip -t"),
        new Case(
            "Parquet without the text column",
            t -> t.parquet("table"),
            List.of("dataset.source.format=parquet", "dataset.source.text-field=content"),
            "table",
            "no column 'content'",
            "Set dataset.source.text-field to one of them"),
        new Case(
            "Parquet with a damaged page",
            t -> t.damagedParquet("damaged", false),
            List.of("dataset.source.format=parquet"),
            ".parquet",
            "could not be read as Parquet",
            "copy or write it again"),
        new Case(
            "Parquet failing its Hadoop checksum",
            t -> t.damagedParquet("damaged-crc", true),
            List.of("dataset.source.format=parquet"),
            ".parquet",
            "Checksum error",
            "copy or write them again"),
        new Case(
            "filter that keeps nothing",
            t -> t.write("c.jsonl", jsonl(10)),
            List.of(
                "dataset.source.format=jsonl",
                "dataset.source.filter.field=lang",
                "dataset.source.filter.values=[SQL]"),
            "c.jsonl",
            "removed by dataset.source.filter",
            "Check dataset.source.format, dataset.source.text-field and dataset.source.filter"),
        new Case(
            "validation split empty",
            t -> t.write("c.jsonl", jsonl(3)),
            List.of("dataset.source.format=jsonl", "dataset.val-fraction=0.0001"),
            "c.jsonl",
            "validation split is empty",
            "Raise dataset.val-fraction"),
        new Case(
            "nanoGPT .bin of odd length",
            t -> {
              t.write("odd/train.bin", new byte[] {1, 0, 2});
              t.write("odd/val.bin", new byte[] {1, 0});
              return t.dir.resolve("in/odd");
            },
            List.of("dataset.source.format=nanogpt-bin"),
            "train.bin",
            "odd byte length 3",
            "np.uint16"),
        new Case(
            "nanoGPT .bin with a token outside the vocabulary",
            t -> {
              t.write("big/train.bin", new byte[] {1, 0, (byte) 0x10, (byte) 0x27}); // 10000
              t.write("big/val.bin", new byte[] {1, 0});
              return t.dir.resolve("in/big");
            },
            List.of("dataset.source.format=nanogpt-bin", "dataset.name=big"),
            "train.bin",
            "token 10000 at position 1 is outside the byte vocabulary of 257",
            "dataset.tokenizer"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void badCorpusIsRefusedNamingTheInputTheProblemAndTheFix(Case c) throws IOException {
    InputException e =
        fails(InputException.class, c.input().make(this), c.overrides().toArray(String[]::new));
    for (String part : List.of(c.names(), c.problem(), c.fix())) {
      contains(e.getMessage(), part);
    }
  }

  Path parquet(String name) throws IOException {
    Path table = dir.resolve("in").resolve(name);
    spark
        .read()
        .json(write(name + ".jsonl", jsonl(10)).toString())
        .coalesce(1)
        .write()
        .parquet(table.toString());
    return table;
  }

  /**
   * A one-file Parquet table whose first page header is overwritten; with {@code keepCrc} its
   * Hadoop {@code .crc} file stays, so the read fails its checksum first.
   */
  Path damagedParquet(String name, boolean keepCrc) throws IOException {
    Path table = parquet(name);
    try (Stream<Path> files = Files.list(table)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        if (n.endsWith(".parquet.crc") && !keepCrc) {
          Files.delete(f);
        } else if (n.endsWith(".parquet")) {
          byte[] b = Files.readAllBytes(f);
          Arrays.fill(b, 4, 24, (byte) 0x5A); // the first page header, not the footer
          Files.write(f, b);
        }
      }
    }
    return table;
  }

  static byte[] half(byte[] b) {
    return Arrays.copyOf(b, b.length / 2);
  }

  static byte[] gzip(String text) {
    ByteArrayOutputStream full = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(full)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return full.toByteArray();
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
  void recordWithoutTheTextFieldIsSkipped() throws IOException {
    String corpus = jsonl(120) + "{\"body\": \"the text is elsewhere\"}\n";
    PrepareResult r = prepare(write("c.jsonl", corpus), "dataset.source.format=jsonl");
    assertEquals(1, r.manifest().path("skipped").path("by_reason").path("missing-field").asLong());
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
}
