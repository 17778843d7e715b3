package io.scalinglab.core.config;

import com.typesafe.config.Config;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a training JVM exposes its metrics ({@code metrics} in reference.conf).
 *
 * @param port port of the Prometheus scrape endpoint ({@code /metrics}); 0 turns it off. When it is
 *     busy the next free port above it is taken
 * @param host address the endpoint binds to ({@code 0.0.0.0}: every interface)
 * @param pushgateway Pushgateway base URL ({@code http://pushgateway:9091}) that each run's final
 *     metrics are pushed to; empty turns the push off
 * @param pushJob {@code job} label of pushed metrics
 */
public record MetricsSettings(int port, String host, String pushgateway, String pushJob) {
  static final String PORT = "metrics.port";
  static final String HOST = "metrics.host";
  static final String PUSHGATEWAY = "metrics.pushgateway";
  static final String PUSH_JOB = "metrics.push-job";

  static final Check<Long> PORT_CHECK = Check.between(0, 65535);
  static final Check<String> NON_EMPTY = Check.nonEmpty();
  static final Check<String> URL_CHECK =
      new Check<>(
          "must be empty or an http(s) URL with a host, such as http://pushgateway:9091",
          MetricsSettings::isEmptyOrHttpUrl);

  public MetricsSettings {
    PORT_CHECK.require(PORT, (long) port);
    NON_EMPTY.require(HOST, Objects.requireNonNull(host, "host"));
    URL_CHECK.require(PUSHGATEWAY, Objects.requireNonNull(pushgateway, "pushgateway"));
    NON_EMPTY.require(PUSH_JOB, Objects.requireNonNull(pushJob, "pushJob"));
  }

  /** The {@code metrics} section of {@code config}, layered on reference.conf. */
  public static MetricsSettings fromConfig(Config config) {
    return from(Settings.withReference(config));
  }

  /** The {@code metrics} section, read through {@code settings}. */
  public static MetricsSettings from(Settings settings) {
    return new MetricsSettings(
        settings.intValue(PORT, PORT_CHECK),
        settings.string(HOST, NON_EMPTY),
        settings.string(PUSHGATEWAY, URL_CHECK),
        settings.string(PUSH_JOB, NON_EMPTY));
  }

  /** Whether a scrape endpoint is asked for (port above 0). */
  public boolean serves() {
    return port > 0;
  }

  /** Whether runs push their final metrics to a Pushgateway. */
  public boolean pushes() {
    return !pushgateway.isEmpty();
  }

  private static boolean isEmptyOrHttpUrl(String text) {
    if (text.isEmpty()) {
      return true;
    }
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https"))
          && uri.getHost() != null
          && uri.getRawQuery() == null
          && uri.getRawFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
