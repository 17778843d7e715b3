package io.scalinglab.id;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.cli.Args;
import io.scalinglab.core.cli.Console;
import io.scalinglab.core.cli.JobOptions;
import io.scalinglab.core.cli.UsageException;
import io.scalinglab.core.config.IdConfig;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.metrics.IdMetrics;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.Json;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.id.job.EstimateJson;
import io.scalinglab.id.job.IdJob;
import io.scalinglab.id.job.Inputs;
import io.scalinglab.id.job.SparkKnn;
import io.scalinglab.id.knn.ExactKnn;
import io.scalinglab.id.knn.InvalidPointsException;
import io.scalinglab.id.knn.Progress;
import io.scalinglab.id.protocol.Estimation;
import io.scalinglab.id.protocol.IdEstimate;
import io.scalinglab.id.protocol.KnnEngine;
import io.scalinglab.id.validate.Validation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code id} command: the intrinsic dimension of a sweep's activations ({@code --sweep}), of
 * any {@code .npy} or Parquet file of vectors ({@code --input}), or of the validation data of known
 * dimension ({@code --validate}). {@code bin/scalinglab id} and {@link IdMain} under spark-submit
 * both run it.
 */
public final class IdCommand {
  private static final String HELP =
      """
      usage: {program} --sweep NAME [flags]       every run's activations in the store
             {program} --input FILE [flags]       any .npy (float32/64, 2-D) or Parquet file
             {program} --validate [--n N] [--seeds S]

      --sweep writes <store>/<sweep>/id/<run-id>.json, id/estimates.csv and .parquet, and the
      ablation tables id/ablation-{layer,position,model}.{csv,parquet}. --input prints the
      estimate (one JSON object with --json). --validate prints the table of id-job/README.md:
      every estimator on spheres, balls, the swiss roll and benchmark manifolds M1-M13.

      estimator flags (each is a shortcut for --set id.<key>=VALUE; defaults in reference.conf):
        --estimator mle|twonn|pr     Levina-Bickel MLE, TwoNN, participation ratio (default mle)
        --k N                        neighbours per point for the MLE (default 20)
        --combine mean|harmonic      how pointwise MLEs are combined (default mean, the paper's)
        --metric euclidean|angular|cosine   distance (default euclidean; cosine = 1 - cos,
                                     the paper code's choice, roughly halves the MLE)
        --protocol global|paper      one estimate with a bootstrap interval and a k sweep, or
                                     the paper's batches of 3600 with mean/std/min/max; with
                                     --sweep, global,paper estimates both side by side
        --column NAME                the array column of a Parquet --input (default: the only one)
        --json                       print one JSON object (--input): id, estimator, k, metric,
                                     protocol, n, dim, interval, k_sweep, n_sweep,
                                     levelled_off, batches, file, ...

      examples:
        {program} --input embeddings.npy --metric angular --json
        {program} --sweep tinystories --store hdfs://namenode:8020/sl --protocol paper

      flags:
      """
          + JobOptions.HELP;

  private static final Set<String> OWN =
      Set.of(
          "--sweep",
          "--input",
          "--estimator",
          "--k",
          "--combine",
          "--metric",
          "--protocol",
          "--column",
          "--n",
          "--seeds");

  private IdCommand() {}

  /** The help text, with {@code program} as the command line in front of the flags. */
  public static String help(String program) {
    return HELP.replace("{program}", program);
  }

  /** Parses {@code argv} (the flags) and runs the mode they ask for. */
  public static void run(String program, String[] argv) {
    Args args = args(program, argv);
    if (args.has("--help")) {
      System.out.print(help(program));
      return;
    }
    if (args.has("--validate")) {
      validate(args.getInt("--n", 2500, 100), args.getInt("--seeds", 3, 1));
      return;
    }
    ScalinglabConfig config = config(args);
    IdConfig id = config.id();
    if (args.has("--input")) {
      input(args, config, id);
    } else {
      SparkSession spark = SparkSessions.getOrCreate(config.spark());
      try {
        ResultsStore store =
            ResultsStore.open(
                config.store().root(), SparkSessions.hadoopConfiguration(config.spark()));
        IdJob.Result r =
            sweep(
                spark,
                config,
                protocols(args, id),
                store,
                args.get("--sweep", null),
                Console::line);
        print(r);
      } finally {
        spark.stop();
      }
    }
  }

  /**
   * Estimates every run of {@code sweep} and writes the results (what {@code --sweep} does; the
   * demo calls it too).
   */
  public static IdJob.Result sweep(
      SparkSession spark,
      ScalinglabConfig config,
      List<IdConfig> ids,
      ResultsStore store,
      String sweep,
      Consumer<String> log) {
    IdJob.Result r =
        IdJob.run(
            spark,
            config,
            ids,
            store,
            sweep,
            engine(spark, ids.get(0)),
            new ProgressLines(log),
            log);
    // A batch job is gone before Prometheus scrapes it: the estimates reach the dashboard by push.
    IdMetrics.push(config.metrics(), sweep, metrics(r.runJson()))
        .ifPresent(failure -> log.accept("metrics: " + failure));
    return r;
  }

  /** Every estimate of every run's JSON, as the id job pushes them to the Pushgateway. */
  static List<IdMetrics.Estimate> metrics(List<ObjectNode> runJson) {
    List<IdMetrics.Estimate> out = new ArrayList<>();
    for (ObjectNode run : runJson) {
      for (JsonNode e : run.path("estimates")) {
        out.add(
            new IdMetrics.Estimate(
                run.path("run_id").asText(),
                run.path("model").asText(""),
                e.path("activation").asText(),
                e.path("estimator").asText(),
                e.path("protocol").asText(),
                e.path("id").asDouble(Double.NaN)));
      }
    }
    return out;
  }

  /**
   * The flags of {@code argv}, checked: known flags, no stray argument, exactly one of {@code
   * --sweep}, {@code --input} and {@code --validate} unless {@code --help} is asked for.
   */
  public static Args args(String program, String[] argv) {
    Set<String> withValue = new HashSet<>(JobOptions.WITH_VALUE);
    withValue.addAll(OWN);
    Args args = Args.parse("id", argv, withValue, Set.of("--help", "--json", "--validate"));
    if (args.has("--help")) {
      return args;
    }
    if (!args.positional().isEmpty()) {
      throw new UsageException(
          "unexpected argument '" + args.positional().get(0) + "'; give the file with --input");
    }
    int modes =
        (args.has("--sweep") ? 1 : 0)
            + (args.has("--input") ? 1 : 0)
            + (args.has("--validate") ? 1 : 0);
    if (modes != 1) {
      throw new UsageException(
          "give exactly one of --sweep NAME, --input FILE or --validate. See: "
              + program
              + " --help");
    }
    return args;
  }

  /** The settings once per protocol of {@code --protocol a,b}, else {@code id} alone. */
  static List<IdConfig> protocols(Args args, IdConfig id) {
    String flag = args.get("--protocol", null);
    if (flag == null || !flag.contains(",")) {
      return List.of(id);
    }
    List<IdConfig> out = new ArrayList<>();
    for (String p : flag.split(",")) {
      IdConfig.Protocol protocol =
          io.scalinglab.core.config.KeyedEnum.parse(IdConfig.Protocol.class, p.strip());
      out.add(id.with(id.estimator(), id.k(), id.combine(), id.metric(), protocol));
    }
    return out;
  }

  /** The neighbour search the settings ask for: Spark when asked, or on a cluster. */
  static KnnEngine engine(SparkSession spark, IdConfig id) {
    boolean local = spark == null || spark.sparkContext().master().startsWith("local");
    boolean useSpark =
        id.knn().engine() == IdConfig.Engine.SPARK
            || (id.knn().engine() == IdConfig.Engine.AUTO && !local);
    if (useSpark && spark == null) {
      throw new UsageException("id.knn.engine = spark needs a Spark session");
    }
    return useSpark
        ? new SparkKnn(spark, id.knn().blockRows())
        : KnnEngine.local(id.knn().threadsOrCores(), id.knn().blockRows());
  }

  /** Prints a sweep's estimates, one line per activation file. */
  public static void print(IdJob.Result r) {
    Console.plain(
        String.format(
            Locale.ROOT,
            "%n%-20s %-18s %-8s %-8s %9s %6s %8s  %s",
            "run",
            "activation",
            "layer",
            "protocol",
            "n",
            "dim",
            "ID",
            "interval / batches"));
    for (ObjectNode run : r.runJson()) {
      for (JsonNode e : run.path("estimates")) {
        Console.plain(
            String.format(
                Locale.ROOT,
                "%-20s %-18s %-8s %-8s %9d %6d %8.2f  %s",
                run.path("run_id").asText(),
                e.path("activation").asText(),
                e.path("layer").isNull() ? "-" : e.path("layer").asText(),
                e.path("protocol").asText(),
                e.path("n").asInt(),
                e.path("dim").asInt(),
                e.path("id").asDouble(),
                detail(e)));
      }
    }
    Console.plain(
        String.format(
            Locale.ROOT,
            "%d runs (%d estimated now) in %.1f s; results in %s",
            r.runs(),
            r.estimated(),
            r.seconds(),
            r.dir()));
  }

  private static String detail(JsonNode e) {
    if (e.path("interval").isObject()) {
      return String.format(
          Locale.ROOT,
          "[%.2f, %.2f] %.0f%%",
          e.path("interval").path("low").asDouble(),
          e.path("interval").path("high").asDouble(),
          100 * e.path("interval").path("confidence").asDouble());
    }
    if (e.path("batches").isObject()) {
      JsonNode b = e.path("batches");
      return String.format(
          Locale.ROOT,
          "%d batches: std %.2f, min %.2f, max %.2f",
          b.path("count").asInt(),
          b.path("std").asDouble(),
          b.path("min").asDouble(),
          b.path("max").asDouble());
    }
    return "";
  }

  private static void input(Args args, ScalinglabConfig config, IdConfig id) {
    String path = args.get("--input", null);
    boolean json = args.has("--json");
    Consumer<String> log = json ? System.err::println : Console::line;
    boolean parquet = Inputs.isParquet(path);
    boolean needSpark = parquet || id.knn().engine() == IdConfig.Engine.SPARK;
    SparkSession spark = needSpark ? SparkSessions.getOrCreate(config.spark()) : null;
    try {
      Configuration hadoop = SparkSessions.hadoopConfiguration(config.spark());
      Inputs.Matrix m =
          parquet
              ? Inputs.parquet(spark, path, args.get("--column", null))
              : Inputs.npy(path, hadoop);
      log.accept(
          String.format(Locale.ROOT, "%s: %,d vectors of dimension %d", path, m.rows(), m.cols()));
      IdEstimate e;
      try {
        e =
            Estimation.estimate(
                m.values(), m.rows(), m.cols(), id, engine(spark, id), new ProgressLines(log));
      } catch (InvalidPointsException ex) {
        throw InputException.of(path, ex.problem(), ex.fix(), ex);
      }
      ObjectNode out = EstimateJson.of(e);
      out.put("file", path);
      if (json) {
        System.out.println(compact(out));
      } else {
        Console.plain(summary(e));
      }
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
  }

  /** A few lines for a person: the estimate, its interval or batches, the k sweep. */
  static String summary(IdEstimate e) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "ID %.3f  (%s, k = %d, %s, %s, %s protocol; %,d points of dimension %d)%n",
            e.id(),
            e.estimator().key(),
            e.k(),
            e.combine().key(),
            e.metric().key(),
            e.protocol().key(),
            e.n(),
            e.dim()));
    e.interval()
        .ifPresent(
            i ->
                s.append(
                    String.format(
                        Locale.ROOT,
                        "  %.0f%% interval [%.3f, %.3f] (percentile bootstrap, %d resamples)%n",
                        100 * i.confidence(),
                        i.low(),
                        i.high(),
                        i.resamples())));
    if (!e.kSweep().isEmpty()) {
      s.append("  k sweep:");
      e.kSweep().forEach(p -> s.append(String.format(Locale.ROOT, "  k=%d: %.3f", p.k(), p.id())));
      s.append('\n');
    }
    if (!e.nSweep().isEmpty()) {
      s.append(
          e.protocol() == IdConfig.Protocol.PAPER ? "  n sweep (points per batch):" : "  n sweep:");
      e.nSweep().forEach(p -> s.append(String.format(Locale.ROOT, "  n=%d: %.3f", p.n(), p.id())));
      s.append('\n');
      e.convergence()
          .ifPresent(
              c ->
                  s.append(
                      String.format(
                          Locale.ROOT,
                          "  %s: the last doubling of n moved it %+.1f %% (tolerance %.1f %%)%n",
                          c.levelledOff() ? "levelled off" : "still moving",
                          100 * c.change(),
                          100 * c.tolerance())));
    }
    e.batches()
        .ifPresent(
            b ->
                s.append(
                    String.format(
                        Locale.ROOT,
                        "  %d batches of %d: mean %.3f, std %.3f, min %.3f, max %.3f%n",
                        b.count(),
                        b.size(),
                        b.mean(),
                        b.std(),
                        b.min(),
                        b.max())));
    var in = e.input();
    if (in.duplicates() + in.nonFinite() + in.zeroRows() > 0) {
      s.append(
          String.format(
              Locale.ROOT,
              "  of %,d rows: %,d duplicates kept once, %,d non-finite and %,d zero rows left out%n",
              in.rows(),
              in.duplicates(),
              in.nonFinite(),
              in.zeroRows()));
    }
    s.append(String.format(Locale.ROOT, "  in %.2f s", e.seconds()));
    return s.toString();
  }

  private static void validate(int n, int seeds) {
    Console.line(
        "validation: every estimator on data of known dimension, N = "
            + n
            + ", K = 20, "
            + seeds
            + " seeds");
    List<Validation.Row> rows = new ArrayList<>();
    ExactKnn.Options options = ExactKnn.Options.defaults();
    for (Validation.Dataset d : Validation.datasets(n)) {
      rows.add(Validation.row(d, 20, seeds, options));
    }
    Console.plain("");
    Console.plain(Validation.markdown(rows, n, 20, seeds));
  }

  /** The config of the shared flags, with the estimator flags as {@code id.*} overrides. */
  private static ScalinglabConfig config(Args args) {
    List<String> overrides = new ArrayList<>();
    for (String key : List.of("estimator", "k", "combine", "metric", "protocol")) {
      if (args.has("--" + key)) {
        String value = args.get("--" + key, null);
        if (key.equals("protocol")) {
          if (value.contains(",") && args.has("--input")) {
            throw new UsageException("--input takes one --protocol; a list is for --sweep");
          }
          value = value.split(",")[0].strip(); // the rest: protocols()
        }
        overrides.add("id." + key + "=" + JobOptions.quote(value));
      }
    }
    return JobOptions.config(args, overrides);
  }

  private static String compact(ObjectNode node) {
    try {
      return Json.MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Progress as a line at most every 5 seconds per stage, and when a long stage ends. */
  static final class ProgressLines implements Progress {
    private static final long EVERY_NANOS = 5_000_000_000L;
    private final Consumer<String> log;
    private String stage = "";
    private long stageStart;
    private long lastLine;

    ProgressLines(Consumer<String> log) {
      this.log = log;
    }

    @Override
    public synchronized void report(String what, long done, long total) {
      long now = System.nanoTime();
      if (!what.equals(stage)) {
        stage = what;
        stageStart = now;
        lastLine = now;
      }
      boolean end = done >= total;
      if ((now - lastLine >= EVERY_NANOS && !end) || (end && now - stageStart >= EVERY_NANOS)) {
        lastLine = now;
        double elapsed = (now - stageStart) / 1e9;
        String eta =
            end || done == 0
                ? ""
                : String.format(
                    Locale.ROOT, ", about %.0f s left", elapsed * (total - done) / done);
        log.accept(
            String.format(
                Locale.ROOT,
                "  %s: %d of %d (%.0f%%) after %.0f s%s",
                what,
                done,
                total,
                100.0 * done / total,
                elapsed,
                eta));
      }
    }
  }
}
