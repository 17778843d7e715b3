package io.scalinglab.core.config;

import com.typesafe.config.Config;
import java.util.List;

/** How one run trains ({@code train} in reference.conf): data, optimizer, evaluation, output. */
public record TrainSettings(
    String sweep,
    String subset,
    int batchSize,
    int gradAccum,
    int maxSteps,
    double lr,
    double minLr,
    int warmupSteps,
    int decaySteps,
    double beta1,
    double beta2,
    double eps,
    double weightDecay,
    double gradClip,
    int evalInterval,
    int evalBatches,
    int earlyStopPatience,
    int checkpointInterval,
    int keepCheckpoints,
    int logInterval,
    long seed,
    int threads,
    double peakFlops,
    int gpu,
    Activations activations) {

  static final Check<Long> POSITIVE = Check.atLeast(1);
  static final Check<Long> NON_NEGATIVE = Check.atLeast(0);
  static final Check<Double> RATE = Check.interval(0, false, 1, true);
  static final Check<Double> NON_NEG = Check.interval(0, true, Double.MAX_VALUE, true);
  static final Check<Double> BETA = Check.interval(0, true, 1, false);
  static final Check<String> NAME =
      Check.matching(java.util.regex.Pattern.compile("[A-Za-z0-9._-]+"), "letters, digits, . _ -");

  /** What to collect for the ID job after training. */
  public record Activations(int documents, int perDocument, int maxVectors, List<String> layers) {}

  /** The {@code train} section of {@code config}, layered on reference.conf. */
  public static TrainSettings fromConfig(Config config) {
    return from(Settings.withReference(config));
  }

  /** The {@code train} section, read through {@code settings}. */
  public static TrainSettings from(Settings s) {
    return new TrainSettings(
        s.string("train.sweep", NAME),
        s.string("train.subset", NAME),
        s.intValue("train.batch-size", POSITIVE),
        s.intValue("train.grad-accum", POSITIVE),
        s.intValue("train.max-steps", NON_NEGATIVE),
        s.number("train.lr", RATE),
        s.number("train.min-lr", NON_NEG),
        s.intValue("train.warmup-steps", NON_NEGATIVE),
        s.intValue("train.decay-steps", POSITIVE),
        s.number("train.beta1", BETA),
        s.number("train.beta2", BETA),
        s.number("train.eps", Check.interval(0, false, 1, true)),
        s.number("train.weight-decay", NON_NEG),
        s.number("train.grad-clip", NON_NEG),
        s.intValue("train.eval-interval", POSITIVE),
        s.intValue("train.eval-batches", POSITIVE),
        s.intValue("train.early-stop-patience", NON_NEGATIVE),
        s.intValue("train.checkpoint-interval", POSITIVE),
        s.intValue("train.keep-checkpoints", POSITIVE),
        s.intValue("train.log-interval", POSITIVE),
        s.integer("train.seed", Check.any()),
        s.intValue("train.threads", POSITIVE),
        s.number("train.peak-flops", Check.interval(0, false, Double.MAX_VALUE, true)),
        s.intValue("train.gpu", Check.atLeast(-1)),
        new Activations(
            s.intValue("train.activations.documents", POSITIVE),
            s.intValue("train.activations.per-document", POSITIVE),
            s.intValue("train.activations.max-vectors", POSITIVE),
            s.stringList(
                "train.activations.layers",
                Check.matching(
                    java.util.regex.Pattern.compile("h_final|ln_f"), "h_final or ln_f"))));
  }
}
