package io.scalinglab.trainer.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.config.ModelSettings;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.TestbedSettings;
import io.scalinglab.core.config.TrainSettings;
import io.scalinglab.core.error.ConfigException;
import io.scalinglab.core.store.Ids;
import io.scalinglab.core.store.Json;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.model.RegressorConfig;
import io.scalinglab.trainer.train.RegressionRun;
import io.scalinglab.trainer.train.RunSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.fs.Path;

/**
 * One testbed run, resolved from a config whose {@code testbed.dims} and {@code testbed.samples}
 * name one d and one n (a sweep sets them per run): the dataset, the model, the training settings
 * and the run's id and folder. The id is the dataset, the model label and a hash of what changes
 * the result (the problem, d, n, the model's shape, the training settings but not how they are
 * shown or stored), so the same run started again finds its folder and resumes.
 */
public record TestbedSpec(
    String runId,
    Path runDir,
    String dataset,
    int d,
    int n,
    RegressorConfig model,
    TrainSettings train,
    TestbedSettings testbed,
    String resolvedConfigJson) {

  private static final ObjectMapper JSON = Json.MAPPER;

  /**
   * Keys of the train section that do not change a testbed run: the corpus runs' presentation keys,
   * and those a testbed run does not read (the subset, evaluation batches, activations).
   */
  private static final List<String> IGNORED =
      Stream.concat(
              RunSpec.PRESENTATION_KEYS.stream(),
              Stream.of("subset", "eval-batches", "activations"))
          .toList();

  /** Keys of the testbed section that choose runs rather than describe one. */
  private static final String[] PLANNING = {
    "enabled", "dims", "samples", "design", "data-model", "model-samples"
  };

  /**
   * Resolves the run {@code config} describes.
   *
   * @throws ConfigException if the config names more than one d or n
   */
  public static TestbedSpec resolve(ScalinglabConfig config, ResultsStore store) {
    TestbedSettings tb = config.testbed();
    TrainSettings t = config.train();
    ModelSettings m = config.model();
    if (tb.dims().size() != 1 || tb.samples().size() != 1) {
      throw new ConfigException(
          "a testbed run trains one dimension and one training set size, but testbed.dims is "
              + tb.dims()
              + " and testbed.samples is "
              + tb.samples()
              + ": set one of each for a single run (a sweep expands the lists)");
    }
    int d = tb.dims().get(0);
    int n = tb.samples().get(0);
    RegressorConfig model =
        new RegressorConfig(
            m.nLayer(),
            m.nHead(),
            m.nEmbd(),
            tb.ambient(),
            tb.tokenWidth(),
            m.bias(),
            RegressorConfig.Pooling.of(tb.pooling()));

    ObjectNode identity = JSON.createObjectNode();
    ObjectNode problem = (ObjectNode) tree(config.sectionJson("testbed"));
    problem.remove(List.of(PLANNING));
    identity.set("testbed", problem);
    identity.put("d", d);
    identity.put("n", n);
    ObjectNode shape = identity.putObject("model");
    shape.put("n-layer", m.nLayer());
    shape.put("n-head", m.nHead());
    shape.put("n-embd", m.nEmbd());
    shape.put("bias", m.bias());
    ObjectNode train = (ObjectNode) tree(config.sectionJson("train"));
    train.remove(IGNORED);
    identity.set("train", train);
    String dataset = tb.datasetName(d);
    String runId = dataset + "-" + model.label() + "-" + Ids.hash(Ids.canonicalJson(identity), 12);
    return new TestbedSpec(
        runId, store.runDir(t.sweep(), runId), dataset, d, n, model, t, tb, config.toJson());
  }

  /** The run with its data drawn: the problem's training set of n for this seed, its validation. */
  public RegressionRun toRun(TestbedProblem problem) {
    TestbedProblem.Split tr = problem.training(n, train.seed());
    TestbedProblem.Split val = problem.validation();
    return new RegressionRun(
        runId,
        runDir,
        model,
        train,
        tr.x(),
        tr.y(),
        val.x(),
        val.y(),
        dataset,
        describe(),
        resolvedConfigJson);
  }

  /** The data's settings, as the run's manifest and result carry them. */
  public ObjectNode describe() {
    ObjectNode o = JSON.createObjectNode();
    o.put("kind", "testbed");
    o.put("dataset", dataset);
    o.put("manifold", testbed.manifold());
    o.put("intrinsic_dim", d);
    o.put("ambient", testbed.ambient());
    o.put("token_width", testbed.tokenWidth());
    o.put("frequency", testbed.frequency());
    o.put("ambient_noise", testbed.ambientNoise());
    o.put("data_seed", testbed.dataSeed());
    o.put("beta", testbed.target().beta());
    o.put("bumps", testbed.target().bumps());
    o.put("radius", testbed.target().radius());
    o.put("label_noise", testbed.target().labelNoise());
    o.put("train_samples", n);
    o.put("val_samples", testbed.valSamples());
    return o;
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
