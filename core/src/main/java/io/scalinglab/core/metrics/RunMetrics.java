package io.scalinglab.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalinglab.core.config.MetricsSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;

/**
 * The live metrics of one training run, tagged {@code sweep}, {@code run}, {@code model} and {@code
 * dataset}; obtained from {@link TrainMetrics#forRun}.
 *
 * <p>The run's thread records each step with {@link #step} and each evaluation with {@link #eval},
 * and ends with {@link #finished}, which also pushes the run's final values to the Pushgateway when
 * one is configured. Values are plain volatile fields read by the gauges on scrape, so recording
 * costs a few writes, and waits only while a scrape reads (so a scrape sees one step's values
 * together); one thread records, any number scrape.
 */
public final class RunMetrics {
  /** The statuses {@link #finished} accepts, as the trainer writes them to result.json. */
  public static final Set<String> STATUSES = Set.of("done", "diverged", "failed");

  static final List<Series<RunMetrics>> SERIES =
      List.of(
          Series.gauge(
              "scalinglab.train.loss", null, "Training loss of the last step", r -> r.loss),
          Series.gauge(
              "scalinglab.val.loss",
              null,
              "Latest validation loss (NaN before the first)",
              r -> r.val),
          Series.gauge(
              "scalinglab.learning.rate", null, "Learning rate of the last step", r -> r.lr),
          Series.gauge(
              "scalinglab.grad.norm", null, "Global gradient norm of the last step", r -> r.norm),
          Series.gauge(
              "scalinglab.tokens.per.second", null, "Training tokens per second", r -> r.tps),
          Series.gauge("scalinglab.mfu", null, "Model FLOPs utilization (fraction)", r -> r.mfu),
          Series.gauge("scalinglab.step", null, "Last optimizer step", r -> r.step),
          Series.gauge(
              "scalinglab.step.seconds",
              "seconds",
              "Wall-clock seconds of the last step",
              r -> r.seconds),
          Series.counter("scalinglab.tokens", "tokens", "Tokens trained on", r -> r.tokens));

  static final String RUNS_FINISHED = "scalinglab.runs.finished";
  static final String RUNS_FINISHED_HELP = "Runs finished, by final status";

  private final TrainMetrics hub;
  private final MetricsSettings settings;
  private final String sweep;
  private final String run;
  private final String model;
  private final String dataset;
  private final List<Meter> meters = new ArrayList<>();
  private final AtomicBoolean finished = new AtomicBoolean();

  private volatile double loss = Double.NaN;
  private volatile double val = Double.NaN;
  private volatile double lr = Double.NaN;
  private volatile double norm = Double.NaN;
  private volatile double tps = Double.NaN;
  private volatile double mfu = Double.NaN;
  private volatile double seconds = Double.NaN;
  private volatile double step;
  private volatile double tokens;

  RunMetrics(
      TrainMetrics hub,
      MetricsSettings settings,
      String sweep,
      String run,
      String model,
      String dataset) {
    this.hub = hub;
    this.settings = settings;
    this.sweep = sweep;
    this.run = run;
    this.model = model;
    this.dataset = dataset;
  }

  /**
   * Records one optimizer step, with the numbers the trainer writes to {@code metrics.csv}.
   *
   * @param step number of the step just taken
   * @param tokens tokens the run has trained on so far, this step included (the csv's {@code
   *     tokens} column); the counter follows it and never goes down
   * @param trainLoss training loss of the step
   * @param lr learning rate the step used
   * @param gradNorm global gradient norm, before clipping
   * @param tokensPerSecond training throughput
   * @param mfu model FLOPs utilization, a fraction of {@code train.peak-flops}
   * @param stepSeconds wall-clock seconds the step took
   */
  public void step(
      long step,
      long tokens,
      double trainLoss,
      double lr,
      double gradNorm,
      double tokensPerSecond,
      double mfu,
      double stepSeconds) {
    Lock lock = hub.recordLock();
    lock.lock();
    try {
      this.step = step;
      this.tokens = Math.max(this.tokens, tokens);
      this.loss = trainLoss;
      this.lr = lr;
      this.norm = gradNorm;
      this.tps = tokensPerSecond;
      this.mfu = mfu;
      this.seconds = stepSeconds;
    } finally {
      lock.unlock();
    }
  }

  /** Records a validation loss. */
  public void eval(double valLoss) {
    Lock lock = hub.recordLock();
    lock.lock();
    try {
      this.val = valLoss;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Marks the run finished: counts it in {@code scalinglab_runs_finished_total{status}}, lets its
   * series be evicted once newer runs finish (see {@link TrainMetrics}), and pushes its final
   * values to the Pushgateway when {@code metrics.pushgateway} is set. Later calls do nothing.
   *
   * @param status done, diverged or failed
   * @return why the push failed (it is also logged as a warning); empty when it succeeded, when no
   *     Pushgateway is configured, or on a repeated call. A failed push never fails the run: the
   *     same numbers are in the run's metrics.csv.
   * @throws IllegalArgumentException for a status not in {@link #STATUSES}
   */
  public Optional<String> finished(String status) {
    Objects.requireNonNull(status, "status");
    if (!STATUSES.contains(status)) {
      throw new IllegalArgumentException(
          "'" + status + "' is not a run status: use done, diverged or failed");
    }
    if (!finished.compareAndSet(false, true)) {
      return Optional.empty();
    }
    hub.finished(this, status);
    if (!settings.pushes()) {
      return Optional.empty();
    }
    return Pushgateway.push(
        settings.pushgateway(), settings.pushJob(), groupingKey(), pushBody(status));
  }

  /** The sweep this run belongs to. */
  public String sweep() {
    return sweep;
  }

  /** The run id. */
  public String run() {
    return run;
  }

  /** The model's name in its sweep. */
  public String model() {
    return model;
  }

  /** The dataset the run trains on. */
  public String dataset() {
    return dataset;
  }

  /** Whether {@link #finished} was called. */
  public boolean isFinished() {
    return finished.get();
  }

  /** The Pushgateway group of this run besides its job: sweep, then run. */
  Map<String, String> groupingKey() {
    Map<String, String> key = new LinkedHashMap<>();
    key.put(MetricNames.SWEEP, sweep);
    key.put(MetricNames.RUN, run);
    return key;
  }

  Tags tags() {
    return Tags.of(
        MetricNames.SWEEP,
        sweep,
        MetricNames.RUN,
        run,
        MetricNames.MODEL,
        model,
        MetricNames.DATASET,
        dataset);
  }

  void register(MeterRegistry registry) {
    Tags tags = tags();
    for (Series<RunMetrics> s : SERIES) {
      meters.add(s.register(registry, tags, this));
    }
  }

  void unregister(MeterRegistry registry) {
    meters.forEach(registry::remove);
    meters.clear();
  }

  /**
   * The run's series alone, in the Prometheus text format, without the {@code sweep} and {@code
   * run} labels: the Pushgateway adds those from the grouping key, and a pushed label that repeats
   * a grouping label is an error there.
   */
  String pushBody(String status) {
    PrometheusMeterRegistry snapshot = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try {
      Tags tags = Tags.of(MetricNames.MODEL, model, MetricNames.DATASET, dataset);
      for (Series<RunMetrics> s : SERIES) {
        s.register(snapshot, tags, this);
      }
      Counter.builder(RUNS_FINISHED)
          .description(RUNS_FINISHED_HELP)
          .tags(tags.and(MetricNames.STATUS, status))
          .register(snapshot)
          .increment();
      return snapshot.scrape();
    } finally {
      snapshot.close();
    }
  }
}
