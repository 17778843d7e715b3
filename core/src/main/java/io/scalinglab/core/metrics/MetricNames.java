package io.scalinglab.core.metrics;

import java.util.List;

/**
 * The metric names and labels Prometheus sees, as {@code registry.scrape()} writes them: Micrometer
 * registers {@code scalinglab.tokens} (base unit tokens), and its Prometheus naming turns dots into
 * underscores, keeps a unit suffix the name already ends in and appends {@code _total} to counters.
 * {@code MetricNamesTest} scrapes a registry to keep this list true; dashboards and alert rules can
 * check their queries against {@link #ALL}.
 */
public final class MetricNames {
  /** Label: the sweep folder ({@code train.sweep}). */
  public static final String SWEEP = "sweep";

  /** Label: the run id. */
  public static final String RUN = "run";

  /** Label: the model's name in its sweep. */
  public static final String MODEL = "model";

  /** Label: the dataset (and subset) the run trains on. */
  public static final String DATASET = "dataset";

  /** Label of {@link #RUNS_FINISHED}: done, diverged or failed. */
  public static final String STATUS = "status";

  /** Label of {@link #SWEEP_RUNS}: done, running, failed or pending. */
  public static final String STATE = "state";

  /** Label of {@link #ID_ESTIMATE}: the activation file the points came from. */
  public static final String ACTIVATION = "activation";

  /** Label of {@link #ID_ESTIMATE}: mle, twonn or pr. */
  public static final String ESTIMATOR = "estimator";

  /** Label of {@link #ID_ESTIMATE}: global or paper. */
  public static final String PROTOCOL = "protocol";

  /** Gauge {sweep, run, model, dataset}: training loss of the last step. */
  public static final String TRAIN_LOSS = "scalinglab_train_loss";

  /** Gauge {sweep, run, model, dataset}: latest validation loss; NaN before the first eval. */
  public static final String VAL_LOSS = "scalinglab_val_loss";

  /** Gauge {sweep, run, model, dataset}: learning rate of the last step. */
  public static final String LEARNING_RATE = "scalinglab_learning_rate";

  /** Gauge {sweep, run, model, dataset}: global gradient norm of the last step, before clipping. */
  public static final String GRAD_NORM = "scalinglab_grad_norm";

  /** Gauge {sweep, run, model, dataset}: training throughput in tokens per second. */
  public static final String TOKENS_PER_SECOND = "scalinglab_tokens_per_second";

  /** Gauge {sweep, run, model, dataset}: model FLOPs utilization, a fraction of peak-flops. */
  public static final String MFU = "scalinglab_mfu";

  /** Gauge {sweep, run, model, dataset}: number of the last optimizer step. */
  public static final String STEP = "scalinglab_step";

  /** Gauge {sweep, run, model, dataset}: wall-clock seconds of the last step. */
  public static final String STEP_SECONDS = "scalinglab_step_seconds";

  /** Counter {sweep, run, model, dataset}: tokens the run has trained on. */
  public static final String TOKENS = "scalinglab_tokens_total";

  /** Counter {sweep, model, dataset, status}: runs this JVM finished. */
  public static final String RUNS_FINISHED = "scalinglab_runs_finished_total";

  /** Gauge {sweep, state}: runs of the sweep in each state, from the driver. */
  public static final String SWEEP_RUNS = "scalinglab_sweep_runs";

  /** Gauge {sweep}: tokens per second over all running runs of the sweep, from the driver. */
  public static final String SWEEP_TOKENS_PER_SECOND = "scalinglab_sweep_tokens_per_second";

  /** Gauge {sweep}: estimated seconds until the sweep finishes, from the driver. */
  public static final String SWEEP_ETA_SECONDS = "scalinglab_sweep_eta_seconds";

  /**
   * Gauge {sweep, run, model, activation, estimator, protocol}: an intrinsic-dimension estimate,
   * pushed to the Pushgateway by the id job ({@link IdMetrics}).
   */
  public static final String ID_ESTIMATE = "scalinglab_id_estimate";

  /** Every exported name, per-run metrics first. */
  public static final List<String> ALL =
      List.of(
          TRAIN_LOSS,
          VAL_LOSS,
          LEARNING_RATE,
          GRAD_NORM,
          TOKENS_PER_SECOND,
          MFU,
          STEP,
          STEP_SECONDS,
          TOKENS,
          RUNS_FINISHED,
          SWEEP_RUNS,
          SWEEP_TOKENS_PER_SECOND,
          SWEEP_ETA_SECONDS,
          ID_ESTIMATE);

  private MetricNames() {}
}
