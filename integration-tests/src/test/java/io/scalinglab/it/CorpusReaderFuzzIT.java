package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SparkSettings;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.trainer.prepare.PrepareJob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

/**
 * Property-based fuzzing (jqwik) of the corpus readers on real Spark: a valid gzip JSON-lines file
 * and a valid Parquet file, cut, with bytes overwritten or inserted, are read by the prepare
 * stage's parallel pass. Each try either counts tokens (the damage left valid records) or fails
 * with an {@link InputException} whose message names the file; nothing else escapes, and no try
 * runs past {@link #LIMIT}. 150 tries per property, about 20 s each.
 */
class CorpusReaderFuzzIT {
  static final Duration LIMIT = Duration.ofSeconds(30);
  static SparkSession spark;
  static Path dir;
  static byte[] gzip;
  static byte[] parquet;
  static final AtomicInteger TRY = new AtomicInteger();

  @BeforeContainer
  static void start() throws IOException {
    spark =
        SparkSessions.getOrCreate(
            new SparkSettings("local[1]", "corpus-fuzz-it", "127.0.0.1", Map.of()));
    dir = Files.createTempDirectory("corpus-fuzz");
    List<String> docs = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      docs.add(
          "document " + i + ": " + "the quick brown fox jumps over the lazy dog ".repeat(i % 7));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      for (String d : docs) {
        gz.write(("{\"text\": \"" + d + "\"}\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    gzip = out.toByteArray();
    Path table = dir.resolve("valid-table");
    spark
        .createDataset(docs, Encoders.STRING())
        .toDF("text")
        .coalesce(1)
        .write()
        .parquet(table.toString());
    try (Stream<Path> files = Files.list(table)) {
      parquet =
          Files.readAllBytes(
              files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow());
    }
  }

  @AfterContainer
  static void stop() {
    spark.stop();
  }

  @Property(tries = 150)
  void damagedGzipIsReadOrRefusedNamingTheFile(@ForAll("mutations") List<Mutation> damage) {
    readOrRefused("c" + TRY.incrementAndGet() + ".jsonl.gz", Mutation.apply(gzip, damage), "jsonl");
  }

  @Property(tries = 150)
  void damagedParquetIsReadOrRefusedNamingTheFile(@ForAll("mutations") List<Mutation> damage) {
    readOrRefused(
        "c" + TRY.incrementAndGet() + ".parquet", Mutation.apply(parquet, damage), "parquet");
  }

  private static void readOrRefused(String name, byte[] bytes, String format) {
    Path file = dir.resolve(name);
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ScalinglabConfig config =
        ScalinglabConfig.load(
            List.of(),
            List.of(
                "dataset.source.paths=[\"" + file.toUri() + "\"]",
                "dataset.source.format=" + format,
                "dataset.tokenizer=byte"));
    String outcome =
        assertTimeoutPreemptively(
            LIMIT,
            () -> {
              try {
                PrepareJob.countTokens(spark, config, spark.sparkContext().hadoopConfiguration());
                return "read";
              } catch (InputException e) {
                assertTrue(e.getMessage().contains(name), "the message names the file: " + e);
                return "refused: " + kind(e.getMessage());
              }
            });
    Statistics.collect(outcome);
  }

  /** The kind of refusal, for the statistics jqwik prints. */
  private static String kind(String message) {
    for (String k :
        List.of(
            "could not be read as Parquet",
            "cannot be read as Parquet",
            "could not be read",
            "are corrupt",
            "no documents",
            "split is empty",
            "is empty")) {
      if (message.contains(k)) {
        return k;
      }
    }
    String problem = message.substring(message.indexOf(' ') + 1);
    return problem.substring(0, Math.min(40, problem.length()));
  }

  /** One edit of a file: cut it, overwrite a run of bytes, or insert bytes. */
  record Mutation(int kind, double where, int length, byte value) {
    static byte[] apply(byte[] original, List<Mutation> edits) {
      byte[] b = original;
      for (Mutation m : edits) {
        b = m.apply(b);
      }
      return b;
    }

    byte[] apply(byte[] b) {
      // Half the edits fall in the last 64 bytes, where gzip's trailer and Parquet's footer are.
      int at =
          where < 0.5
              ? (int) (where * 2 * b.length)
              : Math.max(0, b.length - 1 - (int) ((where - 0.5) * 128));
      at = Math.min(at, b.length);
      return switch (kind) {
        case 0 -> Arrays.copyOf(b, Math.max(1, at)); // an empty file is a case of its own
        case 1 -> {
          byte[] c = b.clone();
          for (int i = at; i < Math.min(c.length, at + length); i++) {
            c[i] = (byte) (value + i);
          }
          yield c;
        }
        default -> {
          byte[] c = new byte[b.length + length];
          System.arraycopy(b, 0, c, 0, at);
          Arrays.fill(c, at, at + length, value);
          System.arraycopy(b, at, c, at + length, b.length - at);
          yield c;
        }
      };
    }
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    Arbitrary<Mutation> one =
        Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.doubles().between(0, 1),
                Arbitraries.integers().between(1, 16),
                Arbitraries.bytes())
            .as(Mutation::new);
    return one.list().ofMinSize(1).ofMaxSize(3);
  }
}
