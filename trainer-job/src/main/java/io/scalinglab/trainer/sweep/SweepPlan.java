package io.scalinglab.trainer.sweep;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.cli.JobOptions;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SweepSettings;
import io.scalinglab.core.config.TrainSettings;
import io.scalinglab.core.error.ConfigException;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.train.RunSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;

/**
 * A sweep config expanded into its runs: the (model, subset) pairs of {@code sweep.design} (every
 * combination, or the model and data axes) times the seeds, each an immutable {@link RunSpec} whose
 * id is a hash of its resolved settings; the pairs at the smallest sizes are trained again with
 * {@code sweep.repeat.seeds}. The order is the pairs' (models, then subsets; for axes the model
 * axis first), then seeds, so the largest work is not all at the end unless the config lists it so.
 */
public final class SweepPlan {
  private SweepPlan() {}

  /**
   * One planned run.
   *
   * @param spec the run, resolved against the prepared dataset
   * @param configJson the run's own resolved config (the sweep's with the run's model, subset and
   *     seed set), from which an executor resolves the same spec
   * @param model a short label of the model size ({@code 2l64w})
   * @param seed the run's seed
   */
  public record Run(RunSpec spec, String configJson, String model, long seed) implements SweepRun {
    @Override
    public String runId() {
      return spec.runId();
    }

    @Override
    public Path runDir() {
      return spec.runDir();
    }

    @Override
    public long parameters() {
      return spec.model().totalParams();
    }

    @Override
    public long workPerStep() {
      return (long) spec.train().batchSize() * spec.train().gradAccum() * spec.model().blockSize();
    }

    @Override
    public int maxSteps() {
      return spec.train().maxSteps();
    }

    @Override
    public void describe(ObjectNode entry) {
      entry.put("model", model);
      entry.put("subset", spec.subset());
      entry.put("seed", seed);
    }
  }

  /**
   * Expands {@code config}'s sweep section.
   *
   * @throws ConfigException if two combinations are the same run (a size listed twice, say)
   * @throws io.scalinglab.core.error.InputException if the dataset is not prepared or lacks a
   *     subset the sweep names
   */
  public static List<Run> expand(ScalinglabConfig config, ResultsStore store) {
    SweepSettings sweep = config.sweep();
    TrainSettings train = config.train();
    List<Map<String, String>> models =
        sweep.models().isEmpty() ? List.of(Map.of()) : sweep.models();
    List<String> subsets = sweep.subsets().isEmpty() ? List.of(train.subset()) : sweep.subsets();
    List<Long> seeds = sweep.seeds().isEmpty() ? List.of(train.seed()) : sweep.seeds();
    List<Pair> pairs = pairs(sweep, models.size(), subsets);
    Map<String, String> seen = new LinkedHashMap<>();
    List<Run> runs = new ArrayList<>();
    Map<Pair, List<Run>> byPair = new LinkedHashMap<>();
    for (Pair pair : pairs) {
      List<Run> pairRuns = new ArrayList<>();
      for (long seed : seeds) {
        pairRuns.add(run(config, store, models, pair, seed, seen));
      }
      byPair.put(pair, pairRuns);
    }
    Set<Pair> repeated = repeated(sweep.repeat(), byPair);
    for (Map.Entry<Pair, List<Run>> e : byPair.entrySet()) {
      runs.addAll(e.getValue());
      if (repeated.contains(e.getKey())) {
        for (long seed : sweep.repeat().seeds()) {
          runs.add(run(config, store, models, e.getKey(), seed, seen));
        }
      }
    }
    return List.copyOf(runs);
  }

  /** One planned run of {@code pair} with {@code seed}; {@code seen} catches repeated runs. */
  private static Run run(
      ScalinglabConfig config,
      ResultsStore store,
      List<Map<String, String>> models,
      Pair pair,
      long seed,
      Map<String, String> seen) {
    SweepSettings sweep = config.sweep();
    TrainSettings train = config.train();
    int m = pair.model();
    String subset = pair.subset();
    List<String> overrides = new ArrayList<>();
    models.get(m).forEach((k, v) -> overrides.add("model." + k + "=" + JobOptions.quote(v)));
    if (!sweep.modelLr().isEmpty()) {
      double lr = sweep.modelLr().get(m);
      overrides.add("train.lr=" + lr);
      overrides.add("train.min-lr=" + train.minLr() * lr / train.lr());
    }
    overrides.add("train.subset=" + JobOptions.quote(subset));
    overrides.add("train.seed=" + seed);
    String where = "sweep.models[" + m + "], subset " + subset + ", seed " + seed;
    ScalinglabConfig runConfig = runConfig(config, overrides, where);
    RunSpec spec = RunSpec.resolve(runConfig, store);
    if (sweep.testing().diverges(spec.model().label())) {
      overrides.addAll(SweepSettings.Testing.DIVERGE);
      runConfig = runConfig(config, overrides, where);
      spec = RunSpec.resolve(runConfig, store);
    }
    String earlier = seen.putIfAbsent(spec.runId(), where);
    if (earlier != null) {
      throw new ConfigException(
          where
              + " is the same run as "
              + earlier
              + " (run id "
              + spec.runId()
              + "): remove the repeated model size, subset or seed from the sweep section"
              + " (sweep.seeds and sweep.repeat.seeds must not share a seed)");
    }
    return new Run(spec, runConfig.toJson(), spec.model().label(), seed);
  }

  /**
   * The pairs {@code repeat} trains again: those whose model is among the smallest models (by
   * non-embedding parameters) or whose subset is among the smallest subsets (by tokens) of the
   * sweep, each side counted over the pairs planned.
   */
  static Set<Pair> repeated(SweepSettings.Repeat repeat, Map<Pair, List<Run>> byPair) {
    if (!repeat.any()) {
      return Set.of();
    }
    Map<Integer, Long> modelSizes = new TreeMap<>();
    Map<String, Long> subsetSizes = new TreeMap<>();
    byPair.forEach(
        (pair, runs) -> {
          RunSpec spec = runs.get(0).spec();
          modelSizes.put(pair.model(), spec.model().nonEmbeddingParams());
          subsetSizes.put(pair.subset(), spec.subsetTokens());
        });
    Set<Integer> smallModels = smallest(modelSizes, repeat.smallest());
    Set<String> smallSubsets = smallest(subsetSizes, repeat.smallest());
    Set<Pair> out = new HashSet<>();
    for (Pair pair : byPair.keySet()) {
      if (smallModels.contains(pair.model()) || smallSubsets.contains(pair.subset())) {
        out.add(pair);
      }
    }
    return out;
  }

  /** The keys of the {@code n} smallest values (ties by key order), or none if only one key. */
  private static <K> Set<K> smallest(Map<K, Long> sizes, int n) {
    if (sizes.size() < 2) {
      return Set.of(); // one size is no axis: nothing is the small end of it
    }
    List<K> keys = new ArrayList<>(sizes.keySet());
    keys.sort(Comparator.comparing(sizes::get));
    return new HashSet<>(keys.subList(0, Math.min(n, keys.size())));
  }

  /**
   * One run's config, checked as a whole: a model size whose settings break a rule across keys
   * (heads that do not divide its width, say) fails here, on the driver, naming the run.
   */
  private static ScalinglabConfig runConfig(
      ScalinglabConfig config, List<String> overrides, String where) {
    try {
      return config.withOverrides(overrides);
    } catch (ConfigException e) {
      throw new ConfigException(where + ": " + e.getMessage(), e);
    }
  }

  /** One (model index, subset) pair of the sweep's design. */
  record Pair(int model, String subset) {}

  /**
   * The (model, subset) pairs {@code sweep.design} asks for: the grid, or the model axis followed
   * by the data axis without the pair they share.
   */
  static List<Pair> pairs(SweepSettings sweep, int models, List<String> subsets) {
    List<Pair> pairs = new ArrayList<>();
    if (!sweep.axes()) {
      for (int m = 0; m < models; m++) {
        for (String subset : subsets) {
          pairs.add(new Pair(m, subset));
        }
      }
      return pairs;
    }
    String modelSubset =
        sweep.modelSubset().isEmpty() ? subsets.get(subsets.size() - 1) : sweep.modelSubset();
    for (int m = 0; m < models; m++) {
      pairs.add(new Pair(m, modelSubset));
    }
    int dataModel = sweep.dataModel() < 0 ? models - 1 : sweep.dataModel();
    for (String subset : subsets) {
      Pair p = new Pair(dataModel, subset);
      if (!pairs.contains(p)) {
        pairs.add(p);
      }
    }
    return pairs;
  }
}
