package io.scalinglab.trainer.train;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.metrics.RunMetrics;
import io.scalinglab.core.metrics.TrainMetrics;

/**
 * Forwards a run's steps to its Prometheus series in this JVM's {@link TrainMetrics} (served on
 * {@code metrics.port}, pushed to {@code metrics.pushgateway} when the run ends).
 */
public final class MetricsListener implements Trainer.Listener {
  private final RunMetrics metrics;

  public MetricsListener(RunMetrics metrics) {
    this.metrics = requireNonNull(metrics, "metrics");
  }

  /**
   * Starts this JVM's metrics with {@code config}'s {@code metrics} section and opens the series of
   * {@code spec}'s run.
   */
  public static MetricsListener start(
      ScalinglabConfig config, RunSpec spec, String sweep, String dataset) {
    return new MetricsListener(
        TrainMetrics.get()
            .start(config.metrics())
            .forRun(sweep, spec.runId(), spec.model().label(), dataset));
  }

  @Override
  public void step(Trainer.StepStats s) {
    metrics.step(
        s.step(),
        s.tokensSeen(),
        s.trainLoss(),
        s.lr(),
        s.gradNorm(),
        s.tokensPerSecond(),
        s.mfu(),
        s.stepSeconds());
    if (!Double.isNaN(s.valLoss())) {
      metrics.eval(s.valLoss());
    }
  }

  @Override
  public void finished(RunResult result) {
    metrics.finished(result.status());
  }

  /** Marks the run failed (an exception stopped it); its series stay for a last scrape. */
  public void failed() {
    if (!metrics.isFinished()) {
      metrics.finished("failed");
    }
  }
}
