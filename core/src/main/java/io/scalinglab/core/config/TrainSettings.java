package io.scalinglab.core.config;

import com.typesafe.config.Config;
import io.scalinglab.core.store.LayerOrder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * How one run trains ({@code train} in reference.conf): data, optimizer, evaluation, output.
 *
 * @param dataParallel the Spark tasks a run of at least {@code dataParallelMinParams} parameters
 *     trains on; smaller runs train on one
 * @param dataParallelTransport how those tasks exchange gradients
 */
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
    StopRule stop,
    int patience,
    double minDelta,
    int checkpointInterval,
    int keepCheckpoints,
    int logInterval,
    long seed,
    int threads,
    int dataParallel,
    long dataParallelMinParams,
    DataParallelTransport dataParallelTransport,
    double peakFlops,
    int gpu,
    Activations activations) {

  static final Check<Long> POSITIVE = Check.atLeast(1);
  static final Check<Long> NON_NEGATIVE = Check.atLeast(0);
  static final Check<Double> RATE = Check.interval(0, false, 1, true);
  static final Check<Double> NON_NEG = Check.interval(0, true, Double.MAX_VALUE, true);
  static final Check<Double> BETA = Check.interval(0, true, 1, false);
  static final Check<String> NAME =
      Check.matching(Pattern.compile("[A-Za-z0-9._-]+"), "letters, digits, . _ -");

  /** The hidden states a model of {@code n} layers can give, as the messages list them. */
  static final String LAYER_RULE = "emb, h_0 … h_<n-layer − 1>, h_final, ln_f or all";

  static final Check<String> LAYER =
      Check.matching(Pattern.compile("emb|h_(0|[1-9][0-9]{0,8})|h_final|ln_f|all"), LAYER_RULE);

  /**
   * What to collect for the ID job after training.
   *
   * @param documents validation documents asked for
   * @param perDocument token vectors kept per context window
   * @param windows context windows taken from each document, one after the other (the paper: 1,
   *     each document cut to its first context)
   * @param maxVectors cap on the vectors of one layer
   * @param layers hidden-state names as written ({@code all} not yet expanded)
   */
  public record Activations(
      int documents, int perDocument, int windows, int maxVectors, List<String> layers) {
    public Activations {
      layers = List.copyOf(layers);
    }

    /**
     * The hidden states to write for a model of {@code nLayer} blocks, in the order given, each
     * once: {@code all} becomes {@code emb}, {@code h_0} … {@code h_<nLayer − 1>}, {@code ln_f}.
     *
     * @throws IllegalArgumentException for an {@code h_i} with {@code i ≥ nLayer} (the config check
     *     at load rules it out)
     */
    public List<String> layersFor(int nLayer) {
      Set<String> out = new LinkedHashSet<>();
      for (String name : layers) {
        if (name.equals("all")) {
          for (String state : LayerOrder.hiddenStates(nLayer)) {
            if (!state.equals(LayerOrder.FINAL_BLOCK)) { // the same values as the last h_i
              out.add(state);
            }
          }
        } else if (blockIndex(name) >= nLayer) {
          throw new IllegalArgumentException(
              "hidden state " + name + " needs more than " + nLayer + " layers");
        } else {
          out.add(name);
        }
      }
      return List.copyOf(out);
    }
  }

  /** The block index of {@code h_<i>}, or -1 for any other name. */
  static int blockIndex(String name) {
    return name.startsWith("h_") ? LayerOrder.blockIndex(name).orElse(-1) : -1;
  }

  /** The {@code train} section of {@code config}, layered on reference.conf. */
  public static TrainSettings fromConfig(Config config) {
    return from(Settings.withReference(config));
  }

  /**
   * The {@code train} section, read through {@code settings}, with the checks across keys: the stop
   * rule against the evaluation interval and the step cap, and the activation layers against {@code
   * model.n-layer} of every model the config trains ({@code sweep.models}, or the model section's
   * one model).
   */
  public static TrainSettings from(Settings s) {
    TrainSettings t =
        new TrainSettings(
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
            s.choice("train.stop", StopRule.class),
            s.intValue("train.patience", POSITIVE),
            s.number("train.min-delta", NON_NEG),
            s.intValue("train.checkpoint-interval", POSITIVE),
            s.intValue("train.keep-checkpoints", POSITIVE),
            s.intValue("train.log-interval", POSITIVE),
            s.integer("train.seed", Check.any()),
            s.intValue("train.threads", POSITIVE),
            s.intValue("train.data-parallel", POSITIVE),
            s.integer("train.data-parallel-min-params", NON_NEGATIVE),
            s.choice("train.data-parallel-transport", DataParallelTransport.class),
            s.number("train.peak-flops", Check.interval(0, false, Double.MAX_VALUE, true)),
            s.intValue("train.gpu", Check.atLeast(-1)),
            new Activations(
                s.intValue("train.activations.documents", POSITIVE),
                s.intValue("train.activations.per-document", POSITIVE),
                s.intValue("train.activations.windows", POSITIVE),
                s.intValue("train.activations.max-vectors", POSITIVE),
                s.stringList("train.activations.layers", LAYER)));
    checkSchedule(s, t);
    checkStop(s, t);
    checkLayers(s, t.activations().layers());
    checkDataParallel(s, t);
    return t;
  }

  /**
   * The learning-rate schedule's keys against each other: the cosine decays from {@code train.lr}
   * at the end of warm-up down to {@code train.min-lr} at {@code train.decay-steps}.
   */
  private static void checkSchedule(Settings s, TrainSettings t) {
    if (t.minLr() > t.lr()) {
      throw s.invalid(
          "train.min-lr",
          "must be at most train.lr = "
              + t.lr()
              + ": the rate decays from train.lr down to train.min-lr (equal keeps it constant"
              + " after warm-up)");
    }
    if (t.decaySteps() <= t.warmupSteps()) {
      throw s.invalid(
          "train.decay-steps",
          "must be greater than train.warmup-steps = "
              + t.warmupSteps()
              + ": the decay runs from the end of warm-up to train.decay-steps; raise it or lower"
              + " train.warmup-steps");
    }
  }

  /**
   * A converged run must be able to see {@code patience + 1} evaluations before its cap: the first
   * evaluation is the reference the next {@code patience} must fail to beat.
   */
  private static void checkStop(Settings s, TrainSettings t) {
    if (t.stop() != StopRule.CONVERGED) {
      return;
    }
    long needed = (long) t.evalInterval() * (t.patience() + 1);
    if (needed > t.maxSteps()) {
      throw s.invalid(
          "train.max-steps",
          "with train.stop = converged a run can only stop once it has train.patience + 1 = "
              + (t.patience() + 1)
              + " evaluations every train.eval-interval = "
              + t.evalInterval()
              + " steps, "
              + needed
              + " steps; raise train.max-steps to at least "
              + needed
              + ", or lower train.eval-interval or train.patience");
    }
  }

  /**
   * A run of {@code train.data-parallel} = W tasks cuts every micro-batch into W parts of whole
   * windows, computed by the kernel engine: each part needs a window, and the testbed's regressor
   * and the SameDiff graph train in one task only.
   */
  private static void checkDataParallel(Settings s, TrainSettings t) {
    int w = t.dataParallel();
    if (w == 1) {
      return;
    }
    if (w > t.batchSize()) {
      throw s.invalid(
          "train.data-parallel",
          "each of the "
              + w
              + " tasks computes at least one window of every micro-batch, but train.batch-size"
              + " = "
              + t.batchSize()
              + ": raise train.batch-size to at least "
              + w
              + " or lower train.data-parallel");
    }
    if (s.choice("model.engine", ModelEngine.class) != ModelEngine.KERNEL) {
      throw s.invalid(
          "train.data-parallel",
          "needs model.engine = kernel (the SameDiff graph trains in one task): set"
              + " model.engine = kernel or train.data-parallel = 1");
    }
    if (s.bool("testbed.enabled")) {
      throw s.invalid(
          "train.data-parallel",
          "the testbed's regressor trains in one task: set train.data-parallel = 1");
    }
  }

  /** Each {@code h_i} must exist in every model the config trains. */
  private static void checkLayers(Settings s, List<String> layers) {
    int base = s.intValue("model.n-layer", POSITIVE);
    List<Map<String, String>> models = s.objectList("sweep.models", "model");
    Set<Integer> depths = new TreeSet<>();
    List<String> where = new ArrayList<>();
    if (models.isEmpty()) {
      depths.add(base);
    }
    for (int i = 0; i < models.size(); i++) {
      String text = models.get(i).get("n-layer");
      int depth = text == null ? base : parseDepth(text, base);
      depths.add(depth);
      where.add("sweep.models[" + i + "] has " + depth);
    }
    int shallowest = depths.iterator().next();
    for (String name : layers) {
      if (blockIndex(name) >= shallowest) {
        throw s.invalid(
            "train.activations.layers",
            name
                + " is not a block of a "
                + shallowest
                + "-layer model ("
                + (where.isEmpty()
                    ? "model.n-layer = " + base
                    : String.join(", ", where) + " layers")
                + "); allowed: emb, h_0 … h_"
                + (shallowest - 1)
                + ", h_final, ln_f or all");
      }
    }
  }

  /** A sweep model's n-layer; a malformed one is left to the model section's own check. */
  private static int parseDepth(String text, int fallback) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
