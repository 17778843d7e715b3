package io.scalinglab.core.config;

import com.typesafe.config.Config;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the analysis job fits scaling laws and predicts exponents from the intrinsic dimension
 * ({@code analysis} in reference.conf, where each key is documented).
 *
 * @param beta smoothness β of the target function in Havrilla & Liao's theory, > 0
 * @param error whether the loss is compared with the squared or the root error
 * @param lossColumn column of the sweep's results table holding the loss to fit
 * @param modelSize which parameter count is the model size of a model-scaling fit
 * @param huberDelta Huber threshold on log-loss residuals of the offset and Chinchilla fits, > 0
 * @param interval how power-law intervals are computed: Student t (default) or the bootstrap
 * @param resamples bootstrap resamples behind every bootstrap interval, at least 100
 * @param level two-sided level of every interval, in (0, 1)
 * @param seed seed of the bootstrap resampling
 * @param holdout largest points each fit leaves out and predicts; 0 turns the check off
 * @param idEstimator ID estimator whose rows are used ({@code mle}); empty takes any
 * @param idMetric distance metric whose rows are used; empty takes any
 * @param idProtocol sampling protocol whose rows are used; empty takes any
 * @param idK neighbour count whose rows are used; 0 takes any
 */
public record AnalysisConfig(
    double beta,
    TheoryError error,
    String lossColumn,
    ModelSize modelSize,
    double huberDelta,
    IntervalMethod interval,
    int resamples,
    double level,
    long seed,
    int holdout,
    String idEstimator,
    String idMetric,
    String idProtocol,
    int idK) {
  static final Check<Double> POSITIVE = new Check<>("must be > 0", v -> v > 0);
  static final Check<String> COLUMN =
      Check.matching(Pattern.compile("[A-Za-z0-9_.-]+"), "a column name: letters, digits, _ . -");
  static final Check<Long> RESAMPLES = Check.between(100, 1_000_000);
  static final Check<Double> LEVEL = Check.interval(0, false, 1, false);
  static final Check<Long> HOLDOUT = Check.between(0, 1000);
  static final Check<Long> ID_K = Check.between(0, 1_000_000);

  public AnalysisConfig {
    POSITIVE.require("analysis.theory.beta", beta);
    Objects.requireNonNull(error, "error");
    COLUMN.require("analysis.loss-column", Objects.requireNonNull(lossColumn, "lossColumn"));
    Objects.requireNonNull(modelSize, "modelSize");
    POSITIVE.require("analysis.huber-delta", huberDelta);
    Objects.requireNonNull(interval, "interval");
    RESAMPLES.require("analysis.bootstrap.resamples", (long) resamples);
    LEVEL.require("analysis.bootstrap.level", level);
    HOLDOUT.require("analysis.holdout", (long) holdout);
    Objects.requireNonNull(idEstimator, "idEstimator");
    Objects.requireNonNull(idMetric, "idMetric");
    Objects.requireNonNull(idProtocol, "idProtocol");
    ID_K.require("analysis.id.k", (long) idK);
  }

  /** The {@code analysis} section of {@code config}, layered on reference.conf. */
  public static AnalysisConfig fromConfig(Config config) {
    return from(Settings.withReference(config));
  }

  /** The {@code analysis} section, read through {@code settings}. */
  public static AnalysisConfig from(Settings settings) {
    return new AnalysisConfig(
        settings.number("analysis.theory.beta", POSITIVE),
        settings.choice("analysis.theory.error", TheoryError.class),
        settings.string("analysis.loss-column", COLUMN),
        settings.choice("analysis.model-size", ModelSize.class),
        settings.number("analysis.huber-delta", POSITIVE),
        settings.choice("analysis.interval", IntervalMethod.class),
        settings.intValue("analysis.bootstrap.resamples", RESAMPLES),
        settings.number("analysis.bootstrap.level", LEVEL),
        settings.integer("analysis.seed", Check.any()),
        settings.intValue("analysis.holdout", HOLDOUT),
        settings.string("analysis.id.estimator"),
        settings.string("analysis.id.metric"),
        settings.string("analysis.id.protocol"),
        settings.intValue("analysis.id.k", ID_K));
  }

  /** This config with another resample count (tests and quick looks use fewer). */
  public AnalysisConfig withResamples(int n) {
    return new AnalysisConfig(
        beta,
        error,
        lossColumn,
        modelSize,
        huberDelta,
        interval,
        n,
        level,
        seed,
        holdout,
        idEstimator,
        idMetric,
        idProtocol,
        idK);
  }
}
