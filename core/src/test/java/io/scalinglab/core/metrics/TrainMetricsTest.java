package io.scalinglab.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.config.MetricsSettings;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TrainMetricsTest {
  private static final String HOST = "127.0.0.1";
  private static final Map<String, String> RUN_1 =
      Map.of("sweep", "s", "run", "r1", "model", "m", "dataset", "d");

  private final TrainMetrics hub = new TrainMetrics();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void close() {
    hub.close();
  }

  private static MetricsSettings serving(int port) {
    return new MetricsSettings(port, HOST, "", "scalinglab");
  }

  /** A port that was free a moment ago; the endpoint moves up when someone took it since. */
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    }
  }

  private HttpResponse<String> get(int port, String method) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + "/metrics"))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static Set<Thread> dispatchers() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("HTTP-Dispatcher"))
        .collect(Collectors.toSet());
  }

  @Test
  void portZeroServesNothing() {
    Set<Thread> before = dispatchers();
    hub.start(serving(0));
    assertEquals(0, hub.port());
    assertEquals(before, dispatchers());
    // runs still record, for the Pushgateway and for scrape()
    hub.forRun("s", "r1", "m", "d").step(1, 100, 2.5, 1e-3, 0.5, 1000, 0.01, 0.1);
    assertEquals(
        Optional.of(2.5), Samples.parse(hub.scrape()).value("scalinglab_train_loss", RUN_1));
  }

  /**
   * A scrape while a run records shows one step's values together: never the new step with the last
   * step's loss (a run records each step's numbers one after another).
   */
  @Test
  void aScrapeShowsEveryValueOfOneStep() throws Exception {
    hub.start(serving(0));
    RunMetrics run = hub.forRun("s", "r1", "m", "d");
    run.step(1, 1, 1.0, 1.0, 1.0, 1, 0.01, 0.1);
    ExecutorService recorder = Executors.newSingleThreadExecutor();
    try {
      Future<?> steps =
          recorder.submit(
              () -> {
                for (int step = 2; step < 200_000; step++) {
                  run.step(step, step, step, step, step, step, 0.01, 0.1);
                }
              });
      int scrapes = 0;
      while (!steps.isDone() || scrapes < 50) {
        Samples samples = Samples.parse(hub.scrape());
        double step = samples.value("scalinglab_step", RUN_1).orElseThrow();
        assertEquals(step, samples.value("scalinglab_train_loss", RUN_1).orElseThrow(), "loss");
        assertEquals(step, samples.value("scalinglab_learning_rate", RUN_1).orElseThrow(), "lr");
        scrapes++;
      }
      steps.get();
    } finally {
      recorder.shutdownNow();
    }
  }

  @Test
  void servesRecordedStepsWithTheirTags() throws Exception {
    int asked = freePort();
    Set<Thread> before = dispatchers();
    hub.start(serving(asked));
    int port = hub.port();
    assertTrue(port >= asked && port <= asked + 100, port + " is not in " + asked + "..+100");
    for (Thread t : dispatchers()) {
      if (!before.contains(t)) {
        assertTrue(t.isDaemon(), "the endpoint's dispatcher would keep the JVM alive");
      }
    }

    RunMetrics run = hub.forRun("s", "r1", "m", "d");
    run.step(10, 4096, 3.25, 6e-4, 0.75, 12345.5, 0.125, 0.5);
    run.step(11, 8192, 3.0, 5e-4, 0.5, 23456.5, 0.25, 0.25);
    run.eval(3.5);
    hub.forRun("s", "r2", "m2", "d").step(1, 1, 9, 1, 1, 1, 1, 1);

    HttpResponse<String> response = get(port, "GET");
    assertEquals(200, response.statusCode());
    assertTrue(
        response
            .headers()
            .firstValue("Content-Type")
            .orElse("")
            .startsWith("text/plain; version=0.0.4"),
        response.headers().toString());
    Samples samples = Samples.parse(response.body());
    Map<String, Double> expected =
        Map.of(
            "scalinglab_train_loss", 3.0,
            "scalinglab_val_loss", 3.5,
            "scalinglab_learning_rate", 5e-4,
            "scalinglab_grad_norm", 0.5,
            "scalinglab_tokens_per_second", 23456.5,
            "scalinglab_mfu", 0.25,
            "scalinglab_step", 11.0,
            "scalinglab_step_seconds", 0.25,
            "scalinglab_tokens_total", 8192.0);
    expected.forEach(
        (name, value) -> assertEquals(Optional.of(value), samples.value(name, RUN_1), name));
    Samples.Sample loss =
        samples.all().stream()
            .filter(s -> s.name().equals("scalinglab_train_loss") && s.value() == 3.0)
            .findFirst()
            .orElseThrow();
    assertEquals(RUN_1, loss.labels(), "exactly the labels sweep, run, model, dataset");
    assertEquals(
        Optional.of(9.0),
        samples.value("scalinglab_train_loss", Map.of("run", "r2", "model", "m2")));

    assertEquals(405, get(port, "POST").statusCode());
  }

  @Test
  void busyPortMovesToTheNextFreeOne() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      hub.start(serving(busy.getLocalPort()));
      int port = hub.port();
      assertTrue(port > busy.getLocalPort() && port <= busy.getLocalPort() + 100, "" + port);
      assertEquals(200, get(port, "GET").statusCode());
    }
  }

  @Test
  void startingAgainFromManyThreadsKeepsOneEndpoint() throws Exception {
    MetricsSettings settings = serving(freePort());
    Set<Thread> before = dispatchers();
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        String run = "r" + i;
        tasks.add(
            () -> {
              RunMetrics m = hub.start(settings).forRun("s", run, "m", "d");
              for (int step = 1; step <= 100; step++) {
                m.step(step, step * 10L, 1.0 / step, 1e-3, 1, 1, 1, 1);
              }
              m.finished("done");
              return hub.port();
            });
      }
      Set<Integer> ports = new java.util.HashSet<>();
      for (Future<Integer> f : pool.invokeAll(tasks)) {
        ports.add(f.get());
      }
      assertEquals(1, ports.size(), "one endpoint: " + ports);
      assertEquals(1, dispatchers().size() - before.size());
      Samples samples = Samples.parse(get(ports.iterator().next(), "GET").body());
      for (int i = 0; i < threads; i++) {
        assertEquals(Optional.of(100.0), samples.value("scalinglab_step", Map.of("run", "r" + i)));
      }
      assertEquals(
          Optional.of((double) threads),
          samples.value("scalinglab_runs_finished_total", Map.of("status", "done")));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closeStopsTheEndpointAndStartWorksAgain() throws Exception {
    hub.start(serving(freePort()));
    int port = hub.port();
    hub.forRun("s", "r1", "m", "d");
    hub.close();
    assertEquals(0, hub.port());
    assertThrows(ConnectException.class, () -> get(port, "GET"));
    assertFalse(hub.scrape().contains("scalinglab_train_loss{"), hub.scrape());
    hub.start(serving(freePort()));
    assertTrue(hub.port() > 0);
  }

  @Test
  void finishedRunsStayUntilSixtyFourNewerOnesFinished() {
    RunMetrics live = hub.forRun("s", "live", "m", "d");
    live.step(1, 1, 1, 1, 1, 1, 1, 1);
    int runs = TrainMetrics.MAX_FINISHED_RUNS + 2;
    for (int i = 0; i < runs; i++) {
      RunMetrics m = hub.forRun("s", "r" + i, "m", "d");
      m.step(1, 1, 1, 1, 1, 1, 1, 1);
      m.finished(i % 2 == 0 ? "done" : "diverged");
    }
    Samples samples = Samples.parse(hub.scrape());
    assertTrue(samples.value("scalinglab_train_loss", Map.of("run", "r0")).isEmpty());
    assertTrue(samples.value("scalinglab_tokens_total", Map.of("run", "r1")).isEmpty());
    for (int i = 2; i < runs; i++) {
      assertTrue(samples.value("scalinglab_train_loss", Map.of("run", "r" + i)).isPresent());
    }
    assertTrue(samples.value("scalinglab_train_loss", Map.of("run", "live")).isPresent());
    long perRun =
        samples.all().stream().filter(s -> s.name().equals("scalinglab_train_loss")).count();
    assertEquals(TrainMetrics.MAX_FINISHED_RUNS + 1, perRun);
    assertEquals(
        Optional.of(runs / 2.0),
        samples.value("scalinglab_runs_finished_total", Map.of("status", "diverged")));
  }

  @Test
  void aRetriedRunReplacesItsSeries() {
    RunMetrics first = hub.forRun("s", "r1", "m", "d");
    first.step(5, 500, 4, 1, 1, 1, 1, 1);
    RunMetrics second = hub.forRun("s", "r1", "m", "d");
    second.step(1, 100, 7, 1, 1, 1, 1, 1);
    first.step(6, 600, 3, 1, 1, 1, 1, 1); // the lost attempt's thread, still running
    Samples samples = Samples.parse(hub.scrape());
    assertEquals(Optional.of(7.0), samples.value("scalinglab_train_loss", RUN_1));
    assertEquals(Optional.of(100.0), samples.value("scalinglab_tokens_total", RUN_1));
  }

  @Test
  void finishedAcceptsTheTrainersStatusesOnly() {
    RunMetrics run = hub.forRun("s", "r1", "m", "d");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> run.finished("ok"));
    assertTrue(e.getMessage().contains("'ok' is not a run status"), e.getMessage());
    assertFalse(run.isFinished());
    assertEquals(Optional.empty(), run.finished("failed"));
    assertEquals(Optional.empty(), run.finished("done"), "a repeated call does nothing");
    assertEquals(
        Optional.of(1.0),
        Samples.parse(hub.scrape())
            .value("scalinglab_runs_finished_total", Map.of("status", "failed")));
    assertTrue(
        Samples.parse(hub.scrape())
            .value("scalinglab_runs_finished_total", Map.of("status", "done"))
            .isEmpty());
    assertThrows(IllegalArgumentException.class, () -> hub.forRun("s", " ", "m", "d"));
  }

  @Test
  void sweepProgressIsExportedUntilClosed() {
    SweepMetrics sweep = hub.forSweep("s");
    assertSame(sweep, hub.forSweep("s"));
    sweep.progress(3, 2, 1, 4, 5000.5, 120);
    Samples samples = Samples.parse(hub.scrape());
    Map<String, Double> states = Map.of("done", 3.0, "running", 2.0, "failed", 1.0, "pending", 4.0);
    states.forEach(
        (state, n) ->
            assertEquals(
                Optional.of(n),
                samples.value("scalinglab_sweep_runs", Map.of("sweep", "s", "state", state))));
    assertEquals(
        Optional.of(5000.5),
        samples.value("scalinglab_sweep_tokens_per_second", Map.of("sweep", "s")));
    assertEquals(
        Optional.of(120.0), samples.value("scalinglab_sweep_eta_seconds", Map.of("sweep", "s")));
    sweep.close();
    assertFalse(hub.scrape().contains("scalinglab_sweep"), hub.scrape());
  }

  @Test
  void theJvmWideInstanceIsOne() {
    assertSame(TrainMetrics.get(), TrainMetrics.get());
    assertEquals(0, TrainMetrics.get().port());
  }
}
