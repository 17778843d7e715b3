package io.scalinglab.core.config;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Objects;

/**
 * How intrinsic dimension is estimated ({@code id} in reference.conf, where each key is
 * documented).
 *
 * @param estimator which estimator
 * @param k neighbours per point for the MLE, at least 2
 * @param combine how pointwise MLEs become one estimate
 * @param unbiased {@code k − 2} instead of {@code k − 1} in the MLE numerator (needs k ≥ 3)
 * @param metric the distance between vectors
 * @param protocol global estimate or the paper's batches
 * @param twonnDiscard share of the largest TwoNN ratios left out, in [0, 1)
 * @param seed seed of every random choice
 * @param nonFinite what rows with NaN or infinite values do
 * @param paper settings of the paper protocol
 * @param global settings of the global protocol
 * @param knn settings of the neighbour search
 * @param positionWindow width in tokens of the per-position ablation's windows
 * @param levelledOffTolerance the relative change of the estimate over the last doubling of n below
 *     which an estimate counts as levelled off, in (0, 1)
 */
public record IdConfig(
    Estimator estimator,
    int k,
    Combine combine,
    boolean unbiased,
    Metric metric,
    Protocol protocol,
    double twonnDiscard,
    long seed,
    NonFinite nonFinite,
    Paper paper,
    Global global,
    Knn knn,
    int positionWindow,
    double levelledOffTolerance) {
  static final String PREFIX = "id.";
  static final Check<Long> K = Check.between(2, 100_000);
  static final Check<Double> DISCARD = Check.interval(0, true, 1, false);
  static final Check<Long> POSITIVE = Check.between(1, Integer.MAX_VALUE);
  static final Check<Long> COUNT = Check.between(0, Integer.MAX_VALUE);
  static final Check<Double> CONFIDENCE = Check.interval(0, false, 1, false);
  static final Check<Long> BLOCK_ROWS = Check.between(16, 8192);
  static final Check<Double> TOLERANCE = Check.interval(0, false, 1, false);

  public IdConfig {
    Objects.requireNonNull(estimator, "estimator");
    K.require(PREFIX + "k", (long) k);
    Objects.requireNonNull(combine, "combine");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(protocol, "protocol");
    DISCARD.require(PREFIX + "twonn-discard", twonnDiscard);
    Objects.requireNonNull(nonFinite, "nonFinite");
    Objects.requireNonNull(paper, "paper");
    Objects.requireNonNull(global, "global");
    Objects.requireNonNull(knn, "knn");
    POSITIVE.require(PREFIX + "ablation.position-window", (long) positionWindow);
    TOLERANCE.require(PREFIX + "levelled-off-tolerance", levelledOffTolerance);
    if (unbiased && k < 3) {
      new Check<Long>("must be >= 3 when id.unbiased is true (the numerator is k - 2)", v -> false)
          .require(PREFIX + "k", (long) k);
    }
  }

  /** The {@code id} section of {@code config}, layered on reference.conf. */
  public static IdConfig fromConfig(Config config) {
    return from(Settings.withReference(config));
  }

  /** The {@code id} section, read through {@code settings}. */
  public static IdConfig from(Settings settings) {
    Estimator estimator = settings.choice(PREFIX + "estimator", Estimator.class);
    int k = settings.intValue(PREFIX + "k", K);
    Combine combine = settings.choice(PREFIX + "combine", Combine.class);
    boolean unbiased = settings.bool(PREFIX + "unbiased");
    if (unbiased && k < 3) {
      throw settings.invalid(PREFIX + "k", "must be >= 3 when id.unbiased is true");
    }
    return new IdConfig(
        estimator,
        k,
        combine,
        unbiased,
        settings.choice(PREFIX + "metric", Metric.class),
        settings.choice(PREFIX + "protocol", Protocol.class),
        settings.number(PREFIX + "twonn-discard", DISCARD),
        settings.integer(PREFIX + "seed", Check.any()),
        settings.choice(PREFIX + "non-finite", NonFinite.class),
        new Paper(
            settings.intValue(PREFIX + "paper.batch-size", POSITIVE),
            settings.intValue(PREFIX + "paper.max-points", COUNT)),
        new Global(
            settings.integerList(PREFIX + "global.k-sweep", K).stream()
                .map(Long::intValue)
                .toList(),
            settings.intValue(PREFIX + "global.bootstrap-resamples", COUNT),
            settings.number(PREFIX + "global.confidence", CONFIDENCE),
            settings.intValue(PREFIX + "global.max-points", COUNT)),
        new Knn(
            settings.intValue(PREFIX + "knn.threads", COUNT),
            settings.intValue(PREFIX + "knn.block-rows", BLOCK_ROWS),
            settings.choice(PREFIX + "knn.engine", Engine.class)),
        settings.intValue(PREFIX + "ablation.position-window", POSITIVE),
        settings.number(PREFIX + "levelled-off-tolerance", TOLERANCE));
  }

  /** This config with other estimator settings, as a command line's flags give them. */
  public IdConfig with(
      Estimator estimator, int k, Combine combine, Metric metric, Protocol protocol) {
    return new IdConfig(
        estimator,
        k,
        combine,
        unbiased,
        metric,
        protocol,
        twonnDiscard,
        seed,
        nonFinite,
        paper,
        global,
        knn,
        positionWindow,
        levelledOffTolerance);
  }

  /** The paper protocol's settings ({@code id.paper}). */
  public record Paper(int batchSize, int maxPoints) {
    public Paper {
      POSITIVE.require(PREFIX + "paper.batch-size", (long) batchSize);
      COUNT.require(PREFIX + "paper.max-points", (long) maxPoints);
    }
  }

  /** The global protocol's settings ({@code id.global}). */
  public record Global(
      List<Integer> kSweep, int bootstrapResamples, double confidence, int maxPoints) {
    public Global {
      kSweep = List.copyOf(Objects.requireNonNull(kSweep, "kSweep"));
      kSweep.forEach(k -> K.require(PREFIX + "global.k-sweep", (long) k));
      COUNT.require(PREFIX + "global.bootstrap-resamples", (long) bootstrapResamples);
      CONFIDENCE.require(PREFIX + "global.confidence", confidence);
      COUNT.require(PREFIX + "global.max-points", (long) maxPoints);
    }
  }

  /** The neighbour search's settings ({@code id.knn}). */
  public record Knn(int threads, int blockRows, Engine engine) {
    public Knn {
      COUNT.require(PREFIX + "knn.threads", (long) threads);
      BLOCK_ROWS.require(PREFIX + "knn.block-rows", (long) blockRows);
      Objects.requireNonNull(engine, "engine");
    }

    /** The worker threads to use: {@link #threads}, or every core when it is 0. */
    public int threadsOrCores() {
      return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
  }

  /** An intrinsic-dimension estimator ({@code id.estimator}). */
  public enum Estimator implements KeyedEnum {
    /** Levina–Bickel maximum likelihood over the k nearest neighbours. */
    MLE("mle"),
    /** Facco et al.'s TwoNN, from the ratio of the two nearest neighbours' distances. */
    TWONN("twonn"),
    /** The participation ratio of the covariance eigenvalues (a linear ID). */
    PR("pr");

    private final String key;

    Estimator(String key) {
      this.key = key;
    }

    @Override
    public String key() {
      return key;
    }
  }

  /** How pointwise MLEs are combined ({@code id.combine}). */
  public enum Combine implements KeyedEnum {
    /** The arithmetic mean: what the paper's code reports. */
    MEAN("mean"),
    /** {@code 1 / mean(1/m)}: MacKay and Ghahramani's correction, scikit-dimension's default. */
    HARMONIC("harmonic");

    private final String key;

    Combine(String key) {
      this.key = key;
    }

    @Override
    public String key() {
      return key;
    }
  }

  /** The distance between two vectors ({@code id.metric}). */
  public enum Metric implements KeyedEnum {
    /** The Euclidean distance. */
    EUCLIDEAN("euclidean"),
    /** The angle between the vectors, arccos of the cosine similarity: a metric on directions. */
    ANGULAR("angular"),
    /** 1 − cosine similarity: not a metric, and about half the angle squared for close vectors. */
    COSINE("cosine");

    private final String key;

    Metric(String key) {
      this.key = key;
    }

    @Override
    public String key() {
      return key;
    }
  }

  /** How points are sampled into estimates ({@code id.protocol}). */
  public enum Protocol implements KeyedEnum {
    /** One estimate over all points, with a bootstrap interval and a sweep over k. */
    GLOBAL("global"),
    /** The authors' shuffled batches, one estimate each, summarised by mean/std/min/max. */
    PAPER("paper");

    private final String key;

    Protocol(String key) {
      this.key = key;
    }

    @Override
    public String key() {
      return key;
    }
  }

  /** What rows with NaN or infinite values do ({@code id.non-finite}). */
  public enum NonFinite implements KeyedEnum {
    /** Fail, naming how many rows and the first of them. */
    FAIL("fail"),
    /** Leave them out and report how many were left out. */
    DROP("drop");

    private final String key;

    NonFinite(String key) {
      this.key = key;
    }

    @Override
    public String key() {
      return key;
    }
  }

  /** Where the neighbour search runs ({@code id.knn.engine}). */
  public enum Engine implements KeyedEnum {
    /** Spark when the master is not local, else this JVM. */
    AUTO("auto"),
    /** Threads in this JVM. */
    LOCAL("local"),
    /** Block pairs as Spark tasks. */
    SPARK("spark");

    private final String key;

    Engine(String key) {
      this.key = key;
    }

    @Override
    public String key() {
      return key;
    }
  }
}
