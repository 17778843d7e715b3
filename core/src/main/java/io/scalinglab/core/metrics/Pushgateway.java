package io.scalinglab.core.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the Prometheus Pushgateway's push API: {@code PUT
 * <base>/metrics/job/<job>/<label>/<value>...} with a text-format body replaces the metrics of that
 * group (github.com/prometheus/pushgateway, "API"). Failures are returned and logged, never thrown.
 */
final class Pushgateway {
  /** The Prometheus text exposition format, as the Pushgateway expects it. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4";

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(Pushgateway.class);
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._~-]+");

  private Pushgateway() {}

  /**
   * The URL that holds the group {@code job} plus {@code grouping}, in the map's order. A value
   * that is empty or holds characters other than {@code A-Z a-z 0-9 . _ ~ -} is written in the
   * Pushgateway's {@code <label>@base64/<url-safe base64>} form, so a slash in a run name cannot
   * split the path.
   */
  static URI groupUri(String base, String job, Map<String, String> grouping) {
    StringBuilder b = new StringBuilder(base.replaceAll("/+$", "")).append("/metrics");
    b.append(segment("job", job));
    grouping.forEach((label, value) -> b.append(segment(label, value)));
    return URI.create(b.toString());
  }

  /**
   * PUTs {@code body} to the group's URL.
   *
   * @return why the push failed; empty when the Pushgateway answered 2xx
   */
  static Optional<String> push(String base, String job, Map<String, String> grouping, String body) {
    URI uri;
    try {
      uri = groupUri(base, job, grouping);
    } catch (IllegalArgumentException e) {
      return failed("push to " + base + " failed: " + e.getMessage());
    }
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", CONTENT_TYPE)
            .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        return failed(
            "push to "
                + uri
                + " failed: HTTP "
                + response.statusCode()
                + " "
                + abbreviate(response.body()));
      }
      LOG.debug("pushed metrics to {}", uri);
      return Optional.empty();
    } catch (IOException e) {
      return failed("push to " + uri + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed("push to " + uri + " was interrupted");
    }
  }

  private static Optional<String> failed(String message) {
    String full = message + " (the store holds the same numbers: metrics.csv, id/estimates.csv)";
    LOG.warn(full);
    return Optional.of(full);
  }

  private static String segment(String label, String value) {
    if (!value.isEmpty() && PLAIN.matcher(value).matches()) {
      return "/" + label + "/" + value;
    }
    String encoded = Base64.getUrlEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    // Base64 of the empty string is empty, which the Pushgateway takes as a missing segment.
    return "/" + label + "@base64/" + (encoded.isEmpty() ? "=" : encoded);
  }

  private static String abbreviate(String text) {
    String oneLine = text.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
  }
}
