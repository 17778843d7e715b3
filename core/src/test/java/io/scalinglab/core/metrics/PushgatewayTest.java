package io.scalinglab.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.scalinglab.core.config.MetricsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pushes land on a stand-in Pushgateway: a JDK HTTP server that records each request. */
class PushgatewayTest {
  record Request(String method, String path, String contentType, String body) {}

  private final TrainMetrics hub = new TrainMetrics();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private HttpServer gateway;

  @BeforeEach
  void startGateway() throws IOException {
    gateway = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    gateway.createContext(
        "/",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            requests.add(
                new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            byte[] answer = (status == 200 ? "" : "text format parsing error").getBytes();
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
              exchange.getResponseBody().write(answer);
            }
          } finally {
            exchange.close();
          }
        });
    gateway.start();
  }

  @AfterEach
  void stop() {
    hub.close();
    gateway.stop(0);
  }

  private String gatewayUrl() {
    return "http://127.0.0.1:" + gateway.getAddress().getPort() + "/";
  }

  @Test
  void aFinishedRunPutsItsSeriesUnderItsGroup() {
    hub.start(new MetricsSettings(0, "127.0.0.1", gatewayUrl(), "scalinglab"));
    RunMetrics run = hub.forRun("sweep1", "run-7", "m", "d");
    hub.forRun("sweep1", "other", "m", "d").step(1, 1, 99, 1, 1, 1, 1, 1);
    run.step(20, 2048, 2.75, 6e-5, 0.25, 1000, 0.5, 2);
    run.eval(2.875);

    assertEquals(Optional.empty(), run.finished("diverged"));

    assertEquals(1, requests.size());
    Request put = requests.get(0);
    assertEquals("PUT", put.method());
    assertEquals("/metrics/job/scalinglab/sweep/sweep1/run/run-7", put.path());
    assertEquals("text/plain; version=0.0.4", put.contentType());
    Samples body = Samples.parse(put.body());
    Map<String, String> labels = Map.of("model", "m", "dataset", "d");
    assertEquals(Optional.of(2.75), body.value("scalinglab_train_loss", labels));
    assertEquals(Optional.of(2.875), body.value("scalinglab_val_loss", labels));
    assertEquals(Optional.of(2048.0), body.value("scalinglab_tokens_total", labels));
    assertEquals(
        Optional.of(1.0),
        body.value("scalinglab_runs_finished_total", Map.of("status", "diverged")));
    for (Samples.Sample s : body.all()) {
      assertFalse(s.labels().containsKey("sweep"), "the grouping key carries sweep: " + s);
      assertFalse(s.labels().containsKey("run"), "the grouping key carries run: " + s);
      assertTrue(s.value() != 99, "another run's series was pushed: " + s);
    }
  }

  @Test
  void theIdJobsEstimatesReplaceTheSweepsIdGroup() {
    MetricsSettings settings = new MetricsSettings(0, "127.0.0.1", gatewayUrl(), "scalinglab");
    List<IdMetrics.Estimate> estimates =
        List.of(
            new IdMetrics.Estimate("run-1", "4l128w", "h_final", "mle", "global", 11.25),
            new IdMetrics.Estimate("run-1", "4l128w", "h_final", "mle", "paper", 12.5));

    assertEquals(Optional.empty(), IdMetrics.push(settings, "sweep1", estimates));

    assertEquals(1, requests.size());
    Request put = requests.get(0);
    assertEquals("PUT", put.method());
    assertEquals("/metrics/job/scalinglab/sweep/sweep1/stage/id", put.path());
    Samples body = Samples.parse(put.body());
    Map<String, String> labels =
        Map.of(
            "run", "run-1",
            "model", "4l128w",
            "activation", "h_final",
            "estimator", "mle",
            "protocol", "paper");
    assertEquals(Optional.of(12.5), body.value("scalinglab_id_estimate", labels));
    assertEquals(2, body.all().size(), put.body());
    body.all().forEach(s -> assertFalse(s.labels().containsKey("sweep"), s.toString()));
    assertEquals(
        Optional.empty(),
        IdMetrics.push(new MetricsSettings(0, "127.0.0.1", "", "j"), "sweep1", estimates));
    assertEquals(1, requests.size(), "no Pushgateway, no request");
  }

  @Test
  void noPushgatewayMeansNoRequest() {
    hub.start(new MetricsSettings(0, "127.0.0.1", "", "scalinglab"));
    assertEquals(Optional.empty(), hub.forRun("s", "r", "m", "d").finished("done"));
    assertTrue(requests.isEmpty());
  }

  @Test
  void anErrorAnswerIsReturnedNotThrown() {
    status = 400;
    hub.start(new MetricsSettings(0, "127.0.0.1", gatewayUrl(), "scalinglab"));
    Optional<String> failure = hub.forRun("s", "r", "m", "d").finished("done");
    assertTrue(failure.isPresent());
    assertTrue(failure.get().contains("HTTP 400 text format parsing error"), failure.get());
  }

  @Test
  void anUnreachablePushgatewayIsReturnedNotThrown() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closed = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closed;
    hub.start(new MetricsSettings(0, "127.0.0.1", url, "scalinglab"));
    RunMetrics run = hub.forRun("s", "r", "m", "d");
    Optional<String> failure = run.finished("failed");
    assertTrue(failure.isPresent());
    assertTrue(failure.get().startsWith("push to " + url + "/metrics/job/"), failure.get());
    assertTrue(run.isFinished(), "the run is counted even when the push fails");
  }

  @Test
  void labelValuesThatCannotBePathSegmentsAreBase64() {
    Map<String, String> grouping = new LinkedHashMap<>();
    grouping.put("sweep", "a/b");
    grouping.put("run", "");
    grouping.put("model", "gpt-2.small_1");
    assertEquals(
        URI.create(
            "http://h:9091/x/metrics/job/j/sweep@base64/YS9i/run@base64/=/model/gpt-2.small_1"),
        Pushgateway.groupUri("http://h:9091/x//", "j", grouping));
  }
}
