package io.scalinglab.trainer.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.trainer.train.AdamW;
import io.scalinglab.trainer.train.OptimConfig;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class GptGradientTest {
  /**
   * Central finite differences in float64 against the analytic gradient, for a few elements of
   * every parameter. The token sequence repeats tokens, so the embedding's scatter-add (repeated
   * tokens add their gradients) is checked too. With eps = 1e-5 the central difference's error is
   * O(eps²·|f'''|) ≈ 1e-10 and round-off ≈ 1e-16·|L|/eps ≈ 1e-11, so 1e-6 relative (with a 1e-8
   * absolute floor) leaves room for neither a wrong gradient nor noise.
   */
  @Test
  void everyParameterGroupMatchesFiniteDifferences() {
    for (boolean bias : new boolean[] {true, false}) {
      GptConfig c = new GptConfig(2, 2, 8, 4, 11, bias, true);
      checkModel(new Gpt(c, 5, DataType.DOUBLE));
    }
    checkModel(new Gpt(new GptConfig(1, 2, 8, 4, 11, false, false), 6, DataType.DOUBLE));
  }

  /** Central differences against {@code g}'s gradient for 4 elements of every parameter. */
  static void checkModel(LanguageModel g) {
    int[] x = {3, 3, 7, 3, 1, 10, 1, 1}; // batch 2, block 4, with repeats
    int[] y = {3, 7, 3, 1, 10, 1, 1, 2};
    Map<String, INDArray> grads = g.lossAndGradients(x, y).grads();
    SplittableRandom r = new SplittableRandom(9);
    double eps = 1e-5;
    for (Map.Entry<String, INDArray> e : g.params().entrySet()) {
      INDArray p = e.getValue();
      INDArray grad = grads.get(e.getKey());
      for (int trial = 0; trial < 4; trial++) {
        long i = r.nextLong(p.length());
        double orig = p.getDouble(i);
        p.putScalar(i, orig + eps);
        double up = g.loss(x, y);
        p.putScalar(i, orig - eps);
        double down = g.loss(x, y);
        p.putScalar(i, orig);
        double numeric = (up - down) / (2 * eps);
        double analytic = grad.getDouble(i);
        double err = Math.abs(numeric - analytic);
        assertTrue(
            err <= 1e-8 + 1e-6 * Math.abs(numeric),
            e.getKey() + "[" + i + "]: analytic " + analytic + " numeric " + numeric);
      }
    }
  }

  @Test
  void tinyModelDrivesOneBatchToNearZeroLoss() {
    Gpt g = new Gpt(new GptConfig(2, 2, 32, 8, 20, false, true), 1);
    SplittableRandom r = new SplittableRandom(4);
    int[] x = r.ints(4 * 8, 0, 20).toArray();
    int[] y = r.ints(4 * 8, 0, 20).toArray();
    OptimConfig oc = new OptimConfig(1e-2, 1e-2, 0, 1000, 0.9, 0.95, 1e-8, 0.0, 1.0);
    AdamW opt = new AdamW(oc, g.params());
    double first = g.loss(x, y);
    double loss = first;
    for (int step = 0; step < 300; step++) {
      Gpt.Step s = g.lossAndGradients(x, y);
      opt.step(s.grads(), 1e-2);
      loss = s.loss();
    }
    // 32 random targets are memorised: the loss falls from ln(20) ≈ 3.0 to near 0.
    assertTrue(first > 2.5, "starts near ln(20): " + first);
    assertTrue(
        g.loss(x, y) < 0.05, "after 300 steps: " + g.loss(x, y) + " (last step " + loss + ")");
  }
}
