package io.scalinglab.core.metrics;

import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalinglab.core.config.MetricsSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The intrinsic-dimension estimates of a sweep as the gauge {@code scalinglab_id_estimate}, pushed
 * to the Pushgateway by the id job once it has estimated the sweep. The id job is a batch job that
 * ends long before a scrape would find it, so a push is how its numbers reach Prometheus and the
 * dashboard; {@code id/estimates.csv} in the store holds the same numbers.
 *
 * <p>The push replaces the group {@code job/<push-job>/sweep/<sweep>/stage/id}, so estimating the
 * sweep again replaces its earlier estimates. Failures are returned and logged, never thrown.
 */
public final class IdMetrics {
  /** The group label that separates the id job's push from the runs' pushes of the same sweep. */
  static final String STAGE = "stage";

  private static final Series<Estimate> SERIES =
      Series.gauge(
          "scalinglab.id.estimate",
          null,
          "Intrinsic dimension estimated from a run's activations",
          e -> e.id);

  /**
   * One estimate.
   *
   * @param run the run id
   * @param model the run's model name in its sweep; empty when unknown
   * @param activation the activation file the points came from ({@code h_final})
   * @param estimator {@code mle}, {@code twonn} or {@code pr}
   * @param protocol {@code global} or {@code paper}
   * @param id the estimated intrinsic dimension
   */
  public record Estimate(
      String run, String model, String activation, String estimator, String protocol, double id) {
    public Estimate {
      Objects.requireNonNull(run, "run");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(activation, "activation");
      Objects.requireNonNull(estimator, "estimator");
      Objects.requireNonNull(protocol, "protocol");
    }
  }

  private IdMetrics() {}

  /**
   * Pushes the estimates of {@code sweep} when {@code settings} names a Pushgateway.
   *
   * @return why the push failed (also logged); empty when it succeeded or nothing was to be pushed
   */
  public static Optional<String> push(
      MetricsSettings settings, String sweep, List<Estimate> estimates) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(sweep, "sweep");
    if (!settings.pushes() || estimates.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> group = new LinkedHashMap<>();
    group.put(MetricNames.SWEEP, sweep);
    group.put(STAGE, "id");
    return Pushgateway.push(settings.pushgateway(), settings.pushJob(), group, text(estimates));
  }

  /**
   * The estimates in the Prometheus text format, without the {@code sweep} label: the Pushgateway's
   * grouping key adds it.
   */
  static String text(List<Estimate> estimates) {
    PrometheusMeterRegistry snapshot = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try {
      for (Estimate e : estimates) {
        SERIES.register(
            snapshot,
            Tags.of(
                MetricNames.RUN, e.run(),
                MetricNames.MODEL, e.model(),
                MetricNames.ACTIVATION, e.activation(),
                MetricNames.ESTIMATOR, e.estimator(),
                MetricNames.PROTOCOL, e.protocol()),
            e);
      }
      return snapshot.scrape();
    } finally {
      snapshot.close();
    }
  }
}
