package io.scalinglab.trainer.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.config.Gelu;
import io.scalinglab.trainer.optim.AdamW;
import io.scalinglab.trainer.optim.OptimConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class GptGradientTest {
  /**
   * Central finite differences in float64 against the analytic gradient, for a few elements of
   * every parameter. The token sequence repeats tokens, so the embedding's scatter-add (repeated
   * tokens add their gradients) is checked too. Plain central differences with eps = 1e-5 err by
   * eps²/6·|f'''|, and f''' is not small here: LayerNorm's derivatives grow as 1/σ³ on rows of
   * small spread σ, which tiny 0.02-scale models have (measured: 2e-8 off on a gradient of 0.01,
   * shrinking 100× per 10× smaller eps, in both engines alike). So the numeric derivative is
   * Richardson's extrapolation (4·D(eps/2) − D(eps))/3, whose error is O(eps⁴·|f⁽⁵⁾|), below 1e-12
   * here, with round-off ≈ 3·1e-16·|L|/eps ≈ 1e-10; 1e-6 relative (with a 1e-8 absolute floor) then
   * leaves room for neither a wrong gradient nor noise. Both GELUs, with and without biases, and
   * with dropout (the loss through one seed's fixed masks).
   */
  @Test
  void everyParameterGroupMatchesFiniteDifferences() {
    for (GptConfig c : configs()) {
      checkModel(new Gpt(c, 5, DataType.DOUBLE));
    }
  }

  /** The models the gradient checks cover. */
  static List<GptConfig> configs() {
    List<GptConfig> cs = new ArrayList<>();
    for (Gelu gelu : Gelu.values()) {
      for (boolean bias : new boolean[] {true, false}) {
        cs.add(new GptConfig(2, 2, 8, 4, 11, bias, true).withNumerics(gelu, 1e-5, 0));
      }
      cs.add(new GptConfig(2, 2, 8, 4, 11, true, true).withNumerics(gelu, 1e-5, 0.25));
    }
    cs.add(new GptConfig(1, 2, 8, 4, 11, false, false));
    return cs;
  }

  /**
   * Central differences against {@code g}'s gradient for 4 elements of every parameter; with
   * dropout, of the loss with one seed's masks.
   */
  static void checkModel(LanguageModel g) {
    int[] x = {3, 3, 7, 3, 1, 10, 1, 1}; // batch 2, block 4, with repeats
    int[] y = {3, 7, 3, 1, 10, 1, 1, 2};
    long seed = 17;
    boolean dropout = g.config().dropout() > 0;
    ToDoubleFunction<LanguageModel> loss =
        m -> dropout ? m.lossAndGradients(x, y, seed).loss() : m.loss(x, y);
    Map<String, INDArray> grads = new LinkedHashMap<>();
    g.lossAndGradients(x, y, seed).grads().forEach((k, v) -> grads.put(k, v.dup()));
    SplittableRandom r = new SplittableRandom(9);
    double eps = 1e-5;
    for (Map.Entry<String, INDArray> e : g.params().entrySet()) {
      INDArray p = e.getValue();
      INDArray grad = grads.get(e.getKey());
      for (int trial = 0; trial < 4; trial++) {
        long i = r.nextLong(p.length());
        double numeric = (4 * central(g, loss, p, i, eps / 2) - central(g, loss, p, i, eps)) / 3;
        double analytic = grad.getDouble(i);
        double err = Math.abs(numeric - analytic);
        assertTrue(
            err <= 1e-8 + 1e-6 * Math.abs(numeric),
            g.config()
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

  /** (f(p + h) − f(p − h)) / 2h for element {@code i} of {@code p}, which it leaves as it was. */
  private static double central(
      LanguageModel g, ToDoubleFunction<LanguageModel> loss, INDArray p, long i, double h) {
    double orig = p.getDouble(i);
    p.putScalar(i, orig + h);
    double up = loss.applyAsDouble(g);
    p.putScalar(i, orig - h);
    double down = loss.applyAsDouble(g);
    p.putScalar(i, orig);
    return (up - down) / (2 * h);
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
