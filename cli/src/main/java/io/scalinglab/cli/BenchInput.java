package io.scalinglab.cli;

import io.scalinglab.core.cli.Args;
import io.scalinglab.core.cli.JobOptions;
import io.scalinglab.core.cli.UsageException;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.prepare.PrepareJob;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.SparkSession;

/**
 * The dataset a benchmark reads: the one {@code --config} names, or the demo's Europarl corpus,
 * with the benchmark's own settings and then the user's {@code --set} overrides on top.
 */
final class BenchInput {
  private BenchInput() {}

  /**
   * The benchmark's config: {@code --config} or {@code configs/datasets/demo-europarl.conf}, the
   * store under {@code dir/store}, then {@code overrides}, then {@code --set}.
   *
   * @param plainCopies 0 to read the demo's gzipped Europarl as it is; N to read N decompressed
   *     copies of it concatenated into one file, which Spark can split
   */
  static ScalinglabConfig dataset(Args args, Path dir, List<String> overrides, int plainCopies) {
    List<String> all = new ArrayList<>();
    all.add("store.root=" + JobOptions.quote(dir.resolve("store").toUri().toString()));
    Path configFile;
    if (args.has("--config")) {
      configFile = Path.of(args.get("--config", null));
    } else {
      configFile = Home.config("datasets/demo-europarl.conf");
      Path corpus =
          plainCopies == 0
              ? DemoCorpora.europarl(Home.demoJars(), dir.resolve("corpora"))
              : decompressedEuroparl(dir, plainCopies);
      all.add("dataset.source.paths=[" + JobOptions.quote(corpus.toUri().toString()) + "]");
    }
    all.addAll(overrides);
    all.addAll(args.all("--set"));
    return ScalinglabConfig.load(List.of(configFile), all);
  }

  /** The config's one input file as a local path; fails when there are more or it is remote. */
  static Path singleLocalFile(ScalinglabConfig config, String bench) {
    List<String> paths = config.dataset().source().paths();
    if (paths.size() != 1) {
      throw new UsageException(
          "bench " + bench + " takes a dataset with exactly one input file, not " + paths);
    }
    String p = paths.get(0);
    return p.contains(":") ? Path.of(URI.create(p)) : Path.of(p).toAbsolutePath().normalize();
  }

  private static Path decompressedEuroparl(Path work, int copies) {
    Path gz = DemoCorpora.europarl(Home.demoJars(), work.resolve("corpora"));
    Path plain = work.resolve("bench").resolve("europarl-x" + copies + ".lines.txt");
    if (Files.isRegularFile(plain)) {
      return plain;
    }
    try {
      Files.createDirectories(plain.getParent());
      Path temp = plain.resolveSibling("." + plain.getFileName() + ".tmp");
      try (OutputStream out = Files.newOutputStream(temp)) {
        for (int i = 0; i < copies; i++) {
          try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            in.transferTo(out);
          }
        }
      }
      Files.move(temp, plain, StandardCopyOption.ATOMIC_MOVE);
      return plain;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decompress " + gz, e);
    }
  }

  /**
   * Prepares {@code config}'s dataset on a Spark session of its own, stopped again, before a
   * benchmark's clock starts.
   */
  static void prepare(ScalinglabConfig config) {
    SparkSession spark = SparkSessions.getOrCreate(config.spark());
    try {
      ResultsStore store =
          ResultsStore.open(config.store().root(), spark.sparkContext().hadoopConfiguration());
      PrepareJob.run(spark, config, store, line -> {});
    } finally {
      spark.stop();
    }
  }
}
