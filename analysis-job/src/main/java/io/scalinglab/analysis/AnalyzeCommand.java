package io.scalinglab.analysis;

import io.scalinglab.analysis.fit.Estimate;
import io.scalinglab.analysis.fit.Fit;
import io.scalinglab.analysis.fit.FitForm;
import io.scalinglab.analysis.job.AnalyzeJob;
import io.scalinglab.analysis.sweep.DatasetResult;
import io.scalinglab.analysis.sweep.FitRecord;
import io.scalinglab.analysis.theory.Comparison;
import io.scalinglab.analysis.theory.Interval;
import io.scalinglab.core.cli.Args;
import io.scalinglab.core.cli.Console;
import io.scalinglab.core.cli.JobOptions;
import io.scalinglab.core.cli.UsageException;
import io.scalinglab.core.config.AnalysisConfig;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.core.store.ResultsStore;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code analyze} command: scaling-law fits, theory predictions, figures and {@code
 * report.html} for a sweep in the results store. {@code bin/scalinglab analyze} and {@link
 * AnalysisMain} under spark-submit both run it.
 */
public final class AnalyzeCommand {
  private static final String HELP =
      """
      usage: {program} --sweep NAME [flags]

      Reads <store>/<sweep>/results.csv (or .parquet: one row per run) and, when the id job has
      run, id/estimates.csv and the ablation tables; fits power laws along the data and model
      axes per dataset and the joint Chinchilla law; predicts the exponents from the intrinsic
      dimension (Havrilla & Liao: 2β/(2β+d) and 2β/d); writes <store>/<sweep>/analysis/:
      fits.json, fits.csv, predictions.csv, figures/*.png and *.svg, and report.html, one file
      that opens in any browser. Runs whose status is not 'done' are left out and listed.

      analysis settings (reference.conf, section analysis; override with --set):
        analysis.theory.beta=1          smoothness β of the target
        analysis.theory.error=squared   squared | root (root halves both exponents)
        analysis.loss-column=val_loss_mean5
        analysis.model-size=non-embedding   non-embedding | total
        analysis.interval=t             t | bootstrap: the power laws' intervals
        analysis.bootstrap.resamples=1000   analysis.bootstrap.level=0.95   analysis.seed=...
        analysis.holdout=1              largest points each fit leaves out and predicts
        analysis.id.estimator=mle       analysis.id.metric, .protocol, .k ("" / 0: any)

      example:
        {program} --sweep owt-data --store hdfs://namenode:8020/sl \\
          --set analysis.theory.error=root

      flags:
        --sweep NAME         the sweep folder in the store
      """
          + JobOptions.HELP;

  private AnalyzeCommand() {}

  /** The help text, with {@code program} as the command line in front of the flags. */
  public static String help(String program) {
    return HELP.replace("{program}", program);
  }

  /** Parses {@code argv} (the flags) and analyses the sweep. */
  public static void run(String program, String[] argv) {
    Args args = args(program, argv);
    if (args.has("--help")) {
      System.out.print(help(program));
      return;
    }
    ScalinglabConfig config = JobOptions.config(args);
    AnalyzeJob.Result r = analyze(config, args.get("--sweep", null), Console::line);
    print(r);
  }

  /**
   * The flags of {@code argv}, checked: known flags, no stray argument, {@code --sweep} given
   * unless {@code --help} is asked for.
   */
  public static Args args(String program, String[] argv) {
    Set<String> withValue = new HashSet<>(JobOptions.WITH_VALUE);
    withValue.add("--sweep");
    Args args = Args.parse("analyze", argv, withValue, JobOptions.SWITCHES);
    if (args.has("--help")) {
      return args;
    }
    if (!args.positional().isEmpty()) {
      throw new UsageException(
          "unexpected argument '" + args.positional().get(0) + "'; name the sweep with --sweep");
    }
    if (!args.has("--sweep")) {
      throw new UsageException("--sweep is required. See: " + program + " --help");
    }
    return args;
  }

  /**
   * Analyses {@code sweep} (what {@code analyze} does; the demo calls it too). Spark starts only if
   * a table exists as Parquet alone, and is stopped again.
   */
  public static AnalyzeJob.Result analyze(
      ScalinglabConfig config, String sweep, Consumer<String> log) {
    AnalysisConfig settings = config.analysis();
    LazySpark spark = new LazySpark(config);
    try {
      ResultsStore store =
          ResultsStore.open(
              config.store().root(), SparkSessions.hadoopConfiguration(config.spark()));
      return AnalyzeJob.run(spark, config, settings, store, sweep, log);
    } finally {
      spark.stop();
    }
  }

  /**
   * Prints, per dataset, the validation split's entropies, the ID, and per axis the primary fit:
   * points, decades, α with its interval, R², the loss at both ends, the regime check and the
   * exponent the theory predicts; then where the report is.
   */
  public static void print(AnalyzeJob.Result r) {
    for (DatasetResult d : r.analysis().datasets()) {
      Console.plain(
          String.format(
              Locale.ROOT, "%s: %d runs, %d fits", d.dataset(), d.runs().size(), d.fits().size()));
      d.entropy()
          .ifPresent(
              e ->
                  Console.plain(
                      String.format(
                          Locale.ROOT,
                          "  validation split: unigram entropy %.3f, bigram entropy %.3f nats per"
                              + " token (%,d tokens)",
                          e.unigram(),
                          e.bigram(),
                          e.tokens())));
      d.id()
          .ifPresent(
              id ->
                  Console.plain(
                      String.format(
                          Locale.ROOT,
                          "  ID %s (%s, %s, k %d, %s, run %s layer %s)",
                          interval(id.d()),
                          id.row().estimator(),
                          id.row().metric(),
                          id.row().k(),
                          id.row().protocol(),
                          id.row().runId(),
                          id.row().layer())));
      for (FitRecord f : d.fits()) {
        if (!f.primary() || f.form() != FitForm.POWER || f.axis().isEmpty()) {
          continue;
        }
        Console.plain("  " + axisLine(f));
        for (Comparison c : d.comparisons()) {
          if (c.axis() == f.axis().get()) {
            Console.plain(
                String.format(
                    Locale.ROOT,
                    "        predicted α %s from the ID (systematic %s), difference %+.4f: %s",
                    interval(c.predicted()),
                    c.systematic().bounded() ? interval(c.systematic()) : "none",
                    c.difference(),
                    c.verdict()));
          }
        }
      }
      d.notes().forEach(n -> Console.plain("  note: " + n));
    }
    if (!r.analysis().excluded().isEmpty()) {
      Console.plain(r.analysis().excluded().size() + " run(s) left out; see the report");
    }
    Console.plain(String.format(Locale.ROOT, "report: %s  (%.1f s)", r.report(), r.seconds()));
  }

  /**
   * One axis's primary power-law fit in a line: {@code data axis at N = 2e+05: 6 points over 1.81
   * decades, α 0.08 [0.06, 0.10] (t), R² 0.97, loss 3.02 → 2.41 falling, regime ok}.
   */
  static String axisLine(FitRecord f) {
    double[] x = f.x()[0];
    // the mean loss per size, so that seeds repeated at one size do not count as steps
    TreeMap<Double, double[]> bySize = new TreeMap<>();
    for (int i = 0; i < x.length; i++) {
      double[] sum = bySize.computeIfAbsent(x[i], k -> new double[2]);
      sum[0] += f.y()[i];
      sum[1]++;
    }
    double[] means = bySize.values().stream().mapToDouble(s -> s[0] / s[1]).toArray();
    boolean falling = true;
    for (int i = 1; i < means.length; i++) {
      falling &= means[i] < means[i - 1];
    }
    String loss =
        String.format(
            Locale.ROOT,
            "loss %.3f → %.3f %s",
            means[0],
            means[means.length - 1],
            falling ? "falling at every step" : "not falling at every step");
    String regime = "regime " + f.regime().key().replace('-', ' ');
    String head = f.kind() + " axis at " + f.group() + ": ";
    if (!(f.fit() instanceof Fit.Fitted fit)) {
      return head + x.length + " points, fit failed; " + loss + ", " + regime;
    }
    Estimate a = fit.estimate("alpha");
    return head
        + String.format(
            Locale.ROOT,
            "%d points%s over %.2f decades, α %s (%s %.0f%%), R² %.3f, %s, %s",
            fit.n(),
            bySize.size() < fit.n() ? " (" + bySize.size() + " sizes)" : "",
            fit.decades()[0],
            Double.isFinite(a.low())
                ? String.format(Locale.ROOT, "%.4g [%.4g, %.4g]", a.value(), a.low(), a.high())
                : String.format(Locale.ROOT, "%.4g", a.value()),
            fit.intervals().method(),
            100 * fit.intervals().level(),
            fit.r2(),
            loss,
            regime);
  }

  private static String interval(Interval i) {
    return i.bounded()
        ? String.format(Locale.ROOT, "%.4g [%.4g, %.4g]", i.value(), i.low(), i.high())
        : String.format(Locale.ROOT, "%.4g", i.value());
  }

  /**
   * A Spark session made on first use only; stopped at the end only if it was made here (a session
   * the caller already runs, the demo's or a test's, is left running).
   */
  private static final class LazySpark implements Supplier<SparkSession> {
    private final ScalinglabConfig config;
    private SparkSession session;
    private boolean owned;

    LazySpark(ScalinglabConfig config) {
      this.config = config;
      if (SparkSessions.yarnClusterDriver()) {
        // YARN's ApplicationMaster fails an application whose main class ends without a Spark
        // context ("User did not initialize spark context!").
        get();
      }
    }

    @Override
    public SparkSession get() {
      if (session == null) {
        owned = SparkSession.getDefaultSession().isEmpty();
        session = SparkSessions.getOrCreate(config.spark());
      }
      return session;
    }

    void stop() {
      if (session != null && owned) {
        session.stop();
      }
    }
  }
}
