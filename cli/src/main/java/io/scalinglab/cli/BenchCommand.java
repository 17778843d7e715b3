package io.scalinglab.cli;

import io.scalinglab.core.cli.Args;
import io.scalinglab.core.cli.Console;
import io.scalinglab.core.cli.JobOptions;
import io.scalinglab.core.cli.UsageException;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SourceFormat;
import io.scalinglab.core.config.SparkSettings;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.corpus.Document;
import io.scalinglab.trainer.corpus.Record;
import io.scalinglab.trainer.corpus.RecordParsers;
import io.scalinglab.trainer.prepare.PrepareJob;
import io.scalinglab.trainer.tokenize.Tokenizer;
import io.scalinglab.trainer.tokenize.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.spark.sql.SparkSession;

/**
 * {@code scalinglab bench}: side-by-side timings of one stage in one run, medians of repeats.
 *
 * <p>{@code bench tokenize} times, over the same bytes: a single-threaded loop (the same record
 * parser and JTokkit tokenizer, input already in memory), Spark's tokenize pass with 1 and 2 local
 * cores, and the whole prepare stage (tokenize, sort, write shards and manifest) with 1 and 2
 * cores.
 */
final class BenchCommand {
  static final String HELP =
      """
      usage: scalinglab bench tokenize [--config DATASET.conf] [--set KEY=VALUE]... [--repeats N]
                                       [--copies N]

      Times tokenization side by side in one run and prints MB/s and tokens/s:
        loop       single-threaded parse + JTokkit encode over the bytes held in memory
        tokenize   Spark's parallel read + parse + tokenize pass, local[1] and local[2]
        prepare    the whole prepare stage incl. sort and shard writes, local[1] and local[2]
      Each figure is the median of --repeats runs (default 3) after one warm-up run.
      The default input is the demo's Europarl corpus, decompressed so Spark can split it,
      with the GPT-2 tokenizer; --copies N (default 1) concatenates N copies of it, so Spark's
      fixed cost per job weighs as little as on a real corpus. A --config input must be one
      uncompressed text, jsonl or tsv file.
      """;

  private BenchCommand() {}

  static void run(String[] argv) {
    Set<String> flags =
        new HashSet<>(
            Set.of(
                "--config",
                "--set",
                "--repeats",
                "--dir",
                "--copies",
                "--steps",
                "--runs",
                "--gigabytes",
                "--tokens",
                "--worker",
                "--start-at"));
    flags.addAll(TrainBench.FLAGS);
    Args args = Args.parse("bench", argv, IdBench.extend(flags), Set.of("--help"));
    if (args.positional().isEmpty()) {
      System.out.print(
          "usage: scalinglab bench tokenize|train|id|sweep|sweep-load|prepare-load|data-parallel"
              + " [flags];"
              + " 'scalinglab bench <name> --help'\n\n"
              + HELP
              + "\n"
              + TrainBench.HELP
              + "\n"
              + IdBench.HELP
              + "\n"
              + SweepBench.HELP
              + "\n"
              + SweepLoadBench.HELP
              + "\n"
              + PrepareLoadBench.HELP
              + "\n"
              + DataParallelBench.HELP);
      return;
    }
    if (args.has("--help")) {
      String what = args.positional().get(0);
      System.out.print(
          switch (what) {
            case "train" -> TrainBench.HELP;
            case "id" -> IdBench.HELP;
            case "sweep" -> SweepBench.HELP;
            case "sweep-load" -> SweepLoadBench.HELP;
            case "prepare-load" -> PrepareLoadBench.HELP;
            case "data-parallel" -> DataParallelBench.HELP;
            default -> HELP;
          });
      return;
    }
    String what = args.positional().get(0);
    switch (what) {
      case "tokenize" -> tokenize(args);
      case "train" -> TrainBench.run(args);
      case "id" -> IdBench.run(args);
      case "sweep" -> SweepBench.run(args);
      case "sweep-load" -> SweepLoadBench.run(args);
      case "prepare-load" -> PrepareLoadBench.run(args);
      case "data-parallel" -> DataParallelBench.run(args);
      default ->
          throw new UsageException(
              "unknown benchmark '"
                  + what
                  + "'; available: tokenize, train, id, sweep, sweep-load, prepare-load,"
                  + " data-parallel");
    }
  }

  private static void tokenize(Args args) {
    int repeats = args.getInt("--repeats", 3, 1);
    int copies = args.getInt("--copies", 1, 1);
    Path work = Path.of(args.get("--dir", "scalinglab-demo")).toAbsolutePath().normalize();
    ScalinglabConfig config =
        BenchInput.dataset(
            args,
            work,
            args.has("--config") ? List.of() : List.of("dataset.tokenizer=gpt2"),
            copies);
    Path input = BenchInput.singleLocalFile(config, "tokenize");
    byte[] bytes = readAll(input);
    Tokenizer tokenizer = Tokenizers.forName(config.dataset().tokenizer().key());
    double mb = bytes.length / 1e6;
    Console.line(
        String.format(
            Locale.ROOT,
            "input %s: %.1f MB, tokenizer %s, %d repeats after a warm-up, %d cores on this machine",
            input,
            mb,
            tokenizer.name(),
            repeats,
            Runtime.getRuntime().availableProcessors()));

    List<Row> rows = new ArrayList<>();
    long[] loopTokens = new long[1];
    rows.add(
        time(
            "loop, 1 thread",
            repeats,
            () ->
                loopTokens[0] = loop(bytes, config.dataset().source().format(), config, tokenizer),
            mb));
    for (int cores : new int[] {1, 2}) {
      SparkSession spark = SparkSessions.getOrCreate(withMaster(config.spark(), cores));
      try {
        rows.add(
            time(
                "spark tokenize, local[" + cores + "]",
                repeats,
                () ->
                    PrepareJob.countTokens(
                            spark, config, spark.sparkContext().hadoopConfiguration())
                        .tokens(),
                mb));
        rows.add(
            time(
                "spark prepare, local[" + cores + "]",
                repeats,
                () -> prepareOnce(spark, config, work),
                mb));
      } finally {
        spark.stop();
      }
    }
    double loopSeconds = rows.get(0).seconds;
    Console.plain("");
    Console.plain(
        String.format(
            Locale.ROOT,
            "%-26s %10s %9s %13s %9s",
            "run",
            "median s",
            "MB/s",
            "tokens/s",
            "vs loop"));
    for (Row r : rows) {
      Console.plain(
          String.format(
              Locale.ROOT,
              "%-26s %10.2f %9.2f %13.0f %8.2fx",
              r.name,
              r.seconds,
              mb / r.seconds,
              r.tokens / r.seconds,
              loopSeconds / r.seconds));
    }
    Console.plain(String.format(Locale.ROOT, "tokens: %,d", loopTokens[0]));
  }

  private record Row(String name, double seconds, long tokens) {}

  private static Row time(String name, int repeats, LongSupplier body, double mb) {
    long tokens = body.getAsLong(); // warm-up
    double[] seconds = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      long n = body.getAsLong();
      seconds[i] = (System.nanoTime() - t0) / 1e9;
      if (n != tokens) {
        throw new IllegalStateException(name + " counted " + n + " tokens, then " + tokens);
      }
    }
    Arrays.sort(seconds);
    double median = seconds[repeats / 2];
    Console.line(
        String.format(
            Locale.ROOT,
            "%-26s median %.2f s (%.2f MB/s, %,.0f tokens/s)",
            name,
            median,
            mb / median,
            tokens / median));
    return new Row(name, median, tokens);
  }

  private static long loop(
      byte[] bytes, SourceFormat format, ScalinglabConfig config, Tokenizer tokenizer) {
    long[] tokens = {0};
    java.util.function.Consumer<Record> count =
        r -> {
          if (r instanceof Document d) {
            tokens[0] += tokenizer.encodeDocument(d.text()).length;
          }
        };
    switch (format) {
      case TEXT ->
          RecordParsers.splitSeparated(
              new java.io.ByteArrayInputStream(bytes),
              config.dataset().source().separator().getBytes(StandardCharsets.UTF_8),
              count);
      case TSV, JSONL -> {
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
          if (i == bytes.length || bytes[i] == '\n') {
            int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
            if (end > start) {
              parseLine(bytes, start, end - start, format, config).ifPresent(count);
            }
            start = i + 1;
          }
        }
      }
      default ->
          throw new UsageException(
              "bench tokenize supports text, jsonl and tsv inputs, not " + format.key());
    }
    return tokens[0];
  }

  private static java.util.Optional<Record> parseLine(
      byte[] b, int off, int len, SourceFormat format, ScalinglabConfig config) {
    var src = config.dataset().source();
    return format == SourceFormat.TSV
        ? RecordParsers.tsvLine(b, off, len, src.tsvColumn())
        : RecordParsers.jsonLine(
            b, off, len, src.textField(), src.filterField(), Set.copyOf(src.filterValues()));
  }

  private static long prepareOnce(SparkSession spark, ScalinglabConfig config, Path work) {
    Path store = work.resolve("bench-store-" + System.nanoTime());
    try {
      ScalinglabConfig c =
          config.withOverrides(List.of("store.root=" + JobOptions.quote(store.toUri().toString())));
      ResultsStore rs =
          ResultsStore.open(c.store().root(), spark.sparkContext().hadoopConfiguration());
      var r = PrepareJob.run(spark, c, rs, line -> {});
      return r.trainTokens() + r.valTokens();
    } finally {
      DemoCorpora.deleteTree(store);
    }
  }

  private static SparkSettings withMaster(SparkSettings s, int cores) {
    return new SparkSettings("local[" + cores + "]", s.appName(), s.localIp(), s.conf());
  }

  private static byte[] readAll(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw InputException.of(p.toString(), "cannot be read: " + e.getMessage(), "Check the path");
    }
  }
}
