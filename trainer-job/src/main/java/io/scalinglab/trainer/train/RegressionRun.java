package io.scalinglab.trainer.train;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.config.TrainSettings;
import io.scalinglab.trainer.model.RegressorConfig;
import io.scalinglab.trainer.optim.OptimConfig;
import org.apache.hadoop.fs.Path;

/**
 * Everything a regression run needs, resolved: where it lives, the model, the training settings
 * (optimizer, steps, batch size in samples, evaluation, checkpoints, seed) and the data as arrays.
 *
 * @param trainX training points, {@code n × ambient} row-major
 * @param trainY training labels
 * @param valX validation points, row-major
 * @param valY validation targets: the loss reported is the mean squared error against them
 * @param dataset the name of the data, the results table's {@code dataset}
 * @param describe what the run's manifest and result carry beside the usual fields (the data's
 *     settings): an object, copied in under {@code data}
 * @param resolvedConfigJson the run's whole config, for provenance
 */
public record RegressionRun(
    String runId,
    Path runDir,
    RegressorConfig model,
    TrainSettings train,
    double[] trainX,
    double[] trainY,
    double[] valX,
    double[] valY,
    String dataset,
    ObjectNode describe,
    String resolvedConfigJson) {

  public RegressionRun {
    requireNonNull(runId, "runId");
    requireNonNull(runDir, "runDir");
    requireNonNull(model, "model");
    requireNonNull(train, "train");
    requireNonNull(dataset, "dataset");
    requireNonNull(describe, "describe");
    requireNonNull(resolvedConfigJson, "resolvedConfigJson");
    int d = model.ambient();
    if (trainX.length != (long) trainY.length * d || trainY.length == 0) {
      throw new IllegalArgumentException(
          "training data: "
              + trainX.length
              + " values are not "
              + trainY.length
              + " points of "
              + d);
    }
    if (valX.length != (long) valY.length * d || valY.length == 0) {
      throw new IllegalArgumentException(
          "validation data: " + valX.length + " values are not " + valY.length + " points of " + d);
    }
  }

  /** Training samples. */
  public int n() {
    return trainY.length;
  }

  /** The optimizer settings of {@link #train}. */
  public OptimConfig optim() {
    return OptimConfig.of(train);
  }
}
