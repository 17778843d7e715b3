package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scalinglab.core.testing.MiniHdfs;
import io.scalinglab.trainer.tokenize.Tokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer job's shaded jar submitted by {@code deploy/submit --target standalone} to a real
 * Spark standalone cluster (Master, Worker, executors and driver each their own JVM, see {@link
 * StandaloneCluster}), with the results store on a MiniDFSCluster in this JVM: the prepare stage, a
 * two-run sweep whose runs train in the executors while their Prometheus endpoints and Spark's own
 * are scraped, then the id and analysis jobs' jars on its results.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  @TempDir static Path tmp;
  static HdfsStandalone fixture;
  static MiniHdfs hdfs;
  static StandaloneCluster cluster;
  static Path config;
  static boolean prepared;
  static boolean swept;

  @BeforeAll
  static void start() throws IOException {
    fixture = HdfsStandalone.start(tmp, "trainer", ClusterSweep::config);
    hdfs = fixture.hdfs;
    cluster = fixture.cluster;
    config = fixture.config;
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  /** Submits the trainer job's {@code subcommand} with the test's config file. */
  static StandaloneCluster.Submission submit(String subcommand, Duration timeout) {
    return submit("trainer", timeout, subcommand);
  }

  /** Submits {@code job} ({@code trainer}, {@code id}, {@code analysis}) with the config file. */
  static StandaloneCluster.Submission submit(String job, Duration timeout, String... jobArgs) {
    return submit(job, timeout, List.of(jobArgs), List.of());
  }

  /**
   * Submits {@code job} with the config file, {@code jobArgs} after the job's name and {@code
   * sparkArgs} last among spark-submit's arguments, so that they win.
   */
  static StandaloneCluster.Submission submit(
      String job, Duration timeout, List<String> jobArgs, List<String> sparkArgs) {
    List<String> args = StandaloneCluster.jobArgs(job, config, jobArgs);
    args.addAll(sparkArgs);
    StandaloneCluster.Submission s = cluster.submit(timeout, args);
    assertEquals(
        0, s.exitCode(), () -> job + " " + jobArgs + " failed on the cluster:" + cluster.logs());
    return s;
  }

  static void prepareOnce() {
    if (!prepared) {
      submit("prepare", Duration.ofMinutes(4));
      prepared = true;
    }
  }

  static void sweepOnce() {
    prepareOnce();
    if (!swept) {
      submit("sweep", Duration.ofMinutes(6));
      swept = true;
    }
  }

  @Test
  @Order(1)
  void preparesTheCorpusIntoHdfs() throws IOException {
    StandaloneCluster.Submission s = submit("prepare", Duration.ofMinutes(4));
    prepared = true;
    assertTrue(s.output().contains("train tokens"), s.output());

    FileSystem fs = hdfs.fs();
    FileStatus[] datasets = fs.globStatus(new org.apache.hadoop.fs.Path("/store/data/*/byte"));
    assertEquals(1, datasets.length, "one prepared dataset: " + Arrays.toString(datasets));
    JsonNode manifest;
    try (InputStream in =
        fs.open(new org.apache.hadoop.fs.Path(datasets[0].getPath(), "manifest.json"))) {
      manifest = new ObjectMapper().readTree(in);
    }
    List<String> docs = PrepareIT.documents("tinystories/train-sample.txt", "text", "text", null);
    long tokens = 0;
    for (String d : docs) {
      tokens += Tokenizers.forName("byte").encodeDocument(d).length;
    }
    JsonNode train = manifest.path("train");
    JsonNode val = manifest.path("val");
    assertEquals(
        docs.size(),
        train.path("documents").asLong() + val.path("documents").asLong(),
        manifest.toString());
    assertEquals(
        tokens,
        train.path("tokens").asLong() + val.path("tokens").asLong(),
        "every byte and one EOT per document");
    long bytes = 0;
    for (String split : List.of("train", "val")) {
      for (FileStatus f :
          fs.listStatus(new org.apache.hadoop.fs.Path(datasets[0].getPath(), split))) {
        bytes += f.getLen();
      }
    }
    assertEquals(2 * tokens, bytes, "uint16 shards");
  }

  @Test
  @Order(2)
  void trainsATwoRunSweepInTheExecutorsWhilePrometheusScrapesThem() throws IOException {
    prepareOnce();
    // Every JVM that trains serves /metrics on metrics.port; on one host the driver takes it and
    // the executor the next free port above. The driver's UI serves Spark's own metrics as
    // deploy/metrics.properties configures them, as the images do.
    int port = freePort();
    int ui = freePort();
    List<URI> targets = new ArrayList<>();
    for (int p = port; p < port + 4; p++) {
      targets.add(URI.create("http://127.0.0.1:" + p + "/metrics"));
    }
    URI driverServlet = URI.create("http://127.0.0.1:" + ui + "/metrics/prometheus/");
    URI executorsServlet = URI.create("http://127.0.0.1:" + ui + "/metrics/executors/prometheus/");
    targets.add(driverServlet);
    targets.add(executorsServlet);
    StandaloneCluster.Submission s;
    List<Scraper.Scrape> scrapes;
    try (Scraper scraper = Scraper.start(targets, Duration.ofMillis(500))) {
      s =
          submit(
              "trainer",
              Duration.ofMinutes(6),
              List.of("sweep", "--set", "metrics.port=" + port),
              List.of(
                  "--conf",
                  "spark.ui.enabled=true",
                  "--conf",
                  "spark.ui.port=" + ui,
                  "--conf",
                  "spark.ui.prometheus.enabled=true",
                  "--conf",
                  "spark.metrics.conf="
                      + StandaloneCluster.checkout().resolve("deploy/metrics.properties")));
      scrapes = scraper.scrapes();
    }
    swept = true;
    assertTrue(s.output().contains("sweep cluster done"), s.output());

    String seen = scrapes.size() + " scrapes of " + targets;
    Set<URI> driver = new HashSet<>();
    Set<URI> training = new HashSet<>();
    for (Scraper.Scrape scrape : scrapes) {
      if (scrape.body().contains("scalinglab_sweep_runs{")) {
        driver.add(scrape.uri());
      }
      if (scrape
          .body()
          .lines()
          .anyMatch(
              l -> l.startsWith("scalinglab_train_loss{") && l.contains("sweep=\"cluster\""))) {
        training.add(scrape.uri());
      }
    }
    assertFalse(driver.isEmpty(), "the driver's sweep gauges: " + seen);
    training.removeAll(driver);
    assertFalse(training.isEmpty(), "an executor's training gauges, on a port of its own: " + seen);
    assertTrue(
        scrapes.stream()
            .anyMatch(x -> x.uri().equals(driverServlet) && x.body().contains("DAGScheduler")),
        "Spark's PrometheusServlet on the driver: " + seen);
    assertTrue(
        scrapes.stream()
            .anyMatch(
                x -> x.uri().equals(executorsServlet) && x.body().contains("metrics_executor_")),
        "the executors' Spark metrics through the driver: " + seen);

    String csv;
    try (InputStream in =
        hdfs.fs().open(new org.apache.hadoop.fs.Path("/store/cluster/results.csv"))) {
      csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> lines = csv.lines().toList();
    assertEquals(3, lines.size(), "a header and two runs:\n" + csv);
    List<String> header = Arrays.asList(lines.get(0).split(","));
    int status = header.indexOf("status");
    int runId = header.indexOf("run_id");
    for (String row : lines.subList(1, 3)) {
      String[] cells = row.split(",", -1);
      assertEquals("done", cells[status], row);
      assertTrue(
          hdfs.fs()
              .exists(
                  new org.apache.hadoop.fs.Path(
                      "/store/cluster/runs/" + cells[runId] + "/result.json")),
          "result.json of " + cells[runId]);
    }
    // The runs trained in an executor JVM the Worker started, not in the driver.
    assertTrue(executorLogsMention("Finished task"), cluster::logs);
  }

  @Test
  @Order(3)
  void theIdAndAnalysisJobsReadTheSweepFromTheStore() throws IOException {
    sweepOnce();
    // On a cluster the id job's neighbour search runs as Spark tasks (id.knn.engine = auto).
    StandaloneCluster.Submission id =
        submit("id", Duration.ofMinutes(4), "--sweep", "cluster", "--k", "10");
    assertTrue(id.output().contains("2 runs (2 estimated now)"), id.output());
    assertTrue(hdfs.fs().exists(new org.apache.hadoop.fs.Path("/store/cluster/id/estimates.csv")));

    StandaloneCluster.Submission analysis =
        submit("analysis", Duration.ofMinutes(4), "--sweep", "cluster");
    assertTrue(analysis.output().contains("report: "), analysis.output());
    assertTrue(
        hdfs.fs().exists(new org.apache.hadoop.fs.Path("/store/cluster/analysis/report.html")));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static boolean executorLogsMention(String text) throws IOException {
    Path work = Path.of(System.getProperty("scalinglab.it.work", "target/standalone"));
    try (Stream<Path> s = Files.walk(work.resolve("trainer/worker"))) {
      for (Path p : s.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
        if (Files.readString(p, StandardCharsets.UTF_8).contains(text)) {
          return true;
        }
      }
    }
    return false;
  }
}
