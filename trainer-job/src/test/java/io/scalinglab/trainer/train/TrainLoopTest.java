package io.scalinglab.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.scalinglab.core.config.TrainSettings;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.model.Gpt;
import io.scalinglab.trainer.model.GptConfig;
import io.scalinglab.trainer.model.GptKernel;
import io.scalinglab.trainer.optim.AdamW;
import io.scalinglab.trainer.optim.OptimConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gradient accumulation: a step's loss and gradients are the mean of its micro-batches'; and the
 * stop rule: {@code train.stop = converged} ends a run at the first plateau of its validation loss.
 */
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

  @Test
  void aConvergedRunStopsAtTheFirstPlateauAndAFixedBudgetDoesNot(@TempDir Path tmp) {
    // evaluations every step; the history plateaus at its 5th value (patience 2, min-delta 0.01)
    double[] val = {3.0, 2.0, 1.5, 1.5, 1.5, 1.4, 1.3, 1.2, 1.1, 1.0, 0.9, 0.8};
    String common = "train { eval-interval = 1, max-steps = 12, patience = 2, min-delta = 0.01 }\n";
    List<String> log = new ArrayList<>();
    TrainLoop.Outcome converged =
        scripted(tmp.resolve("c"), common + "train.stop = converged", val, log);
    assertEquals(5, converged.step());
    assertEquals("done", converged.status());
    assertTrue(
        converged.reason().startsWith("converged: the last 2 evaluations"), converged.reason());
    assertTrue(log.stream().anyMatch(l -> l.contains("stops at step 5")), log.toString());

    TrainLoop.Outcome steps = scripted(tmp.resolve("s"), common + "train.stop = steps", val, log);
    assertEquals(12, steps.step());
    assertEquals(null, steps.reason());
    assertEquals(
        Regime.IMPROVING,
        Regime.of(val, 2, 0.01),
        "the same history, read at its end, is still improving");

    double[] falling = {3.0, 2.9, 2.8, 2.7, 2.6, 2.5, 2.4, 2.3, 2.2, 2.1, 2.0, 1.9};
    List<String> capped = new ArrayList<>();
    TrainLoop.Outcome cap =
        scripted(tmp.resolve("f"), common + "train.stop = converged", falling, capped);
    assertEquals(12, cap.step());
    assertEquals(null, cap.reason());
    assertTrue(
        capped.stream().anyMatch(l -> l.startsWith("WARNING run r reached train.max-steps = 12")),
        capped.toString());
  }

  /** Trains the tiny model under {@code hocon} with validation losses {@code val} in turn. */
  private static TrainLoop.Outcome scripted(
      Path dir, String hocon, double[] val, List<String> log) {
    TrainSettings t = TrainSettings.fromConfig(ConfigFactory.parseString(hocon));
    GptKernel gpt = new GptKernel(CONFIG, 3, DataType.FLOAT); // checkpoints hold float32
    int[] x = new SplittableRandom(1).ints(CONFIG.blockSize(), 0, 11).toArray();
    int[] evals = {0};
    TrainLoop.Model model =
        new TrainLoop.Model() {
          @Override
          public Gpt.Step lossAndGradients(int step, int micro) {
            return gpt.lossAndGradients(x, x);
          }

          @Override
          public double validationLoss() {
            return val[evals[0]++];
          }
        };
    ResultsStore store = ResultsStore.open(dir.toUri().toString(), new Configuration());
    OptimConfig oc = OptimConfig.of(t);
    TrainLoop loop =
        new TrainLoop(
            store,
            new org.apache.hadoop.fs.Path(dir.toUri()),
            "r",
            t,
            oc,
            new Trainer.Listener() {},
            log::add,
            true);
    return loop.run(
        model,
        gpt.params(),
        new AdamW(oc, gpt.params()),
        new Trainer.Progress(),
        0,
        System.nanoTime(),
        new TrainLoop.Units(CONFIG.blockSize(), 1, "loss", "tok/s"));
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
