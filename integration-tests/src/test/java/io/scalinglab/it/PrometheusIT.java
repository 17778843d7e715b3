package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalinglab.analysis.report.TimeSeriesFigure;
import io.scalinglab.core.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's) scrapes a sweep on a standalone cluster ({@link StandaloneCluster})
 * through deploy/prometheus/prometheus-static.yml, pointed at the driver, the executor and a real
 * Pushgateway: every PromQL expression of deploy/grafana/scalinglab.json, with Grafana's variables
 * filled in, answers at least one series, and the answers agree with the runs' metrics.csv, the
 * sweep's results and the id job's estimates. The dashboard's panels are drawn from the answers
 * (target/dashboard/scalinglab-dashboard.png; the copy under deploy/grafana/ comes from here).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusIT {
  private static final String SWEEP = ClusterSweep.NAME;
  private static final String STATIC = "deploy/prometheus/prometheus-static.yml";
  private static final Duration SCRAPE = Duration.ofSeconds(1);

  /** Long enough for several scrapes while the runs train (about ten steps a second here). */
  private static final int STEPS = 80;

  /** metrics.csv writes losses with 6 decimals: half a unit of the last is the rounding. */
  private static final double CSV_ROUNDING = 0.5e-6;

  @TempDir static Path tmp;
  static StandaloneCluster cluster;
  static Prometheus pushgateway;
  static Path config;

  @BeforeAll
  static void start() throws IOException {
    pushgateway = Prometheus.pushgateway(tmp.resolve("pushgateway"));
    String corpus = SharedData.path("corpora/tinystories/train-sample.txt").toUri().toString();
    config = tmp.resolve("prometheus-sweep.conf");
    // one JVM per process on one machine: a file:// store serves them all
    String fs = tmp.toUri().toString().replaceAll("/$", "");
    Files.writeString(config, ClusterSweep.config(fs, corpus));
    Path work = Path.of(System.getProperty("scalinglab.it.work", "target/standalone"));
    cluster = StandaloneCluster.start(work.resolve("prometheus"), 2, "2g");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (pushgateway != null) {
      pushgateway.close();
    }
  }

  @Test
  @Order(1)
  void promtoolChecksThePrometheusConfigs() {
    Prometheus.Check check =
        Prometheus.promtoolCheckConfig(StandaloneCluster.checkout().resolve(STATIC));
    assertTrue(check.ok(), check.output());
    // prometheus.yml finds pods by kubernetes_sd_configs, which Debian's build leaves out
    Prometheus.Check k8s =
        Prometheus.promtoolCheckConfig(
            StandaloneCluster.checkout().resolve("deploy/prometheus/prometheus.yml"));
    if (k8s.output().contains("field kubernetes_sd_configs not found")) {
      System.out.println(
          "PrometheusIT: deploy/prometheus/prometheus.yml not checked: this promtool is built"
              + " without Kubernetes service discovery (Debian's is)");
    } else {
      assertTrue(k8s.ok(), k8s.output());
    }
  }

  @Test
  @Order(2)
  void theDashboardsQueriesAnswerFromARealScrapeOfASweep() throws IOException {
    submit("trainer", Duration.ofMinutes(4), "prepare");

    int port = Prometheus.freePort();
    // the driver takes metrics.port; the executor on the same host the next free port above it
    Map<String, List<String>> targets = new LinkedHashMap<>();
    targets.put("scalinglab-driver", List.of("127.0.0.1:" + port));
    targets.put(
        "scalinglab-executors",
        List.of("127.0.0.1:" + (port + 1), "127.0.0.1:" + (port + 2), "127.0.0.1:" + (port + 3)));
    targets.put("scalinglab-pushgateway", List.of(pushgateway.target()));
    Path scrapeConfig = tmp.resolve("prometheus.yml");
    Files.writeString(
        scrapeConfig,
        Prometheus.pointedAt(
            Files.readString(StandaloneCluster.checkout().resolve(STATIC)), targets, SCRAPE));
    Prometheus.Check generated = Prometheus.promtoolCheckConfig(scrapeConfig);
    assertTrue(generated.ok(), generated.output());

    String push = "metrics.pushgateway=" + pushgateway.uri();
    try (Prometheus prometheus = Prometheus.server(scrapeConfig, tmp.resolve("prometheus"))) {
      // nothing scalinglab's before the sweep, so every answer below comes from this sweep
      assertEquals(
          0,
          prometheus.query("count({__name__=~\"scalinglab_.+\"})", Instant.now()).size(),
          "series before the sweep");
      Instant begin = Instant.now();
      StandaloneCluster.Submission sweep =
          submit(
              "trainer",
              Duration.ofMinutes(6),
              "sweep",
              "--set",
              "metrics.port=" + port,
              "--set",
              push,
              "--set",
              "train.max-steps=" + STEPS,
              "--set",
              "train.decay-steps=" + STEPS,
              "--set",
              "train.eval-interval=20",
              "--set",
              "train.checkpoint-interval=40",
              "--set",
              "sweep.progress-interval=1");
      assertTrue(sweep.output().contains("sweep " + SWEEP + " done"), sweep.output());
      // the neighbour search in the driver: the id job on a cluster is StandaloneClusterIT's
      submit(
          "id",
          Duration.ofMinutes(4),
          "--sweep",
          SWEEP,
          "--k",
          "10",
          "--set",
          "id.knn.engine=local",
          "--set",
          push);
      awaitScrape(prometheus, "scalinglab_id_estimate{sweep=\"" + SWEEP + "\"}");
      // a range query evaluates every step from its start: let one evaluation follow the scrape
      Instant end = Instant.now().plus(SCRAPE.multipliedBy(2));
      sleepUntil(end);

      SweepFiles files = SweepFiles.read(tmp.resolve("store").resolve(SWEEP));
      Map<String, String> vars = variables(prometheus, files);
      List<TimeSeriesFigure.PanelData> drawn = new ArrayList<>();
      StringBuilder report = new StringBuilder();
      for (Dashboard.Panel panel : dashboard().panels()) {
        List<TimeSeriesFigure.Series> series = new ArrayList<>();
        for (Dashboard.Target target : panel.targets()) {
          String promql = Dashboard.fill(target.expr(), vars);
          JsonNode result = prometheus.queryRange(promql, begin, end, SCRAPE);
          assertFalse(
              result.isEmpty(),
              "panel '"
                  + panel.title()
                  + "': "
                  + promql
                  + " answered no series"
                  + diagnose(prometheus));
          report.append(String.format(Locale.ROOT, "%n%-26s %s%n", panel.title(), promql));
          for (JsonNode s : result) {
            series.add(series(s, target, begin));
            JsonNode last = s.path("values").get(s.path("values").size() - 1);
            report.append(
                String.format(
                    Locale.ROOT,
                    "    %-60s %3d samples, last %s%n",
                    target.legend(labels(s)),
                    s.path("values").size(),
                    last.get(1).asText()));
          }
        }
        drawn.add(new TimeSeriesFigure.PanelData(panel.title(), unit(panel), series));
      }
      System.out.println("PrometheusIT: the dashboard's queries on the test sweep:" + report);

      agreesWithMetricsCsv(prometheus, files, begin, end);
      agreesWithTheSweepAndTheIdJob(prometheus, files, begin, end);
      draw(drawn);
    }
  }

  /** Grafana's variables: sweep the test's, model and run "All", each offered by its query. */
  private static Map<String, String> variables(Prometheus prometheus, SweepFiles files) {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("sweep", SWEEP);
    for (Dashboard.Variable v : dashboard().variables()) {
      List<String> offered = prometheus.labelValues(v.label(), Dashboard.fill(v.match(), vars));
      switch (v.name()) {
        case "sweep" -> assertTrue(offered.contains(SWEEP), "$sweep offers " + offered);
        case "run" -> assertTrue(offered.containsAll(files.runs()), "$run offers " + offered);
        default -> assertFalse(offered.isEmpty(), "$" + v.name() + " offers nothing");
      }
      if (!v.name().equals("sweep")) {
        vars.put(v.name(), v.allValue());
      }
    }
    return vars;
  }

  /**
   * Every scrape of an executor: the loss it showed is the loss metrics.csv holds for the step the
   * same scrape showed; the Pushgateway holds each run's last row.
   */
  private static void agreesWithMetricsCsv(
      Prometheus prometheus, SweepFiles files, Instant begin, Instant end) {
    for (String run : files.runs()) {
      Map<Double, Double> steps =
          samples(prometheus, "scalinglab_step", "scalinglab-executors", run, begin, end);
      Map<Double, Double> losses =
          samples(prometheus, "scalinglab_train_loss", "scalinglab-executors", run, begin, end);
      int compared = 0;
      for (Map.Entry<Double, Double> e : steps.entrySet()) {
        long step = Math.round(e.getValue());
        if (step == 0 || !losses.containsKey(e.getKey())) {
          continue; // no step taken yet
        }
        double[] row = files.row(run, step);
        assertEquals(row[2], losses.get(e.getKey()), CSV_ROUNDING, run + " step " + step + " loss");
        compared++;
      }
      assertTrue(compared > 0, run + ": no scrape caught it training: " + steps);
      System.out.printf(
          Locale.ROOT, "PrometheusIT: %s: %d scrapes agree with metrics.csv%n", run, compared);

      double[] last = files.lastRow(run);
      Map<String, Double> pushed = new TreeMap<>();
      for (String name :
          List.of(
              "scalinglab_step",
              "scalinglab_train_loss",
              "scalinglab_val_loss",
              "scalinglab_tokens_total")) {
        JsonNode r =
            prometheus.query(
                name + "{job=\"scalinglab\",sweep=\"" + SWEEP + "\",run=\"" + run + "\"}", end);
        assertEquals(1, r.size(), name + " of " + run + " in the Pushgateway: " + r);
        pushed.put(name, r.get(0).path("value").get(1).asDouble());
      }
      assertEquals(STEPS, last[0], run + ": metrics.csv's last step");
      assertEquals(last[0], pushed.get("scalinglab_step"), run + ": pushed step");
      assertEquals(last[1], pushed.get("scalinglab_tokens_total"), run + ": pushed tokens");
      assertEquals(
          last[2], pushed.get("scalinglab_train_loss"), CSV_ROUNDING, run + ": pushed loss");
      assertEquals(last[3], pushed.get("scalinglab_val_loss"), CSV_ROUNDING, run + ": pushed val");
    }
  }

  /**
   * The driver's gauges count every run of the sweep in every scrape once they count; the id job's
   * pushed estimates are the ones it wrote to id/<run>.json.
   */
  private static void agreesWithTheSweepAndTheIdJob(
      Prometheus prometheus, SweepFiles files, Instant begin, Instant end) {
    JsonNode total =
        prometheus.queryRange(
            "sum by (sweep) (scalinglab_sweep_runs{job=\"scalinglab-driver\",sweep=\""
                + SWEEP
                + "\"})",
            begin,
            end,
            SCRAPE);
    assertEquals(1, total.size(), total.toString());
    // the gauges read 0 from the sweep's start until the driver first counts its runs
    boolean counted = false;
    for (JsonNode v : total.get(0).path("values")) {
      counted |= v.get(1).asDouble() > 0;
      assertEquals(
          counted ? files.runs().size() : 0,
          v.get(1).asDouble(),
          "runs over all states at " + v.get(0));
    }
    assertTrue(counted, "the driver never counted the runs: " + total);
    JsonNode done =
        prometheus.queryRange(
            "scalinglab_sweep_runs{job=\"scalinglab-driver\",sweep=\""
                + SWEEP
                + "\",state=\"done\"}",
            begin,
            end,
            SCRAPE);
    double maxDone = 0;
    for (JsonNode v : done.get(0).path("values")) {
      maxDone = Math.max(maxDone, v.get(1).asDouble());
    }
    assertTrue(maxDone <= files.runs().size(), "done runs: " + maxDone);

    int compared = 0;
    for (JsonNode s :
        prometheus.query(
            "scalinglab_id_estimate{job=\"scalinglab\",sweep=\"" + SWEEP + "\"}", end)) {
      Map<String, String> l = labels(s);
      double expected =
          files.idEstimate(
              l.get("run"), l.get("activation"), l.get("estimator"), l.get("protocol"));
      // Micrometer and Prometheus print doubles so that they read back exactly
      assertEquals(expected, s.path("value").get(1).asDouble(), 0.0, l.toString());
      compared++;
    }
    assertEquals(files.idEstimateCount(), compared, "every estimate of id/<run>.json is pushed");
  }

  /** The samples of one run's gauge scraped from {@code job}, by scrape time. */
  private static Map<Double, Double> samples(
      Prometheus prometheus, String metric, String job, String run, Instant begin, Instant end) {
    long window = Duration.between(begin, end).toSeconds() + 5;
    JsonNode r =
        prometheus.query(
            metric
                + "{job=\""
                + job
                + "\",sweep=\""
                + SWEEP
                + "\",run=\""
                + run
                + "\"}["
                + window
                + "s]",
            end);
    Map<Double, Double> out = new TreeMap<>();
    for (JsonNode s : r) {
      for (JsonNode v : s.path("values")) {
        out.put(v.get(0).asDouble(), v.get(1).asDouble());
      }
    }
    return out;
  }

  private static TimeSeriesFigure.Series series(
      JsonNode s, Dashboard.Target target, Instant begin) {
    JsonNode values = s.path("values");
    double[] t = new double[values.size()];
    double[] y = new double[values.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = values.get(i).get(0).asDouble() - begin.toEpochMilli() / 1000.0;
      y[i] = values.get(i).get(1).asDouble();
    }
    return new TimeSeriesFigure.Series(target.legend(labels(s)), t, y);
  }

  private static Map<String, String> labels(JsonNode series) {
    Map<String, String> out = new TreeMap<>();
    series
        .path("metric")
        .fields()
        .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private static String unit(Dashboard.Panel panel) {
    String expr = panel.targets().get(0).expr();
    for (String[] u :
        new String[][] {
          {"loss", "loss (nats)"},
          {"tokens_per_second", "tokens/s"},
          {"seconds", "seconds"},
          {"mfu", "fraction of peak"},
          {"learning_rate", "learning rate"},
          {"grad_norm", "norm"},
          {"scalinglab_step{", "step"},
          {"sweep_runs", "runs"},
          {"id_estimate", "intrinsic dimension"}
        }) {
      if (expr.contains(u[0])) {
        return u[1];
      }
    }
    return "";
  }

  private static void draw(List<TimeSeriesFigure.PanelData> panels) throws IOException {
    byte[] png = TimeSeriesFigure.png("scalinglab-dashboard", panels, 4, 1);
    Path out = Path.of("target", "dashboard", "scalinglab-dashboard.png");
    Files.createDirectories(out.getParent());
    Files.write(out, png);
    String copy = System.getProperty("scalinglab.dashboard.png");
    if (copy != null) {
      Files.write(Path.of(copy), png);
    }
    System.out.println("PrometheusIT: dashboard drawn to " + out.toAbsolutePath());
  }

  /** Waits until Prometheus has scraped a series matching {@code promql}. */
  private static void awaitScrape(Prometheus prometheus, String promql) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (prometheus.query(promql, Instant.now()).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(promql + " was never scraped" + diagnose(prometheus));
      }
      try {
        Thread.sleep(SCRAPE.toMillis() / 2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  private static void sleepUntil(Instant t) {
    try {
      Thread.sleep(Math.max(0, Duration.between(Instant.now(), t).toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The scrape targets' health and Prometheus's log, for a failing assertion. */
  private static String diagnose(Prometheus prometheus) {
    return "\nup: "
        + prometheus.query("up", Instant.now())
        + "\nprometheus log:\n"
        + prometheus.log();
  }

  private static StandaloneCluster.Submission submit(String job, Duration timeout, String... args) {
    StandaloneCluster.Submission s =
        cluster.submit(timeout, StandaloneCluster.jobArgs(job, config, List.of(args)));
    assertEquals(0, s.exitCode(), () -> job + " " + List.of(args) + " failed:" + cluster.logs());
    return s;
  }

  private static Dashboard dashboard() {
    return Dashboard.load(StandaloneCluster.checkout().resolve("deploy/grafana/scalinglab.json"));
  }
}
