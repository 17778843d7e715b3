package io.scalinglab.trainer.testbed;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.cli.JobOptions;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SweepSettings;
import io.scalinglab.core.config.TestbedSettings;
import io.scalinglab.core.config.TrainSettings;
import io.scalinglab.core.error.ConfigException;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.sweep.SweepRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/**
 * A testbed sweep expanded into its runs. For every d of {@code testbed.dims} and every seed of
 * {@code sweep.seeds}: with {@code testbed.design = axes}, the data axis (the model {@code
 * sweep.models[testbed.data-model]} at every n of {@code testbed.samples}) and the model axis
 * (every model of {@code sweep.models} at {@code testbed.model-samples}), the run they share
 * counted once; with {@code grid}, every model at every n. An empty {@code sweep.models} means the
 * model section's one model.
 */
public final class TestbedPlan {
  private TestbedPlan() {}

  /**
   * One planned run.
   *
   * @param spec the run, resolved
   * @param configJson the run's own config (one d, one n, its model and seed), from which a task
   *     resolves the same spec
   */
  public record Run(TestbedSpec spec, String configJson, long seed) implements SweepRun {
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
      return (long) spec.train().batchSize() * spec.train().gradAccum();
    }

    @Override
    public int maxSteps() {
      return spec.train().maxSteps();
    }

    @Override
    public void describe(ObjectNode entry) {
      entry.put("dataset", spec.dataset());
      entry.put("model", spec.model().label());
      entry.put("train_samples", spec.n());
      entry.put("seed", seed);
    }
  }

  /**
   * Expands the testbed sweep of {@code config}.
   *
   * @throws ConfigException if {@code testbed.enabled} is false or {@code testbed.data-model} is
   *     not an index of {@code sweep.models}
   */
  public static List<Run> expand(ScalinglabConfig config, ResultsStore store) {
    TestbedSettings tb = config.testbed();
    SweepSettings sweep = config.sweep();
    TrainSettings train = config.train();
    if (!tb.enabled()) {
      throw new ConfigException(
          "testbed.enabled is false: this config is not a testbed sweep; set testbed.enabled ="
              + " true (configs/sweeps/manifold-*.conf do)");
    }
    List<Map<String, String>> models =
        sweep.models().isEmpty() ? List.of(Map.of()) : sweep.models();
    int dataModel = tb.dataModel() < 0 ? models.size() - 1 : tb.dataModel();
    if (dataModel >= models.size()) {
      throw new ConfigException(
          "'"
              + tb.dataModel()
              + "' in testbed.data-model is invalid: sweep.models has "
              + models.size()
              + " entries (indices 0.."
              + (models.size() - 1)
              + ", or -1 for the last)");
    }
    List<int[]> pairs = new ArrayList<>(); // (model index, n)
    if (tb.design().equals("grid")) {
      for (int m = 0; m < models.size(); m++) {
        for (int n : tb.samples()) {
          pairs.add(new int[] {m, n});
        }
      }
    } else {
      for (int n : tb.samples()) {
        pairs.add(new int[] {dataModel, n});
      }
      for (int m = 0; m < models.size(); m++) {
        pairs.add(new int[] {m, tb.modelAxisSamples()});
      }
    }
    List<Long> seeds = sweep.seeds().isEmpty() ? List.of(train.seed()) : sweep.seeds();
    Map<String, Run> runs = new LinkedHashMap<>();
    for (int d : tb.dims()) {
      for (int[] pair : pairs) {
        for (long seed : seeds) {
          List<String> overrides = new ArrayList<>();
          models
              .get(pair[0])
              .forEach((k, v) -> overrides.add("model." + k + "=" + JobOptions.quote(v)));
          overrides.add("testbed.dims=[" + d + "]");
          overrides.add("testbed.samples=[" + pair[1] + "]");
          overrides.add("train.seed=" + seed);
          ScalinglabConfig runConfig = config.withOverrides(overrides);
          TestbedSpec spec = TestbedSpec.resolve(runConfig, store);
          runs.putIfAbsent(spec.runId(), new Run(spec, runConfig.toJson(), seed));
        }
      }
    }
    return List.copyOf(runs.values());
  }
}
