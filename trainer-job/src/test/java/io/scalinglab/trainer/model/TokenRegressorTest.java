package io.scalinglab.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.trainer.model.RegressorConfig.Pooling;
import io.scalinglab.trainer.optim.AdamW;
import io.scalinglab.trainer.optim.OptimConfig;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class TokenRegressorTest {
  /**
   * Central finite differences in float64 against the analytic gradient for a few elements of every
   * parameter, with and without biases, for both poolings: the tolerance argument of {@link
   * GptGradientTest} (eps = 1e-5: truncation ~1e-10, round-off ~1e-11) gives 1e-6 relative with a
   * 1e-8 absolute floor.
   */
  @Test
  void everyParameterGroupMatchesFiniteDifferences() {
    for (boolean bias : new boolean[] {true, false}) {
      for (Pooling pooling : Pooling.values()) {
        RegressorConfig c = new RegressorConfig(2, 2, 8, 12, 3, bias, pooling);
        TokenRegressor m = new TokenRegressor(c, 5, DataType.DOUBLE);
        SplittableRandom r = new SplittableRandom(3);
        double[] x = r.doubles(3 * 12, -1, 1).toArray();
        double[] y = r.doubles(3, -1, 1).toArray();
        Map<String, INDArray> grads = m.lossAndGradients(x, y).grads();
        double eps = 1e-5;
        for (Map.Entry<String, INDArray> e : m.params().entrySet()) {
          INDArray p = e.getValue();
          for (int trial = 0; trial < 3; trial++) {
            long i = r.nextLong(p.length());
            double orig = p.getDouble(i);
            p.putScalar(i, orig + eps);
            double up = m.loss(x, y);
            p.putScalar(i, orig - eps);
            double down = m.loss(x, y);
            p.putScalar(i, orig);
            double numeric = (up - down) / (2 * eps);
            double analytic = grads.get(e.getKey()).getDouble(i);
            assertTrue(
                Math.abs(numeric - analytic) <= 1e-8 + 1e-6 * Math.abs(numeric),
                pooling
                    + " bias "
                    + bias
                    + " "
                    + e.getKey()
                    + "["
                    + i
                    + "]: analytic "
                    + analytic
                    + " numeric "
                    + numeric);
          }
        }
      }
    }
  }

  @Test
  void changingTheLastTokenChangesTheFirstPosition() {
    // an encoder: the first token attends to the last, unlike the GPT, where earlier positions
    // stay bit-identical (GptTest)
    RegressorConfig c = new RegressorConfig(1, 2, 16, 16, 4, false, Pooling.FIRST);
    TokenRegressor m = new TokenRegressor(c, 3);
    double[] x = new SplittableRandom(1).doubles(16, -1, 1).toArray();
    INDArray before = m.hidden(x, TokenRegressor.FINAL_BLOCK).dup();
    double firstPrediction = m.predict(x)[0];
    x[15] += 0.5; // a coordinate of the last token
    INDArray after = m.hidden(x, TokenRegressor.FINAL_BLOCK);
    assertTrue(before.getRow(0).sub(after.getRow(0)).norm2Number().doubleValue() > 1e-6);
    assertTrue(m.predict(x)[0] != firstPrediction, "the first-token head sees the last token");
  }

  @Test
  void graphHoldsExactlyTheCountedParameters() {
    for (boolean bias : new boolean[] {true, false}) {
      RegressorConfig c = new RegressorConfig(2, 4, 32, 32, 4, bias, Pooling.MEAN);
      long n =
          new TokenRegressor(c, 1).params().values().stream().mapToLong(INDArray::length).sum();
      assertEquals(c.totalParams(), n);
      // a block of width c: 12·c² weights, plus 2·c LayerNorm gains, or 13·c with every bias
      long blocks = 2 * (12L * 32 * 32 + (bias ? 13L * 32 : 2L * 32));
      assertEquals(blocks + (bias ? 64 : 32) + (bias ? 33 : 32), c.nonEmbeddingParams());
    }
  }

  @Test
  void lossFallsOnAnEasyTarget() {
    // y = sum of the first token's coordinates, learnable exactly by a linear path through the
    // residual stream: 300 AdamW steps on 64 fixed points bring the mean squared error from the
    // target's variance (4/3 for a sum of 4 uniforms on [-1, 1]) to below 5% of it
    RegressorConfig c = new RegressorConfig(2, 2, 32, 16, 4, false, Pooling.MEAN);
    TokenRegressor m = new TokenRegressor(c, 1);
    SplittableRandom r = new SplittableRandom(4);
    double[] x = r.doubles(64 * 16, -1, 1).toArray();
    double[] y = new double[64];
    for (int i = 0; i < 64; i++) {
      for (int j = 0; j < 4; j++) {
        y[i] += x[i * 16 + j];
      }
    }
    AdamW opt =
        new AdamW(new OptimConfig(3e-3, 3e-3, 0, 1000, 0.9, 0.95, 1e-8, 0.0, 1.0), m.params());
    double first = m.loss(x, y);
    for (int step = 0; step < 300; step++) {
      opt.step(m.lossAndGradients(x, y).grads(), 3e-3);
    }
    double last = m.loss(x, y);
    assertTrue(first > 0.8, "starts near the target's variance: " + first);
    assertTrue(last < 0.05 * first, "after 300 steps: " + last + " from " + first);
  }
}
