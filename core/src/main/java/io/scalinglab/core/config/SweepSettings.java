package io.scalinglab.core.config;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a sweep trains ({@code sweep} in reference.conf): the model family, the data sizes and the
 * seeds whose every combination is one run, and how the driver watches and guards the sweep.
 *
 * @param models one map of {@code model} keys per size (empty: the model section's one model)
 * @param subsets subset names of the prepared dataset (empty: {@code train.subset})
 * @param seeds seeds (empty: {@code train.seed})
 * @param modelLr peak learning rate per entry of {@code models} (empty: {@code train.lr} for all)
 * @param design {@code grid} (every model at every subset) or {@code axes} (the data axis: model
 *     {@code dataModel} at every subset; the model axis: every model at {@code modelSubset})
 * @param dataModel index into {@code models} of the data axis's model; -1 is the last
 * @param modelSubset subset of the model axis; empty is the last of {@code subsets}
 * @param repeat extra seeds for the runs at the smallest sizes
 * @param progressInterval seconds between the driver's progress lines
 * @param lockHeartbeat seconds between refreshes of the sweep lock
 * @param lockStaleAfter seconds after which a lock nobody refreshed is taken over
 * @param testing the fault-injection hook
 */
public record SweepSettings(
    List<Map<String, String>> models,
    List<String> subsets,
    List<Long> seeds,
    List<Double> modelLr,
    String design,
    int dataModel,
    String modelSubset,
    Repeat repeat,
    int progressInterval,
    int lockHeartbeat,
    int lockStaleAfter,
    Testing testing) {

  /**
   * Extra seeds for the runs at the smallest sizes, where one run's noise weighs most on a fit: a
   * run whose model is among the {@code smallest} smallest of {@code sweep.models} (by
   * non-embedding parameters) or whose subset is among the {@code smallest} smallest of {@code
   * sweep.subsets} (by tokens) is trained once more with each of {@code seeds}.
   *
   * @param seeds the extra seeds (empty: none)
   * @param smallest how many of the smallest sizes on each axis
   */
  public record Repeat(List<Long> seeds, int smallest) {
    public Repeat {
      seeds = List.copyOf(seeds);
    }

    /** Whether any run is repeated. */
    public boolean any() {
      return !seeds.isEmpty() && smallest > 0;
    }
  }

  /**
   * Fault injection for tests: a run's task throws after its first step at or past {@code
   * failAtStep} (0 = never; "at or past" because a retry resumes from a checkpoint) on each of its
   * first {@code failAttempts} attempts, if its model label is {@code failModel} or that is empty.
   * The runs of model label {@code divergeModel} ("" = none) train with {@link #DIVERGE} instead,
   * an absurd unclipped learning rate, so a test can watch a run diverge while the sweep goes on.
   */
  public record Testing(int failAtStep, int failAttempts, String failModel, String divergeModel) {
    /**
     * The overrides a run of {@code divergeModel} trains with. LayerNorm's epsilon keeps both
     * engines finite at this rate; one that rounds to 0 in float32 (1e-50) lets a row of equal
     * values give 0/0 in the SameDiff engine (the kernel adds the epsilon in float64 and stays
     * finite), so the hook pins the engine (which is not part of the run id). With the tanh GELU
     * both of SweepIT's runs then diverged within 12 steps; with the erf GELU one stayed finite.
     */
    public static final List<String> DIVERGE =
        List.of(
            "model.engine=samediff",
            "model.layernorm-eps=1e-50",
            "model.gelu=tanh",
            "train.lr=1.0",
            "train.min-lr=1.0",
            "train.warmup-steps=0",
            "train.grad-clip=0",
            "train.weight-decay=0");

    /** Whether a run of model {@code label} is one the hook makes diverge. */
    public boolean diverges(String label) {
      return !divergeModel.isEmpty() && divergeModel.equals(label);
    }

    /** Whether the hook hits a run of model {@code label} at {@code step} on {@code attempt}. */
    public boolean hits(String label, int step, int attempt) {
      return failAtStep > 0
          && step >= failAtStep
          && attempt < failAttempts
          && (failModel.isEmpty() || failModel.equals(label));
    }
  }

  /** Whether the sweep trains two axes rather than the full grid. */
  public boolean axes() {
    return design.equals("axes");
  }

  public SweepSettings {
    models = List.copyOf(models);
    subsets = List.copyOf(subsets);
    seeds = List.copyOf(seeds);
    modelLr = List.copyOf(modelLr);
  }

  /** The {@code sweep} section of {@code config}, layered on reference.conf. */
  public static SweepSettings fromConfig(Config config) {
    return from(Settings.withReference(config));
  }

  /** The {@code sweep} section, read through {@code settings}. */
  public static SweepSettings from(Settings s) {
    Check<Long> positive = Check.atLeast(1);
    SweepSettings settings =
        new SweepSettings(
            s.objectList("sweep.models", "model"),
            s.stringList("sweep.subsets", TrainSettings.NAME),
            s.integerList("sweep.seeds", Check.any()),
            s.numberList("sweep.model-lr", TrainSettings.RATE),
            s.string("sweep.design", Check.matching(Pattern.compile("grid|axes"), "grid or axes")),
            s.intValue("sweep.data-model", Check.atLeast(-1)),
            s.string("sweep.model-subset"),
            new Repeat(
                s.integerList("sweep.repeat.seeds", Check.any()),
                s.intValue("sweep.repeat.smallest", Check.atLeast(0))),
            s.intValue("sweep.progress-interval", positive),
            s.intValue("sweep.lock-heartbeat", positive),
            s.intValue("sweep.lock-stale-after", positive),
            new Testing(
                s.intValue("sweep.testing.fail-at-step", Check.atLeast(0)),
                s.intValue("sweep.testing.fail-attempts", Check.atLeast(0)),
                s.string("sweep.testing.fail-model"),
                s.string("sweep.testing.diverge-model")));
    if (settings.lockStaleAfter() <= settings.lockHeartbeat()) {
      throw s.invalid(
          "sweep.lock-stale-after",
          "must be longer than sweep.lock-heartbeat ("
              + settings.lockHeartbeat()
              + " s), or a live sweep's lock would be taken over");
    }
    if (!settings.modelLr().isEmpty() && settings.modelLr().size() != settings.models().size()) {
      throw s.invalid(
          "sweep.model-lr",
          "has "
              + settings.modelLr().size()
              + " rates for "
              + settings.models().size()
              + " entries of sweep.models; give one per model, or none");
    }
    int models = Math.max(1, settings.models().size());
    if (settings.dataModel() >= models) {
      throw s.invalid(
          "sweep.data-model",
          "sweep.models has "
              + models
              + " entries (indices 0.."
              + (models - 1)
              + ", or -1 for the last)");
    }
    return settings;
  }
}
