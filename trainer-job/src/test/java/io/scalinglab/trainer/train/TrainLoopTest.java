package io.scalinglab.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.trainer.model.Gpt;
import io.scalinglab.trainer.model.GptConfig;
import io.scalinglab.trainer.model.GptKernel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Gradient accumulation: a step's loss and gradients are the mean of its micro-batches'. */
class TrainLoopTest {
  private static final GptConfig CONFIG = new GptConfig(1, 2, 8, 4, 11, false, true);

  @Test
  void accumulatedGradientsAreTheMicroBatchesMean() {
    GptKernel gpt = new GptKernel(CONFIG, 3, DataType.DOUBLE);
    int[][] xs = new int[3][];
    int[][] ys = new int[3][];
    SplittableRandom r = new SplittableRandom(9);
    for (int m = 0; m < 3; m++) {
      xs[m] = r.ints(2 * CONFIG.blockSize(), 0, CONFIG.vocabSize()).toArray();
      ys[m] = r.ints(2 * CONFIG.blockSize(), 0, CONFIG.vocabSize()).toArray();
    }
    TrainLoop.Model model = model(gpt, xs, ys);
    // The expected mean, from each micro-batch on its own (copied: the model reuses its buffers).
    double loss = 0;
    Map<String, INDArray> expected = new LinkedHashMap<>();
    for (int m = 0; m < 3; m++) {
      Gpt.Step s = gpt.lossAndGradients(xs[m], ys[m]);
      loss += s.loss() / 3;
      for (Map.Entry<String, INDArray> g : s.grads().entrySet()) {
        expected.merge(g.getKey(), g.getValue().div(3), INDArray::add);
      }
    }
    Gpt.Step mean = TrainLoop.meanOverMicroBatches(model, 7, 3);
    assertEquals(loss, mean.loss(), 1e-12);
    assertEquals(expected.keySet(), mean.grads().keySet());
    for (String name : expected.keySet()) {
      double err = expected.get(name).sub(mean.grads().get(name)).amaxNumber().doubleValue();
      assertTrue(err < 1e-12, name + ": off by " + err);
    }
  }

  @Test
  void oneMicroBatchIsTheModelsOwnStep() {
    GptKernel gpt = new GptKernel(CONFIG, 3, DataType.DOUBLE);
    int[][] xs = {new SplittableRandom(1).ints(CONFIG.blockSize(), 0, 11).toArray()};
    int[][] ys = {new SplittableRandom(2).ints(CONFIG.blockSize(), 0, 11).toArray()};
    Gpt.Step one = TrainLoop.meanOverMicroBatches(model(gpt, xs, ys), 0, 1);
    assertSame(gpt.lossAndGradients(xs[0], ys[0]).grads(), one.grads(), "no copy");
  }

  /** Micro-batch {@code m} of any step is ({@code xs[m]}, {@code ys[m]}). */
  private static TrainLoop.Model model(GptKernel gpt, int[][] xs, int[][] ys) {
    return new TrainLoop.Model() {
      @Override
      public Gpt.Step lossAndGradients(int step, int micro) {
        return gpt.lossAndGradients(xs[micro], ys[micro]);
      }

      @Override
      public double validationLoss() {
        throw new UnsupportedOperationException("not evaluated here");
      }
    };
  }
}
