package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SparkSettings;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.core.testing.MiniHdfs;
import io.scalinglab.core.testing.SharedData;
import io.scalinglab.trainer.corpus.Document;
import io.scalinglab.trainer.corpus.RecordParsers;
import io.scalinglab.trainer.prepare.PrepareJob;
import io.scalinglab.trainer.prepare.PrepareResult;
import io.scalinglab.trainer.tokenize.Tokenizer;
import io.scalinglab.trainer.tokenize.Tokenizers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The prepare stage on the real corpus samples in the shared folder, copied into a real in-JVM
 * HDFS, with Spark {@code local[2]} and the results store on {@code hdfs://}.
 */
class PrepareIT {
  @TempDir static Path tmp;
  static MiniHdfs hdfs;
  static SparkSession spark;
  static String corpora;

  @BeforeAll
  static void start() throws IOException {
    hdfs = MiniHdfs.start(tmp.resolve("hdfs"), 1);
    spark =
        SparkSessions.getOrCreate(
            new SparkSettings("local[2]", "prepare-it", "127.0.0.1", Map.of()));
    spark.sparkContext().hadoopConfiguration().addResource(hdfs.conf());
    corpora = hdfs.uri() + "/corpora";
    FileSystem fs = hdfs.fs();
    for (String f :
        List.of(
            "tinystories/train-sample.txt",
            "tinystories/train-sample.jsonl",
            "openwebtext/sample.jsonl",
            "openwebtext/sample.txt",
            "stack-sql/sample.jsonl")) {
      fs.copyFromLocalFile(
          new org.apache.hadoop.fs.Path(SharedData.path("corpora/" + f).toUri()),
          new org.apache.hadoop.fs.Path(corpora + "/" + f));
    }
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (hdfs != null) {
      hdfs.close();
    }
  }

  static ScalinglabConfig config(String store, String... overrides) {
    List<String> all = new ArrayList<>();
    all.add("store.root=\"" + store + "\"");
    all.addAll(List.of(overrides));
    return ScalinglabConfig.load(List.of(), all);
  }

  static String hdfsStore(String name) {
    return hdfs.uri() + "/stores/" + name;
  }

  static PrepareResult prepare(ScalinglabConfig c) {
    ResultsStore store =
        ResultsStore.open(c.store().root(), spark.sparkContext().hadoopConfiguration());
    return PrepareJob.run(spark, c, store, line -> {});
  }

  /** The documents of a local sample file, read single-threaded without Spark. */
  static List<String> documents(String sample, String format, String field, String filter)
      throws IOException {
    List<String> docs = new ArrayList<>();
    Path p = SharedData.path("corpora/" + sample);
    if (format.equals("text")) {
      try (InputStream in = Files.newInputStream(p)) {
        RecordParsers.splitSeparated(
            in,
            "<|endoftext|>".getBytes(StandardCharsets.UTF_8),
            r -> {
              if (r instanceof Document d) {
                docs.add(d.text());
              }
            });
      }
    } else {
      Set<String> values = filter == null ? Set.of() : Set.of(filter);
      for (String line : Files.readAllLines(p)) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        RecordParsers.jsonLine(b, 0, b.length, field, filter == null ? null : "lang", values)
            .filter(Document.class::isInstance)
            .ifPresent(r -> docs.add(((Document) r).text()));
      }
    }
    return docs;
  }

  /** Reads every shard of a split back as little-endian uint16 tokens, in manifest order. */
  static int[] readSplit(PrepareResult r, String split) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    FileSystem fs = hdfs.fs();
    for (JsonNode shard : r.manifest().path(split).path("shards")) {
      org.apache.hadoop.fs.Path p =
          new org.apache.hadoop.fs.Path(r.dir(), shard.get("file").asText());
      try (InputStream in = fs.open(p)) {
        byte[] b = in.readAllBytes();
        assertEquals(shard.get("bytes").asLong(), b.length, "bytes of " + p);
        all.write(b);
      }
    }
    byte[] b = all.toByteArray();
    assertEquals(0, b.length % 2, "uint16 shards have an even byte length");
    int[] tokens = new int[b.length / 2];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = (b[2 * i] & 0xff) | ((b[2 * i + 1] & 0xff) << 8);
    }
    return tokens;
  }

  /** Splits a token stream at EOT into documents, decoded back to text. */
  static List<String> decode(int[] tokens, Tokenizer tokenizer) {
    List<String> docs = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] == tokenizer.eot()) {
        docs.add(tokenizer.decode(java.util.Arrays.copyOfRange(tokens, start, i)));
        start = i + 1;
      }
    }
    assertEquals(tokens.length, start, "every document ends with EOT");
    return docs;
  }

  static Map<String, Integer> counts(List<String> docs) {
    Map<String, Integer> m = new HashMap<>();
    docs.forEach(d -> m.merge(d, 1, Integer::sum));
    return m;
  }

  @ParameterizedTest(name = "{0} as {1} with {4}")
  @CsvSource({
    "tinystories/train-sample.txt,text,text,,gpt2",
    "tinystories/train-sample.txt,text,text,,byte",
    "tinystories/train-sample.jsonl,jsonl,text,,gpt2",
    "openwebtext/sample.jsonl,jsonl,text,,gpt2",
    "openwebtext/sample.txt,text,text,,byte",
    "stack-sql/sample.jsonl,jsonl,content,SQL,gpt2",
    "stack-sql/sample.jsonl,jsonl,content,SQL,byte",
  })
  void preparesRealSamplesLikeASingleThreadedEncoding(
      String sample, String format, String field, String filter, String tokenizerName)
      throws IOException {
    String name = sample.replaceAll("[^A-Za-z0-9]", "-");
    ScalinglabConfig c =
        config(
            hdfsStore("samples"),
            "dataset.name=" + name,
            "dataset.source.paths=[\"" + corpora + "/" + sample + "\"]",
            "dataset.source.format=" + format,
            "dataset.source.text-field=" + field,
            "dataset.source.filter.field=\"" + (filter == null ? "" : "lang") + "\"",
            "dataset.source.filter.values=[" + (filter == null ? "" : "\"" + filter + "\"") + "]",
            "dataset.tokenizer=" + tokenizerName,
            "dataset.val-fraction=0.1",
            "dataset.shard-tokens=100000");
    PrepareResult r = prepare(c);
    Tokenizer tokenizer = Tokenizers.forName(tokenizerName);

    List<String> expected = documents(sample, format, field, filter);
    long expectedTokens = 0;
    for (String d : expected) {
      expectedTokens += tokenizer.encodeDocument(d).length;
    }
    assertEquals(expected.size(), r.documents(), "documents");
    assertEquals(expectedTokens, r.trainTokens() + r.valTokens(), "tokens");
    assertEquals(0, r.skipped(), "real samples have no corrupt records");

    int[] train = readSplit(r, "train");
    int[] val = readSplit(r, "val");
    assertEquals(r.trainTokens(), train.length);
    assertEquals(r.valTokens(), val.length);
    List<String> trainDocs = decode(train, tokenizer);
    List<String> valDocs = decode(val, tokenizer);
    List<String> both = new ArrayList<>(trainDocs);
    both.addAll(valDocs);
    assertEquals(counts(expected), counts(both), "every document in exactly one split");
    Set<String> overlap = new java.util.HashSet<>(trainDocs);
    overlap.retainAll(Set.copyOf(valDocs));
    assertTrue(overlap.isEmpty(), "no text in both splits");
    for (String key :
        List.of("java_version", "os_arch", "git_commit", "resolved_config", "seeds")) {
      assertTrue(r.manifest().path("provenance").has(key), "provenance lacks " + key);
    }
  }

  @Test
  void splitAndOrderDoNotDependOnPartitioning() throws IOException {
    String path = "dataset.source.paths=[\"" + corpora + "/tinystories/train-sample.txt\"]";
    PrepareResult one =
        prepare(
            config(
                hdfsStore("p1"),
                path,
                "dataset.tokenizer=byte",
                "dataset.partitions=1",
                "dataset.val-fraction=0.05",
                "dataset.shard-tokens=300000"));
    PrepareResult five =
        prepare(
            config(
                hdfsStore("p5"),
                path,
                "dataset.tokenizer=byte",
                "dataset.partitions=5",
                "dataset.val-fraction=0.05",
                "dataset.shard-tokens=300000"));
    assertEquals(one.datasetId(), five.datasetId(), "partitions are not part of the id");
    assertArrayEquals(readSplit(one, "train"), readSplit(five, "train"));
    assertArrayEquals(readSplit(one, "val"), readSplit(five, "val"));
    assertTrue(one.manifest().path("train").path("shards").size() > 1, "several shards");
  }

  @Test
  void theSameDocumentsInAnotherFormatGiveIdenticalShards() throws IOException {
    PrepareResult txt =
        prepare(
            config(
                hdfsStore("fmt"),
                "dataset.name=ts-txt",
                "dataset.source.paths=[\"" + corpora + "/tinystories/train-sample.txt\"]",
                "dataset.tokenizer=gpt2",
                "dataset.val-fraction=0.05"));
    PrepareResult jsonl =
        prepare(
            config(
                hdfsStore("fmt"),
                "dataset.name=ts-jsonl",
                "dataset.source.paths=[\"" + corpora + "/tinystories/train-sample.jsonl\"]",
                "dataset.source.format=jsonl",
                "dataset.tokenizer=gpt2",
                "dataset.val-fraction=0.05"));
    assertArrayEquals(readSplit(txt, "train"), readSplit(jsonl, "train"));
    assertArrayEquals(readSplit(txt, "val"), readSplit(jsonl, "val"));
  }

  @Test
  void parquetWithTheStackColumnsAndLanguageFilter() throws IOException {
    String parquet = hdfs.uri() + "/corpora/stack-sql-parquet";
    spark.read().json(corpora + "/stack-sql/sample.jsonl").write().parquet(parquet);
    String[] common = {
      "dataset.source.text-field=content",
      "dataset.source.filter.field=lang",
      "dataset.source.filter.values=[SQL]",
      "dataset.tokenizer=byte",
      "dataset.val-fraction=0.1"
    };
    List<String> a = new ArrayList<>(List.of(common));
    a.add("dataset.name=stack-parquet");
    a.add("dataset.source.format=parquet");
    a.add("dataset.source.paths=[\"" + parquet + "\"]");
    List<String> b = new ArrayList<>(List.of(common));
    b.add("dataset.name=stack-jsonl");
    b.add("dataset.source.format=jsonl");
    b.add("dataset.source.paths=[\"" + corpora + "/stack-sql/sample.jsonl\"]");
    PrepareResult fromParquet = prepare(config(hdfsStore("parquet"), a.toArray(String[]::new)));
    PrepareResult fromJsonl = prepare(config(hdfsStore("parquet"), b.toArray(String[]::new)));
    assertEquals(383, fromParquet.documents());
    assertArrayEquals(readSplit(fromJsonl, "train"), readSplit(fromParquet, "train"));
  }

  @Test
  void subsetsAreNestedPrefixesAndRerunDoesNoWork() {
    ScalinglabConfig c =
        config(
            hdfsStore("subsets"),
            "dataset.source.paths=[\"" + corpora + "/openwebtext/sample.jsonl\"]",
            "dataset.source.format=jsonl",
            "dataset.val-fraction=0.1",
            "dataset.subsets.fractions=[0.25, 0.5, 1.0]",
            "dataset.subsets.tokens=[1000]");
    PrepareResult first = prepare(c);
    assertFalse(first.reused());
    long train = first.trainTokens();
    List<Long> sizes = new ArrayList<>();
    for (JsonNode s : first.manifest().path("subsets")) {
      sizes.add(s.get("tokens").asLong());
    }
    assertEquals(List.of(1000L, train / 4, train / 2, train), sizes, "sorted, floor(f * train)");

    PrepareResult again = prepare(c);
    assertTrue(again.reused(), "same config: nothing done");
    assertEquals(first.dir(), again.dir());
    PrepareResult other = prepare(c.withOverrides(List.of("dataset.val-fraction=0.2")));
    assertFalse(other.reused());
    assertFalse(first.dir().equals(other.dir()), "another config gets another dataset id");
  }

  @Test
  void aCorpusChangedInPlaceIsRefusedNotSilentlyReused() throws IOException {
    String dir = corpora + "/pinned";
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      lines.append("{\"text\": \"story number ").append(i).append(", once upon a time.\"}\n");
    }
    byte[] text = lines.toString().getBytes(StandardCharsets.UTF_8);
    write(dir + "/a.jsonl", text);
    ScalinglabConfig c =
        config(
            hdfsStore("pinned"),
            "dataset.source.paths=[\"" + dir + "\"]",
            "dataset.source.format=jsonl",
            "dataset.tokenizer=byte",
            "dataset.val-fraction=0.3");
    PrepareResult first = prepare(c);
    assertEquals(1, first.manifest().path("input").path("listing").size());
    assertTrue(prepare(c).reused(), "the same files: reused");

    byte[] more = (lines + "{\"text\": \"one more.\"}\n").getBytes(StandardCharsets.UTF_8);
    write(dir + "/a.jsonl", more);
    write(dir + "/b.jsonl", text);
    InputException e = assertThrows(InputException.class, () -> prepare(c));
    String sizes =
        String.format(
            java.util.Locale.ROOT, "a.jsonl: %,d bytes then, %,d now", text.length, more.length);
    assertTrue(e.getMessage().contains(sizes), e.getMessage());
    assertTrue(e.getMessage().contains("added " + dir + "/b.jsonl"), e.getMessage());
    assertTrue(e.getMessage().contains("Delete " + first.dir()), e.getMessage());

    hdfs.fs().delete(new org.apache.hadoop.fs.Path(first.dir().toString()), true);
    PrepareResult again = prepare(c);
    assertFalse(again.reused(), "prepared afresh once the old dataset is gone");
    assertEquals(2, again.manifest().path("input").path("listing").size());

    // inputs removed once prepared: the prepared dataset is reused, with a warning
    hdfs.fs().delete(new org.apache.hadoop.fs.Path(dir), true);
    List<String> log = new ArrayList<>();
    ResultsStore store =
        ResultsStore.open(c.store().root(), spark.sparkContext().hadoopConfiguration());
    assertTrue(PrepareJob.run(spark, c, store, log::add).reused(), "inputs gone: reused");
    assertTrue(
        log.stream().anyMatch(l -> l.startsWith("WARNING the inputs of " + again.dir())),
        log.toString());
  }

  @Test
  void jsonArrayAndFolderOfFilesFormats() throws IOException {
    List<String> docs = documents("tinystories/train-sample.jsonl", "jsonl", "text", null);
    List<String> first = docs.subList(0, 200);
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    List<Map<String, String>> array = new ArrayList<>();
    first.forEach(d -> array.add(Map.of("story", d, "source", "GPT-4")));
    String arrayFile = hdfs.uri() + "/corpora/json/data00.json";
    write(arrayFile, json.writeValueAsBytes(array));
    PrepareResult fromArray =
        prepare(
            config(
                hdfsStore("json"),
                "dataset.name=ts-array",
                "dataset.source.format=json",
                "dataset.source.text-field=story",
                "dataset.source.paths=[\"" + arrayFile + "\"]",
                "dataset.tokenizer=byte",
                "dataset.val-fraction=0.1"));
    assertEquals(200, fromArray.documents());
    List<String> decoded = decode(readSplit(fromArray, "train"), Tokenizers.forName("byte"));
    decoded.addAll(decode(readSplit(fromArray, "val"), Tokenizers.forName("byte")));
    assertEquals(counts(first), counts(decoded));

    String folder = hdfs.uri() + "/corpora/sqlfiles";
    for (int i = 0; i < 30; i++) {
      write(
          folder + "/q" + i + ".sql",
          ("SELECT " + i + " FROM t;\n").getBytes(StandardCharsets.UTF_8));
    }
    PrepareResult files =
        prepare(
            config(
                hdfsStore("files"),
                "dataset.name=sql-files",
                "dataset.source.format=files",
                "dataset.source.paths=[\"" + folder + "\"]",
                "dataset.tokenizer=byte",
                "dataset.val-fraction=0.2"));
    assertEquals(30, files.documents());
    assertEquals(30, files.manifest().path("input").path("files").asInt());
  }

  @Test
  void importsNanoGptBinsByteForByte() throws IOException {
    SplittableRandom rnd = new SplittableRandom(7);
    byte[] trainBin = tokens(rnd, 10_000, 50257, 50256);
    byte[] valBin = tokens(rnd, 1_000, 50257, 50256);
    String folder = hdfs.uri() + "/nanogpt/owt";
    write(folder + "/train.bin", trainBin);
    write(folder + "/val.bin", valBin);
    PrepareResult r =
        prepare(
            config(
                hdfsStore("import"),
                "dataset.name=owt-import",
                "dataset.source.format=nanogpt-bin",
                "dataset.source.paths=[\"" + folder + "\"]",
                "dataset.shard-tokens=3000",
                "dataset.tokenizer=gpt2"));
    assertEquals(4, r.manifest().path("train").path("shards").size(), "10,000 tokens / 3,000");
    assertArrayEquals(asTokens(trainBin), readSplit(r, "train"));
    assertArrayEquals(asTokens(valBin), readSplit(r, "val"));
  }

  static byte[] tokens(SplittableRandom rnd, int n, int vocab, int eot) {
    byte[] b = new byte[2 * n];
    for (int i = 0; i < n; i++) {
      int t = rnd.nextInt(20) == 0 ? eot : rnd.nextInt(vocab);
      b[2 * i] = (byte) t;
      b[2 * i + 1] = (byte) (t >>> 8);
    }
    return b;
  }

  static int[] asTokens(byte[] b) {
    int[] t = new int[b.length / 2];
    for (int i = 0; i < t.length; i++) {
      t[i] = (b[2 * i] & 0xff) | ((b[2 * i + 1] & 0xff) << 8);
    }
    return t;
  }

  static void write(String uri, byte[] bytes) throws IOException {
    try (OutputStream out = hdfs.fs().create(new org.apache.hadoop.fs.Path(uri))) {
      out.write(bytes);
    }
  }
}
