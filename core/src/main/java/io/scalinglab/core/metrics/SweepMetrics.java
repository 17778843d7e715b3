package io.scalinglab.core.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The sweep driver's view of one sweep, tagged {@code sweep}: runs by state, total throughput and
 * the estimated time left; obtained from {@link TrainMetrics#forSweep}. The driver calls {@link
 * #progress} with each progress line it prints.
 */
public final class SweepMetrics implements AutoCloseable {
  private final TrainMetrics hub;
  private final String sweep;
  private final List<Meter> meters = new ArrayList<>();

  private volatile double done;
  private volatile double running;
  private volatile double failed;
  private volatile double pending;
  private volatile double tokensPerSecond = Double.NaN;
  private volatile double etaSeconds = Double.NaN;

  SweepMetrics(TrainMetrics hub, String sweep) {
    this.hub = hub;
    this.sweep = sweep;
  }

  /**
   * Records the sweep's progress.
   *
   * @param done runs finished (done or diverged)
   * @param running runs training now
   * @param failed runs that failed
   * @param pending runs not started yet
   * @param tokensPerSecond tokens per second over all running runs
   * @param etaSeconds estimated seconds until the sweep ends; NaN when unknown
   */
  public void progress(
      int done, int running, int failed, int pending, double tokensPerSecond, double etaSeconds) {
    this.done = done;
    this.running = running;
    this.failed = failed;
    this.pending = pending;
    this.tokensPerSecond = tokensPerSecond;
    this.etaSeconds = etaSeconds;
  }

  /** The sweep's name. */
  public String sweep() {
    return sweep;
  }

  /** Removes the sweep's series; a later {@link TrainMetrics#forSweep} starts them afresh. */
  @Override
  public void close() {
    hub.closed(this);
  }

  void register(MeterRegistry registry) {
    Tags tags = Tags.of(MetricNames.SWEEP, sweep);
    Map<String, ToDoubleFunction<SweepMetrics>> states = new LinkedHashMap<>();
    states.put("done", s -> s.done);
    states.put("running", s -> s.running);
    states.put("failed", s -> s.failed);
    states.put("pending", s -> s.pending);
    states.forEach(
        (state, value) ->
            meters.add(
                Series.gauge("scalinglab.sweep.runs", null, "Runs of the sweep, by state", value)
                    .register(registry, tags.and(MetricNames.STATE, state), this)));
    meters.add(
        Series.<SweepMetrics>gauge(
                "scalinglab.sweep.tokens.per.second",
                null,
                "Tokens per second over the sweep's running runs",
                s -> s.tokensPerSecond)
            .register(registry, tags, this));
    meters.add(
        Series.<SweepMetrics>gauge(
                "scalinglab.sweep.eta",
                "seconds",
                "Estimated seconds until the sweep ends",
                s -> s.etaSeconds)
            .register(registry, tags, this));
  }

  void unregister(MeterRegistry registry) {
    meters.forEach(registry::remove);
    meters.clear();
  }
}
