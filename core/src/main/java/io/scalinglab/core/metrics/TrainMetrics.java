package io.scalinglab.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalinglab.core.config.MetricsSettings;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics of one JVM that trains: a Prometheus registry, the optional {@code /metrics} endpoint
 * that serves it, and the handles of the runs and sweeps that write to it.
 *
 * <p>There is one per JVM, {@link #get()}. Every Spark task that trains calls {@link #start} with
 * the run's {@code metrics} settings and then {@link #forRun}; all methods are thread-safe, and
 * starting again reuses the running endpoint.
 *
 * <p>Cardinality is bounded: a run's series live while it trains and after it finishes, so that
 * Prometheus scrapes its final values, until more than {@link #MAX_FINISHED_RUNS} newer runs have
 * finished in this JVM; then the oldest finished run's series are removed. A JVM therefore exports
 * at most (runs training now + 64) x 9 per-run series, whatever the length of the sweep. A run
 * started again under the same sweep and run id (a retried task) replaces its earlier series.
 * {@code scalinglab_runs_finished_total} has no {@code run} label and is never removed.
 */
public final class TrainMetrics {
  /** Finished runs whose series stay exported; older ones are removed as newer ones finish. */
  public static final int MAX_FINISHED_RUNS = 64;

  private static final Logger LOG = LoggerFactory.getLogger(TrainMetrics.class);
  private static final TrainMetrics JVM = new TrainMetrics();
  private static final MetricsSettings OFF = new MetricsSettings(0, "0.0.0.0", "", "scalinglab");

  private final PrometheusMeterRegistry registry;
  private final ReentrantReadWriteLock recording = new ReentrantReadWriteLock();
  private final Map<List<String>, RunMetrics> runs = new HashMap<>();
  private final ArrayDeque<RunMetrics> finishedRuns = new ArrayDeque<>();
  private final Map<String, SweepMetrics> sweeps = new HashMap<>();
  private MetricsSettings settings = OFF;
  private ScrapeServer server;
  // the (host, port) asked for: of the running endpoint, or of one that could not be bound
  private List<Object> endpoint;

  /** A separate instance, for tests; code that trains uses {@link #get()}. */
  TrainMetrics() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // all meters here are declared in this package: a clash is a bug to surface in tests
    registry.throwExceptionOnRegistrationFailure();
  }

  /** This JVM's metrics. */
  public static TrainMetrics get() {
    return JVM;
  }

  /**
   * Applies {@code settings}: runs created from now on push to its Pushgateway, and when its port
   * is above 0 and no endpoint runs yet, {@code GET /metrics} is served on that port or, when it is
   * busy, the next free one of the following 100 (logged). An endpoint that is already running is
   * kept, even for another port; one that could not be started is not tried again for the same host
   * and port. A failure to serve is logged, never thrown: the store's metrics.csv holds the same
   * numbers.
   *
   * @return this, to chain {@link #forRun}
   */
  public synchronized TrainMetrics start(MetricsSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    if (!settings.serves()) {
      return this;
    }
    List<Object> asked = List.of(settings.host(), settings.port());
    if (server != null) {
      if (!asked.equals(endpoint)) {
        LOG.warn(
            "metrics endpoint already serves port {}; keeping it rather than {}:{}",
            server.port(),
            settings.host(),
            settings.port());
      }
      return this;
    }
    if (asked.equals(endpoint)) {
      return this;
    }
    endpoint = asked;
    server = ScrapeServer.start(settings.host(), settings.port(), this::scrape).orElse(null);
    return this;
  }

  /** The port {@code /metrics} is served on, or 0 when no endpoint runs. */
  public synchronized int port() {
    return server == null ? 0 : server.port();
  }

  /**
   * Everything this JVM exports, in the Prometheus text format, as {@code /metrics} serves it: read
   * while no run is recording, so a scrape shows every run's values of one step (its step, loss,
   * learning rate … together), never the step of one and the loss of the last.
   */
  public String scrape() {
    recording.writeLock().lock();
    try {
      return registry.scrape();
    } finally {
      recording.writeLock().unlock();
    }
  }

  /**
   * Held (shared) while a run records a step's values: runs record at once, and wait only while
   * {@link #scrape} reads.
   */
  Lock recordLock() {
    return recording.readLock();
  }

  /**
   * The metrics of a run that starts now, registered at once (values NaN until the first step).
   *
   * @param sweep the sweep folder ({@code train.sweep})
   * @param run the run id
   * @param model the model's name in its sweep (a few per sweep: it is a label)
   * @param dataset the dataset and subset trained on (a few per sweep: it is a label)
   */
  public synchronized RunMetrics forRun(String sweep, String run, String model, String dataset) {
    requireLabel(sweep, "sweep");
    requireLabel(run, "run");
    requireLabel(model, "model");
    requireLabel(dataset, "dataset");
    RunMetrics earlier = runs.remove(List.of(sweep, run));
    if (earlier != null) {
      earlier.unregister(registry);
      finishedRuns.remove(earlier);
    }
    RunMetrics metrics = new RunMetrics(this, settings, sweep, run, model, dataset);
    metrics.register(registry);
    runs.put(List.of(sweep, run), metrics);
    return metrics;
  }

  /** The driver's metrics of {@code sweep}: the same handle until it is closed. */
  public synchronized SweepMetrics forSweep(String sweep) {
    requireLabel(sweep, "sweep");
    return sweeps.computeIfAbsent(
        sweep,
        name -> {
          SweepMetrics metrics = new SweepMetrics(this, name);
          metrics.register(registry);
          return metrics;
        });
  }

  /**
   * Stops the endpoint and removes every series, so that a test leaves nothing running; {@link
   * #start} may be called again afterwards.
   */
  public synchronized void close() {
    if (server != null) {
      server.close();
      server = null;
    }
    endpoint = null;
    settings = OFF;
    runs.clear();
    finishedRuns.clear();
    sweeps.clear();
    registry.clear();
  }

  synchronized void finished(RunMetrics run, String status) {
    Counter.builder(RunMetrics.RUNS_FINISHED)
        .description(RunMetrics.RUNS_FINISHED_HELP)
        .tags(
            Tags.of(
                MetricNames.SWEEP, run.sweep(),
                MetricNames.MODEL, run.model(),
                MetricNames.DATASET, run.dataset(),
                MetricNames.STATUS, status))
        .register(registry)
        .increment();
    if (runs.get(List.of(run.sweep(), run.run())) != run) {
      return; // replaced by a later attempt, its series already gone
    }
    finishedRuns.addLast(run);
    while (finishedRuns.size() > MAX_FINISHED_RUNS) {
      RunMetrics oldest = finishedRuns.removeFirst();
      oldest.unregister(registry);
      runs.remove(List.of(oldest.sweep(), oldest.run()), oldest);
    }
  }

  synchronized void closed(SweepMetrics sweep) {
    if (sweeps.remove(sweep.sweep(), sweep)) {
      sweep.unregister(registry);
    }
  }

  private static void requireLabel(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank: it is a metric label");
    }
  }
}
