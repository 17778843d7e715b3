package io.scalinglab.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * A real Prometheus server or Pushgateway, Debian's builds ({@code prometheus}, {@code
 * prometheus-pushgateway}, {@code promtool}), run as a process on a free loopback port until
 * closed, with Prometheus's HTTP API for queries. A machine without them fails the test that asks:
 * {@code .ci/run} installs them.
 */
final class Prometheus implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final URI uri;
  private final Path log;

  private Prometheus(Process process, URI uri, Path log) {
    this.process = process;
    this.uri = uri;
    this.log = log;
  }

  /** Starts {@code prometheus} on {@code config}, its data under {@code work}, and waits for it. */
  static Prometheus server(Path config, Path work) {
    int port = freePort();
    return start(
        List.of(
            tool("prometheus"),
            "--config.file=" + config,
            "--storage.tsdb.path=" + work.resolve("data"),
            "--web.listen-address=127.0.0.1:" + port),
        URI.create("http://127.0.0.1:" + port),
        work.resolve("prometheus.log"));
  }

  /**
   * Starts {@code prometheus-pushgateway}, its log under {@code work}, and waits for it. Debian's
   * build persists pushed metrics to /var/lib/prometheus by default and restores them at start:
   * this one keeps them in memory, so that it starts empty.
   */
  static Prometheus pushgateway(Path work) {
    int port = freePort();
    return start(
        List.of(
            tool("prometheus-pushgateway"),
            "--persistence.file=",
            "--web.listen-address=127.0.0.1:" + port),
        URI.create("http://127.0.0.1:" + port),
        work.resolve("pushgateway.log"));
  }

  /** {@code host:port} of this server, as a scrape target. */
  String target() {
    return uri.getHost() + ":" + uri.getPort();
  }

  URI uri() {
    return uri;
  }

  /** The last lines of the server's log, for a failing test's message. */
  String log() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** {@code data.result} of an instant query at {@code time}. */
  JsonNode query(String promql, Instant time) {
    return api("/api/v1/query", Map.of("query", promql, "time", seconds(time)));
  }

  /** {@code data.result} of a range query, the way Grafana's time series panels ask. */
  JsonNode queryRange(String promql, Instant start, Instant end, Duration step) {
    return api(
        "/api/v1/query_range",
        Map.of(
            "query",
            promql,
            "start",
            seconds(start),
            "end",
            seconds(end),
            "step",
            Double.toString(step.toMillis() / 1000.0)));
  }

  /** The values of {@code label} on series matching {@code match}, as Grafana's label_values. */
  List<String> labelValues(String label, String match) {
    List<String> out = new ArrayList<>();
    api("/api/v1/label/" + label + "/values", Map.of("match[]", match))
        .forEach(v -> out.add(v.asText()));
    return out;
  }

  /**
   * A copy of the scrape configuration {@code yaml} (deploy/prometheus/prometheus-static.yml) that
   * scrapes every {@code interval} and whose jobs scrape {@code targets} (by job name) instead of
   * the example hosts. Every job of the file must be given targets, so a job added to the file is
   * not silently left out of the test.
   */
  static String pointedAt(String yaml, Map<String, List<String>> targets, Duration interval) {
    Map<String, Object> config =
        new Yaml(new SafeConstructor(new LoaderOptions())).<Map<String, Object>>load(yaml);
    @SuppressWarnings("unchecked")
    Map<String, Object> global =
        (Map<String, Object>) config.computeIfAbsent("global", k -> new LinkedHashMap<>());
    global.put("scrape_interval", interval.toMillis() + "ms");
    global.put("scrape_timeout", interval.toMillis() + "ms");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> jobs = (List<Map<String, Object>>) config.get("scrape_configs");
    List<String> named = new ArrayList<>();
    for (Map<String, Object> job : jobs) {
      String name = job.get("job_name").toString();
      named.add(name);
      List<String> to = targets.get(name);
      if (to == null) {
        throw new AssertionError("the test gives no targets to job " + name);
      }
      job.put("static_configs", List.of(Map.of("targets", to)));
    }
    if (!named.containsAll(targets.keySet())) {
      throw new AssertionError("jobs " + targets.keySet() + " are not all in " + named);
    }
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(new Representer(options), options).dump(config);
  }

  /** What {@code promtool check config file} prints, and whether it passed. */
  record Check(boolean ok, String output) {}

  static Check promtoolCheckConfig(Path file) {
    try {
      Process p =
          new ProcessBuilder(tool("promtool"), "check", "config", file.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("promtool check config " + file + " did not finish");
      }
      return new Check(p.exitValue() == 0, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private JsonNode api(String path, Map<String, String> params) {
    StringBuilder q = new StringBuilder();
    params.forEach(
        (k, v) ->
            q.append(q.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    URI u = uri.resolve(path + "?" + q);
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(20)).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(r.body());
      if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
        throw new AssertionError(u + " answered " + r.statusCode() + ": " + r.body());
      }
      JsonNode data = body.path("data");
      return data.has("result") ? data.path("result") : data;
    } catch (IOException e) {
      throw new UncheckedIOException(u.toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static Prometheus start(List<String> command, URI uri, Path log) {
    Process p;
    try {
      Files.createDirectories(log.getParent());
      p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Prometheus s = new Prometheus(p, uri, log);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError(
            command.get(0) + " exited with " + p.exitValue() + ":\n" + s.log());
      }
      try {
        HttpResponse<Void> r =
            HTTP.send(
                HttpRequest.newBuilder(uri.resolve("/-/ready")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return s;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        s.close();
        throw new AssertionError("interrupted", e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        s.close();
        throw new AssertionError("interrupted", e);
      }
    }
    s.close();
    throw new AssertionError(command.get(0) + " was not ready within " + START_TIMEOUT + s.log());
  }

  /** The absolute path of a tool on the PATH; a missing tool fails, naming what installs it. */
  static String tool(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new AssertionError(
        name
            + " is not on the PATH: PrometheusIT runs Debian's prometheus, promtool and"
            + " prometheus-pushgateway (apt-get install prometheus prometheus-pushgateway; .ci/run"
            + " installs them)");
  }

  private static String seconds(Instant t) {
    return Double.toString(t.toEpochMilli() / 1000.0);
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
